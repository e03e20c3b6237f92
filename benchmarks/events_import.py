"""Event store benchmark: GDELT bulk import speed and memory, dyadic series over 10 M events.

    .venv/bin/python benchmarks/events_import.py [--rows 1000000] [--series-events 10000000]

1. Writes a GDELT 2.0 export file (61 tab-separated columns) of ``--rows`` synthetic
   Middle East events (DuckDB writes it; ~390 MB per million rows) to benchmarks/out/.
2. Imports it into a fresh store in a child process and reports rows per second and
   the child's peak resident memory; then re-imports it (idempotent: 0 rows added);
   then imports a copy with 1 % malformed rows (bad rows reported with line numbers).
3. Fills a store with ``--series-events`` events (generated in SQL, not imported) and
   times ``dyad_series`` (weekly, monthly, directed) - the median of 5 runs each.

Goals (issue 6): >= 200,000 rows/s through DuckDB's CSV reader on the 2-core machine;
dyadic series over 10 M stored events in under a second. Timings are measured, not
asserted; the machine's load at the time is printed next to them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"

ACTORS = [  # (Actor1Code, Actor1Name, CountryCode, KnownGroup) - a few unmapped on purpose
    ("IRN", "IRAN", "IRN", ""), ("IRNMIL", "REVOLUTIONARY GUARD", "IRN", ""), ("IRNGOV", "ALI KHAMENEI", "IRN", ""),
    ("ISR", "ISRAEL", "ISR", ""), ("ISRMIL", "ISRAEL DEFENSE FORCES", "ISR", ""),
    ("ISRGOV", "BENJAMIN NETANYAHU", "ISR", ""), ("USA", "UNITED STATES", "USA", ""),
    ("USAMIL", "PENTAGON", "USA", ""), ("LBNREB", "HEZBOLLAH", "LBN", "HEZ"), ("YEMREB", "HOUTHI", "YEM", ""),
    ("IRQMIL", "KATAIB HEZBOLLAH", "IRQ", ""), ("PSEREB", "HAMAS", "PSE", "HMS"), ("OMN", "OMAN", "OMN", ""),
    ("QAT", "QATAR", "QAT", ""), ("IGOUNO", "UNITED NATIONS", "", "UNO"), ("SAU", "SAUDI ARABIA", "SAU", ""),
    ("JOR", "JORDAN", "JOR", ""), ("SYRGOV", "DAMASCUS", "SYR", ""), ("EGY", "EGYPT", "EGY", ""),
    ("", "", "", ""),
]
CODES = ["190", "195", "186", "194", "111", "112", "138", "1384", "130", "042", "043", "036", "046",
         "057", "071", "0874", "163", "173", "010", "020", "141", "145", "120", "125"]
GEO = [("Tehran, Tehran, Iran", "IR", 35.69, 51.42), ("Jerusalem, Israel (general), Israel", "IS", 31.77, 35.22),
       ("Beirut, Beyrouth, Lebanon", "LE", 33.87, 35.51), ("Al Hudaydah, Al Hudaydah, Yemen", "YM", 14.80, 42.95),
       ("Baghdad, Baghdad, Iraq", "IZ", 33.34, 44.40), ("Damascus, Dimashq, Syria", "SY", 33.51, 36.29),
       ("Gaza, Gaza Strip, Occupied Palestinian Territory", "GZ", 31.50, 34.47), ("", "", None, None)]


def _lit(rows: list[tuple]) -> str:
    def v(x):
        return "NULL" if x is None else (repr(x) if not isinstance(x, str) else "'" + x.replace("'", "''") + "'")

    return ", ".join("(" + ", ".join(v(x) for x in r) + ")" for r in rows)


def write_gdelt(path: Path, rows: int, bad_every: int = 0, seed: int = 7) -> None:
    """A GDELT 2.0 export file written by DuckDB; every ``bad_every``-th row malformed."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed / 100})").fetchall()
    con.execute(f"CREATE TABLE a(i INT, code VARCHAR, name VARCHAR, cc VARCHAR, grp VARCHAR); INSERT INTO a "
                f"SELECT row_number() OVER () - 1, * FROM (VALUES {_lit(ACTORS)})").fetchall()
    con.execute(f"CREATE TABLE c(i INT, code VARCHAR); INSERT INTO c SELECT row_number() OVER () - 1, * "
                f"FROM (VALUES {_lit([(x,) for x in CODES])})").fetchall()
    con.execute(f"CREATE TABLE g(i INT, full_ VARCHAR, fips VARCHAR, lat DOUBLE, lon DOUBLE); INSERT INTO g "
                f"SELECT row_number() OVER () - 1, * FROM (VALUES {_lit(GEO)})").fetchall()
    na, nc, ng = len(ACTORS), len(CODES), len(GEO)
    bad = f"(n % {bad_every} = {bad_every - 1})" if bad_every else "false"
    con.execute(
        f"""COPY (
        WITH r AS (
            SELECT n, 1200000000 + n AS gid,
                DATE '2024-01-01' + CAST(floor(random() * 366) AS INTEGER) AS d,
                CAST(floor(random() * {na}) AS INTEGER) AS a1, CAST(floor(random() * {na}) AS INTEGER) AS a2,
                CAST(floor(random() * {nc}) AS INTEGER) AS ci, CAST(floor(random() * {ng}) AS INTEGER) AS gi
            FROM range({rows}) t(n))
        SELECT concat_ws(chr(9),
            CAST(gid AS VARCHAR),
            CASE WHEN {bad} AND n % 3 = 0 THEN strftime(d, '%Y-%m-%d') ELSE strftime(d, '%Y%m%d') END,
            strftime(d, '%Y%m'), strftime(d, '%Y'), '2024.5000',
            x1.code, x1.name, x1.cc, x1.grp, '', '', '', '', '', '',
            x2.code, x2.name, x2.cc, x2.grp, '', '', '', '', '', '',
            '1', CASE WHEN {bad} AND n % 3 = 1 THEN '999' ELSE c.code END, left(c.code, 3), left(c.code, 2),
            '4', '-5.0', '10', '2', '10', '-4.2',
            '4', g.full_, g.fips, '', '', coalesce(CAST(g.lat AS VARCHAR), ''), coalesce(CAST(g.lon AS VARCHAR), ''), '',
            '4', g.full_, g.fips, '', '', coalesce(CAST(g.lat AS VARCHAR), ''), coalesce(CAST(g.lon AS VARCHAR), ''), '',
            '4', g.full_, g.fips, g.fips || '00', '',
            CASE WHEN {bad} AND n % 3 = 2 THEN 'north' ELSE coalesce(CAST(g.lat AS VARCHAR), '') END,
            coalesce(CAST(g.lon AS VARCHAR), ''), '-1',
            strftime(d, '%Y%m%d') || '120000',
            'https://www.example.org/news/' || strftime(d, '%Y/%m/%d') || '/story-' || CAST(gid AS VARCHAR) || '.html'
        ) AS line
        FROM r JOIN a x1 ON x1.i = r.a1 JOIN a x2 ON x2.i = r.a2 JOIN c ON c.i = r.ci JOIN g ON g.i = r.gi
        ORDER BY n
    ) TO '{path}' (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER chr(1))"""
    ).fetchall()


