"""Replay the dated timeline on top of the start state to reach any decision point.

The scenario's start state describes the world before its first event. Each
timeline event applies its catalogue action with the draws actually observed
(for example, a salvo that was intercepted) and then any observed state
(``set``). Between events the per-round dynamics run once per whole round that
elapsed, so grievances fade and fronts cool as they would in the simulation.
What-if overrides of state variables are re-pinned after every event, so an
analyst's "legitimacy = 0.3" holds at every decision point. The replayed state
gets the offers on the table (``Model.with_offers``) where it stops; no
settlement is reached or broken by a replay: those are recorded events
(``set: {settlement.ISSUE: 1}``), as on the record.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from brink.errors import BrinkError
from brink.model.compiled import Model


def ordered_timeline(model: Model):
    """Events by date; events of the same day keep their order in the file."""
    return sorted(model.scenario.timeline, key=lambda e: e.date)


def _replay(model: Model, stop_event: str | None, until: dt.date | None) -> tuple[np.ndarray, dt.date]:
    """Replay events in date order; stop right after ``stop_event``, or after the last event
    dated on or before ``until`` and then run the dynamics of the whole rounds up to ``until``."""
    sc = model.scenario
    round_days = sc.round_days
    S = model.initial_state()
    week = model.var_index.get("world.week")
    last: dt.date | None = None
    for e in ordered_timeline(model):
        if until is not None and e.date > until:
            break
        if last is not None:
            S = model.step_dynamics(S, int((e.date - last).days // round_days))
        last = e.date
        if week is not None:
            S[week] = model.week_of(e.date)
        if e.action:
            S = model.apply(S, e.action, {k: p.value for k, p in e.observed.items()})
        for name, p in e.set.items():
            S[model.var_index[name]] = p.value
        model.pin(S)
        if stop_event is not None and e.id == stop_event:
            return model.with_offers(S), e.date
    end = sc.meta.as_of if until is None else until
    if last is not None:
        S = model.step_dynamics(S, int((end - last).days // round_days))
    if week is not None:
        S[week] = model.week_of(end)
    return model.with_offers(model.pin(S)), end


def state_after(model: Model, event_id: str | None) -> tuple[np.ndarray, dt.date]:
    """The state right after ``event_id`` (None: after the whole timeline, at as_of)."""
    if event_id is not None and event_id not in {e.id for e in model.scenario.timeline}:
        raise BrinkError(f"unknown timeline event {event_id!r}")
    return _replay(model, event_id, None)


def state_on(model: Model, date: dt.date) -> np.ndarray:
    """The state on ``date``: every timeline event dated on or before it replayed, then the
    dynamics of the whole rounds since the last one (the origin of a forecast ``--as-of date``).

    Only what the scenario knew by ``date`` enters: later events are not replayed. A date
    after the scenario's own ``as_of`` is an error (the scenario does not know that future).
    """
    as_of = model.scenario.meta.as_of
    if date > as_of:
        raise BrinkError(f"--as-of {date}: after the scenario's as_of date {as_of}; "
                         "a scenario knows nothing after its as_of date")
    S, _ = _replay(model, None, date)
    return S


def state_at(model: Model, decision_point_id: str) -> np.ndarray:
    """The state an actor faces at a decision point: right after its trigger event."""
    try:
        dp = model.scenario.decision_point(decision_point_id)
    except KeyError:
        known = ", ".join(d.id for d in model.scenario.decision_points)
        raise BrinkError(f"unknown decision point {decision_point_id!r} (known: {known})") from None
    S, _ = state_after(model, dp.trigger)
    return S


def latest_decision_point(model: Model, actor: str | None = None) -> str:
    """The last decision point (by date, then file order), optionally for one actor."""
    dps = [d for d in model.scenario.decision_points if actor is None or d.actor == actor]
    if not dps:
        raise BrinkError(f"the scenario has no decision points{' for ' + actor if actor else ''}")
    return max(enumerate(dps), key=lambda t: (t[1].date, t[0]))[1].id


def deciding_actor(model: Model, actor: str | None = None) -> str:
    """The actor whose decision to explain: ``actor`` if given (checked), else the scenario's own.

    The scenario's default is the actor of its latest decision point, else the
    first actor of its schedule order that has actions, else the first actor
    with actions. An actor that has no actions is an error listing those that do.
    """
    deciding = model.actors
    if actor is not None:
        if actor not in deciding:
            raise BrinkError(f"actor {actor!r} does not decide in {model.scenario.meta.id} "
                             f"(deciding actors: {', '.join(deciding) or 'none'})")
        return actor
    sc = model.scenario
    candidates = []
    if sc.decision_points:
        candidates.append(sc.decision_point(latest_decision_point(model)).actor)
    candidates += sc.schedule.order if sc.schedule else []
    candidates += list(deciding)
    for a in candidates:
        if a in deciding:
            return a
    raise BrinkError(f"{sc.meta.id}: no actor has actions, so none decides")
