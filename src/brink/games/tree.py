"""Games as arrays: extensive-form trees and strategic (normal) forms.

An :class:`ExtensiveGame` stores its tree in flat NumPy arrays, nodes in
breadth-first order, so that the children of a node are contiguous and every
parent comes before its children. Solvers sweep the arrays level by level
instead of walking Python objects, which is what makes backward induction and
agent QRE fast enough to run for hundreds of values of a parameter.

Conventions
-----------
* ``node_player[n]`` is a player index ``0..N-1``, :data:`CHANCE` (-1) or
  :data:`TERMINAL` (-2).
* Decision nodes belong to an information set ``node_infoset[n]`` (an index
  into ``infosets``); chance nodes point into ``chance``; terminals get -1.
* ``payoff[n]`` is the payoff vector (one entry per player) of terminal ``n``:
  the sum of every outcome met on the path from the root, as in Gambit.
* A *behaviour profile* is one flat float array over every action of every
  player information set, infoset by infoset (``action_offset[k]`` is where
  infoset ``k`` starts). Chance probabilities are not part of it.

:class:`GameBuilder` is the way to make a tree; :class:`NormalFormGame` holds a
payoff tensor ``payoffs[i, s_1, ..., s_N]``; :func:`reduced_normal_form`
turns a tree into its reduced strategic form (strategies that differ only at
information sets their own earlier moves rule out are merged, as in Gambit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from brink.errors import BrinkError

CHANCE = -1
TERMINAL = -2


@dataclass
class Infoset:
    """A player's information set: who moves, what they may do, which nodes."""

    player: int
    actions: list[str]
    label: str = ""
    nodes: list[int] = field(default_factory=list)


@dataclass
class ChanceInfo:
    """A chance move: branch labels and probabilities (they sum to 1)."""

    actions: list[str]
    probs: np.ndarray
    label: str = ""
    nodes: list[int] = field(default_factory=list)


