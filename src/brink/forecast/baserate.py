"""The base-rate forecaster: how often such events happened in the scenario's own record before the origin.

The scenario's own dated record (:func:`scenario_record`) is

* its **timeline** events: each event that instantiates a catalogue ``action``
  carries that action's attributes (actor, target, front, category, rung,
  warning); an event without one carries its own actor, target and front;
* its coded decision **episodes** (``fit/episodes.csv``, read by
  ``brink.fit.episodes.read_episodes``): the response, dated on its
  ``response_date``, by the deciding actor as the scenario's fit mapping
  resolves it (``brink.fit.mapping.resolve_actor`` with the scenario's
  ``fit/mapping.yaml``), of its ``response_category``, with the trigger's actor
  (resolved the same way) as its target, and ``advance_warning`` yes / no as
  its warning. Attributes an episode does not code (front, rung; warning when
  "unknown") may take any value of the catalogue actions of that actor and
  category. *Assumption: a response is aimed at the actor that triggered it.*
  An episode that repeats a timeline event (same actor and category, response
  dated within a day of the event) is counted once.

An action spec matches a record entry when every attribute it gives can take
one of the spec's values. Outcome and state events are counted from the
timeline where the record allows: the state after each timeline event is the
replayed one (``brink.model.history.state_after``), and each time the
episode's ``when`` (or the ``state`` formula) turns from false to true counts
once; the fit episodes carry no state and add nothing.

**Assumption (marked): events arrive as a Poisson process whose rate is read
off the record.** With ``k`` matching entries over the ``T`` days from the
first entry of the record to the origin, the probability of at least one in a
window of ``W`` days is ``1 - exp(-(k + 0.5) W / T)``; the ``0.5`` (half an
event) keeps an event never seen in the record off a probability of zero. With
no record before the origin the forecaster knows nothing and says 0.5. For
``any`` / ``all`` events the children are taken as independent processes:
``1 - prod(1 - p)`` and ``prod(p)``. A conditional question gets the base rate
of its own event (the record is too thin to condition on).

For ``before: {first: A, then: B}`` the record is not asked for orderings (a
handful of dated pairs would not estimate one); A and B are taken, like the
children of ``any`` / ``all``, as independent Poisson processes, with rates
``a`` and ``b`` (a compound child gets the rate of a process with its window
probability: ``-ln(1 - p) / W``). The first arrival of A falls inside the
window before any arrival of B with probability
``a / (a + b) * (1 - exp(-(a + b) W))``. In continuous time a tie has
probability zero, so the rule that the same round is not before is not
modelled here (a difference of the order of one round's share of the window).
With ``b = 0`` this is A's own base rate; it is never above it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from brink.forecast.questions import ACTION_ATTRIBUTES, ActionSpec, Question, event_kind
from brink.scenario.schema import Scenario

PSEUDO_COUNT = 0.5


@dataclass(frozen=True)
class Entry:
    """One dated entry of the record; each attribute is the set of values it may take (empty: unknown)."""

    date: dt.date
    source: str
    attributes: dict[str, frozenset] = field(default_factory=dict)

    def matches(self, spec: ActionSpec) -> bool:
        return all(self.attributes.get(k, frozenset()) & set(v) for k, v in spec.given().items())


@dataclass
class Record:
    """The scenario's dated record and the state-formula starts replayed from its timeline."""

    entries: list[Entry]
    # (date, state after the timeline event) in timeline order, from the start state
    states: list[tuple[dt.date, object]] = field(default_factory=list)
    initial: object = None
    model: object = field(default=None, repr=False)

    def first_date(self) -> dt.date | None:
        return min((e.date for e in self.entries), default=None)


def _action_entry(a, date: dt.date, source: str) -> Entry:
    return Entry(date, source, {k: frozenset([getattr(a, k)]) for k in ACTION_ATTRIBUTES})


def scenario_record(sc: Scenario, scenario_ref: str | Path | None = None) -> Record:
    """The dated record (timeline and, when ``scenario_ref`` names a folder that has them, fit episodes)."""
    from brink.model.compiled import compile_model
    from brink.model.history import ordered_timeline, state_after

    model = compile_model(sc)
    actions = {a.id: a for a in sc.actions}
    entries: list[Entry] = []
    states = []
    for e in ordered_timeline(model):
        if e.action and e.action in actions:
            ent = _action_entry(actions[e.action], e.date, f"timeline:{e.id}")
        else:
            ent = Entry(e.date, f"timeline:{e.id}", {
                "actor": frozenset([e.actor]), "target": frozenset([e.target]), "front": frozenset([e.front])})
        entries.append(ent)
        states.append((e.date, state_after(model, e.id)[0]))
    if scenario_ref is not None:
        entries += _episode_entries(model, scenario_ref, sc, timeline=[(e, sc.event(e.source.split(":", 1)[1]))
                                                                       for e in entries])
    entries.sort(key=lambda e: e.date)
    return Record(entries, states, model.initial_state(), model)