CHILD = r"""
import json, sys, time
from brink.events.store import EventStore
db, path, fmt = sys.argv[1:4]
s = EventStore(db)
t = time.perf_counter()
r = s.import_file(path, fmt, "iran-2024")  # the synthetic rows use iran-2024's actors
s.close()  # the time includes closing the store (DuckDB's checkpoint)
dt = time.perf_counter() - t
print(json.dumps({"records": r.records, "inserted": r.inserted, "duplicates": r.duplicates,
    "bad": r.rejected, "seconds": dt, "first_problems": [str(p) for p in r.problems[:3]],
    "maxrss_mb": peak_mb()}))
"""
# Peak resident memory of the child itself: VmHWM (ru_maxrss survives exec on Linux and
# would report the parent's peak when that is larger).
PEAK = """
def peak_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1]) / 1024
"""
CHILD = PEAK + CHILD


def child_import(db: Path, path: Path, fmt: str = "gdelt") -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(db), str(path), fmt], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_rss() -> float:
    code = PEAK + "from brink.events.store import EventStore; EventStore(':memory:'); print(peak_mb())"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                check=True).stdout.strip())


def fill_events(db: Path, n: int) -> float:
    """Insert ``n`` synthetic events straight into the events table (SQL); returns seconds."""
    from brink.events.store import EventStore

    actors = ["IRN", "ISR", "USA", "HEZ", "HTH", "IQM", "HAM", "PIJ", "LBN", "SAU", "IRQ", "QAT", "OMN", "CHE",
              "UNSC", "IAEA", "E3", "RUS", "CHN", None]
    t = time.perf_counter()
    with EventStore(db) as s:
        s.con.execute(f"""
            INSERT INTO events (source, source_id, import_id, record, date, actor, target, cameo, cameo_root,
                                cameo_quad, goldstein, plover_type, quad, intensity, front)
            WITH a AS (SELECT list_value({', '.join("'" + a + "'" if a else 'NULL' for a in actors)}) AS l),
            c AS (SELECT list(cameo) AS codes FROM code_cameo)
            SELECT 'bench', CAST(n AS VARCHAR), 0, n, DATE '2015-01-01' + CAST(floor(random() * 3650) AS INTEGER),
                   a.l[1 + CAST(floor(random() * {len(actors)}) AS INTEGER)],
                   a.l[1 + CAST(floor(random() * {len(actors)}) AS INTEGER)],
                   c.codes[1 + CAST(floor(random() * len(c.codes)) AS INTEGER)], NULL, NULL, NULL, NULL, NULL,
                   NULL, NULL
            FROM range({n}) t(n), a, c""").fetchall()
        s.con.execute("""
            UPDATE events SET cameo_root = k.cameo_root, cameo_quad = k.cameo_quad, goldstein = k.goldstein,
                plover_type = k.plover_type, quad = coalesce(k.plover_quad, k.cameo_quad), intensity = k.goldstein
            FROM code_cameo k WHERE k.cameo = events.cameo AND events.source = 'bench'""").fetchall()
    return time.perf_counter() - t