class ExtensiveGame:
    """A finite extensive-form game with chance moves, stored in arrays.

    Build one with :class:`GameBuilder` or read one with
    :func:`brink.games.efg.read_efg`.
    """

    def __init__(
        self,
        players: list[str],
        node_player: np.ndarray,
        node_infoset: np.ndarray,
        node_parent: np.ndarray,
        node_action: np.ndarray,
        first_child: np.ndarray,
        n_children: np.ndarray,
        payoff: np.ndarray,
        infosets: list[Infoset],
        chance: list[ChanceInfo],
        node_label: list[str] | None = None,
        outcome_label: list[str] | None = None,
        title: str = "",
        comment: str = "",
    ) -> None:
        self.players = list(players)
        self.node_player = np.asarray(node_player, dtype=np.int64)
        self.node_infoset = np.asarray(node_infoset, dtype=np.int64)
        self.node_parent = np.asarray(node_parent, dtype=np.int64)
        self.node_action = np.asarray(node_action, dtype=np.int64)
        self.first_child = np.asarray(first_child, dtype=np.int64)
        self.n_children = np.asarray(n_children, dtype=np.int64)
        self.payoff = np.asarray(payoff, dtype=float)
        self.infosets = infosets
        self.chance = chance
        n = len(self.node_player)
        self.node_label = node_label if node_label is not None else [""] * n
        self.outcome_label = outcome_label if outcome_label is not None else [""] * n
        self.title = title
        self.comment = comment
        self._derive()

    # ------------------------------------------------------------------ derived
    def _derive(self) -> None:
        n = self.num_nodes
        self.depth = np.zeros(n, dtype=np.int64)
        for v in range(1, n):
            self.depth[v] = self.depth[self.node_parent[v]] + 1
        self.max_children = int(self.n_children.max()) if n else 0
        mc = max(self.max_children, 1)
        self.child_matrix = np.full((n, mc), -1, dtype=np.int64)
        for v in range(n):
            k = self.n_children[v]
            if k:
                self.child_matrix[v, :k] = self.first_child[v] + np.arange(k)
        self.action_offset = np.zeros(len(self.infosets) + 1, dtype=np.int64)
        for k, info in enumerate(self.infosets):
            self.action_offset[k + 1] = self.action_offset[k] + len(info.actions)
        # chance probabilities laid out like the children (0 for decision nodes)
        self.chance_prob = np.zeros((n, mc))
        for ch in self.chance:
            for v in ch.nodes:
                self.chance_prob[v, : len(ch.probs)] = ch.probs
        self.levels = [np.flatnonzero(self.depth == d) for d in range(int(self.depth.max()) + 1)] if n else []
        self.terminals = np.flatnonzero(self.node_player == TERMINAL)

    @property
    def num_nodes(self) -> int:
        return len(self.node_player)

    @property
    def num_players(self) -> int:
        return len(self.players)

    @property
    def num_actions(self) -> int:
        """Length of a behaviour profile (all player actions, all infosets)."""
        return int(self.action_offset[-1])

    @property
    def is_perfect_information(self) -> bool:
        return all(len(info.nodes) == 1 for info in self.infosets)

    def player_infosets(self, i: int) -> list[int]:
        return [k for k, info in enumerate(self.infosets) if info.player == i]

    def action_labels(self) -> list[tuple[str, str, str]]:
        """(player, infoset label, action label) for every behaviour-profile entry."""
        out = []
        for info in self.infosets:
            for a in info.actions:
                out.append((self.players[info.player], info.label, a))
        return out

    def uniform_profile(self) -> np.ndarray:
        prof = np.empty(self.num_actions)
        for k, info in enumerate(self.infosets):
            prof[self.action_offset[k] : self.action_offset[k + 1]] = 1.0 / len(info.actions)
        return prof

    # --------------------------------------------------------------- evaluation
    def edge_prob(self, profile: np.ndarray) -> np.ndarray:
        """Probability of moving from each node to each child: (nodes, max_children)."""
        prob = self.chance_prob.copy()
        for k, info in enumerate(self.infosets):
            p = profile[self.action_offset[k] : self.action_offset[k + 1]]
            prob[info.nodes, : len(p)] = p
        return prob

    def realization(self, profile: np.ndarray) -> np.ndarray:
        """Probability that each node is reached under a behaviour profile."""
        edge = self.edge_prob(profile)
        reach = np.zeros(self.num_nodes)
        reach[0] = 1.0
        for v in range(1, self.num_nodes):
            reach[v] = reach[self.node_parent[v]] * edge[self.node_parent[v], self.node_action[v]]
        return reach

    def node_values(self, profile: np.ndarray) -> np.ndarray:
        """Expected payoff vector at every node under a behaviour profile: (nodes, N)."""
        edge = self.edge_prob(profile)
        val = np.zeros((self.num_nodes, self.num_players))
        val[self.terminals] = self.payoff[self.terminals]
        cm = self.child_matrix
        for lev in reversed(self.levels):
            inner = lev[self.node_player[lev] != TERMINAL]
            if len(inner) == 0:
                continue
            kids = cm[inner]
            w = edge[inner]
            cv = val[np.where(kids >= 0, kids, 0)]  # (k, mc, N)
            val[inner] = np.einsum("km,kmn->kn", np.where(kids >= 0, w, 0.0), cv)
        return val

    def action_values(self, profile: np.ndarray) -> np.ndarray:
        """Conditional expected payoff of each action to its mover, given its infoset is reached.

        Where an information set has zero probability the nodes are weighted
        equally (a uniform belief), which is what the logit solvers never hit.
        """
        val = self.node_values(profile)
        reach = self.realization(profile)
        out = np.zeros(self.num_actions)
        for k, info in enumerate(self.infosets):
            nodes = np.asarray(info.nodes)
            w = reach[nodes]
            s = w.sum()
            w = w / s if s > 0 else np.full(len(nodes), 1.0 / len(nodes))
            m = len(info.actions)
            kids = self.first_child[nodes][:, None] + np.arange(m)[None, :]
            out[self.action_offset[k] : self.action_offset[k + 1]] = w @ val[kids, info.player]
        return out

    def __repr__(self) -> str:
        return (
            f"<ExtensiveGame {self.title!r}: {self.num_players} players, {self.num_nodes} nodes, "
            f"{len(self.infosets)} infosets>"
        )


