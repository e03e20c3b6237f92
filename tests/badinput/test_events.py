"""Bad input to the event store and its importers (issue 15): one located line, exit 2, store untouched.

Every case runs ``brink events ...`` against a store that already holds the PLOVER fixture's
events and checks: the exit code, the message (file, line and field where they exist), no
traceback, and that the store's events and imports are exactly as before (or, for a store
file that is itself the bad input, that its bytes are).
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from brink.events.store import EventStore
from tests.cli import run

FIXTURES = Path(__file__).parents[1] / "events" / "fixtures"
PLOVER = FIXTURES / "plover_2024.jsonl"
GDELT = FIXTURES / "gdelt_2024.export.CSV"
ACLED = FIXTURES / "acled_2024.csv"
ICEWS = FIXTURES / "icews_2024.tab"
ANALYST = FIXTURES / "analyst_events.csv"
CSV_HEAD = "id,date,actor,target,cameo,intensity,fatalities,lat,end_date\n"
PLV = json.loads(PLOVER.read_text().splitlines()[0])  # one good PLOVER record (BRINK-PLV-0001)


def plover_line(**changes) -> str:
    rec = {**PLV, "id": "NEW-1", **changes}
    return json.dumps({k: v for k, v in rec.items() if v is not None})


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A store holding the PLOVER fixture's 11 good events; the tests run in tmp_path."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "events.duckdb"
    with EventStore(path) as s:
        s.import_file(PLOVER, "plover", "iran-2024")
    return path


def snapshot(path: Path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        ev = con.execute("SELECT * FROM events ORDER BY source, source_id").df()
        n_imports = con.execute("SELECT count(*) FROM imports").fetchall()[0][0]
    finally:
        con.close()
    return ev, n_imports


def assert_unchanged(path: Path, before) -> None:
    ev, n_imports = snapshot(path)
    assert len(ev) == len(before[0]) and n_imports == before[1]
    pd.testing.assert_frame_equal(ev, before[0])


def zip_bytes(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in names.items():
            z.writestr(n, data)
    return buf.getvalue()


def long_plover() -> bytes:
    return (plover_line() + "\n" + plover_line(id="NEW-2", event_text="x" * 2_000_000) + "\n").encode()


def late_latin1() -> bytes:
    good = "".join(plover_line(id=f"NEW-{i}") + "\n" for i in range(200))  # > 64 KiB of good UTF-8
    bad = plover_line(id="NEW-X").replace('"NEW-X"', '"caf\xe9"')  # json.dumps would escape the accent
    return good.encode() + bad.encode("latin-1") + b"\n"


# (id, file name, content (bytes or str), --format, extra args, words the message must hold)
IMPORTS = [
    ("garbage-gz", "events.jsonl.gz", bytes(range(256)) * 8, "plover", [],
     ["events.jsonl.gz: named .gz but it is not gzip-compressed data"]),
    ("cut-gzip", "events.jsonl.gz", gzip.compress(PLOVER.read_bytes())[:60], "plover", [],
     ["events.jsonl.gz: damaged gzip data"]),
    ("line-over-limit-plover", "big.jsonl", long_plover(), "plover", [],
     ["big.jsonl:2: line longer than the limit of 1,048,576 bytes"]),
    ("line-over-limit-csv", "big.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,,,\n" + "a2,2024-04-02,IRN,ISR,190,,,,"
     + "x" * 1_100_000 + "\n", "csv", [], ["big.csv:3: line longer than the limit of 1,048,576 bytes"]),
    ("gdelt-as-plover", "g.CSV", GDELT.read_bytes(), "plover", [],
     ["no good record in g.CSV", "g.CSV:1: json: not a JSON object", "try --format gdelt"]),
    ("plover-as-gdelt", "p.jsonl", PLOVER.read_bytes(), "gdelt", [],
     ["no record could be read as GDELT", "p.jsonl:1: row: expected 61 columns", "try --format plover"]),
    ("acled-as-icews", "a.csv", ACLED.read_bytes(), "icews", [],
     ["a.csv:1: not in the layout of ICEWS", "lacks column(s) Event ID", "try --format acled"]),
    ("icews-as-acled", "i.tab", ICEWS.read_bytes(), "acled", [],
     ["i.tab:1: not in the layout of ACLED", "event_id_cnty", "try --format icews"]),
    ("gdelt-as-acled", "g.CSV", GDELT.read_bytes(), "acled", [], ["g.CSV:1:", "lacks column(s) event_id_cnty"]),
    ("plover-as-csv", "p.jsonl", PLOVER.read_bytes(), "csv", [],
     ["p.jsonl:1: not in the layout of brink events CSV", "try --format plover"]),
    ("ambiguous-day-month-csv", "us.csv", CSV_HEAD + "a1,03/04/2024,IRN,ISR,190,,,,\na2,12/31/2024,IRN,ISR,190,,,,\n",
     "csv", [], ["us.csv:2: date: date '03/04/2024' is ambiguous", "--date-format %m/%d/%Y", "1 more record"]),
    ("ambiguous-end-date-csv", "us.csv", CSV_HEAD + "a1,2024-04-03,IRN,ISR,190,,,,05/04/2024\n", "csv", [],
     ["us.csv:2: end_date: date '05/04/2024' is ambiguous"]),
    ("ambiguous-day-month-acled", "a.csv",
     ACLED.read_text().replace("01 April 2024", "04/01/2024", 1), "acled", [],
     ["a.csv:2: event_date: date '04/01/2024' is ambiguous"]),
    ("date-format-not-a-format", "us.csv", CSV_HEAD + "a1,03/04/2024,IRN,ISR,190,,,,\n", "csv",
     ["--date-format", "%Q"], ["--date-format '%Q': not a date format"]),
    ("date-format-without-year", "us.csv", CSV_HEAD + "a1,03/04/2024,IRN,ISR,190,,,,\n", "csv",
     ["--date-format", "%d/%m"], ["--date-format '%d/%m'"]),
    ("date-format-for-fixed-format", "g.CSV", GDELT.read_bytes(), "gdelt", ["--date-format", "%m/%d/%Y"],
     ["--date-format applies to the acled, csv formats"]),
    ("date-not-in-date-format", "us.csv", CSV_HEAD + "a2,12/31/2024,IRN,ISR,190,,,,\n", "csv",
     ["--date-format", "%d/%m/%Y"], ["us.csv:2: date: cannot read date '12/31/2024'"]),
    ("empty-file", "e.csv", b"", "csv", [], ["e.csv: the file is empty"]),
    ("header-only", "h.csv", CSV_HEAD, "csv", [], ["h.csv: no event records in the file"]),
    ("blank-lines-only", "b.jsonl", "\n\n  \n", "plover", [], ["b.jsonl: no event records"]),
    ("directory-as-file", "folder", None, "csv", [], ["folder: is a folder, not an event file"]),
    ("missing-file", "nope.csv", "absent", "csv", [], ["nope.csv: no such file"]),
    ("unknown-format", "x.csv", ANALYST.read_bytes(), "excel", [],
     ["unknown event format 'excel': choose one of acled, csv, gdelt, icews, plover"]),
    ("latin1-early", "l.csv", (CSV_HEAD + "a1,2024-04-01,Caf\xe9,ISR,190,,,,\n").encode("latin-1"), "csv", [],
     ["l.csv:2: not UTF-8 text (byte 0xe9)"]),
    ("latin1-late", "l.jsonl", late_latin1(), "plover", [], ["l.jsonl:201: not UTF-8 text"]),
    ("utf16", "u.csv", (CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,,,\n").encode("utf-16"), "csv", [],
     ["u.csv: UTF-16 text: save it as UTF-8"]),
    ("binary-junk", "j.csv", b"id,date\x00\x01\x02" * 50, "csv", [], ["j.csv: binary data (a zero byte"]),
    ("zip-as-csv", "events.zip", zip_bytes({"events.csv": ANALYST.read_bytes()}), "csv", [],
     ["events.zip: a ZIP archive: unzip it"]),
    ("xlsx-as-csv", "events.xlsx", zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
     "csv", [], ["events.xlsx: an Excel workbook (.xlsx): save the sheet as CSV"]),
    ("xls-as-csv", "events.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "csv", [],
     ["events.xls: an old Excel workbook (.xls)"]),
    ("parquet-as-file", "events.parquet", "parquet", "csv", [], ["events.parquet: a Parquet file"]),
    ("store-as-file", "other.duckdb", "store", "plover", [], ["other.duckdb: a DuckDB database"]),
    ("too-few-columns", "short.csv", CSV_HEAD + "a1,2024-04-01,IRN\n", "csv", [],
     ["short.csv:2: row: expected 9 columns"]),
    ("duplicate-header-column", "dup.csv", "id,date,actor,cameo,date\na1,2024-04-01,IRN,190,2024-04-02\n", "csv", [],
     ["dup.csv:1: column 'date' appears twice in the header"]),
    ("stray-carriage-return-header", "cr.csv", b"\r\x01", "csv", [], ["cr.csv:1:"]),
    ("no-event-code-column", "nocode.csv", "id,date,actor\na1,2024-04-01,IRN\n", "csv", [],
     ["nocode.csv:1: an events CSV needs a `cameo` or a `plover_type` column"]),
    ("date-in-the-future", "f.csv", CSV_HEAD + "a1,2031-01-01,IRN,ISR,190,,,,\n", "csv", [],
     ["f.csv:2: date: date 2031-01-01 is in the future"]),
    ("date-before-1900", "o.csv", CSV_HEAD + "a1,1850-01-01,IRN,ISR,190,,,,\n", "csv", [],
     ["o.csv:2: date: date 1850-01-01 out of range"]),
    ("end-before-start", "d.csv", CSV_HEAD + "a1,2024-04-05,IRN,ISR,190,,,,2024-04-01\n", "csv", [],
     ["d.csv:2: end_date: end date before date"]),
    ("negative-fatalities", "n.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,-3,,\n", "csv", [],
     ["n.csv:2: fatalities: negative fatalities"]),
    ("fatalities-not-a-number", "n.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,many,,\n", "csv", [],
     ["n.csv:2: fatalities: cannot read 'many' as INTEGER"]),
    ("fatalities-too-big", "n.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,99999999999,,\n", "csv", [],
     ["n.csv:2: fatalities: cannot read '99999999999' as INTEGER"]),
    ("intensity-not-a-number", "i.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,strong,,,\n", "csv", [],
     ["i.csv:2: intensity: cannot read 'strong' as DOUBLE"]),
    ("intensity-off-scale", "i.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,99,,,\n", "csv", [],
     ["i.csv:2: intensity: intensity 99.0 outside -10..10"]),
    ("intensity-nan", "i.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,nan,,,\n", "csv", [],
     ["i.csv:2: intensity:"]),
    ("latitude-off-the-globe", "g.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,,123,\n", "csv", [],
     ["g.csv:2: lat: latitude 123.0 out of range"]),
    ("unknown-cameo-code", "c.csv", CSV_HEAD + "a1,2024-04-01,IRN,ISR,999,,,,\n", "csv", [],
     ["c.csv:2: cameo: unknown CAMEO event code '999'"]),
    ("unterminated-quote", "q.csv", CSV_HEAD + 'a1,2024-04-01,"IRN,ISR,190,,,,\n', "csv", [], ["q.csv:2:"]),
    ("plover-dead-not-a-number", "d.jsonl", plover_line(size={"dead": "many"}) + "\n", "plover", [],
     ["d.jsonl:1: size.dead: not a whole number of dead: 'many'"]),
    ("plover-dead-negative", "d.jsonl", plover_line(size={"dead": -4}) + "\n", "plover", [],
     ["d.jsonl:1: fatalities: negative fatalities"]),
    ("plover-lat-not-a-number", "d.jsonl", plover_line(event_loc={"country_code": "IRN", "lat": "north"}) + "\n",
     "plover", [], ["d.jsonl:1: event_loc.lat: not a number: 'north'"]),
    ("plover-fields-absent", "d.jsonl", '{"name": "not a PLOVER record"}\n', "plover", [],
     ["d.jsonl:1: actor: missing actor (required by PLOVER)"]),
    ("plover-broken-array", "d.json", "[" + plover_line() + ", {", "plover", [],
     ["d.json: not a JSON array of PLOVER records"]),
    ("plover-unknown-type", "d.jsonl", plover_line(event=["BOMBARD"]) + "\n", "plover", [],
     ["d.jsonl:1: plover_type: unknown PLOVER event type 'BOMBARD'"]),
    ("duplicate-id-against-store", "d.jsonl", plover_line(id="BRINK-PLV-0001", date="2024-05-09") + "\n", "plover",
     [], ["d.jsonl:1: id: event id 'BRINK-PLV-0001' is already stored with another date, actor or code"]),
    ("show-negative", "x.csv", ANALYST.read_bytes(), "csv", ["--show", "-1"], ["--show -1: must be a whole number >= 0"]),
    ("dictionary-missing", "x.csv", ANALYST.read_bytes(), "csv", ["--dictionary", "no-such-dictionary.yaml"],
     ["no-such-dictionary"]),
]


def _make(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    if content is None:
        path.mkdir()
    elif content == "absent":
        pass
    elif content == "parquet":
        pd.DataFrame({"id": ["a"], "date": ["2024-01-01"]}).to_parquet(path)
    elif content == "store":
        with EventStore(path):
            pass
    else:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize("name, content, fmt, extra, says", [c[1:] for c in IMPORTS], ids=[c[0] for c in IMPORTS])
def test_bad_import_is_one_located_line_and_changes_nothing(db, tmp_path, capsys, name, content, fmt, extra, says):
    path = _make(tmp_path, name, content)
    before = snapshot(db)
    code, out = run(capsys, "events", "import", path.name, "--format", fmt, "--db", str(db), *extra)
    assert code == 2, out
    assert "Traceback" not in out and "internal error" not in out
    for words in says:
        assert words in out, (words, out)
    assert out.count("error:") == 1
    assert_unchanged(db, before)


def test_a_good_row_beside_bad_ones_is_imported_and_each_bad_row_named(db, tmp_path, capsys):
    """Bad rows next to good ones: the good are imported, each bad one is listed by file:line, none stored."""
    f = tmp_path / "mixed.csv"
    f.write_text(CSV_HEAD + "a1,2024-04-01,IRN,ISR,190,,,,\n" + "a1,2024-04-02,IRN,ISR,190,,,,\n"
                 + "a3,2024-04-03,IRN,ISR,190,,-1,,\n" + "a4,2024-04-04,IRN\n")
    n = len(snapshot(db)[0])
    code, out = run(capsys, "events", "import", "mixed.csv", "--format", "csv", "--db", str(db))
    assert code == 0 and "Traceback" not in out
    assert "mixed.csv:3: id: duplicate event id 'a1' in this file" in out
    assert "mixed.csv:4: fatalities: negative fatalities" in out
    assert "mixed.csv:5: row: expected 9 columns" in out
    ev = snapshot(db)[0]
    assert len(ev) == n + 1 and ev[ev.source == "csv"].source_id.tolist() == ["a1"]
    assert str(ev[ev.source == "csv"].date.iloc[0])[:10] == "2024-04-01"


def test_a_date_format_reads_us_dates_the_right_way_round(db, tmp_path, capsys):
    f = tmp_path / "us.csv"
    f.write_text(CSV_HEAD + "a1,03/04/2024,IRN,ISR,190,,,,\na2,12/31/2024,IRN,ISR,190,,,,\na3,2024-06-01,IRN,ISR,190,,,,\n")
    code, out = run(capsys, "events", "import", "us.csv", "-f", "csv", "--db", str(db), "--date-format", "%m/%d/%Y")
    assert code == 0, out
    ev = snapshot(db)[0].set_index("source_id")
    assert [str(ev.loc[i, "date"])[:10] for i in ("a1", "a2", "a3")] == ["2024-03-04", "2024-12-31", "2024-06-01"]


def test_text_that_starts_like_a_binary_signature_is_still_read_as_text(db, tmp_path, capsys):
    f = tmp_path / "PAR1.csv"
    f.write_text("PAR1DUCK,date,actor,id,cameo\nx,2024-04-01,IRN,a1,190\n")  # "PAR1" first, "DUCK" at 4..8
    f2 = tmp_path / "d.csv"
    f2.write_text("id,date,DUCK,actor,cameo\na2,2024-04-01,x,IRN,190\n")  # "DUCK" at offset 8
    for name in ("PAR1.csv", "d.csv"):
        code, out = run(capsys, "events", "import", name, "-f", "csv", "--db", str(db))
        assert code == 0 and "1 imported" in out, out


def test_reimporting_the_same_events_is_not_a_problem(db, capsys):
    before = snapshot(db)
    code, out = run(capsys, "events", "import", str(PLOVER), "-f", "plover", "--db", str(db))
    assert code == 0 and "0 imported" in out and "11 already in the store" in out
    assert "already stored with another" not in out
    assert len(snapshot(db)[0]) == len(before[0])


# ---------------------------------------------------------------- the store file itself is the bad input
def _cut_half(db: Path) -> Path:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    return db


STORES = [
    ("store-cut-in-half", _cut_half, ["the event store is damaged", "was left as it is"]),
    ("store-is-a-folder", None, ["is a folder, not an event store file"]),
    ("store-is-a-text-file", "id,date\n1,2\n", ["not an event store (not a DuckDB database file)"]),
    ("store-is-an-empty-file", "", ["an empty file, not an event store"]),
    ("store-is-another-duckdb", "foreign", ["a DuckDB database but not a brink event store", "orders"]),
]
STORE_COMMANDS = [
    ("import", ["events", "import", str(ANALYST), "-f", "csv"]),
    ("info", ["events", "info"]),
    ("series", ["events", "series", "--no-plot"]),
    ("export", ["events", "export", "--out", "out.csv", "-f", "csv"]),
]


@pytest.mark.parametrize("make, says", [s[1:] for s in STORES], ids=[s[0] for s in STORES])
@pytest.mark.parametrize("argv", [c[1] for c in STORE_COMMANDS], ids=[c[0] for c in STORE_COMMANDS])
def test_a_bad_store_file_is_named_and_never_written(db, tmp_path, capsys, make, says, argv):
    if callable(make):
        path = make(db)
    elif make is None:
        path = tmp_path / "folder.duckdb"
        path.mkdir()
    elif make == "foreign":
        path = tmp_path / "shop.duckdb"
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE orders AS SELECT 1 AS id").fetchall()
        con.close()
    else:
        path = tmp_path / "store.duckdb"
        path.write_text(make)
    before = path.read_bytes() if path.is_file() else None
    code, out = run(capsys, *argv, "--db", str(path))
    assert code == 2 and "Traceback" not in out, out
    assert str(path) in out.replace("\n", "")
    for words in says:
        assert words in out.replace("\n", ""), (words, out)
    if before is not None:
        assert path.read_bytes() == before
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("where, says", [
    ("nodir/x.duckdb", "the folder nodir does not exist"),
    ("afile/x.duckdb", "a file stands where a folder of its path should be"),
], ids=["store-in-a-missing-folder", "store-under-a-file"])
def test_a_store_path_that_cannot_be_created_is_one_line(db, tmp_path, capsys, where, says):
    (tmp_path / "afile").write_text("keep me")
    code, out = run(capsys, "events", "import", str(ANALYST), "-f", "csv", "--db", where)
    assert code == 2 and where in out and says in out and "Traceback" not in out, out
    assert (tmp_path / "afile").read_text() == "keep me" and not (tmp_path / "nodir").exists()


def test_an_empty_duckdb_file_is_no_store_to_read_but_may_become_one(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    duckdb.connect("bare.duckdb").close()
    code, out = run(capsys, "events", "info", "--db", "bare.duckdb")
    assert code == 2 and "bare.duckdb: a DuckDB database but not a brink event store (it holds no tables)" in out
    code, out = run(capsys, "events", "import", str(ANALYST), "-f", "csv", "--db", "bare.duckdb")
    assert code == 0 and "3 imported" in out


def test_a_read_only_store_is_read_but_never_written(db, tmp_path, capsys):
    before = snapshot(db)
    data = db.read_bytes()
    db.chmod(0o444)
    try:
        code, out = run(capsys, "events", "import", str(ANALYST), "-f", "csv", "--db", str(db))
        assert code == 2 and "the event store is read-only" in out and str(db) in out and "Traceback" not in out
        code, out = run(capsys, "events", "export", "--out", "e.csv", "-f", "csv", "--db", str(db))
        assert code == 0 and "11 events written" in out
        code, out = run(capsys, "events", "remap", "--db", str(db))
        assert code == 2 and "read-only" in out
    finally:
        db.chmod(0o644)
    assert db.read_bytes() == data
    assert_unchanged(db, before)


# ---------------------------------------------------------------- query options
QUERIES = [
    ("since-not-a-date", ["events", "export", "--since", "notadate"], ["since: 'notadate' is not a date"]),
    ("until-not-a-date", ["events", "export", "--until", "2024-13-01"], ["until: '2024-13-01' is not a date"]),
    ("until-before-since", ["events", "export", "--since", "2024-05-01", "--until", "2024-01-01"],
     ["until 2024-01-01 is before since 2024-05-01"]),
    ("series-since-not-a-date", ["events", "series", "--since", "last week", "--no-plot"],
     ["since: 'last week' is not a date"]),
    ("unknown-dyad-actors", ["events", "series", "--dyad", "FOO,BAR", "--no-plot"],
     ["'FOO'", "'BAR'", "not an actor id of any stored event", "IRN"]),
    ("dyad-near-miss", ["events", "series", "--dyad", "irn,ISX", "--no-plot"],
     ["'irn' (did you mean IRN", "'ISX' (did you mean ISR"]),
    ("dyad-group-typo", ["events", "series", "--dyad", "IRN+HEZZ,ISR", "--no-plot"], ["'HEZZ' (did you mean HEZ"]),
    ("dyad-not-two", ["events", "series", "--dyad", "IRN", "--no-plot"], ["a dyad is two actor ids"]),
    ("unknown-frequency", ["events", "series", "--freq", "fortnight", "--no-plot"], ["unknown frequency 'fortnight'"]),
    ("unknown-export-format", ["events", "export", "--format", "xlsx", "--out", "e.xlsx"],
     ["unknown export format 'xlsx'"]),
    ("export-unknown-actor", ["events", "export", "--actors", "IRN,HEZB", "--out", "e.csv", "-f", "csv"],
     ["'HEZB' (did you mean HEZ", "not an actor id of any stored event"]),
    ("export-empty-actor", ["events", "export", "--actors", "IRN,", "--out", "e.csv", "-f", "csv"],
     ["--actors 'IRN,': actor ids separated by commas, none empty"]),
    ("export-unknown-source", ["events", "export", "--source", "gdlet", "--out", "e.csv", "-f", "csv"],
     ["--source 'gdlet': no stored event has this source", "plover"]),
    ("unknown-score", ["events", "series", "--score", "tone", "--no-plot"], ["unknown score 'tone'"]),
    ("window-zero", ["events", "series", "--window", "0", "--no-plot"], ["window must be at least 1"]),
    ("decision-max-intensity-nan", ["events", "decision-points", "--max-intensity", "nan"],
     ["--max-intensity nan: must be a score between -10 and 10"]),
    ("decision-unknown-scenario", ["events", "decision-points", "no-such-scenario"], ["no-such-scenario"]),
    ("unmapped-limit-negative", ["events", "unmapped", "--limit", "-1"], ["--limit -1"]),
    ("decision-days-zero", ["events", "decision-points", "--days", "0"], ["--days 0: must be at least 1"]),
]


@pytest.mark.parametrize("argv, says", [q[1:] for q in QUERIES], ids=[q[0] for q in QUERIES])
def test_bad_query_options_are_one_line(db, tmp_path, capsys, argv, says):
    before = snapshot(db)
    code, out = run(capsys, *argv, "--db", str(db))
    assert code == 2 and "Traceback" not in out, out
    for words in says:
        assert words in out, (words, out)
    assert_unchanged(db, before)
    assert not any(p.name.startswith("e.") for p in tmp_path.iterdir())
    assert not (tmp_path / "brink-results").exists()


def test_an_actor_with_no_events_between_known_actors_still_says_no_events(db, capsys):
    code, out = run(capsys, "events", "series", "--dyad", "HAM,OMN", "--db", str(db), "--no-plot")
    assert code == 0 and "no events between HAM and OMN" in out


# ---------------------------------------------------------------- Ctrl-C in the middle of an import
@pytest.mark.parametrize("raised", ["KeyboardInterrupt", "duckdb.InterruptException"])
def test_ctrl_c_during_an_import_leaves_nothing_half_imported(db, capsys, monkeypatch, raised):
    """The interrupt comes after the rows are inserted, before the commit: the import is one transaction."""
    before = snapshot(db)
    real = EventStore._insert

    def insert_then_interrupt(self, *a, **k):
        real(self, *a, **k)
        assert self.con.execute("SELECT count(*) FROM events").fetchall()[0][0] > len(before[0])
        raise KeyboardInterrupt if raised == "KeyboardInterrupt" else duckdb.InterruptException("Query interrupted")

    monkeypatch.setattr(EventStore, "_insert", insert_then_interrupt)
    code, out = run(capsys, "events", "import", str(GDELT), "-f", "gdelt", "--db", str(db))
    assert code == 130 and "interrupted" in out and "Traceback" not in out
    assert len([ln for ln in out.splitlines() if ln.strip()]) == 1
    assert_unchanged(db, before)
    monkeypatch.setattr(EventStore, "_insert", real)
    code, out = run(capsys, "events", "import", str(GDELT), "-f", "gdelt", "--db", str(db))
    assert code == 0 and "23 imported" in out  # the store works after the rollback


# ---------------------------------------------------------------- property: any bytes, any mutation
import hypothesis.strategies as st  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402

from brink.errors import BrinkError  # noqa: E402

FORMAT_FIXTURES = {"plover": PLOVER, "gdelt": GDELT, "acled": ACLED, "icews": ICEWS, "csv": ANALYST}
SUFFIX = {"plover": ".jsonl", "gdelt": ".CSV", "acled": ".csv", "icews": ".tab", "csv": ".csv"}


@st.composite
def mutated(draw, original: bytes) -> bytes:
    """The fixture with a few random edits: cut, insert junk or a random line, repeat or drop a line."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "insert", "replace", "line", "dup", "truncate"]))
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "cut":
            del data[i: i + draw(st.integers(1, 200))]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=20))
        elif op == "replace" and data:
            data[i] = draw(st.integers(0, 255))
        elif op == "line":
            data[i:i] = (draw(st.text(max_size=80)) + "\n").encode()
        elif op == "dup":
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(k, lines[k])
            data = bytearray(b"\n".join(lines))
        elif op == "truncate":
            data = data[:i]
    return bytes(data)


