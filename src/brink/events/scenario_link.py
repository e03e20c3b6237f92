"""Between the event store and a scenario: its timeline into the store, store events into
candidate decision points, and the data for the timeline chart.

Only the public scenario API is used (``brink.scenario.load_scenario`` and the
pydantic models). Nothing here edits scenario files: candidate decision points
are returned as a DataFrame and as a YAML snippet for an analyst to review.
"""

from __future__ import annotations

import datetime as dt

from pathlib import Path

import pandas as pd

from brink.errors import BrinkError
from brink.events.staging import SCENARIO_SOURCE


def _load(scenario):
    if isinstance(scenario, (str, Path)):
        from brink.scenario import load_scenario

        return load_scenario(scenario)
    return scenario


def scenario_dictionary(scenario, sc=None):
    """The actor dictionary of a scenario (name, folder, or a loaded scenario that is built in)."""
    from brink.events.dictionary import load_dictionary

    if isinstance(scenario, (str, Path)):
        return load_dictionary(scenario, scenario=sc if sc is not None else scenario)
    from brink.scenario.loader import builtin_names

    if scenario.meta.id in builtin_names():
        return load_dictionary(scenario.meta.id, scenario=scenario)
    raise BrinkError(
        f"scenario {scenario.meta.id}: give its actor dictionary (a loaded scenario does not say where its "
        "folder is; pass the scenario's folder or dictionary=)"
    )