class GameBuilder:
    """Grow a tree node by node, then :meth:`build` it into an :class:`ExtensiveGame`.

    >>> b = GameBuilder(["Entrant", "Incumbent"], title="chain store")
    >>> out, inn = b.move(b.root, 0, ["out", "in"])
    >>> b.outcome(out, [0, 2])
    >>> fight, acq = b.move(inn, 1, ["fight", "acquiesce"])
    >>> b.outcome(fight, [-1, -1]); b.outcome(acq, [1, 1])
    >>> g = b.build()
    """

    def __init__(self, players: list[str], title: str = "", comment: str = "") -> None:
        if len(set(players)) != len(players):
            raise BrinkError(f"player names must be unique: {players}")
        self.players = list(players)
        self.title = title
        self.comment = comment
        self._kind: list[int] = [TERMINAL]
        self._children: list[list[int]] = [[]]
        self._info: list[object] = [None]
        self._label: list[str] = [""]
        self._payoff: list[np.ndarray] = [np.zeros(len(players))]
        self._outcome_label: list[str] = [""]
        self._infosets: list[Infoset] = []
        self._chance: list[ChanceInfo] = []
        self._infoset_by_key: dict[object, int] = {}

    @property
    def root(self) -> int:
        return 0

    def _new_children(self, node: int, labels: list[str]) -> list[int]:
        if self._kind[node] != TERMINAL or self._children[node]:
            raise BrinkError(f"node {node} already has a move")
        kids = []
        for _ in labels:
            kids.append(len(self._kind))
            self._kind.append(TERMINAL)
            self._children.append([])
            self._info.append(None)
            self._label.append("")
            self._payoff.append(self._payoff[node].copy())
            self._outcome_label.append("")
        self._children[node] = kids
        return kids

    def move(self, node: int, player: int | str, actions: list[str], infoset: object = None,
             label: str = "", infoset_label: str | None = None) -> list[int]:
        """Give ``node`` to ``player`` with ``actions``; return the child nodes.

        Nodes given the same ``infoset`` key share an information set (the
        player cannot tell them apart); they must offer the same actions.
        """
        p = self.players.index(player) if isinstance(player, str) else int(player)
        if not 0 <= p < len(self.players):
            raise BrinkError(f"no player {player!r}")
        if not actions:
            raise BrinkError("a move needs at least one action")
        if infoset is not None and infoset in self._infoset_by_key:
            k = self._infoset_by_key[infoset]
            info = self._infosets[k]
            if info.player != p or info.actions != list(actions):
                raise BrinkError(f"information set {infoset!r}: player and actions must match")
        else:
            k = len(self._infosets)
            lab = infoset_label if infoset_label is not None else (str(infoset) if infoset is not None else "")
            self._infosets.append(Infoset(p, list(actions), lab))
            if infoset is not None:
                self._infoset_by_key[infoset] = k
        kids = self._new_children(node, actions)
        self._kind[node] = p
        self._info[node] = k
        self._label[node] = label
        return kids

    def chance(self, node: int, actions: list[str], probs, label: str = "") -> list[int]:
        """Give ``node`` to chance; ``probs`` must be non-negative and sum to 1.

        ``label`` names the chance event (what is being drawn)."""
        pr = np.asarray(probs, dtype=float)
        if len(pr) != len(actions) or (pr < 0).any() or abs(pr.sum() - 1.0) > 1e-9:
            raise BrinkError(f"chance probabilities {list(pr)} must be non-negative and sum to 1")
        k = len(self._chance)
        self._chance.append(ChanceInfo(list(actions), pr, label))
        kids = self._new_children(node, actions)
        self._kind[node] = CHANCE
        self._info[node] = k
        return kids

    def outcome(self, node: int, payoffs, label: str = "") -> None:
        """Add a payoff vector at ``node`` (it accumulates down the tree, as in Gambit)."""
        pay = np.asarray(payoffs, dtype=float)
        if pay.shape != (len(self.players),):
            raise BrinkError(f"payoff vector needs {len(self.players)} entries, got {list(pay)}")
        stack = [node]
        while stack:
            v = stack.pop()
            self._payoff[v] = self._payoff[v] + pay
            stack.extend(self._children[v])
        if label:
            self._outcome_label[node] = label

    def build(self) -> ExtensiveGame:
        # breadth-first renumbering: children contiguous, parents first
        order = [0]
        new_of = {0: 0}
        i = 0
        while i < len(order):
            for c in self._children[order[i]]:
                new_of[c] = len(order)
                order.append(c)
            i += 1
        n = len(order)
        node_player = np.empty(n, dtype=np.int64)
        node_infoset = np.full(n, -1, dtype=np.int64)
        node_parent = np.full(n, -1, dtype=np.int64)
        node_action = np.full(n, -1, dtype=np.int64)
        first_child = np.full(n, -1, dtype=np.int64)
        n_children = np.zeros(n, dtype=np.int64)
        payoff = np.zeros((n, len(self.players)))
        infosets = [Infoset(s.player, list(s.actions), s.label, []) for s in self._infosets]
        chance = [ChanceInfo(list(c.actions), c.probs.copy(), c.label, []) for c in self._chance]
        labels, olabels = [], []
        for new, old in enumerate(order):
            kind = self._kind[old]
            node_player[new] = kind
            kids = self._children[old]
            if kids:
                first_child[new] = new_of[kids[0]]
                n_children[new] = len(kids)
                for a, c in enumerate(kids):
                    node_parent[new_of[c]] = new
                    node_action[new_of[c]] = a
            if kind == TERMINAL:
                payoff[new] = self._payoff[old]
            elif kind == CHANCE:
                node_infoset[new] = self._info[old]
                chance[self._info[old]].nodes.append(new)
            else:
                node_infoset[new] = self._info[old]
                infosets[self._info[old]].nodes.append(new)
            labels.append(self._label[old])
            olabels.append(self._outcome_label[old])
        # infosets ordered by player, then by first node (the order Gambit uses)
        perm = sorted(range(len(infosets)), key=lambda k: (infosets[k].player, min(infosets[k].nodes or [n])))
        inv = {old: new for new, old in enumerate(perm)}
        infosets = [infosets[k] for k in perm]
        dec = node_player >= 0
        node_infoset[dec] = [inv[k] for k in node_infoset[dec]]
        return ExtensiveGame(self.players, node_player, node_infoset, node_parent, node_action,
                             first_child, n_children, payoff, infosets, chance, labels, olabels,
                             self.title, self.comment)


