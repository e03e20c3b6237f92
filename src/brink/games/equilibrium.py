"""A Nash equilibrium of a strategic game, and the de-duplication of lists of them.

Both brink's own solvers (:mod:`brink.games.nash`) and the pygambit bridge
(:mod:`brink.games.gambit_bridge`) return :class:`Equilibrium` objects made by
:meth:`Equilibrium.of` and pass their lists through :func:`dedupe`, so the two
backends report equilibria the same way and in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from brink.games.tree import NormalFormGame

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Equilibrium:
    """A Nash equilibrium: one mixed strategy per player, and its payoffs.

    ``players`` and ``labels`` (strategy labels per player) name the entries;
    they are filled by :meth:`of` and default to ``Player 1``, ``1``, ``2``...
    """

    strategies: list[np.ndarray]
    payoff: np.ndarray
    regret: float
    players: list[str] = field(default_factory=list)
    labels: list[list[str]] = field(default_factory=list)

    @classmethod
    def of(cls, game: NormalFormGame, strategies: list[np.ndarray]) -> Equilibrium:
        """The profile ``strategies`` of ``game`` with its payoffs and largest regret."""
        return cls(strategies, game.expected_payoffs(strategies), game.max_regret(strategies),
                   list(game.players), [list(s) for s in game.strategies])

    @property
    def is_pure(self) -> bool:
        return all(np.isclose(s.max(), 1.0, atol=1e-9) for s in self.strategies)

    def flat(self) -> np.ndarray:
        return np.concatenate(self.strategies)

    def _names(self) -> tuple[list[str], list[list[str]]]:
        players = self.players or [f"Player {i + 1}" for i in range(len(self.strategies))]
        labels = self.labels or [[str(j + 1) for j in range(len(s))] for s in self.strategies]
        return players, labels

    def to_dict(self) -> dict:
        """``kind`` (pure or mixed), each player's strategies played with positive probability, payoffs, regret."""
        players, labels = self._names()
        return {
            "kind": "pure" if self.is_pure else "mixed",
            "strategies": {players[i]: {s: float(p) for s, p in zip(labels[i], self.strategies[i]) if p > 1e-12}
                           for i in range(len(players)) if len(labels[i]) > 0},
            "payoff": dict(zip(players, map(float, self.payoff))),
            "regret": float(self.regret),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per player and strategy: probability, and the player's equilibrium payoff."""
        import pandas as pd

        players, labels = self._names()
        rows = [{"player": players[i], "strategy": s, "probability": float(p), "payoff": float(self.payoff[i])}
                for i in range(len(players)) for s, p in zip(labels[i], self.strategies[i])]
        return pd.DataFrame(rows, columns=["player", "strategy", "probability", "payoff"])


def dedupe(eqs: list[Equilibrium], tol: float = 1e-7) -> list[Equilibrium]:
    """Equilibria that differ by at least ``tol`` somewhere, in a fixed order (most weight on early strategies first)."""
    out: list[Equilibrium] = []
    for e in eqs:
        f = e.flat()
        if not any(np.abs(f - o.flat()).max() < tol for o in out):
            out.append(e)
    out.sort(key=lambda e: tuple(-e.flat()))
    return out


def equilibria_frame(eqs: list[Equilibrium]) -> pd.DataFrame:
    """Several equilibria in one frame, numbered from 1 in column ``equilibrium``."""
    import pandas as pd

    frames = [e.to_frame().assign(equilibrium=i) for i, e in enumerate(eqs, 1)]
    cols = ["equilibrium", "player", "strategy", "probability", "payoff"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