def timeline_frame(scenario) -> pd.DataFrame:
    """The scenario's timeline in staging form (one row per dated event)."""
    sc = _load(scenario)
    actions = {a.id: a for a in sc.actions}
    names = {a.id: a.name for a in sc.actors}
    rows = []
    for i, t in enumerate(sc.timeline, start=1):
        a = actions.get(t.action) if t.action else None
        plover = a.plover if a is not None else None
        rows.append(
            {
                "line": i,
                "source_id": f"{sc.meta.id}/{t.id}",
                "date": pd.Timestamp(t.date),
                "end_date": pd.Timestamp(t.end_date) if t.end_date else None,
                "date_raw": str(t.date),
                "actor_name": names.get(t.actor, t.actor),
                "actor_code": "",
                "actor_group": "",
                "actor_country": "",
                "actor_given": t.actor,
                "target_name": names.get(t.target, t.target or "") if t.target else "",
                "target_code": "",
                "target_group": "",
                "target_country": "",
                "target_given": t.target,
                "cameo": a.cameo if a is not None else None,
                "plover_type": plover.type if plover is not None else None,
                "plover_mode": plover.mode if plover is not None else None,
                "plover_context": plover.context if plover is not None else None,
                "native": "plover" if plover is not None else "cameo",
                "intensity_given": a.intensity.value if a is not None else None,
                "front_given": t.front or (a.front if a is not None else None),
                "text": t.label,
                "url": "; ".join(t.evidence) if t.evidence else None,
            }
        )
    df = pd.DataFrame(rows)
    for c in ("actor_given", "target_given", "cameo", "plover_type", "plover_mode", "plover_context",
              "front_given", "url", "end_date"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def load_timeline(store, scenario, dictionary=None):
    """Put the scenario's dated timeline into the store (source ``scenario``); idempotent.

    ``scenario`` is a name, a folder or a loaded scenario; ``dictionary`` (an
    ``ActorDictionary`` or what ``load_dictionary`` takes) defaults to the scenario's own.
    """
    sc = _load(scenario)
    dic = dictionary if dictionary is not None else scenario_dictionary(scenario, sc)
    frame = timeline_frame(sc)
    if frame.empty:
        raise BrinkError(f"scenario {sc.meta.id} has no timeline events")
    return store.import_frame(frame, SCENARIO_SOURCE, f"scenario:{sc.meta.id}", dic)


def timeline_data(store, scenario=None, *, since=None, until=None, sources=None):
    """(store events per day and front, scenario events) for ``plot_timeline``."""
    rel = store.relation(
        since=since, until=until, source=list(sources) if sources else None, not_source=SCENARIO_SOURCE
    )
    daily = rel.aggregate(
        "date, front, count(*) AS events, avg(intensity) AS mean_intensity", "date, front"
    ).order("date").df()
    if scenario is not None:
        sc = _load(scenario)
        rows = [
            {"id": t.id, "date": pd.Timestamp(t.date), "end_date": pd.Timestamp(t.end_date) if t.end_date else None,
             "front": t.front or _action_front(sc, t.action), "label": t.label}
            for t in sc.timeline
            if (since is None or t.date >= dt.date.fromisoformat(str(since)))
            and (until is None or t.date <= dt.date.fromisoformat(str(until)))
        ]
        events = pd.DataFrame(rows, columns=["id", "date", "end_date", "front", "label"])
    else:  # scenario events already in the store
        events = (
            store.relation(source=SCENARIO_SOURCE)
            .select("source_id AS id, date, end_date, front, text AS label").order("date").df()
        )
    return daily, events


def _action_front(sc, action_id):
    if not action_id:
        return None
    try:
        return sc.action(action_id).front
    except KeyError:
        return None


def candidate_decision_points(
    store,
    scenario,
    *,
    max_intensity: float = -9.0,
    response_days: int = 30,
    merge_days: int = 3,
    since=None,
    until=None,
) -> pd.DataFrame:
    """Candidate decision points from store events, for an analyst to review.

    A *trigger* is a day on which one scenario actor did something at least as
    conflictual as ``max_intensity`` (default -9: armed attacks and assassinations)
    to another scenario actor that has choices in the action catalogue. The target
    is the actor who must decide. Triggers that the scenario's own timeline already
    has (same actor and target within a day) are left out. The *response* is that
    actor's most conflictual event against the trigger's actor, or on its front,
    within ``response_days`` days; ``taken`` is the catalogue action of the deciding
    actor closest to it (same PLOVER type first, then nearest intensity), or the
    actor's "none" action when nothing followed. Reports of the same actor and target
    within ``merge_days`` of the first are one trigger (sources date events differently).
    """
    sc = _load(scenario)
    deciders = sorted({a.actor for a in sc.actions})
    cols = ["id", "label", "date", "trigger", "trigger_actor", "actor", "front", "trigger_events",
            "trigger_intensity", "trigger_example", "response", "taken"]
    if not deciders:
        return pd.DataFrame([], columns=cols)
    import duckdb

    from brink.events.store import event_filter

    col, const = duckdb.ColumnExpression, duckdb.ConstantExpression
    cond = (
        event_filter(since=since, until=until, not_source=SCENARIO_SOURCE)
        & col("actor").isnotnull() & col("target").isnotnull() & (col("actor") != col("target"))
        & (col("intensity") <= const(float(max_intensity)))
        & col("target").isin(*[const(d) for d in deciders])
    )
    trig = (
        store.con.table("events").filter(cond)
        .aggregate(
            """date, actor, target, arg_min(front, intensity) AS front, count(*) AS n_events,
               min(intensity) AS intensity,
               arg_min(source || ':' || source_id, intensity) AS example,
               arg_min(coalesce(text, plover_type || ' ' || coalesce(plover_mode, '')), intensity) AS text""",
            "date, actor, target",
        )
        .order("date, actor, target")
        .df()
    )
    known = [(t.date, t.actor, t.target) for t in sc.timeline]
    trig = _merge_reports(trig, merge_days)
    out = []
    for r in trig.itertuples():
        d = pd.Timestamp(r.date).date()
        if any(abs((d - kd).days) <= 1 and ka == r.actor and kt == r.target for kd, ka, kt in known):
            continue
        resp = store.con.execute(
            """SELECT date, source || ':' || source_id AS ev, plover_type, plover_mode, intensity, target, front
               FROM events WHERE source <> $scenario AND actor = $actor AND date > $day
                 AND date <= $day + INTERVAL ($days) DAY AND (target = $after OR front = $front)
               ORDER BY intensity ASC, date ASC LIMIT 1""",
            {"scenario": SCENARIO_SOURCE, "actor": r.target, "day": d, "days": int(response_days),
             "after": r.actor, "front": r.front},
        ).fetchall()
        taken, response = _closest_action(sc, r.target, resp[0] if resp else None)
        slug = f"{d:%Y%m%d}_{r.actor}_{r.target}".lower()
        out.append(
            {
                "id": f"cand_{slug}",
                "label": f"{sc.actor(r.target).name} after: {' '.join(str(r.text).split())[:80]}",
                "date": d,
                "trigger": f"store_{slug}",
                "trigger_actor": r.actor,
                "actor": r.target,
                "front": r.front,
                "trigger_events": int(r.n_events),
                "trigger_intensity": float(r.intensity),
                "trigger_example": r.example,
                "response": response,
                "taken": taken,
            }
        )
    return pd.DataFrame(out, columns=cols)


def _merge_reports(trig: pd.DataFrame, merge_days: int) -> pd.DataFrame:
    """Fold triggers of the same (actor, target) within ``merge_days`` of a cluster's first day."""
    if trig.empty or merge_days <= 0:
        return trig
    rows, last = [], {}
    for r in trig.sort_values(["actor", "target", "date"]).to_dict("records"):
        key = (r["actor"], r["target"])
        cur = last.get(key)
        if cur is not None and (pd.Timestamp(r["date"]) - pd.Timestamp(cur["date"])).days <= merge_days:
            cur["n_events"] += r["n_events"]
            if r["intensity"] < cur["intensity"]:
                cur.update(intensity=r["intensity"], example=r["example"], text=r["text"], front=r["front"])
            continue
        last[key] = r
        rows.append(r)
    return pd.DataFrame(rows, columns=trig.columns).sort_values(["date", "actor", "target"]).reset_index(drop=True)


def _closest_action(sc, actor: str, resp) -> tuple[str | None, str | None]:
    acts = [a for a in sc.actions if a.actor == actor]
    if not acts:
        return None, None
    if resp is None:
        none = [a for a in acts if a.category == "none"]
        return (none[0].id if none else None), None
    _date, ev, ptype, pmode, inten, _tgt, _front = resp
    same = [a for a in acts if a.plover is not None and a.plover.type == ptype]
    pool = same or [a for a in acts if a.category != "none"] or acts
    best = min(
        pool,
        key=lambda a: (
            0 if (a.plover is not None and pmode and a.plover.mode == pmode) else 1,
            abs(a.intensity.value - (inten if inten is not None else 0.0)),
        ),
    )
    return best.id, ev


def candidates_yaml(cands: pd.DataFrame) -> str:
    """A YAML snippet (timeline items + decision points) for the candidates, marked for review."""
    from io import StringIO

    from ruamel.yaml import YAML

    timeline, dps = [], []
    for r in cands.itertuples():
        note = (
            f"Candidate from the event store ({r.trigger_events} event(s), e.g. {r.trigger_example}); "
            "review before use."
        )
        timeline.append(
            {"id": r.trigger, "date": r.date.isoformat(), "label": r.label.split("after: ", 1)[-1],
             "actor": r.trigger_actor, "target": r.actor, "front": r.front, "assumption": note}
        )
        dp = {"id": r.id, "label": r.label, "date": r.date.isoformat(), "trigger": r.trigger, "actor": r.actor}
        if r.taken:
            dp["taken"] = r.taken
        dp["assumption"] = note + (f" Response matched: {r.response}." if r.response else " No response found.")
        dps.append(dp)
    y = YAML()
    y.default_flow_style = False
    buf = StringIO()
    buf.write("# Candidate decision points from the event store - review, edit and copy into the scenario.\n")
    y.dump({"timeline": timeline, "decision_points": dps}, buf)
    return buf.getvalue()
