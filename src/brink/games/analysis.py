"""Everything ``brink game`` reports about one decision point, as plain data.

:func:`analyse` builds the sequential and the posture (reduced) game at a
decision point and returns the subgame-perfect path, every Nash equilibrium of
the reduced game, and the logit QRE of both at the scenario's λ (each actor
its own precision), with the outcome classes each solution leads to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brink.games.builder import DecisionGame, build_game, iran_move_probs, outcome_distribution, scale_payoffs
from brink.games.nash import Equilibrium, nash_equilibria
from brink.games.qre import agent_qre_pi, logit_qre
from brink.games.spe import SPEResult, subgame_perfect
from brink.games.tree import reduced_normal_form


@dataclass
class GameAnalysis:
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
            eqs.append({
                "kind": "pure" if e.is_pure else "mixed",
                "strategies": {players[i]: {s: float(p) for s, p in zip(self.nash_strategies[i], e.strategies[i]) if p > 1e-12}
                               for i in range(len(players)) if len(self.nash_strategies[i]) > 0},
                "payoff": dict(zip(players, map(float, e.payoff))),
                "outcomes": outcome_distribution(post, _posture_behaviour(post, e)),
            })
        qp = self.qre_posture
        return {
            "decision_point": seq.decision_point,
            "players": players,
            "lambda": {p: float(x) for p, x in zip(players, seq.lams)},
            "sequential_game": {"nodes": g.num_nodes, "infosets": len(g.infosets), "terminals": len(g.terminals)},
            "spe": {
                "path": [
                    {k: v for k, v in step.items() if k in ("mover", "action", "prob", "label", "outcome", "payoff")}
                    for step in self.spe.path()
                ],
                "payoff": dict(zip(players, map(float, self.spe.payoff))),
                "ties": self.spe.ties,
                "outcomes": outcome_distribution(seq, self.spe.profile),
            },
            "nash_reduced": eqs,
            "qre": {
                "sequential": {
                    "first_mover": iran_move_probs(seq, self.qre_sequential),
                    "outcomes": outcome_distribution(seq, self.qre_sequential),
                },
                "posture": {
                    players[i]: {s: float(p) for s, p in zip(self.nash_strategies[i], blk)}
                    for i, blk in enumerate(_split(qp, [len(s) for s in self.nash_strategies]))
                },
            },
        }


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
