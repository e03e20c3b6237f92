"""Cross-reference checks on a scenario whose parts each have the right shape.

Each check yields ``(loc, message)`` where ``loc`` is a pydantic-style path
(``("actions", 4, "effects", "IRN.unrest")``); the loader maps it back to the
file and line. All checks run, so the analyst sees every problem at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from brink.scenario.expr import parse
from brink.scenario.schema import CITATION_RE, Param, Scenario

Loc = tuple[Any, ...]


@dataclass(frozen=True)
class KnownNames:
    """Ids declared in the raw files, including items that failed their own shape
    check, so that a broken actor does not also turn every reference to it into
    an 'unknown actor' error."""

    actors: frozenset[str] = frozenset()
    actions: frozenset[str] = frozenset()
    fronts: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()
    params: frozenset[str] = frozenset()

    @classmethod
    def from_raw(cls, data: dict[str, Any]) -> "KnownNames":
        def ids(section: str) -> frozenset[str]:
            return frozenset(str(x["id"]) for x in data.get(section) or [] if isinstance(x, dict) and "id" in x)

        variables = {f"{a['id']}.{v}" for a in data.get("actors") or []
                     if isinstance(a, dict) and "id" in a and isinstance(a.get("state"), dict) for v in a["state"]}
        variables |= {f"world.{v}" for v in (data.get("world") or {})}
        variables |= {f"front.{f}" for f in ids("fronts")} | {f"channel.{c}" for c in ids("channels")}
        return cls(ids("actors"), ids("actions"), ids("fronts"), ids("timeline"), ids("sources"),
                   frozenset(variables), frozenset(data.get("parameters") or {}))


def cross_check(sc: Scenario, known: KnownNames | None = None) -> list[tuple[Loc, str]]:
    """Every cross-reference problem in the scenario (``known`` adds raw ids, see KnownNames)."""
    return list(_checks(sc, known or KnownNames()))


class SeeFirst(str):
    """A duplicate's message that also carries the location of the first occurrence
    (``first``), so the loader can name its file and line in place of ``tail``."""

    first: Loc
    tail: str

    def __new__(cls, head: str, tail: str, first: Loc) -> "SeeFirst":
        obj = super().__new__(cls, head + tail)
        obj.first, obj.tail = first, tail
        return obj


def _dupes(items: list[Any], key: str, section: str) -> Iterator[tuple[Loc, str]]:
    seen: dict[Any, int] = {}
    for i, it in enumerate(items):
        k = getattr(it, key)
        if k in seen:
            yield (section, i, key), SeeFirst(f"duplicate {key} {k!r} ", f"(also item {seen[k] + 1} of {section})",
                                              (section, seen[k], key))
        else:
            seen[k] = i


def _checks(sc: Scenario, known: KnownNames) -> Iterator[tuple[Loc, str]]:
    actors = {a.id for a in sc.actors} | known.actors
    actions = {a.id: a for a in sc.actions}
    action_ids = set(actions) | known.actions
    fronts = {f.id for f in sc.fronts} | known.fronts
    events = {e.id for e in sc.timeline} | known.events
    sources = {s.id for s in sc.sources} | known.sources
    variables = set(sc.variable_names()) | known.variables
    params = set(sc.parameters) | known.params
    as_of = sc.meta.as_of if sc.meta is not None else dt.date.max

    for section, key in [("sources", "id"), ("actors", "id"), ("actions", "id"), ("fronts", "id"),
                         ("channels", "id"), ("timeline", "id"), ("decision_points", "id"),
                         ("outcomes", "id"), ("bargaining", "id"), ("rungs", "level")]:
        yield from _dupes(getattr(sc, section), key, section)

    def actor_ref(loc: Loc, value: str | None) -> Iterator[tuple[Loc, str]]:
        if value is not None and value not in actors:
            yield loc, f"unknown actor {value!r}"

    def front_ref(loc: Loc, value: str | None) -> Iterator[tuple[Loc, str]]:
        if value is not None and value not in fronts:
            yield loc, f"unknown front {value!r}"

    def formula(loc: Loc, text: str, extra: set[str] = frozenset()) -> Iterator[tuple[Loc, str]]:
        for sym in sorted(parse(text).symbols - variables - params - set(extra)):
            yield loc, f"{sym!r} is neither a state variable nor a parameter"

    def param_range(loc: Loc, p: Param | None, lo: float, hi: float, what: str) -> Iterator[tuple[Loc, str]]:
        if p is not None and not lo <= p.value <= hi:
            yield loc + ("value",), f"{what} {p.value} out of range [{lo}, {hi}]"

    # Actors: adversaries, concern weights and measures, variables.
    for i, a in enumerate(sc.actors):
        yield from actor_ref(("actors", i, "adversary"), a.adversary)
        if a.adversary == a.id:
            yield ("actors", i, "adversary"), "an actor cannot be its own adversary"
        if a.precision is not None and a.precision.value <= 0:
            yield ("actors", i, "precision", "value"), "logit precision must be positive"
        for j, c in enumerate(a.concerns):
            yield from param_range(("actors", i, "concerns", j, "weight"), c.weight, 0.0, 1.0, "weight")
            yield from formula(("actors", i, "concerns", j, "measure"), c.measure)
        if a.concerns and sum(c.weight.value for c in a.concerns) <= 0:
            yield ("actors", i, "concerns"), "concern weights sum to zero"
        own = sorted({x.category for x in sc.actions if x.actor == a.id})
        for cat in a.tendencies:
            if cat not in own:
                yield ("actors", i, "tendencies", cat), (
                    f"{a.id} has no catalogue action of category {cat!r}"
                    + (f" (its categories: {', '.join(own)})" if own else " (it has no actions)"))
        for name, var in a.state.items():
            lo, hi = var.range
            if not lo <= var.initial.value <= hi:
                yield ("actors", i, "state", name, "initial", "value"), (
                    f"initial value {var.initial.value} outside range [{lo}, {hi}]")
    for name, var in sc.world.items():
        lo, hi = var.range
        if not lo <= var.initial.value <= hi:
            yield ("world", name, "initial", "value"), f"initial value {var.initial.value} outside range [{lo}, {hi}]"

    # Spreads (uncertainty:) of the judgements a run can vary, inside each one's declared range
    # (brink.model.ranges); a Param's own range is checked where it is read (schema.Param).
    from brink.uncertainty.problem import spread_problems

    yield from spread_problems(sc)

    for i, r in enumerate(sc.relations):
        yield from actor_ref(("relations", i, "source"), r.source)
        yield from actor_ref(("relations", i, "target"), r.target)
        yield from param_range(("relations", i, "strength"), r.strength, 0.0, 1.0, "strength")
    for i, f in enumerate(sc.fronts):
        yield from param_range(("fronts", i, "initial"), f.initial, 0.0, 1.0, "escalation level")
    for i, c in enumerate(sc.channels):
        yield from actor_ref(("channels", i, "mediator"), c.mediator)
        for j, p in enumerate(c.parties):
            yield from actor_ref(("channels", i, "parties", j), p)

    rung_levels = {r.level for r in sc.rungs}
    for i, a in enumerate(sc.actions):
        yield from actor_ref(("actions", i, "actor"), a.actor)
        yield from actor_ref(("actions", i, "target"), a.target)
        yield from front_ref(("actions", i, "front"), a.front)
        yield from param_range(("actions", i, "intensity"), a.intensity, -10.0, 10.0, "intensity")
        if rung_levels and a.rung not in rung_levels:
            yield ("actions", i, "rung"), f"rung {a.rung} is not on the escalation ladder ({sorted(rung_levels)})"
        rand = set(a.random)
        if a.precondition:
            yield from formula(("actions", i, "precondition"), a.precondition, rand)
        for target, text in a.effects.items():
            if target not in variables:
                yield ("actions", i, "effects", target), f"effect on undefined variable {target!r}"
            yield from formula(("actions", i, "effects", target), text, rand)
        for name, rq in a.random.items():
            yield from formula(("actions", i, "random", name, "mean"), rq.mean)
            if rq.dist == "beta" and rq.concentration is None:
                yield ("actions", i, "random", name), "a beta quantity needs a `concentration`"
            if rq.concentration:
                yield from formula(("actions", i, "random", name, "concentration"), rq.concentration)

    for target, text in sc.dynamics.items():
        if target not in variables:
            yield ("dynamics", target), f"dynamics of undefined variable {target!r}"
        yield from formula(("dynamics", target), text)

    for i, e in enumerate(sc.timeline):
        yield from actor_ref(("timeline", i, "actor"), e.actor)
        yield from actor_ref(("timeline", i, "target"), e.target)
        yield from front_ref(("timeline", i, "front"), e.front)
        if e.date > as_of:
            yield ("timeline", i, "date"), f"{e.date} is after the scenario's as_of date {as_of}"
        act = actions.get(e.action) if e.action else None
        if e.action and e.action not in action_ids:
            yield ("timeline", i, "action"), f"unknown action {e.action!r}"
        if act is not None and act.actor != e.actor:
            yield ("timeline", i, "action"), f"action {act.id!r} belongs to {act.actor}, not {e.actor}"
        for k in e.observed:
            if act is None or k not in act.random:
                yield ("timeline", i, "observed", k), f"{k!r} is not a random quantity of the event's action"
        for k in e.set:
            if k not in variables:
                yield ("timeline", i, "set", k), f"undefined variable {k!r}"

    for i, d in enumerate(sc.decision_points):
        yield from actor_ref(("decision_points", i, "actor"), d.actor)
        if d.trigger not in events:
            yield ("decision_points", i, "trigger"), f"unknown timeline event {d.trigger!r}"
        if d.date > as_of:
            yield ("decision_points", i, "date"), f"{d.date} is after the scenario's as_of date {as_of}"
        for j, aid in enumerate(d.feasible or []):
            if aid not in action_ids:
                yield ("decision_points", i, "feasible", j), f"unknown action {aid!r}"
            elif actions[aid].actor != d.actor:
                yield ("decision_points", i, "feasible", j), f"action {aid!r} belongs to {actions[aid].actor}"
        if d.taken is not None:
            if d.taken not in action_ids:
                yield ("decision_points", i, "taken"), f"unknown action {d.taken!r}"
            elif d.taken in actions and actions[d.taken].actor != d.actor:
                yield ("decision_points", i, "taken"), f"action {d.taken!r} belongs to {actions[d.taken].actor}"
            elif d.feasible is not None and d.taken not in d.feasible:
                yield ("decision_points", i, "taken"), f"{d.taken!r} is not in the feasible list"

    defaults = [i for i, o in enumerate(sc.outcomes) if o.default]
    if sc.outcomes and len(defaults) != 1:
        yield ("outcomes",), f"exactly one outcome must be the default (found {len(defaults)})"
    for i, o in enumerate(sc.outcomes):
        if o.when:
            yield from formula(("outcomes", i, "when"), o.when)
        if o.ends_when:
            yield from formula(("outcomes", i, "ends_when"), o.ends_when)

    if sc.schedule is not None:
        acting = {a.actor for a in sc.actions}
        for j, aid in enumerate(sc.schedule.order):
            yield from actor_ref(("schedule", "order", j), aid)
            if aid in actors and aid not in acting:
                yield ("schedule", "order", j), f"{aid} has no actions in the catalogue"

    if sc.games is not None:
        owner = {a.id: a.actor for a in sc.actions}
        players = [(p.actor, p.moves) for p in sc.games.players]
        for loc, msg in game_problems(players, actors, owner, known.actions):
            yield ("games",) + loc, msg

    for i, issue in enumerate(sc.bargaining):
        # what the bargaining models cannot take (brink.bargain.Case.problems checks the same arrays)
        first_of: dict[str, int] = {}
        for j, p in enumerate(issue.positions):
            if p.actor in first_of:
                yield ("bargaining", i, "positions", j, "actor"), (
                    f"{p.actor} already has a position on this issue (item {first_of[p.actor] + 1})")
            first_of.setdefault(p.actor, j)
        if len(first_of) < 2:
            yield ("bargaining", i, "positions"), (f"issue {issue.id!r} has {len(first_of)} actor(s); "
                                                   "a bargain needs at least two")
        elif all(p.salience.value == 0 for p in issue.positions):
            yield ("bargaining", i, "positions"), (f"issue {issue.id!r}: every actor's salience is 0, "
                                                   "so nothing weighs on the outcome")
        for j, p in enumerate(issue.positions):
            base = ("bargaining", i, "positions", j)
            yield from actor_ref(base + ("actor",), p.actor)
            yield from param_range(base + ("position",), p.position, 0.0, 100.0, "position")
            yield from param_range(base + ("salience",), p.salience, 0.0, 1.0, "salience")
            if p.capability.value <= 0:
                yield base + ("capability", "value"), "capability must be positive"
            for fname in ("position", "salience", "capability"):
                text = getattr(p.moves, fname) if p.moves is not None else None
                if text:
                    yield from formula(base + ("moves", fname), text)
            if p.accepts is not None and issue.settlement is None:
                yield base + ("accepts",), "an acceptance range needs the issue's `settlement` (nothing to veto)"
        st = issue.settlement
        if st is None:
            continue
        base = ("bargaining", i, "settlement")
        yield from param_range(base + ("status_quo",), st.status_quo, 0.0, 100.0, "status quo")
        channel_ids = {c.id for c in sc.channels}
        for j, c in enumerate(st.channels):
            if c not in channel_ids:
                yield base + ("channels", j), f"unknown channel {c!r} (known: {', '.join(sorted(channel_ids))})"
        if st.requires:
            yield from formula(base + ("requires",), st.requires)
        yield from formula(base + ("breaks_when",), st.breaks_when)
        for target, text in st.effects.items():
            if target not in variables:
                yield base + ("effects", target), f"effect on undefined variable {target!r}"
            yield from formula(base + ("effects", target), text)
        if not any(p.accepts is not None for p in issue.positions):
            yield base, "a settlement needs at least one actor with an acceptance range (`accepts`)"
    if sc.negotiation is not None and sc.negotiation.collective is not None:
        settled = {x.id for x in sc.settled_issues()}
        for j, iid in enumerate(sc.negotiation.collective.issues):
            if iid not in settled:
                yield ("negotiation", "collective", "issues", j), (
                    f"{iid!r} is not a bargaining issue with a `settlement` "
                    f"(those with one: {', '.join(sorted(settled)) or 'none'})")
    if sc.settled_issues() or sc.negotiation is not None:
        declared = {o.id for o in sc.outcomes}
        for o in sc.settlement_outcomes():
            if o.id in declared:
                where = (("negotiation", "collective", "id") if sc.negotiation and sc.negotiation.collective
                         and o.id == sc.negotiation.collective.id else ("outcomes",))
                yield where, f"episode {o.id!r} is generated by a settlement and also declared in `outcomes`"

    # Every citation must name a registered source.
    for loc, cite in iter_citations(sc):
        m = CITATION_RE.match(cite)
        if m and m.group("file") not in sources:
            yield loc, f"citation {cite!r} names a file that is not in `sources`"


def game_problems(players: Iterable[tuple[str, Sequence[Any]]], actors: Collection[str],
                  owner: Mapping[str, str], known_actions: Collection[str] = frozenset()) -> Iterator[tuple[Loc, str]]:
    """Problems of a game's players and moves, located below ``games`` (``("players", i, ...)``).

    ``players`` is ``(actor, moves)`` in move order, each move having ``label``
    and ``actions``; ``owner`` maps each catalogue action to its actor;
    ``known_actions`` are ids declared in items that failed their own shape
    check (not reported again). The scenario cross-check and the game builder
    (for moves given in code) both use this.
    """
    seen: dict[str, int] = {}
    acting = set(owner.values())
    for i, (actor, moves) in enumerate(players):
        if actor not in actors:
            yield ("players", i, "actor"), f"unknown actor {actor!r}"
        elif actor in seen:
            yield ("players", i, "actor"), f"{actor} is already player {seen[actor] + 1}"
        elif not moves and actor not in acting:
            yield ("players", i), f"{actor} has no moves here and no actions in the catalogue"
        seen.setdefault(actor, i)
        labels: set[str] = set()
        for j, mv in enumerate(moves):
            if mv.label in labels:
                yield ("players", i, "moves", j, "label"), f"move label {mv.label!r} is used twice by {actor}"
            labels.add(mv.label)
            for k, aid in enumerate(mv.actions):
                loc = ("players", i, "moves", j, "actions", k)
                if aid not in owner:
                    if aid not in known_actions:
                        yield loc, f"unknown action {aid!r}: no catalogue action has that id"
                elif owner[aid] != actor:
                    yield loc, f"action {aid!r} belongs to {owner[aid]}, not {actor}"


def iter_citations(obj: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every ``evidence`` citation in a scenario with the path where it sits."""
    from pydantic import BaseModel

    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if name == "evidence" and isinstance(value, list):
                for j, c in enumerate(value):
                    yield loc + ("evidence", j), c
            else:
                yield from iter_citations(value, loc + (name,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from iter_citations(v, loc + (i,))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from iter_citations(v, loc + (k,))
