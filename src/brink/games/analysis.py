"""Everything ``brink game`` reports about one decision point, as plain data.

:func:`analyse` builds the sequential and the posture (reduced) game at a
decision point and returns the subgame-perfect path, every Nash equilibrium of
the reduced game, and the logit QRE of both at the scenario's λ (each actor
its own precision), with the outcome classes each solution leads to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brink.games.builder import DecisionGame, build_game, first_move_probs, outcome_distribution, scale_payoffs
from brink.games.equilibrium import Equilibrium
from brink.games.nash import nash_equilibria
from brink.games.qre import agent_qre_pi, logit_qre
from brink.games.spe import SPEResult, subgame_perfect
from brink.games.tree import reduced_normal_form


@dataclass
class GameAnalysis:
    """The solutions of the game at one decision point (see the module docstring)."""

    sequential: DecisionGame
    posture: DecisionGame
    spe: SPEResult
    nash: list[Equilibrium]
    nash_strategies: list[list[str]]
    qre_sequential: np.ndarray
    qre_posture: np.ndarray
    lam: float

    def to_dict(self) -> dict:
        seq, post = self.sequential, self.posture
        g = seq.game
        players = list(seq.players)
        eqs = []
        for e in self.nash:
            d = e.to_dict()
            d["outcomes"] = outcome_distribution(post, _posture_behaviour(post, e))
            eqs.append(d)
        qp = self.qre_posture
        return {
            "decision_point": seq.decision_point,
            "players": players,
            "lambda": {p: float(x) for p, x in zip(players, seq.lams)},
            "sequential_game": {"nodes": g.num_nodes, "infosets": len(g.infosets), "terminals": len(g.terminals)},
            "spe": {**self.spe.to_dict(), "outcomes": outcome_distribution(seq, self.spe.profile)},
            "nash_reduced": eqs,
            "qre": {
                "sequential": {
                    "first_mover": first_move_probs(seq, self.qre_sequential),
                    "outcomes": outcome_distribution(seq, self.qre_sequential),
                },
                "posture": {
                    players[i]: {s: float(p) for s, p in zip(self.nash_strategies[i], blk)}
                    for i, blk in enumerate(_split(qp, [len(s) for s in self.nash_strategies]))
                },
            },
        }


    def to_frame(self):
        """Long table of what each solution predicts: one row per solution, kind and label.

        ``solution`` is ``spe``, ``qre_sequential`` or ``nash_reduced_1``, ``nash_reduced_2``...;
        ``kind`` is ``first_mover`` (probability of each of the first mover's moves) or
        ``outcome`` (probability of each scenario outcome class).
        """
        import pandas as pd

        seq, post = self.sequential, self.posture
        rows = []

        def add(solution: str, moves: dict[str, float], outcomes: dict[str, float]) -> None:
            rows.extend({"solution": solution, "kind": "first_mover", "label": k, "probability": v}
                        for k, v in moves.items())
            rows.extend({"solution": solution, "kind": "outcome", "label": k, "probability": v}
                        for k, v in outcomes.items())

        add("spe", first_move_probs(seq, self.spe.profile), outcome_distribution(seq, self.spe.profile))
        add("qre_sequential", first_move_probs(seq, self.qre_sequential),
            outcome_distribution(seq, self.qre_sequential))
        for i, e in enumerate(self.nash, 1):
            beh = _posture_behaviour(post, e)
            add(f"nash_reduced_{i}", first_move_probs(post, beh), outcome_distribution(post, beh))
        return pd.DataFrame(rows, columns=["solution", "kind", "label", "probability"])


def _split(flat: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    off = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    return [flat[off[i] : off[i + 1]] for i in range(len(sizes))]


def _posture_behaviour(dg: DecisionGame, e: Equilibrium) -> np.ndarray:
    from brink.games.tree import mixed_to_behaviour, reduced_strategies

    strats = [reduced_strategies(dg.game, i) for i in range(dg.game.num_players)]
    return mixed_to_behaviour(dg.game, strats, e.strategies)


def analyse(model, decision_point: str, backend: str = "brink", moves=None) -> GameAnalysis:
    seq = build_game(model, decision_point, "sequential", moves=moves)
    post = build_game(model, decision_point, "posture", moves=moves)
    spe = subgame_perfect(seq.game)
    nf, strats = reduced_normal_form(post.game)
    eqs = nash_equilibria(nf, backend=backend)
    lam = seq.lam
    q_seq = agent_qre_pi(seq.scaled(), [lam])[0][0]
    q_post = logit_qre(scale_payoffs(nf, post.lams / lam), lam)
    return GameAnalysis(seq, post, spe, eqs, nf.strategies, q_seq, q_post, lam)
