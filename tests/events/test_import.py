"""Importers: real column layouts, bad rows with line numbers, idempotency, transactions."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from brink.errors import BrinkError
from brink.events.store import EventStore

FILES = {
    "gdelt": "gdelt_2024.export.CSV",
    "acled": "acled_2024.csv",
    "icews": "icews_2024.tab",
    "plover": "plover_2024.jsonl",
    "csv": "analyst_events.csv",
}

# (line, field, words in the reason) of every deliberately bad row
BAD = {
    "gdelt": [
        (23, "row", "expected 61 columns, found 58"),
        (24, "SQLDATE", "'2024-04-15'"),
        (25, "cameo", "unknown CAMEO event code '999'"),
        (26, "id", "duplicate event id '1170000101'"),
        (27, "ActionGeo_Lat", "'north'"),
        (28, "date", "missing date"),
    ],
    "acled": [
        (16, "event_type", "'Rocket attack'"),
        (17, "date", "'31 Febtember 2024'"),
        (18, "fatalities", "'four'"),
        (19, "row", "expected 31 columns"),
    ],
    "icews": [
        (13, "cameo", "'999'"),
        (14, "Event Date", "'2024-13-01'"),
        (15, "row", "expected 20 columns, found 19"),
        (16, "lon", "451.4"),
    ],
    "plover": [
        (12, "json", "not a JSON object"),
        (13, "plover_type", "'ATTACK'"),
        (14, "plover_mode", "'missile' for PLOVER ASSAULT"),
        (15, "actor", "missing actor"),
        (16, "date", "'2024-10-32'"),
        (17, "id", "duplicate event id 'BRINK-PLV-0001'"),
    ],
    "csv": [
        (5, "date", "'2024-13-02'"),
        (6, "event", "no event code"),
    ],
}
GOOD = {"gdelt": 23, "acled": 14, "icews": 12, "plover": 11, "csv": 3}


@pytest.mark.parametrize("fmt", list(FILES))
def test_bad_rows_listed_with_line_and_reason(store, fixtures, fmt, dic):
    r = store.import_file(fixtures / FILES[fmt], fmt, dic)
    got = [(p.line, p.field, p.reason) for p in r.problems]
    assert [(ln, f) for ln, f, _ in got] == [(ln, f) for ln, f, _ in BAD[fmt]]
    for (_, _, reason), (_, _, words) in zip(got, BAD[fmt]):
        assert words in reason
    assert r.inserted == GOOD[fmt] == store.count()
    assert r.records == GOOD[fmt] + len(BAD[fmt])
    # the bad rows are recorded in the store as well
    assert len(store.problems(r.import_id)) == len(BAD[fmt])


@pytest.mark.parametrize("fmt", list(FILES))
def test_reimport_adds_nothing(store, fixtures, fmt, dic):
    first = store.import_file(fixtures / FILES[fmt], fmt, dic)
    before = store.sql("SELECT * FROM events ORDER BY source_id")
    second = store.import_file(fixtures / FILES[fmt], fmt, dic)
    after = store.sql("SELECT * FROM events ORDER BY source_id")
    assert second.inserted == 0
    assert second.duplicates == first.inserted
    pd.testing.assert_frame_equal(before, after)


def test_gdelt_rows_are_coded_and_mapped(store, fixtures, dic):
    store.import_file(fixtures / FILES["gdelt"], "gdelt", dic)
    ev = store.events().set_index("source_id")
    nasrallah = ev.loc["1170000117"]
    assert (nasrallah.actor, nasrallah.target, nasrallah.front) == ("ISR", "HEZ", "LBN")
    assert (nasrallah.cameo, nasrallah.plover_type, nasrallah.plover_mode) == ("186", "ASSAULT", "targeted")
    assert nasrallah.goldstein == -10 and nasrallah.plover_score == -9.5 and nasrallah.quad == 4
    assert nasrallah.intensity == -10  # GDELT is CAMEO-coded: Goldstein is its intensity
    assert nasrallah.country == "LBN"  # FIPS LE -> ISO3
    # the Damascus consulate strike is an Iran-Israel event wherever it happened
    assert ev.loc["1170000101", "front"] == "IRN_ISR" and ev.loc["1170000101", "country"] == "SYR"
    # names win over codes: Kataib Hezbollah is coded IRQMIL but is a militia, not the government
    assert ev.loc["1170000108", "actor"] == "IQM" and ev.loc["1170000108", "actor_match"] == "alias"
    # the IAEA through its known-group code / name, the UN through its group code
    assert ev.loc["1170000111", "actor"] == "IAEA"
    assert ev.loc["1170000105", "actor"] == "UNSC"
    # CAMEO 016 (deny) has no PLOVER type but keeps its Goldstein score and CAMEO quad
    deny = ev.loc["1170000107"]
    assert deny.plover_type is None or deny.plover_type != deny.plover_type
    assert deny.goldstein == -2 and deny.quad == 1


def test_unmapped_actors_are_reported_not_dropped(store, fixtures, dic):
    r = store.import_file(fixtures / FILES["gdelt"], "gdelt", dic)
    assert r.unmapped_events == 1
    assert r.unmapped[["side", "name", "code"]].values.tolist() == [["actor", "JORDAN", "JOR"]]
    row = store.sql("SELECT actor, actor_name, target FROM events WHERE source_id = '1170000121'")
    assert row.actor.isna().all() and row.actor_name.tolist() == ["JORDAN"] and row.target.tolist() == ["IRN"]
    um = store.unmapped()
    assert um.name.tolist() == ["JORDAN"] and um.events.tolist() == [1]


def test_acled_mapping(store, fixtures, dic):
    store.import_file(fixtures / FILES["acled"], "acled", dic)
    ev = store.events().set_index("source_id")
    r = ev.loc["LBN20002"]  # Israeli air strike on Hezbollah in Lebanon
    assert (r.actor, r.target, r.plover_type, r.plover_mode, r.cameo) == ("ISR", "HEZ", "ASSAULT", "aerial", "195")
    assert r.intensity == -9.5  # ACLED is coded through PLOVER: the PLOVER score is its intensity
    assert r.fatalities == 3 and r.country == "LBN"
    assert ev.loc["IRN3002", "actor"] == "IRN_PUB"  # Protesters (Iran)
    assert ev.loc["SYR110002", "actor"] == "IQM"  # Islamic Resistance in Iraq
    assert ev.loc["YEM60001", "target"] == "HTH"  # Houthi Movement
    # a quoted note with a line break is read whole and does not shift later line numbers
    assert "CENTCOM said 85 targets" in ev.loc["IRQ7001", "text"]
    assert ev.loc["LBN20005", "plover_type"] == "AGREE"


def test_icews_mapping(store, fixtures, dic):
    store.import_file(fixtures / FILES["icews"], "icews", dic)
    ev = store.events().set_index("source_id")
    assert ev.loc["36100001", "actor"] == "ISR" and ev.loc["36100001", "actor_match"] == "country"
    assert ev.loc["36100001", "target"] == "IRN"  # Islamic Revolutionary Guards Corps
    assert ev.loc["36100004", "cameo"] == "046"  # leading zero restored
    assert ev.loc["36100010", "cameo"] == "013"
    assert ev.loc["36100007", "target"] == "IRN_PUB"  # Citizen (Iran)


def test_plover_mapping(store, fixtures, dic):
    store.import_file(fixtures / FILES["plover"], "plover", dic)
    ev = store.events().set_index("source_id")
    r = ev.loc["BRINK-PLV-0001"]
    assert (r.actor, r.target, r.plover_type, r.plover_mode) == ("ISR", "IRN", "ASSAULT", "aerial")
    assert r.cameo == "195" and r.plover_context == "military" and r.fatalities == 7
    assert ev.loc["BRINK-PLV-0004", "cameo"] == "044"  # representative CAMEO code for CONSULT third-party
    assert ev.loc["BRINK-PLV-0004", "intensity"] == 1.0
    assert ev.loc["BRINK-PLV-0008", "front"] == "LBN"


def test_plover_json_array(store, fixtures, tmp_path, dic):
    recs = [json.loads(line) for line in (fixtures / FILES["plover"]).read_text().splitlines()[:10]]
    p = tmp_path / "plover.json"
    p.write_text(json.dumps(recs, indent=1))
    r = store.import_file(p, "plover", dic)
    assert r.inserted == 10 and not r.problems


def test_csv_mapping(store, fixtures, dic):
    store.import_file(fixtures / FILES["csv"], "csv", dic)
    ev = store.events().set_index("source_id")
    assert ev.loc["analyst-002", "front"] == "US_REGION"  # given front wins
    assert ev.loc["analyst-002", "cameo"] == "138"  # representative code of THREATEN/violence
    assert ev.loc["analyst-003", "actor"] == "IRN"  # "Islamic Revolutionary Guard Corps"


def test_failed_import_leaves_store_unchanged(tmp_path, fixtures, dic):
    path = tmp_path / "events.duckdb"
    with EventStore(path) as s:
        s.import_file(fixtures / FILES["acled"], "acled", dic)
        before = s.sql("SELECT * FROM events ORDER BY source_id")
        imports = s.imports()
        with pytest.raises(RuntimeError):
            s.import_file(fixtures / FILES["gdelt"], "gdelt", dic, _fail_after_insert=True)
        pd.testing.assert_frame_equal(before, s.sql("SELECT * FROM events ORDER BY source_id"))
        assert len(s.imports()) == len(imports)
        assert s.problems().import_id.unique().tolist() == [1]
    # and on disk, after reopening
    with EventStore(path) as s:
        pd.testing.assert_frame_equal(before, s.sql("SELECT * FROM events ORDER BY source_id"))
        # the store still works after the rollback
        assert s.import_file(fixtures / FILES["gdelt"], "gdelt", dic).inserted == GOOD["gdelt"]


def test_wrong_format_is_an_error_and_changes_nothing(store, fixtures, dic):
    store.import_file(fixtures / FILES["icews"], "icews", dic)
    n = store.count()
    with pytest.raises(BrinkError, match="no record could be read as GDELT"):
        store.import_file(fixtures / FILES["acled"], "gdelt", dic)
    with pytest.raises(BrinkError, match="lacks column"):
        store.import_file(fixtures / FILES["gdelt"], "acled", dic)
    with pytest.raises(BrinkError, match="unknown event format"):
        store.import_file(fixtures / FILES["gdelt"], "cameo", dic)
    with pytest.raises(BrinkError, match="no such file"):
        store.import_file(fixtures / "nope.csv", "csv", dic)
    assert store.count() == n
    assert len(store.imports()) == 1


def test_all_formats_share_one_store(store, fixtures, dic):
    for fmt, f in FILES.items():
        store.import_file(fixtures / f, fmt, dic)
    by = store.sql("SELECT source, count(*) AS n FROM events GROUP BY source ORDER BY source")
    assert dict(zip(by.source, by.n)) == GOOD
    # every stored event has a date, a quad class and an intensity
    assert store.sql("SELECT count(*) AS n FROM events WHERE quad IS NULL OR intensity IS NULL").n[0] == 0


def test_export(store, fixtures, tmp_path, dic):
    store.import_file(fixtures / FILES["gdelt"], "gdelt", dic)
    n = store.export(tmp_path / "e.parquet", "parquet")
    df = pd.read_parquet(tmp_path / "e.parquet")
    assert n == len(df) == GOOD["gdelt"]
    n = store.export(tmp_path / "e.csv", "csv", actors=["HEZ"])
    df = pd.read_csv(tmp_path / "e.csv", dtype={"source_id": str})
    assert n == len(df) == 2 and set(df.source_id) == {"1170000116", "1170000117"}


def test_progress_is_reported_in_order(store, fixtures, dic):
    seen = []
    store.import_file(fixtures / FILES["gdelt"], "gdelt", dic, progress=lambda stage, frac: seen.append((stage, frac)))
    stages = [s for s, _ in seen]
    assert stages[0] == "reading" and stages[-1] == "done"
    order = ["reading", "checking", "mapping actors", "coding and inserting", "committing", "done"]
    assert [s for s in order if s in stages] == order
    assert seen[-1][1] == 1.0


def test_schema_version_is_checked(tmp_path):
    path = tmp_path / "old.duckdb"
    with EventStore(path) as s:
        s.con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'").fetchall()
    with pytest.raises(BrinkError, match="schema version 0"):
        EventStore(path)


def test_remap_after_dictionary_change(store, fixtures, tmp_path, dic):
    from brink.scenario.folder import companion

    store.import_file(fixtures / FILES["gdelt"], "gdelt", dic)
    before = store.sql("SELECT * FROM events ORDER BY source_id")
    assert store.remap("iran-2024") == 0  # same dictionary: nothing changes
    pd.testing.assert_frame_equal(before, store.sql("SELECT * FROM events ORDER BY source_id"))
    text = companion("iran-2024", "events", "dictionary.yaml").read_text()
    # an analyst decides to fold Jordan into the E3 entry, for the sake of the test
    changed = tmp_path / "d.yaml"
    changed.write_text(text.replace("aliases: [E3,", "aliases: [Jordan, E3,"))
    assert store.remap(changed) == 1
    row = store.sql("SELECT actor, actor_match FROM events WHERE source_id = '1170000121'")
    assert row.values.tolist() == [["E3", "alias"]]
    assert store.unmapped().empty
    after = store.sql("SELECT * FROM events WHERE source_id <> '1170000121' ORDER BY source_id")
    pd.testing.assert_frame_equal(
        before[before.source_id != "1170000121"].reset_index(drop=True), after.reset_index(drop=True)
    )


def test_formats_come_from_the_importer_modules():
    import pkgutil

    from brink.events import importers

    modules = {m.name for m in pkgutil.iter_modules(importers.__path__) if not m.name.startswith("_")}
    fmts = importers.formats()
    # one registered format per importer module, each with its own stager
    assert len(fmts) == len(modules) and set(FILES) <= set(fmts)
    assert {f.stage.__module__.rsplit(".", 1)[1] for f in fmts.values()} == modules
    assert all(f.description for f in fmts.values())
    with pytest.raises(BrinkError) as e:
        importers.get("xml")
    assert all(name in str(e.value) for name in fmts)


def test_event_filters(store, fixtures, dic):
    store.import_file(fixtures / FILES["gdelt"], "gdelt", dic)
    store.import_file(fixtures / FILES["acled"], "acled", dic)
    ev = store.events()
    sub = store.events(actors=["HEZ"], since="2024-09-01", until="2024-09-30", source="gdelt")
    want = ev[ev.actor.eq("HEZ") | ev.target.eq("HEZ")]
    want = want[(want.source == "gdelt") & (want.date >= "2024-09-01") & (want.date <= "2024-09-30")]
    assert not sub.empty and sub.source_id.tolist() == want.source_id.tolist()
    assert store.events(front="LBN", source=["gdelt", "acled"]).front.eq("LBN").all()
    assert len(store.events(source=["gdelt", "acled"])) == len(ev) == GOOD["gdelt"] + GOOD["acled"]
    assert len(store.events(limit=3)) == 3
    # a value is data, never SQL
    assert store.events(actors=["HEZ' OR '1'='1"]).empty
    with pytest.raises(BrinkError, match="since: 'last week' is not a date"):
        store.events(since="last week")


def test_report_to_dict_and_frame(store, fixtures, dic):
    r = store.import_file(fixtures / FILES["gdelt"], "gdelt", dic)
    d = json.loads(json.dumps(r.to_dict()))
    assert (d["inserted"], d["rejected"], d["unmapped_events"]) == (GOOD["gdelt"], len(BAD["gdelt"]), 1)
    assert [(p["line"], p["field"]) for p in d["problems"]] == [(ln, f) for ln, f, _ in BAD["gdelt"]]
    assert d["unmapped"] == [{"side": "actor", "name": "JORDAN", "code": "JOR", "events": 1}]
    f = r.to_frame()
    assert f.line.tolist() == [ln for ln, _, _ in BAD["gdelt"]] and list(f.columns) == ["line", "field", "reason", "record"]
