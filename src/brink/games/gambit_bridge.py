"""pygambit as reference and optional backend (pip install 'brinkmanship[games]').

Games cross the bridge as Gambit file text (:func:`brink.games.efg.write_efg`,
:func:`brink.games.nfg.write_nfg`), so every use of the bridge also checks that
Gambit reads what brink writes. Profiles come back in brink's order: actions
infoset by infoset for trees (infosets matched node by node, whatever numbers
Gambit gives them), strategies player by player for strategic games.

pygambit is imported only inside these functions; nothing else in brink needs it.
"""

from __future__ import annotations

import io

import numpy as np

from brink.errors import BrinkError
from brink.games.equilibrium import Equilibrium, dedupe
from brink.games.tree import ExtensiveGame, NormalFormGame


def _gbt():
    try:
        import pygambit
    except ImportError:
        raise BrinkError(
            "pygambit is not installed; install brinkmanship's games extra (it pins pygambit 16.7.0)"
        ) from None
    return pygambit


class Bridged:
    """A brink game, the same game in pygambit, and the map between their profiles."""

    def __init__(self, game: ExtensiveGame | NormalFormGame) -> None:
        gbt = _gbt()
        self.game = game
        if isinstance(game, ExtensiveGame):
            from brink.games.efg import write_efg

            self.g = gbt.read_efg(io.StringIO(write_efg(game)))
            # Gambit's flat order: players, their infosets, their actions
            flat = []
            for pl in self.g.players:
                for inf in pl.infosets:
                    for a_i, _ in enumerate(inf.actions):
                        flat.append((inf, a_i))
            pos = {(id_key(inf), a): j for j, (inf, a) in enumerate(flat)}
            real = {id_key(inf): inf for inf, _ in flat}
            self.infosets = []
            self.order = np.empty(game.num_actions, dtype=np.int64)
            for k, info in enumerate(game.infosets):
                node = self._node(info.nodes[0])
                inf = real[id_key(node.infoset)]
                self.infosets.append(inf)
                for a in range(len(info.actions)):
                    self.order[game.action_offset[k] + a] = pos[(id_key(inf), a)]
        else:
            from brink.games.nfg import write_nfg

            self.g = gbt.read_nfg(io.StringIO(write_nfg(game)))
            self.order = np.arange(sum(game.shape))

    def _node(self, v: int):
        path = []
        gm = self.game
        while gm.node_parent[v] >= 0:
            path.append(int(gm.node_action[v]))
            v = gm.node_parent[v]
        node = self.g.root
        for a in reversed(path):
            node = list(node.children)[a]
        return node

    # ----------------------------------------------------------- conversions
    def behaviour(self, prof) -> np.ndarray:
        """A pygambit behaviour profile (or logit profile) as a brink flat profile."""
        if isinstance(self.game, ExtensiveGame):
            out = np.empty(self.game.num_actions)
            if hasattr(prof, "lam"):
                for j in range(self.game.num_actions):
                    out[j] = float(prof[int(self.order[j])])
            else:
                for k, inf in enumerate(self.infosets):
                    vals = [float(prof[a]) for a in inf.actions]
                    out[self.game.action_offset[k] : self.game.action_offset[k + 1]] = vals
            return out
        if hasattr(prof, "lam"):
            return np.array([float(prof[j]) for j in range(len(self.order))])
        return np.concatenate([[float(prof[s]) for s in pl.strategies] for pl in self.g.players])


def id_key(inf) -> tuple[str, int]:
    return (inf.player.label, inf.number)


def to_gambit(game: ExtensiveGame | NormalFormGame):
    """The same game as a pygambit ``Game``."""
    return Bridged(game).g


def from_gambit(g) -> ExtensiveGame | NormalFormGame:
    """A pygambit ``Game`` as a brink game (through Gambit's own file writer)."""
    from brink.games.efg import read_efg
    from brink.games.nfg import read_nfg

    if g.is_tree:
        return read_efg("<pygambit>", text=g.to_efg())
    return read_nfg("<pygambit>", text=g.to_nfg())


def logit_limit(game: ExtensiveGame | NormalFormGame) -> np.ndarray:
    """End point of Gambit's logit branch (λ → ∞): on generic perfect-information trees, the SPE."""
    gbt = _gbt()
    b = Bridged(game)
    res = gbt.nash.logit_solve(b.g, use_strategic=isinstance(game, NormalFormGame))
    return b.behaviour(res.equilibria[0])


def logit_at(game: ExtensiveGame | NormalFormGame, lams) -> np.ndarray:
    """Gambit's logit QRE (agent form on trees) at each λ: array (L, profile length)."""
    gbt = _gbt()
    b = Bridged(game)
    want = np.atleast_1d(np.asarray(lams, dtype=float))
    order = np.argsort(want, kind="stable")  # Gambit follows the branch upward: ask in increasing order
    res = gbt.qre.logit_solve_lambda(b.g, [float(x) for x in want[order]],
                                     use_strategic=isinstance(game, NormalFormGame))
    out = np.empty((len(want), len(b.order)))
    out[order] = np.array([b.behaviour(p) for p in res])
    return out


def nash_equilibria(game: NormalFormGame) -> list[Equilibrium]:
    """All equilibria by Gambit: ``enummixed`` for two players, ``enumpoly`` for more."""
    gbt = _gbt()
    if isinstance(game, ExtensiveGame):
        from brink.games.tree import reduced_normal_form

        game = reduced_normal_form(game)[0]
    b = Bridged(game)
    if game.num_players == 2:
        res = gbt.nash.enummixed_solve(b.g, rational=False)
    else:
        res = gbt.nash.enumpoly_solve(b.g, use_strategic=True)
    out = []
    for eq in res.equilibria:
        prof = [np.array([float(eq[s]) for s in pl.strategies]) for pl in b.g.players]
        out.append(Equilibrium.of(game, prof))
    return dedupe(out)
