"""Scenario → game: the extensive-form game at a decision point.

The deterrence equation of the source documents — answer each strike in
proportion, because no answer invites harder strikes and too much answer risks
war, US entry and unrest at home (003_233ca7f52302906b.txt:L27,
000_a7894964d50ac7ce.txt:L13-L16) — becomes a three-player tree:

1. **Iran** chooses a response (the decision point's actor moves first).
2. **Chance** resolves the random quantities of that move that the catalogue
   declares (``random:`` in ``actions.yaml``): whether a proxy attack is
   *attributed* to Iran, whether a salvo is *intercepted*.
3. **Israel** answers, having seen the move and its result.
4. **The United States** decides last, having seen everything.

Moves are catalogue actions applied with :meth:`Model.apply` (a chance branch
fixes the random quantity with ``draws``); a player's payoff at a terminal node
is its decision-model utility of the terminal state relative to the state at
the decision point, ``Model.utility(s0, s_T, actor)`` (weights · change in
concerns). The terminal is labelled with the scenario outcome its state falls
in (``Model.outcome_of``).

The issue's move lists map onto catalogue actions as in :data:`ISSUE_MOVES`.
"Defend and pressure Israel" is one US move made of two catalogue actions,
applied in turn. A move whose action is not feasible in the state where it
would be taken (its precondition fails, e.g. talks with every channel closed)
is left out of the tree at that node.

Two information structures are built from the same moves and payoffs:

* ``"sequential"`` — perfect information, as above. Solved by backward
  induction (SPE) and by agent QRE.
* ``"posture"`` — the *reduced game*: Israel and the United States each choose
  one posture without seeing Iran's move or the chance outcomes (each has a
  single information set). Its strategic form is small (5 × 3 × 3 for the
  issue's moves), so **all** of its Nash equilibria, pure and mixed, can be
  enumerated. Comparing it with the sequential game shows what the followers'
  ability to watch and respond is worth to deterrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from brink.errors import BrinkError
from brink.games.tree import ExtensiveGame, GameBuilder, NormalFormGame

ORDER: tuple[str, ...] = ("IRN", "ISR", "USA")


@dataclass(frozen=True)
class Move:
    """A move in the game: a label and the catalogue actions it applies, in order."""

    label: str
    actions: tuple[str, ...]


ISSUE_MOVES: dict[str, tuple[Move, ...]] = {
    "IRN": (
        Move("no response", ("IRN_hold",)),
        Move("proxy attack", ("IRN_proxy_attack",)),
        Move("warned strike", ("IRN_strike_warned",)),
        Move("unwarned strike", ("IRN_strike_unwarned",)),
        Move("talks", ("IRN_talks",)),
    ),
    "ISR": (
        Move("restraint", ("ISR_restraint",)),
        Move("limited precision strike", ("ISR_limited_strike",)),
        Move("large strike", ("ISR_large_strike",)),
    ),
    "USA": (
        Move("stay out", ("USA_stay_out",)),
        Move("defend and pressure Israel", ("USA_defend_israel", "USA_pressure_israel")),
        Move("join strikes", ("USA_join_strikes",)),
    ),
}


@dataclass
class DecisionGame:
    """A game built at a decision point, with what it was built from."""

    game: ExtensiveGame
    decision_point: str
    info: str
    players: tuple[str, ...]
    moves: dict[str, tuple[Move, ...]]
    lams: np.ndarray
    state0: np.ndarray
    terminal_state: dict[int, np.ndarray] = field(default_factory=dict)
    terminal_outcome: dict[int, str] = field(default_factory=dict)

    @property
    def lam(self) -> float:
        """The scenario's λ for the game: the first mover's precision."""
        return float(self.lams[self.game.node_player[0]]) if self.game.node_player[0] >= 0 else float(self.lams[0])

    def scaled(self) -> ExtensiveGame:
        """The game with payoffs scaled by λ_i / λ so that one λ gives each actor its own precision."""
        return scale_payoffs(self.game, self.lams / self.lam)


def scale_payoffs(game, factors):
    """Copy of a game with player i's payoffs multiplied by ``factors[i]``."""
    f = np.asarray(factors, dtype=float)
    if isinstance(game, NormalFormGame):
        return NormalFormGame(game.players, game.strategies, game.payoffs * f.reshape(-1, *[1] * game.num_players),
                              game.title, game.comment)
    if np.allclose(f, 1.0):
        return game
    return ExtensiveGame(game.players, game.node_player, game.node_infoset, game.node_parent, game.node_action,
                         game.first_child, game.n_children, game.payoff * f[None, :], game.infosets, game.chance,
                         game.node_label, game.outcome_label, game.title, game.comment)


