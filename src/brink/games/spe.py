"""Backward induction: the subgame-perfect equilibrium of a perfect-information tree.

The tree is swept level by level from the deepest nodes to the root: a chance
node's value is the probability-weighted mean of its children, a decision
node's value is that of the child best for its mover. Ties are broken toward
the first action and reported, because with a tie the subgame-perfect
equilibrium is not unique.

The same sweep with a softmax instead of an argmax gives the agent logit QRE
of a perfect-information tree exactly; see :func:`brink.games.qre.agent_qre_pi`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brink.errors import BrinkError
from brink.games.tree import CHANCE, TERMINAL, ExtensiveGame


@dataclass
class SPEResult:
    """A subgame-perfect equilibrium in pure behaviour strategies.

    ``profile`` is a 0/1 behaviour profile (see :mod:`brink.games.tree`),
    ``choice[k]`` the action index chosen at information set ``k``,
    ``values[n]`` the equilibrium payoff vector of the subgame at node ``n``,
    ``ties`` the information sets where another action is exactly as good
    (within ``tol``).
    """

    game: ExtensiveGame
    profile: np.ndarray
    choice: np.ndarray
    values: np.ndarray
    ties: list[int]

    @property
    def payoff(self) -> np.ndarray:
        return self.values[0]

    def path(self) -> list[dict]:
        """The equilibrium path from the root: every decision and the chance branches on it.

        Depth first: each chance branch is followed by everything played under it, before the
        next branch. Each entry: node, depth, mover (player name, "chance", or "" for the end),
        action, ``prob`` (probability of reaching the step along the path) and ``level`` (how many
        chance branches lie above it); a chance entry also has ``branch_prob``, the probability
        of the branch at its chance node.
        """
        g = self.game
        out: list[dict] = []
        stack: list[tuple[int, float, int, dict | None]] = [(0, 1.0, 0, None)]
        while stack:
            v, pr, level, before = stack.pop()
            if before is not None:
                out.append(before)
            kind = g.node_player[v]
            if kind == TERMINAL:
                out.append({"node": int(v), "depth": int(g.depth[v]), "mover": "", "action": "(end)",
                            "prob": pr, "level": level, "payoff": g.payoff[v].tolist(),
                            "outcome": g.outcome_label[v]})
                continue
            k = int(g.node_infoset[v])
            if kind == CHANCE:
                ch = g.chance[k]
                for a in reversed(range(len(ch.probs))):
                    p = float(ch.probs[a])
                    if p > 0:
                        step = {"node": int(v), "depth": int(g.depth[v]), "mover": "chance",
                                "action": ch.actions[a], "prob": pr * p, "level": level,
                                "branch_prob": p, "label": ch.label}
                        stack.append((int(g.first_child[v] + a), pr * p, level + 1, step))
            else:
                a = int(self.choice[k])
                out.append({"node": int(v), "depth": int(g.depth[v]), "mover": g.players[kind],
                            "action": g.infosets[k].actions[a], "prob": pr, "level": level,
                            "label": g.infosets[k].label,
                            "values": self.values[g.first_child[v] + a].tolist()})
                stack.append((int(g.first_child[v] + a), pr, level, None))
        return out

    def path_lines(self) -> list[str]:
        """The equilibrium path as text, one line per stretch of play: a chance branch opens an
        indented block (its probability, and the probability of reaching it when chance moved
        before), so the branches of a chance node never run together."""
        lines: list[str] = []
        moves: list[str] = []
        level = 0

        def flush() -> None:
            if moves:
                lines.append("  " * level + " → ".join(moves))
                moves.clear()

        for st in self.path():
            if st["mover"] == "chance":
                flush()
                level = st["level"]
                what = f" ({st['label']})" if st.get("label") else ""
                reach = f", reached with probability {st['prob']:.4g}" if st["level"] else ""
                lines.append("  " * level + f"chance{what}: {st['action']}, probability {st['branch_prob']:.4g}{reach}")
                level += 1
            elif st["mover"]:
                level = st["level"]
                moves.append(f"{st['mover']}: {st['action']}")
            else:
                level = st["level"]
                pay = ", ".join(f"{x:g}" for x in st["payoff"])
                moves.append(f"end{' (' + st['outcome'] + ')' if st.get('outcome') else ''}: payoffs {pay}")
                flush()
        flush()
        return lines

    def to_dict(self) -> dict:
        """The equilibrium path (mover, action, probability, labels, end payoffs), payoffs by player, ties."""
        keep = ("mover", "action", "prob", "level", "branch_prob", "label", "outcome", "payoff")
        return {
            "path": [{k: v for k, v in step.items() if k in keep} for step in self.path()],
            "payoff": dict(zip(self.game.players, map(float, self.payoff))),
            "ties": list(self.ties),
        }

    def to_frame(self):
        """The equilibrium path as a table, one row per step of :meth:`path`."""
        import pandas as pd

        cols = ["node", "depth", "mover", "action", "prob", "level", "branch_prob", "label", "outcome", "payoff",
                "values"]
        return pd.DataFrame(self.path(), columns=cols)


def subgame_perfect(game: ExtensiveGame, tol: float = 1e-9) -> SPEResult:
    """Subgame-perfect equilibrium of a perfect-information game (with chance) by backward induction."""
    if not game.is_perfect_information:
        raise BrinkError(
            "backward induction needs perfect information; this game has information sets with "
            "several nodes (use Nash equilibria or the QRE instead)"
        )
    n, N = game.num_nodes, game.num_players
    val = np.zeros((n, N))
    val[game.terminals] = game.payoff[game.terminals]
    choice_node = np.full(n, -1, dtype=np.int64)
    cm = game.child_matrix
    ties_nodes: list[int] = []
    for lev in reversed(game.levels):
        inner = lev[game.node_player[lev] != TERMINAL]
        if len(inner) == 0:
            continue
        kids = cm[inner]
        valid = kids >= 0
        cv = val[np.where(valid, kids, 0)]  # (k, mc, N)
        is_ch = game.node_player[inner] == CHANCE
        if is_ch.any():
            w = game.chance_prob[inner[is_ch]]
            val[inner[is_ch]] = np.einsum("km,kmn->kn", w, cv[is_ch])
        dec = ~is_ch
        if dec.any():
            nodes = inner[dec]
            mover = game.node_player[nodes]
            own = np.take_along_axis(cv[dec], mover[:, None, None], axis=2)[:, :, 0]
            own = np.where(valid[dec], own, -np.inf)
            best = own.argmax(axis=1)
            top = own.max(axis=1)
            close = (own >= top[:, None] - tol).sum(axis=1)
            ties_nodes.extend(nodes[close > 1].tolist())
            choice_node[nodes] = best
            val[nodes] = cv[dec][np.arange(len(nodes)), best]
    choice = np.array([choice_node[info.nodes[0]] for info in game.infosets], dtype=np.int64)
    profile = np.zeros(game.num_actions)
    profile[game.action_offset[:-1] + choice] = 1.0
    ties = sorted(int(game.node_infoset[v]) for v in ties_nodes)
    return SPEResult(game, profile, choice, val, ties)