def time_series(db: Path, repeat: int = 5) -> dict:
    from brink.events.series import dyad_series
    from brink.events.store import EventStore

    res = {}
    with EventStore(db, read_only=True) as s:
        n = s.count()
        dyad_series(s, "IRN,ISR", "W")  # warm the buffer pool
        for label, kw in [("weekly IRN<->ISR", dict(freq="W")), ("monthly IRN<->ISR", dict(freq="M")),
                          ("daily IRN->ISR directed", dict(freq="D", directed=True)),
                          ("weekly IRN<->* (all Iran's dyads)", dict(freq="W", dyad="IRN,*"))]:
            kw = {"dyad": "IRN,ISR", **kw}
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                df = dyad_series(s, **kw)
                times.append(time.perf_counter() - t)
            res[label] = (statistics.median(times), int(df.events.sum()), len(df))
    return {"events": n, "timings": res}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--series-events", type=int, default=10_000_000)
    ap.add_argument("--skip-series", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="fresh-store imports to take the median of")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    import duckdb

    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start; "
          f"duckdb {duckdb.__version__}, python {sys.version.split()[0]}")

    gfile = OUT / f"gdelt_{args.rows}.export.CSV"
    if not gfile.exists():
        t = time.perf_counter()
        write_gdelt(gfile, args.rows)
        print(f"wrote {gfile.name}: {gfile.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s")
    base = baseline_rss()
    db = OUT / "bench_import.duckdb"
    runs = []
    for _ in range(args.repeat):
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)
        load = os.getloadavg()[0]
        r = child_import(db, gfile)
        runs.append(r)
        print(f"  import run: {r['seconds']:.2f} s = {r['records'] / r['seconds']:,.0f} rows/s, "
              f"peak RSS {r['maxrss_mb']:.0f} MB, load average before {load:.2f}")
    secs = sorted(x["seconds"] for x in runs)
    med = statistics.median(secs)
    rate = r["records"] / med
    print(f"\nimport {args.rows:,} GDELT rows (median of {len(runs)} fresh stores): {med:.2f} s = {rate:,.0f} rows/s "
          f"(goal 200,000: {rate / 200_000:.2f}x; best {r['records'] / secs[0]:,.0f} rows/s), "
          f"peak RSS {max(x['maxrss_mb'] for x in runs):.0f} MB (process baseline {base:.0f} MB), "
          f"{r['inserted']:,} inserted")
    r2 = child_import(db, gfile)
    print(f"re-import (idempotent): {r2['seconds']:.2f} s, {r2['inserted']} inserted, "
          f"{r2['duplicates']:,} already stored, peak RSS {r2['maxrss_mb']:.0f} MB")
    bfile = OUT / f"gdelt_{args.rows}_bad.export.CSV"
    if not bfile.exists():
        write_gdelt(bfile, args.rows, bad_every=100, seed=11)
    db2 = OUT / "bench_import_bad.duckdb"
    for p in (db2, Path(str(db2) + ".wal")):
        p.unlink(missing_ok=True)
    r3 = child_import(db2, bfile)
    print(f"import with 1 % bad rows: {r3['seconds']:.2f} s = {r3['records'] / r3['seconds']:,.0f} rows/s, "
          f"{r3['bad']:,} bad rows listed (e.g. {r3['first_problems'][0]}), peak RSS {r3['maxrss_mb']:.0f} MB")

    if args.skip_series:
        return
    sdb = OUT / f"bench_series_{args.series_events}.duckdb"
    if not sdb.exists():
        secs = fill_events(sdb, args.series_events)
        print(f"\nfilled a store with {args.series_events:,} events in {secs:.1f} s")
    res = time_series(sdb)
    print(f"\ndyadic series over {res['events']:,} stored events (median of 5, load {os.getloadavg()[0]:.2f}):")
    for label, (sec, nev, nper) in res["timings"].items():
        print(f"  {label:<36} {sec * 1000:7.0f} ms  ({nev:,} events in {nper} periods; goal < 1 s: "
              f"{'met' if sec < 1 else 'NOT met'})")


if __name__ == "__main__":
    main()