def _episode_entries(model, scenario_ref, sc: Scenario, timeline) -> list[Entry]:
    from brink.fit.episodes import read_episodes
    from brink.fit.mapping import read_rules, resolve_actor
    from brink.scenario.folder import companion

    if companion(scenario_ref, "fit", "episodes.csv") is None:
        return []
    episodes = read_episodes(scenario=scenario_ref)
    rules = read_rules(scenario_ref, sc)
    out = []
    for ep in episodes:
        if ep.response_date > sc.meta.as_of:
            continue
        actor, _ = resolve_actor(model, ep.decision_actor, rules)
        if actor is None:
            continue
        target, _ = resolve_actor(model, ep.trigger_actor, rules)
        if any(t_ent.attributes.get("actor") == {actor}
               and ep.response_category in t_ent.attributes.get("category", ())
               and ev.date - dt.timedelta(days=1) <= ep.response_date <= (ev.end_date or ev.date) + dt.timedelta(days=1)
               for t_ent, ev in timeline):
            continue  # the timeline has it already
        like = [a for a in sc.actions if a.actor == actor and a.category == ep.response_category]
        warn = {"yes": frozenset([True]), "no": frozenset([False])}.get(ep.advance_warning,
                                                                          frozenset(a.warning for a in like))
        out.append(Entry(ep.response_date, f"episode:{ep.episode_id} ({ep.where})", {
            "actor": frozenset([actor]), "target": frozenset([target]) if target else frozenset(),
            "category": frozenset([ep.response_category]),
            "front": frozenset(a.front for a in like), "rung": frozenset(a.rung for a in like),
            "warning": warn,
        }))
    return out


def count(event, record: Record, origin: dt.date) -> int:
    """Entries (or formula starts) in the record dated on or before ``origin`` that are this event."""
    kind = event_kind(event)
    if kind == "action":
        return sum(1 for e in record.entries if e.date <= origin and e.matches(event.action))
    if kind in ("outcome", "state"):
        if record.model is None:
            return 0
        text = event.state if kind == "state" else next(
            (o.when for o in record.model.scenario.all_outcomes() if o.id == event.outcome and o.when), None)
        if text is None:
            return 0
        f = record.model.formula(text, literals=kind == "state")
        before = bool(f(record.initial))
        k = 0
        for date, S in record.states:
            if date > origin:
                break
            now = bool(f(S))
            k += now and not before
            before = now
        return k
    raise ValueError(kind)


def base_rate(question: Question, record: Record) -> float:
    """The base-rate forecaster's probability for ``question`` (see the module docstring)."""
    first = record.first_date()
    if first is None or first >= question.as_of:
        return 0.5
    T = (question.as_of - first).days
    return _p(question.event, record, question.as_of, question.days, T)


def _p(event, record: Record, origin: dt.date, W: int, T: int) -> float:
    kind = event_kind(event)
    if kind == "any":
        return 1.0 - math.prod(1.0 - _p(e, record, origin, W, T) for e in event.any)
    if kind == "all":
        return math.prod(_p(e, record, origin, W, T) for e in event.all)
    if kind == "before":
        a, b = (_rate(e, record, origin, W, T) for e in (event.before.first, event.before.then))
        return a / (a + b) * (1.0 - math.exp(-(a + b) * W))
    return 1.0 - math.exp(-_rate(event, record, origin, W, T) * W)


def _rate(event, record: Record, origin: dt.date, W: int, T: int) -> float:
    """Events per day: ``(k + 0.5) / T`` for a simple event; a compound one the rate of a Poisson process
    with its window probability, ``-ln(1 - p) / W`` (``p`` held below 1: a sure event gets a large,
    finite rate). Every rate is positive: the half event keeps a simple one off zero."""
    if event_kind(event) in ("action", "outcome", "state"):
        return (count(event, record, origin) + PSEUDO_COUNT) / T
    p = _p(event, record, origin, W, T)
    return -math.log1p(-min(p, 1.0 - 1e-12)) / W