# ---------------------------------------------------------------- normal form
class NormalFormGame:
    """A finite strategic-form game: ``payoffs[i, s_1, ..., s_N]`` is player i's payoff."""

    def __init__(self, players: list[str], strategies: list[list[str]], payoffs, title: str = "",
                 comment: str = "") -> None:
        self.players = list(players)
        self.strategies = [list(s) for s in strategies]
        self.payoffs = np.asarray(payoffs, dtype=float)
        self.title = title
        self.comment = comment
        shape = (len(self.players), *[len(s) for s in self.strategies])
        if self.payoffs.shape != shape:
            raise BrinkError(f"payoff tensor has shape {self.payoffs.shape}, expected {shape}")

    @classmethod
    def from_arrays(cls, *arrays, players: list[str] | None = None, title: str = "") -> NormalFormGame:
        arrs = [np.asarray(a, dtype=float) for a in arrays]
        shape = arrs[0].shape
        names = players or [f"Player {i + 1}" for i in range(len(arrs))]
        strats = [[str(j + 1) for j in range(m)] for m in shape]
        return cls(names, strats, np.stack(arrs), title)

    @property
    def num_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(s) for s in self.strategies)

    def payoff_against(self, i: int, profile: list[np.ndarray]) -> np.ndarray:
        """Expected payoff of each pure strategy of player i against the others' mixed strategies."""
        t = self.payoffs[i]
        # contract every axis except i, highest axis first so indices stay valid
        for j in reversed(range(self.num_players)):
            if j != i:
                t = np.tensordot(t, profile[j], axes=([j], [0]))
        return t

    def expected_payoffs(self, profile: list[np.ndarray]) -> np.ndarray:
        return np.array([self.payoff_against(i, profile) @ profile[i] for i in range(self.num_players)])

    def max_regret(self, profile: list[np.ndarray]) -> float:
        r = 0.0
        for i in range(self.num_players):
            v = self.payoff_against(i, profile)
            r = max(r, float(v.max() - v @ profile[i]))
        return r

    def __repr__(self) -> str:
        return f"<NormalFormGame {self.title!r}: {self.players} {self.shape}>"