def _check_moves(model, moves: dict[str, tuple[Move, ...]]) -> None:
    for actor, ms in moves.items():
        if actor not in model.actors:
            raise BrinkError(f"game moves: the scenario has no acting actor {actor!r}")
        for mv in ms:
            for a in mv.actions:
                if a not in model.actions:
                    raise BrinkError(f"game move {mv.label!r} of {actor}: no catalogue action {a!r}")
                if model.actions[a].actor != actor:
                    raise BrinkError(f"game move {mv.label!r}: action {a!r} belongs to "
                                     f"{model.actions[a].actor}, not {actor}")


def catalogue_moves(model, actors=ORDER) -> dict[str, tuple[Move, ...]]:
    """Every catalogue action of each actor as its own move (a bigger game)."""
    return {a: tuple(Move(model.actions[x].label, (x,)) for x in model.actors[a].actions) for a in actors}


def _random_names(model, action_id: str) -> list[str]:
    return [n for n, _ in model.actions[action_id].random_means]


def _random_label(model, action_id: str, name: str) -> str:
    act = next(a for a in model.scenario.actions if a.id == action_id)
    rq = act.random.get(name)
    return getattr(rq, "label", None) or name


def build_game(model, decision_point: str, info: str = "sequential",
               moves: dict[str, tuple[Move, ...]] | None = None) -> DecisionGame:
    """The game at ``decision_point`` of a compiled model (see module docstring)."""
    if info not in ("sequential", "posture"):
        raise BrinkError(f"unknown information structure {info!r} (sequential or posture)")
    moves = dict(moves or ISSUE_MOVES)
    _check_moves(model, moves)
    sc = model.scenario
    try:
        dp = sc.decision_point(decision_point)
    except KeyError:
        known = ", ".join(d.id for d in sc.decision_points)
        raise BrinkError(f"unknown decision point {decision_point!r} (known: {known})") from None
    if dp.actor not in ORDER:
        raise BrinkError(f"decision point {decision_point}: its actor {dp.actor} is not one of {', '.join(ORDER)}")
    movers = ORDER[ORDER.index(dp.actor):]
    players = ORDER
    s0 = np.asarray(model.state_at(decision_point), dtype=float)
    title = f"{sc.meta.id} at {decision_point} ({info})"
    b = GameBuilder(list(players), title=title,
                    comment=f"Built by brink from scenario {sc.meta.id}, decision point {decision_point}: "
                            f"{dp.label}. Payoffs: decision-model utility relative to the decision point.")
    terminal_state: dict[int, np.ndarray] = {}
    outcome_names = [o for o, _ in model.outcomes]

    def feasible_moves(S: np.ndarray, actor: str) -> list[Move]:
        out = []
        for mv in moves.get(actor, ()):
            T, ok = S, True
            for a in mv.actions:
                if a not in model.feasible(T, actor):
                    ok = False
                    break
                T = model.apply(T, a)
            if ok:
                out.append(mv)
        return out

    def play(node: int, S: np.ndarray, mv: Move, k: int, rest: int) -> None:
        """Apply mv.actions[k:] from node/state S, with chance nodes for random quantities."""
        if k == len(mv.actions):
            grow(node, S, rest)
            return
        a = mv.actions[k]
        names = [n for n in _random_names(model, a)]
        means = {n: float(np.asarray(v)) for n, v in model.random_means(S, a).items()}
        # chance nodes for Bernoulli quantities strictly between 0 and 1
        live = [n for n in names if 0.0 < means[n] < 1.0]
        fixed = {n: means[n] for n in names if n not in live}

        def branch(nd: int, j: int, draws: dict[str, float]) -> None:
            if j == len(live):
                play(nd, model.apply(S, a, draws={**fixed, **draws}), mv, k + 1, rest)
                return
            n = live[j]
            lab = n
            kids = b.chance(nd, [lab, f"not {lab}"], [means[n], 1.0 - means[n]],
                            label=_random_label(model, a, n))
            branch(kids[0], j + 1, {**draws, n: 1.0})
            branch(kids[1], j + 1, {**draws, n: 0.0})

        branch(node, 0, {})

    def grow(node: int, S: np.ndarray, i: int) -> None:
        while i < len(movers) and not feasible_moves(S, movers[i]):
            i += 1
        if i == len(movers):
            pay = [float(model.utility(s0, S, p)) for p in players]
            oc = outcome_names[int(model.outcome_of(S))]
            b.outcome(node, pay, label=oc)
            terminal_state[node] = S
            return
        actor = movers[i]
        ms = feasible_moves(S, actor)
        key = None
        if info == "posture" and i > 0:
            key = (actor, "posture")
            labels = tuple(m.label for m in ms)
            prev = posture_sets.setdefault(actor, labels)
            if prev != labels:
                raise BrinkError(f"posture game: {actor}'s feasible moves differ across nodes "
                                 f"({list(prev)} vs {list(labels)}); use the sequential game")
        kids = b.move(node, actor, [m.label for m in ms], infoset=key,
                      infoset_label=f"{actor} posture" if key else f"{actor} at node {node}")
        for kid, mv in zip(kids, ms):
            play(kid, S, mv, 0, i + 1)

    posture_sets: dict[str, tuple[str, ...]] = {}
    grow(b.root, s0, 0)
    game = b.build()
    # the builder renumbers nodes; map terminal states by walking the labels' order
    tstate, tout = _terminal_maps(game, b, terminal_state)
    lams = np.array([model.lam(p) if p in model.actors else 1.0 for p in players])
    return DecisionGame(game, decision_point, info, players, moves, lams, s0, tstate, tout)


