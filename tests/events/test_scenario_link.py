"""The scenario's timeline into the store, and store events into candidate decision points."""

from __future__ import annotations

from ruamel.yaml import YAML

from brink.events import scenario_link as sl
from brink.scenario import load_scenario
from brink.scenario.schema import DecisionPoint, TimelineEvent


def test_timeline_into_store_is_idempotent(store):
    sc = load_scenario("iran-2024")
    r = sl.load_timeline(store, sc)
    with_action = [t for t in sc.timeline if t.action]
    assert r.inserted == len(with_action)
    # a timeline event without a catalogue action has no event code: reported, not stored
    assert [p.field for p in r.problems] == ["event"] * (len(sc.timeline) - len(with_action))
    again = sl.load_timeline(store, sc)
    assert again.inserted == 0 and again.duplicates == len(with_action)
    ev = store.events(source="scenario").set_index("source_id")
    t = sc.event("true_promise")
    row = ev.loc[f"iran-2024/{t.id}"]
    a = sc.action(t.action)
    assert (row.actor, row.target, row.front) == (t.actor, t.target, t.front)
    assert row.cameo == a.cameo and row.plover_type == a.plover.type
    assert row.intensity == a.intensity.value
    assert str(row.end_date.date()) == str(t.end_date)
    # scenario events are not counted again in the data series
    from brink.events.series import dyad_series

    assert dyad_series(store, "IRN,ISR", "W").empty
    assert not dyad_series(store, "IRN,ISR", "W", source="scenario").empty


def test_candidate_decision_points(store, fixtures):
    for f, fmt in [("gdelt_2024.export.CSV", "gdelt"), ("acled_2024.csv", "acled")]:
        store.import_file(fixtures / f, fmt)
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
    # the YAML snippet is valid scenario material
    doc = YAML(typ="safe").load(sl.candidates_yaml(c))
    assert len(doc["decision_points"]) == len(c) == len(doc["timeline"])
    for dp in doc["decision_points"]:
        DecisionPoint(**dp)
    for t in doc["timeline"]:
        TimelineEvent(**t)