def _inputs(fmt: str):
    original = FORMAT_FIXTURES[fmt].read_bytes()
    return st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=400).map(lambda t: t.encode()),
        mutated(original),
    )


@pytest.fixture(scope="module")
def dic():
    from brink.events.dictionary import load_dictionary

    return load_dictionary("iran-2024")


def _state(store: EventStore):
    return store.con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM imports), "
        "(SELECT coalesce(sum(hash(source, source_id, date, actor, target, cameo)), 0) FROM events)"
    ).fetchall()[0]


def _property(fmt: str):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=_inputs(fmt))
    def check(tmp_path, dic, data):
        path = tmp_path / f"input{SUFFIX[fmt]}"
        path.write_bytes(data)
        with EventStore(tmp_path / "prop.duckdb") as store:
            before = _state(store)
            try:
                report = store.import_file(path, fmt, dic)
            except BrinkError as exc:
                assert str(exc).strip() and "Traceback" not in str(exc)
                assert _state(store) == before  # a failed import leaves the store as it was
            else:
                n, imports, _ = _state(store)
                assert n == before[0] + report.inserted and imports == before[1] + 1
                assert report.inserted + report.duplicates + report.rejected == report.records

    return check


test_plover_importer_on_any_input = _property("plover")
test_gdelt_importer_on_any_input = _property("gdelt")
test_acled_importer_on_any_input = _property("acled")
test_icews_importer_on_any_input = _property("icews")
test_csv_importer_on_any_input = _property("csv")