@dataclass
class ReducedStrategy:
    """One reduced pure strategy: the action index chosen at each relevant information set."""

    player: int
    choices: dict[int, int]
    label: str


def _own_parent(game: ExtensiveGame) -> dict[int, tuple[int, int] | None]:
    """For every infoset, the mover's own last (infoset, action) before it (perfect recall)."""
    parent: dict[int, tuple[int, int] | None] = {}
    for k, info in enumerate(game.infosets):
        seen = set()
        for v in info.nodes:
            u, last = v, None
            while game.node_parent[u] >= 0:
                p = game.node_parent[u]
                if game.node_player[p] == info.player:
                    last = (int(game.node_infoset[p]), int(game.node_action[u]))
                    break
                u = p
            seen.add(last)
        if len(seen) != 1:
            raise BrinkError(
                f"information set {info.label or k} of {game.players[info.player]} breaks perfect recall"
            )
        parent[k] = seen.pop()
    return parent


def _own_forest(game: ExtensiveGame, i: int):
    parent = _own_parent(game)
    mine = game.player_infosets(i)
    kids: dict[tuple[int, int] | None, list[int]] = {}
    for k in mine:
        kids.setdefault(parent[k], []).append(k)
    return mine, kids


def _post_order(kids: dict, roots: list[int], game: ExtensiveGame) -> list[int]:
    """The player's information sets, each after every one its moves lead to (no recursion, so a
    deep tree cannot exhaust Python's stack)."""
    order: list[int] = []
    stack = [(k, False) for k in reversed(roots)]
    while stack:
        k, done = stack.pop()
        if done:
            order.append(k)
            continue
        stack.append((k, True))
        for a in reversed(range(len(game.infosets[k].actions))):
            stack.extend((c, False) for c in reversed(kids.get((k, a), [])))
    return order


def _forest_sizes(game: ExtensiveGame, i: int) -> tuple[int, int]:
    """(number of reduced strategies of player ``i``, entries it takes to list them all with the
    partial plans built on the way), as exact integers, without listing anything."""
    import math
    from fractions import Fraction

    mine, kids = _own_forest(game, i)
    roots = kids.get(None, [])
    count: dict[int, int] = {}
    size: dict[int, int] = {}  # total entries over the plans of an information set's subtree
    work = 0

    def group(members: list[int]) -> tuple[int, int]:
        c = math.prod(count[m] for m in members)
        # every combined plan holds one plan of each member: total entries c * sum(size/count)
        t = sum(Fraction(size[m], count[m]) for m in members) * c
        return c, int(t)

    for k in _post_order(kids, roots, game):
        c_k = t_k = 0
        for a in range(len(game.infosets[k].actions)):
            c, t = group(kids.get((k, a), []))
            c_k += c
            t_k += t + c
        count[k], size[k] = c_k, t_k
        work += t_k
    c, t = group(roots)
    return c, work + t


def count_reduced_strategies(game: ExtensiveGame, i: int) -> int:
    """How many reduced pure strategies player ``i`` has, without listing them (an exact integer)."""
    return _forest_sizes(game, i)[0]


def reduced_strategies(game: ExtensiveGame, i: int, limit: int = 1_000_000) -> list[ReducedStrategy]:
    """All reduced pure strategies of player ``i`` (Gambit's reduced strategic form).

    Refused (BrinkError) when there are more than ``limit`` of them, or when listing them would
    build more than ``20 * limit`` (plan, information set) entries."""
    import itertools

    n, work = _forest_sizes(game, i)
    mine, kids = _own_forest(game, i)
    if n > limit or work > 20 * limit:
        raise BrinkError(f"{game.players[i]} has {n:,} reduced strategies over {len(mine):,} information sets "
                         f"({work:,} plan entries to build); too many to list")
    roots = kids.get(None, [])

    def combine(groups: list[list[dict[int, int]]]) -> list[dict[int, int]]:
        out = []
        for combo in itertools.product(*groups):
            merged: dict[int, int] = {}
            for part in combo:
                merged.update(part)
            out.append(merged)
        return out

    plans_of: dict[int, list[dict[int, int]]] = {}
    for k in _post_order(kids, roots, game):
        here = []
        for a in range(len(game.infosets[k].actions)):
            below = kids.get((k, a), [])
            here.extend({k: a, **b} for b in combine([plans_of[c] for c in below]))
        plans_of[k] = here
    result = []
    for plan in combine([plans_of[k] for k in roots]):
        if len(mine) == 1:
            lab = game.infosets[mine[0]].actions[plan[mine[0]]]
        else:
            lab = "/".join(game.infosets[k].actions[plan[k]] if k in plan else "*" for k in mine)
        result.append(ReducedStrategy(i, plan, lab))
    return result


