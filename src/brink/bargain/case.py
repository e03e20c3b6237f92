"""The input of every bargaining model: actors × issues arrays.

A ``Case`` holds, for ``n`` actors and ``m`` issues, the actors' positions,
saliences and capabilities as ``(n, m)`` float arrays, plus a boolean mask of
which actor takes part in which issue (an actor absent from an issue has NaN
there and ``mask`` False). Models take plain arrays; this class only keeps the
names and provenance next to them so that results can be labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Case:
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    position: np.ndarray  # (n, m), NaN where absent
    salience: np.ndarray  # (n, m), in [0, 1]
    capability: np.ndarray  # (n, m), > 0
    labels: tuple[str, ...] = ()  # human label of each issue
    scale: tuple[tuple[float, float], ...] = ()  # (low, high) of each issue's position scale
    source: str = ""  # file or scenario the problem was read from
    actor_labels: tuple[str, ...] = ()
    provenance: dict = field(default_factory=dict)  # (actor, issue, field) -> (evidence, assumption)

    def __post_init__(self):
        n, m = len(self.actors), len(self.issues)
        for name in ("position", "salience", "capability"):
            arr = getattr(self, name)
            if arr.shape != (n, m):
                raise ValueError(f"{name} has shape {arr.shape}, expected {(n, m)}")
        if not self.labels:
            object.__setattr__(self, "labels", tuple(self.issues))
        if not self.scale:
            sc = []
            for d in range(m):
                col = self.position[:, d]
                col = col[~np.isnan(col)]
                sc.append((float(col.min()), float(col.max())) if col.size else (0.0, 100.0))
            object.__setattr__(self, "scale", tuple(sc))
        if not self.actor_labels:
            object.__setattr__(self, "actor_labels", tuple(self.actors))

    @property
    def mask(self) -> np.ndarray:
        return ~np.isnan(self.position)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def n_issues(self) -> int:
        return len(self.issues)

    def problems(self) -> list[str]:
        """What makes the case unfit for the models, one message per issue and kind ("" source
        prefix left to the caller): fewer than two actors, a value that is not finite, a salience
        outside [0, 1], a negative capability, or no actor with weight (capability × salience). A
        capability of 0 is legal: the simulation sets a mediator's to 0 when its channel closes, and
        the actor then simply weighs nothing on the issue."""
        out = []
        for d, iss in enumerate(self.issues):
            idx, x, s, c = self.issue(d)
            name = f"issue {iss!r}"
            if len(idx) < 2:
                out.append(f"{name}: has {len(idx)} actor{'s' if len(idx) != 1 else ''}; a bargain needs at least two")
                continue
            if not (np.isfinite(x).all() and np.isfinite(s).all() and np.isfinite(c).all()):
                out.append(f"{name}: a position, salience or capability is not a finite number")
                continue
            if ((s < 0) | (s > 1)).any():
                out.append(f"{name}: saliences must be in [0, 1], got {', '.join(f'{v:g}' for v in s)}")
            if (c < 0).any():
                out.append(f"{name}: capabilities must be 0 or above, got {', '.join(f'{v:g}' for v in c)}")
            elif (s == 0).all():
                out.append(f"{name}: every actor's salience is 0, so nothing weighs on the outcome")
            elif (s * c == 0).all():
                out.append(f"{name}: no actor has both capability and salience above 0, so nothing weighs on the outcome")
        return out

    def issue(self, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return (actor indices, position, salience, capability) of issue ``d``'s participants."""
        idx = np.flatnonzero(self.mask[:, d])
        return idx, self.position[idx, d], self.salience[idx, d], self.capability[idx, d]