def _terminal_maps(game: ExtensiveGame, b: GameBuilder, terminal_state: dict[int, np.ndarray]):
    # rebuild the breadth-first order the builder used to translate node ids
    order = [0]
    i = 0
    while i < len(order):
        order.extend(b._children[order[i]])
        i += 1
    new_of = {old: new for new, old in enumerate(order)}
    tstate = {new_of[old]: S for old, S in terminal_state.items()}
    tout = {v: game.outcome_label[v] for v in tstate}
    return tstate, tout


def outcome_distribution(dg: DecisionGame, profile: np.ndarray) -> dict[str, float]:
    """Probability of each scenario outcome class under a behaviour profile."""
    reach = dg.game.realization(profile)
    out: dict[str, float] = {}
    for v in dg.game.terminals:
        out[dg.game.outcome_label[v]] = out.get(dg.game.outcome_label[v], 0.0) + float(reach[v])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def iran_move_probs(dg: DecisionGame, profile: np.ndarray) -> dict[str, float]:
    """The first mover's probabilities over its moves under a behaviour profile."""
    g = dg.game
    k = int(g.node_infoset[0])
    info = g.infosets[k]
    p = profile[g.action_offset[k] : g.action_offset[k + 1]]
    return {a: float(x) for a, x in zip(info.actions, p)}


__all__ = ["ISSUE_MOVES", "ORDER", "DecisionGame", "Move", "build_game", "catalogue_moves",
           "iran_move_probs", "outcome_distribution", "scale_payoffs"]

