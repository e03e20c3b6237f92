"""Scenario → game: the extensive-form game at a decision point.

The players move in the order the scenario gives, the decision point's actor
first (players listed before it receive payoffs but do not move). For the
built-in scenarios this is the deterrence equation of the source documents —
answer each strike in proportion, because no answer invites harder strikes and
too much answer risks war, US entry and unrest at home — as a three-player
tree (the scenario's ``games.yaml``):

1. The decision point's actor chooses a move.
2. **Chance** resolves the random quantities of that move that the catalogue
   declares (``random:`` in ``actions.yaml``): whether a proxy attack is
   *attributed*, whether a salvo is *intercepted*.
3. The next player answers, having seen the move and its result; and so on,
   the last player having seen everything.

Players and moves
-----------------
They come from the scenario's optional ``games:`` section (schema
:class:`brink.scenario.schema.Games`, checked by the scenario validator): the
players in move order and, per player, its moves, each a label and the
catalogue actions it applies in turn (a player listed without moves gets each
of its catalogue actions as a move). Without the section they are derived from
the schedule and the catalogue (:func:`default_players`): the decision point's
actor first, then its adversary (``adversary:`` in ``actors.yaml``), then the
actors that follow the decision point's actor in ``schedule.order`` (wrapping
round to its start; the actors' file order where there is no schedule), up to
three players, counting only actors with catalogue actions; each player's
moves are its catalogue actions, one each, in catalogue order
(:func:`catalogue_moves`). :func:`scenario_moves` applies these rules;
``build_game(..., moves=)`` takes any other choice (the dict's order is the
player order).

Moves are catalogue actions applied with :meth:`Model.apply` (a chance branch
fixes the random quantity with ``draws``); a player's payoff at a terminal node
is its decision-model utility of the terminal state relative to the state at
the decision point, ``Model.utility(s0, s_T, actor)`` (weights · change in
concerns), plus the tendency term of each of its own actions on the path (the
decision rule's ``t[cat(a)]``; zero in a scenario that declares none). The terminal is labelled with the scenario outcome its state falls
in (``Model.outcome_of``). A move whose action is not feasible in the state
where it would be taken (its precondition fails, e.g. talks with every channel
closed) is left out of the tree at that node.

Two information structures are built from the same moves and payoffs:

* ``"sequential"`` — perfect information, as above. Solved by backward
  induction (SPE) and by agent QRE.
* ``"posture"`` — the *reduced game*: every mover after the first chooses one
  posture without seeing the earlier moves or the chance outcomes (each has a
  single information set). A posture is a move the player can take at every
  node where it would move in the sequential game (where feasibility does not
  depend on what came before, that is all its feasible moves). Its strategic form is small (5 × 3 × 3 for a first
  mover with five moves and two followers with three), so **all** of its Nash
  equilibria, pure and mixed, can be enumerated. Comparing it with the
  sequential game shows what the followers' ability to watch and respond is
  worth to deterrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from brink.errors import BrinkError
from brink.games.tree import ExtensiveGame, GameBuilder, NormalFormGame
from brink.model.history import state_at
from brink.scenario.validate import game_problems

MAX_DEFAULT_PLAYERS = 3


@dataclass(frozen=True)
class Move:
    """A move in the game: a label and the catalogue actions it applies, in order."""

    label: str
    actions: tuple[str, ...]


def catalogue_moves(scenario, actors) -> dict[str, tuple[Move, ...]]:
    """Every catalogue action of each actor as its own move, in catalogue order (a bigger game)."""
    return {a: tuple(Move(x.label, (x.id,)) for x in scenario.actions if x.actor == a) for a in actors}


def default_players(scenario, decision_point: str, max_players: int = MAX_DEFAULT_PLAYERS) -> tuple[str, ...]:
    """The players derived where a scenario has no ``games:`` section (see the module docstring)."""
    dp = _decision_point(scenario, decision_point)
    acting = {a.actor for a in scenario.actions}
    order = [a for a in (scenario.schedule.order if scenario.schedule else [x.id for x in scenario.actors])]
    if dp.actor in order:
        k = order.index(dp.actor)
        order = order[k + 1:] + order[:k]
    adversary = next((a.adversary for a in scenario.actors if a.id == dp.actor), None)
    players: list[str] = []
    for a in [dp.actor, adversary, *order]:
        if a is not None and a in acting and a not in players and len(players) < max_players:
            players.append(a)
    return tuple(players)


def scenario_moves(scenario, decision_point: str) -> dict[str, tuple[Move, ...]]:
    """Players (the dict's order is the move order) and their moves for the game at a decision point.

    From the scenario's ``games:`` section where it has one, else derived from
    the schedule and the catalogue (module docstring).
    """
    if scenario.games is None:
        return catalogue_moves(scenario, default_players(scenario, decision_point))
    out: dict[str, tuple[Move, ...]] = {}
    for p in scenario.games.players:
        listed = tuple(Move(m.label, tuple(m.actions)) for m in p.moves)
        out[p.actor] = listed or catalogue_moves(scenario, [p.actor])[p.actor]
    return out


def _decision_point(scenario, decision_point: str):
    try:
        return scenario.decision_point(decision_point)
    except KeyError:
        known = ", ".join(d.id for d in scenario.decision_points)
        raise BrinkError(f"unknown decision point {decision_point!r} (known: {known})") from None


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


def _check_moves(scenario, moves: dict[str, tuple[Move, ...]]) -> None:
    owner = {a.id: a.actor for a in scenario.actions}
    problems = list(game_problems(list(moves.items()), {a.id for a in scenario.actors}, owner))
    if problems:
        raise BrinkError("game moves: " + "; ".join(msg for _, msg in problems))


def _random_names(model, action_id: str) -> list[str]:
    return list(model.actions[action_id].random_names)


def _random_label(model, action_id: str, name: str) -> str:
    act = next(a for a in model.scenario.actions if a.id == action_id)
    rq = act.random.get(name)
    return getattr(rq, "label", None) or name


def build_game(model, decision_point: str, info: str = "sequential",
               moves: dict[str, tuple[Move, ...]] | None = None) -> DecisionGame:
    """The game at ``decision_point`` of a compiled model (see module docstring).

    ``moves`` maps each player, in move order, to its moves; by default
    :func:`scenario_moves` of the model's scenario.
    """
    if info not in ("sequential", "posture"):
        raise BrinkError(f"unknown information structure {info!r} (sequential or posture)")
    sc = model.scenario
    dp = _decision_point(sc, decision_point)
    moves = dict(moves) if moves is not None else scenario_moves(sc, decision_point)
    _check_moves(sc, moves)
    players = tuple(moves)
    if dp.actor not in players:
        raise BrinkError(f"decision point {decision_point}: its actor {dp.actor} is not a player of the game "
                         f"({', '.join(players)})")
    movers = players[players.index(dp.actor):]
    if info == "posture":
        moves = _posture_moves(build_game(model, decision_point, "sequential", moves), moves, movers)
    s0 = np.asarray(state_at(model, decision_point), dtype=float)
    title = f"{sc.meta.id} at {decision_point} ({info})"
    b = GameBuilder(list(players), title=title,
                    comment=f"Built by brink from scenario {sc.meta.id}, decision point {decision_point}: "
                            f"{dp.label}. Payoffs: decision-model utility relative to the decision point.")
    terminal_state: dict[int, np.ndarray] = {}
    outcome_names = [o.id for o in model.outcomes]

    def tendency_of(actor: str, action: str) -> float:
        """The actor's tendency term for one of its actions (0 for an actor the model does not decide for)."""
        am = model.actors.get(actor)
        return float(model.tendency(actor)[am.actions.index(action)]) if am and action in am.actions else 0.0

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

    def play(node: int, S: np.ndarray, mv: Move, k: int, rest: int, habit: dict[str, float], actor: str) -> None:
        """Apply mv.actions[k:] from node/state S, with chance nodes for random quantities."""
        if k == len(mv.actions):
            grow(node, S, rest, habit)
            return
        a = mv.actions[k]
        habit = {**habit, actor: habit.get(actor, 0.0) + tendency_of(actor, a)}
        names = [n for n in _random_names(model, a)]
        means = {n: float(np.asarray(v)) for n, v in model.random_means(S, a).items()}
        # chance nodes for Bernoulli quantities strictly between 0 and 1
        live = [n for n in names if 0.0 < means[n] < 1.0]
        fixed = {n: means[n] for n in names if n not in live}

        def branch(nd: int, j: int, draws: dict[str, float]) -> None:
            if j == len(live):
                play(nd, model.apply(S, a, draws={**fixed, **draws}), mv, k + 1, rest, habit, actor)
                return
            n = live[j]
            lab = n
            kids = b.chance(nd, [lab, f"not {lab}"], [means[n], 1.0 - means[n]],
                            label=_random_label(model, a, n))
            branch(kids[0], j + 1, {**draws, n: 1.0})
            branch(kids[1], j + 1, {**draws, n: 0.0})

        branch(node, 0, {})

    def grow(node: int, S: np.ndarray, i: int, habit: dict[str, float]) -> None:
        while i < len(movers) and not feasible_moves(S, movers[i]):
            i += 1
        if i == len(movers):
            pay = [float(model.utility(s0, S, p)) + habit.get(p, 0.0) for p in players]
            oc = outcome_names[int(model.outcome_of(S))]
            b.outcome(node, pay, label=oc)
            terminal_state[node] = S
            return
        actor = movers[i]
        ms = feasible_moves(S, actor)
        # posture game: one information set per later mover (its moves are the same at every node, see
        # _posture_moves)
        key = (actor, "posture") if info == "posture" and i > 0 else None
        kids = b.move(node, actor, [m.label for m in ms], infoset=key,
                      infoset_label=f"{actor} posture" if key else f"{actor} at node {node}")
        for kid, mv in zip(kids, ms):
            play(kid, S, mv, 0, i + 1, habit, actor)

    grow(b.root, s0, 0, {})
    game = b.build()
    # the builder renumbers nodes; map terminal states by walking the labels' order
    tstate, tout = _terminal_maps(game, b, terminal_state)
    lams = np.array([model.lam(p) if p in model.actors else 1.0 for p in players])
    return DecisionGame(game, decision_point, info, players, moves, lams, s0, tstate, tout)


def _posture_moves(seq: DecisionGame, moves: dict[str, tuple[Move, ...]], movers) -> dict[str, tuple[Move, ...]]:
    """Each later mover keeps the moves it can take at every node where it moves in the sequential game."""
    g = seq.game
    out = dict(moves)
    for actor in movers[1:]:
        i = g.players.index(actor)
        sets = [set(info.actions) for info in g.infosets if info.player == i]
        if sets:
            common = set.intersection(*sets)
            out[actor] = tuple(m for m in moves[actor] if m.label in common)
    return out


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


def first_move_probs(dg: DecisionGame, profile: np.ndarray) -> dict[str, float]:
    """The first mover's probabilities over its moves under a behaviour profile."""
    g = dg.game
    k = int(g.node_infoset[0])
    info = g.infosets[k]
    p = profile[g.action_offset[k] : g.action_offset[k + 1]]
    return {a: float(x) for a, x in zip(info.actions, p)}


__all__ = ["DecisionGame", "Move", "build_game", "catalogue_moves", "default_players", "first_move_probs",
           "outcome_distribution", "scale_payoffs", "scenario_moves"]