# ---------------------------------------------------------------- output paths
OUTPUTS = [
    ("export-to-a-folder", ["events", "export", "--out", "adir"], "--out adir: is a folder"),
    ("export-under-a-file", ["events", "export", "--out", "afile/x.parquet"], "afile is a file, not a folder"),
    ("series-csv-to-a-folder", ["events", "series", "--csv", "adir", "--no-plot"], "--csv adir: is a folder"),
    ("series-plot-to-a-folder", ["events", "series", "--plot", "adir"], "--plot adir: is a folder"),
    ("series-plot-under-a-file", ["events", "series", "--plot", "afile/s.png"], "afile is a file, not a folder"),
    ("series-plot-unknown-suffix", ["events", "series", "--plot", "s.txt"], "s.txt: a plot file needs one of"),
    ("timeline-to-a-folder", ["events", "timeline", "--out", "adir"], "--out adir: is a folder"),
    ("decision-yaml-to-a-folder", ["events", "decision-points", "--yaml", "adir"], "--yaml adir: is a folder"),
]


@pytest.mark.parametrize("argv, says", [o[1:] for o in OUTPUTS], ids=[o[0] for o in OUTPUTS])
def test_an_output_path_that_cannot_be_written_is_one_line(db, tmp_path, capsys, argv, says):
    (tmp_path / "adir").mkdir()
    (tmp_path / "afile").write_text("keep me")
    before = snapshot(db)
    code, out = run(capsys, *argv, "--db", str(db))
    assert code == 2 and says in out and "Traceback" not in out, out
    assert (tmp_path / "afile").read_text() == "keep me" and not any((tmp_path / "adir").iterdir())
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
    assert not (tmp_path / "s.txt").exists()
    assert_unchanged(db, before)


