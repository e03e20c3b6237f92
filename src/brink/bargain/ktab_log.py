"""Read the position history from a KTAB SMP run log.

KTAB's ``smpc`` writes, at the end of a run, one line per actor and dimension
(``XJ, Policy Position:  30.0  30.0 ...``, one number per state) and one line
per actor of the probability that its position wins (``XJ, prob : 0.06 ...``).
This reads those two blocks; nothing else of the log is needed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brink.errors import InputError, Problem

_POS = re.compile(r"^(?P<actor>[^,]+), (?P<dim>.+?):\s+(?P<vals>[-0-9. ]+)$")
_PROB = re.compile(r"^(?P<actor>[^,]+), prob :\s+(?P<vals>[-0-9. ]+)$")


@dataclass
class KtabHistory:
    actors: list[str]
    dims: list[str]
    positions: np.ndarray  # (states, actors, dims)
    win_prob: np.ndarray  # (states, actors)

    def expected_outcome(self, state: int = -1) -> np.ndarray:
        """Win-probability-weighted mean of the actors' positions in a state (default: the last)."""
        p = self.win_prob[state]
        return (p[:, None] * self.positions[state]).sum(axis=0) / p.sum()

    def most_likely(self, state: int = -1) -> np.ndarray:
        """Position of the actor whose position is most likely to win, in a state."""
        return self.positions[state, int(np.argmax(self.win_prob[state]))]


def read_ktab_log(path: str | Path) -> KtabHistory:
    path = Path(path)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    try:
        start = next(k for k, ln in enumerate(lines) if ln.startswith("History of actor positions over time"))
        pstart = next(k for k, ln in enumerate(lines) if ln.startswith("History of actors' winning probabilities"))
    except StopIteration:
        raise InputError([Problem(str(path), None, "(history)", "no 'History of actor positions' block")]) from None
    pos: dict[tuple[str, str], list[float]] = {}
    problems = []
    for k in range(start + 1, pstart):
        m = _POS.match(lines[k].strip())
        if not m:
            problems.append(Problem(str(path), k + 1, "(position line)", "not 'ACTOR, DIMENSION: values'"))
            continue
        pos[(m["actor"], m["dim"])] = [float(v) for v in m["vals"].split()]
    probs: dict[str, list[float]] = {}
    for k in range(pstart + 1, len(lines)):
        m = _PROB.match(lines[k].strip())
        if not m:
            break
        probs[m["actor"]] = [float(v) for v in m["vals"].split()]
    if problems:
        raise InputError(problems)
    actors = list(dict.fromkeys(a for a, _ in pos))
    dims = list(dict.fromkeys(d for _, d in pos))
    T = len(next(iter(pos.values())))
    P = np.full((T, len(actors), len(dims)), np.nan)
    for (a, d), vals in pos.items():
        P[:, actors.index(a), dims.index(d)] = vals
    W = np.array([probs.get(a, [np.nan] * T) for a in actors]).T
    return KtabHistory(actors, dims, P, W)
