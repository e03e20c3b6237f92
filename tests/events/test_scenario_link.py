"""The scenario's timeline into the store, and store events into candidate decision points.

The link tests run on every built-in scenario (``scenario_id``); the one on the
fixture files (coded for iran-2024) checks the candidates found in real layouts.
"""

from __future__ import annotations

import datetime as dt

from ruamel.yaml import YAML

from brink.events import scenario_link as sl
from brink.events.dictionary import load_dictionary
from brink.events.series import dyad_series
from brink.scenario import load_scenario
from brink.scenario.schema import DecisionPoint, TimelineEvent


def test_timeline_into_store_is_idempotent(store, scenario_id):
    sc = load_scenario(scenario_id)
    r = sl.load_timeline(store, scenario_id)  # with the scenario's own dictionary
    with_action = [t for t in sc.timeline if t.action]
    assert with_action and r.inserted == len(with_action)
    # a timeline event without a catalogue action has no event code: reported, not stored
    assert [p.field for p in r.problems] == ["event"] * (len(sc.timeline) - len(with_action))
    again = sl.load_timeline(store, sc, load_dictionary(scenario_id))
    assert again.inserted == 0 and again.duplicates == len(with_action)
    ev = store.events(source="scenario").set_index("source_id")
    for t in with_action:
        row = ev.loc[f"{sc.meta.id}/{t.id}"]
        a = sc.action(t.action)
        target = row.target if isinstance(row.target, str) else None  # a missing target is stored as NULL
        assert (row.actor, target) == (t.actor, t.target)
        if t.front or a.front:  # else the dictionary's front rules give it
            assert row.front == (t.front or a.front)
        assert row.cameo == a.cameo and row.intensity == a.intensity.value
        assert row.plover_type == (a.plover.type if a.plover else None)
        if t.end_date:
            assert str(row.end_date.date()) == str(t.end_date)
    # scenario events are not counted again in the data series
    t = next(t for t in with_action if t.target and t.target != t.actor)
    assert dyad_series(store, (t.actor, t.target), "W").empty
    assert not dyad_series(store, (t.actor, t.target), "W", source="scenario").empty


def test_timeline_chart_data(store, scenario_id):
    sc = load_scenario(scenario_id)
    sl.load_timeline(store, scenario_id)
    daily, events = sl.timeline_data(store, sc)
    assert daily.empty  # only scenario events in the store, and they are drawn from the scenario
    assert len(events) == len(sc.timeline)
    daily, stored = sl.timeline_data(store, None)
    assert len(stored) == len([t for t in sc.timeline if t.action])


def _csv(path, rows):
    path.write_text("id,date,actor,target,cameo,intensity\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def test_candidate_decision_points_from_synthetic_events(store, scenario_id, tmp_path):
    """A made-up attack on a deciding actor and its answer become one reviewed candidate."""
    sc = load_scenario(scenario_id)
    dic = load_dictionary(scenario_id)
    decider = next(a.actor for a in sc.actions if a.category != "none" and a.actor in dic.actors)
    other = next(a for a in dic.actors if a != decider)
    known = {(t.date, t.actor, t.target) for t in sc.timeline}
    day = sc.meta.as_of - dt.timedelta(days=90)
    while any((day + dt.timedelta(days=k), other, decider) in known for k in (-1, 0, 1, 2)):
        day -= dt.timedelta(days=7)

    def on(k):
        return day + dt.timedelta(days=k)

    p = _csv(tmp_path / "events.csv", [
        ("t1", on(0), other, decider, 195, -9.5),  # the trigger, reported twice
        ("t2", on(1), other, decider, 190, -9.2),
        ("r1", on(5), decider, other, 195, -8.5),  # the answer: the most conflictual within 30 days
        ("r2", on(7), decider, other, "042", 1.9),
        ("late", on(45), decider, other, 195, -8.9),  # outside the response window
    ])
    r = store.import_file(p, "csv", dic)
    assert r.inserted == 5 and not r.problems
    c = sl.candidate_decision_points(store, scenario_id)
    assert len(c) == 1
    cand = c.iloc[0]
    assert (cand.actor, cand.trigger_actor, cand.date) == (decider, other, day)
    assert cand.trigger_events == 2 and cand.trigger_intensity == -9.5 and cand.trigger_example == "csv:t1"
    assert cand.response == "csv:r1"
    assert sc.action(cand.taken).actor == decider
    # a stricter threshold finds nothing; the window can shut out the answer
    assert sl.candidate_decision_points(store, scenario_id, max_intensity=-9.9).empty
    quick = sl.candidate_decision_points(store, scenario_id, response_days=2)
    assert quick.iloc[0].response is None
    nones = [a.id for a in sc.actions if a.actor == decider and a.category == "none"]
    assert quick.iloc[0].taken == (nones[0] if nones else None)  # nothing followed: the "none" action
    # the YAML snippet is valid scenario material
    doc = YAML(typ="safe").load(sl.candidates_yaml(c))
    assert len(doc["decision_points"]) == len(c) == len(doc["timeline"])
    for dp in doc["decision_points"]:
        DecisionPoint(**dp)
    for t in doc["timeline"]:
        TimelineEvent(**t)


def test_candidate_decision_points_from_fixture_files(store, fixtures, dic):
    for f, fmt in [("gdelt_2024.export.CSV", "gdelt"), ("acled_2024.csv", "acled")]:
        store.import_file(fixtures / f, fmt, dic)
    sc = load_scenario("iran-2024")
    c = sl.candidate_decision_points(store, sc)
    assert not c.empty
    deciders = {a.actor for a in sc.actions}
    assert set(c.actor) <= deciders
    # the scenario already has the Damascus, Isfahan, Nasrallah, 26 October triggers
    known = {(t.date, t.actor, t.target) for t in sc.timeline}
    assert not any((r.date, r.trigger_actor, r.actor) in known for r in c.itertuples())
    # Tower 22: the militias' attack on US forces; the US answered on 2 February
    tower = c.set_index("id").loc["cand_20240128_iqm_usa"]
    assert tower.actor == "USA" and tower.response == "gdelt:1170000109"
    assert sc.action(tower.taken).actor == "USA"
    doc = YAML(typ="safe").load(sl.candidates_yaml(c))
    for dp in doc["decision_points"]:
        DecisionPoint(**dp)
    for t in doc["timeline"]:
        TimelineEvent(**t)