@pytest.mark.parametrize("fmt", ["gdelt", "acled", "plover", "icews", "csv"])
def test_a_gzip_file_imports_as_its_plain_text_does(tmp_path, fmt):
    """Real gzip is read compressed (bad rows keep their line numbers); only a false .gz is refused."""
    src = FORMAT_FIXTURES[fmt]
    gz = tmp_path / (src.name + ".gz")
    gz.write_bytes(gzip.compress(src.read_bytes()))
    with EventStore(tmp_path / "plain.duckdb") as a, EventStore(tmp_path / "gz.duckdb") as b:
        plain, packed = a.import_file(src, fmt, "iran-2024"), b.import_file(gz, fmt, "iran-2024")
        assert (packed.inserted, packed.records) == (plain.inserted, plain.records) and plain.inserted > 0
        assert [(p.line, p.field) for p in packed.problems] == [(p.line, p.field) for p in plain.problems]


@pytest.mark.parametrize("content", [b"", b"not,an,event,file\n1,2,3,4\n", b"\x00\x01binary"],
                         ids=["empty", "wrong-columns", "binary"])
def test_a_failed_first_import_leaves_no_empty_store_behind(tmp_path, capsys, monkeypatch, content):
    """The store is created by the first import; when that import is refused the folder is as it was,
    so the next command does not find an empty store and report 'no events' instead of the mistake."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_bytes(content)
    code, out = run(capsys, "events", "import", "bad.csv", "-f", "csv")
    assert code == 2 and "bad.csv" in out and "Traceback" not in out, out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]