def terminal_sequences(game: ExtensiveGame) -> tuple[np.ndarray, list[list[tuple[int, int]]]]:
    """Chance probability of reaching each terminal, and the (infoset, action) pairs on its path."""
    probs = np.ones(len(game.terminals))
    seqs: list[list[tuple[int, int]]] = []
    for t_i, t in enumerate(game.terminals):
        seq = []
        u = t
        while game.node_parent[u] >= 0:
            p = game.node_parent[u]
            a = int(game.node_action[u])
            if game.node_player[p] == CHANCE:
                probs[t_i] *= game.chance_prob[p, a]
            else:
                seq.append((int(game.node_infoset[p]), a))
            u = p
        seqs.append(seq)
    return probs, seqs


def reduced_normal_form(game: ExtensiveGame, max_profiles: int = 5_000_000) -> tuple[NormalFormGame, list[list[ReducedStrategy]]]:
    """The reduced strategic form of a tree, and the strategies behind each row/column."""
    import math

    counts = [count_reduced_strategies(game, i) for i in range(game.num_players)]
    size = math.prod(counts)  # exact: the counts can pass any float
    if size > max_profiles:
        raise BrinkError(
            f"the reduced strategic form has {size:,} strategy profiles "
            f"({' x '.join(f'{c:,}' for c in counts)}); too many to tabulate"
        )
    strats = [reduced_strategies(game, i) for i in range(game.num_players)]
    probs, seqs = terminal_sequences(game)
    nt = len(game.terminals)
    compat = []
    for i, ss in enumerate(strats):
        c = np.ones((len(ss), nt))
        for t_i, seq in enumerate(seqs):
            for k, a in seq:
                if game.infosets[k].player != i:
                    continue
                for s_i, s in enumerate(ss):
                    if s.choices.get(k) != a:
                        c[s_i, t_i] = 0.0
        compat.append(c)
    weighted = game.payoff[game.terminals] * probs[:, None]  # (nt, N)
    letters = "abcdefghijklmnopqrstuvw"[: game.num_players]
    spec = ",".join(f"{ch}t" for ch in letters) + ",tk->k" + letters
    pay = np.einsum(spec, *compat, weighted, optimize=True)
    nfg = NormalFormGame(game.players, [[s.label for s in ss] for ss in strats], pay, title=game.title)
    return nfg, strats


def mixed_to_behaviour(game: ExtensiveGame, strats: list[list[ReducedStrategy]],
                       mixed: list[np.ndarray]) -> np.ndarray:
    """Behaviour profile equivalent to a mixed profile over reduced strategies (Kuhn)."""
    prof = game.uniform_profile()
    parent = _own_parent(game)
    for k, info in enumerate(game.infosets):
        i = info.player
        ss, x = strats[i], mixed[i]
        reach = np.array([1.0 if _plan_reaches(ss_j.choices, k, parent) else 0.0 for ss_j in ss])
        mass = reach @ x
        if mass <= 0:
            continue
        sl = slice(game.action_offset[k], game.action_offset[k + 1])
        acts = np.zeros(len(info.actions))
        for j, s in enumerate(ss):
            if reach[j] and x[j] > 0:
                acts[s.choices[k]] += x[j]
        prof[sl] = acts / mass
    return prof


def _plan_reaches(choices: dict[int, int], k: int, parent) -> bool:
    p = parent[k]
    while p is not None:
        if choices.get(p[0]) != p[1]:
            return False
        p = parent[p[0]]
    return k in choices
