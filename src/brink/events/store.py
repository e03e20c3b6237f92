"""The event store: one DuckDB file, one ``events`` table, imports as transactions.

Design (see docs/events.md for the full schema):

* ``events`` holds one row per event with both codings (CAMEO + Goldstein,
  PLOVER + PLOVER score), the scenario actor ids the dictionary gave its two
  sides (NULL where no entry matched; the raw names and codes are kept), the
  front, place, and the file record it came from.
* Events are identified by ``(source, source_id)``: re-importing a file adds
  nothing, because rows whose id is already stored are left out by an anti-join.
* One import = one transaction. Rows DuckDB's CSV reader rejects (wrong number
  of columns, a value that does not parse as its declared type) and rows that
  fail the checks in SQL (unknown CAMEO code, missing date...) are listed with
  their line number and reason, and the good rows are imported. Anything that
  goes wrong beyond bad rows rolls the whole transaction back, so the store is
  exactly as it was.
* ``imports`` records every import; ``import_problems`` every bad row.

The connection is public (``store.con``): the store is plain DuckDB and can be
queried with SQL directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from brink.errors import BrinkError
from brink.events import coding, importers
from brink.events.dictionary import NORM_MACRO_SQL, ActorDictionary, load_dictionary
from brink.events.staging import STAGE_COLUMNS, STAGE_TYPES, Staged, literal, run

DEFAULT_DB = "brink.duckdb"
SCHEMA_VERSION = "1"

EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS events (
    source         VARCHAR NOT NULL,  -- gdelt | acled | icews | plover | csv | scenario
    source_id      VARCHAR NOT NULL,  -- the id the source gives the event
    import_id      INTEGER NOT NULL,  -- imports.import_id
    record         BIGINT,            -- 1-based record number in the imported file
    date           DATE NOT NULL,
    end_date       DATE,
    actor          VARCHAR,           -- scenario actor id, NULL if the dictionary has no match
    target         VARCHAR,
    actor_name     VARCHAR,           -- as written in the source
    actor_code     VARCHAR,
    actor_match    VARCHAR,           -- alias | pattern | group | code | country | given
    target_name    VARCHAR,
    target_code    VARCHAR,
    target_match   VARCHAR,
    cameo          VARCHAR,           -- CAMEO event code (2-4 digits)
    cameo_root     VARCHAR,
    cameo_quad     TINYINT,           -- GDELT quad class of the CAMEO root
    goldstein      DOUBLE,            -- Goldstein score of the CAMEO code (GDELT table)
    plover_type    VARCHAR,
    plover_mode    VARCHAR,
    plover_context VARCHAR,
    plover_quad    TINYINT,
    plover_score   DOUBLE,            -- PLOVER manual score table
    quad           TINYINT,           -- plover_quad, or cameo_quad where PLOVER drops the code
    intensity      DOUBLE,            -- the score series use by default (see docs/events.md)
    front          VARCHAR,
    country        VARCHAR,           -- ISO3 of where the event happened
    location       VARCHAR,
    lat            DOUBLE,
    lon            DOUBLE,
    fatalities     INTEGER,
    text           VARCHAR,           -- event text, notes or label
    url            VARCHAR
)
"""

OTHER_DDL = [
    """CREATE TABLE IF NOT EXISTS imports (
        import_id   INTEGER PRIMARY KEY,
        source      VARCHAR NOT NULL,
        file        VARCHAR,
        fingerprint VARCHAR,   -- size and hash of the file's first and last MiB
        dictionary  VARCHAR,
        started     TIMESTAMP,
        seconds     DOUBLE,
        records     BIGINT,    -- records read (good + bad)
        inserted    BIGINT,
        duplicates  BIGINT,    -- good records whose id was already stored
        rejected    BIGINT,    -- bad records
        unmapped    BIGINT     -- inserted events with a side the dictionary did not map
    )""",
    """CREATE TABLE IF NOT EXISTS import_problems (
        import_id INTEGER NOT NULL,
        line      BIGINT,
        field     VARCHAR,
        reason    VARCHAR,
        record    VARCHAR
    )""",
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
]

@dataclass
class Problem:
    line: int | None
    field: str
    reason: str
    record: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "line ?"
        return f"{where}: {self.field}: {self.reason}"


@dataclass
class ImportReport:
    """The outcome of one import, printed by the CLI and returned by the API."""

    import_id: int
    source: str
    file: str
    records: int
    inserted: int
    duplicates: int
    problems: list[Problem]
    unmapped: pd.DataFrame  # name, code, side, events: sides the dictionary did not map
    unmapped_events: int
    seconds: float

    @property
    def rejected(self) -> int:
        return len(self.problems)

    @property
    def rows_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """The bad rows, one per row: line, field, reason, record."""
        return pd.DataFrame(
            [(p.line, p.field, p.reason, p.record) for p in self.problems],
            columns=["line", "field", "reason", "record"],
        )

    def to_dict(self) -> dict:
        """JSON-able: counts, bad rows and unmapped sides (what ``brink events import --json`` prints)."""
        unmapped = [
            {"side": r["side"], "name": _plain(r["name"]), "code": _plain(r["code"]), "events": int(r["events"])}
            for r in self.unmapped.to_dict("records")
        ]
        return {
            "import_id": int(self.import_id), "source": self.source, "file": self.file,
            "records": int(self.records), "inserted": int(self.inserted), "duplicates": int(self.duplicates),
            "rejected": self.rejected, "unmapped_events": int(self.unmapped_events), "seconds": float(self.seconds),
            "problems": [{"line": p.line, "field": p.field, "reason": p.reason} for p in self.problems],
            "unmapped": unmapped,
        }

    def summary(self) -> str:
        return (
            f"{self.file}: {self.records} records, {self.inserted} imported, "
            f"{self.duplicates} already stored, {self.rejected} bad, "
            f"{self.unmapped_events} with an unmapped actor ({self.seconds:.2f} s)"
        )


def _plain(v):
    """A missing value (None, NaN) as None, anything else as itself."""
    return None if v is None or v != v else v


class EventStore:
    """An event store in a DuckDB file (or in memory with ``path=":memory:"``)."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, read_only: bool = False):
        import duckdb

        self.path = str(path)
        if self.path != ":memory:":
            read_only = _check_store_file(Path(self.path), read_only)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise _store_error(self.path, exc) from None
        try:
            self._check_brink_store(read_only)
            if not read_only:
                self._ensure_schema()
        except BaseException as exc:
            self.con.close()
            if isinstance(exc, duckdb.Error):
                raise _store_error(self.path, exc) from None
            raise
        run(self.con, NORM_MACRO_SQL)
        run(self.con, "CREATE OR REPLACE TEMP MACRO brink_quote(s) AS chr(39) || CAST(s AS VARCHAR) || chr(39)")
        self._load_code_tables()

    # ------------------------------------------------------------------ setup
    def _check_brink_store(self, read_only: bool) -> None:
        """Refuse a DuckDB database that is not an event store (brink would add its tables to it,
        or, reading, find none of its own)."""
        tables = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
            "AND table_schema = 'main'").fetchall()}
        if (tables or read_only) and not {"meta", "events", "imports", "import_problems"} <= tables:
            raise BrinkError(
                f"{self.path}: a DuckDB database but not a brink event store (it holds "
                f"{'tables ' + ', '.join(sorted(tables)[:8]) if tables else 'no tables'}): give another --db"
            )

    def _ensure_schema(self) -> None:
        run(self.con, EVENTS_DDL)
        for ddl in OTHER_DDL:
            run(self.con, ddl)
        rows = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
        row = rows[0] if rows else None
        if row is None:
            run(self.con, "INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        elif row[0] != SCHEMA_VERSION:
            raise BrinkError(
                f"{self.path}: event store schema version {row[0]}, this brink reads version {SCHEMA_VERSION}"
            )

    def _load_code_tables(self) -> None:
        """Coding tables as temp tables, so coding is a join."""
        ct = coding.cameo_table()
        pt = coding.plover_table()
        at = coding.acled_table()
        self.con.register("_ct", ct)
        self.con.register("_pt", pt)
        self.con.register("_at", at)
        run(self.con, "CREATE OR REPLACE TEMP TABLE code_cameo AS SELECT * FROM _ct")
        run(self.con, "CREATE OR REPLACE TEMP TABLE code_plover AS SELECT * FROM _pt")
        run(self.con, "CREATE OR REPLACE TEMP TABLE code_acled AS SELECT * FROM _at")
        rows = []
        for r in coding.countries_table().itertuples():
            rows.append(("iso3", r.iso3, r.iso3))
            rows.append(("name", r.iso3, r.iso3))
            rows.append(("fips", r.fips, r.iso3))
            rows.append(("num", str(r.isonum), r.iso3))
            rows += [("name", n, r.iso3) for n in r.names]
        cdf = pd.DataFrame(rows, columns=["kind", "key", "iso3"])
        self.con.register("_cc", cdf)
        run(self.con, 
            "CREATE OR REPLACE TEMP TABLE code_country AS "
            "SELECT DISTINCT kind, CASE WHEN kind = 'name' THEN brink_norm(key) ELSE key END AS key, iso3 FROM _cc"
        )
        for name in ("_ct", "_pt", "_at", "_cc"):
            self.con.unregister(name)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        if exc is not None and _is_damage(exc):
            raise BrinkError(_damaged(self.path, exc)) from None

    # ------------------------------------------------------------------ import
    def import_file(
        self,
        path: str | Path,
        fmt: str,
        dictionary: ActorDictionary | str | Path,
        *,
        progress: Callable[[str, float], None] | None = None,
        date_format: str | None = None,
        _fail_after_insert: bool = False,
    ) -> ImportReport:
        """Import one file in one transaction and return what happened.

        ``fmt`` is a registered format (``brink.events.importers.formats()``);
        ``dictionary`` an ``ActorDictionary``, a scenario (name or folder: its
        ``events/dictionary.yaml``) or a dictionary file (see ``load_dictionary``).
        ``progress(stage, fraction)`` is called as the import moves on. Bad rows are
        reported in the result, not raised; a file that cannot be read as ``fmt`` at
        all (no record, no good record, a record refused for the whole file such as
        an ambiguous day/month date, a line over ``importers.MAX_LINE_BYTES``) raises
        ``BrinkError`` and leaves the store unchanged. ``date_format`` (strptime codes,
        e.g. ``%d/%m/%Y``) says how to read numeric dates, for the formats that take one.
        An interrupt (Ctrl-C) rolls the import back and is raised as ``KeyboardInterrupt``.
        """
        importer = importers.get(fmt)
        path = Path(path)
        options = {}
        if date_format is not None:
            takes = [f.name for f in importers.formats().values() if f.date_format]
            if not importer.date_format:
                raise BrinkError(
                    f"--date-format applies to the {', '.join(takes)} formats; {importer.name} files have "
                    "fixed date formats"
                )
            importers.check_date_format(self.con, date_format)
            options["date_format"] = date_format
        importers.check_file(path)
        dic = dictionary if isinstance(dictionary, ActorDictionary) else load_dictionary(dictionary)

        def stage(con) -> Staged:
            try:
                return importer.stage(con, path, **options)
            except BrinkError as exc:
                hint = importers.format_hint(path, importer.name)
                if hint:
                    raise BrinkError(f"{exc}{hint}") from None
                raise

        return self._import(
            importer.name, str(path), _fingerprint(path), stage, dic, path, progress, _fail_after_insert,
        )

    def import_frame(
        self,
        frame: pd.DataFrame,
        source: str,
        label: str,
        dictionary: ActorDictionary | str | Path,
    ) -> ImportReport:
        """Import events already in staging form (columns of ``STAGE_COLUMNS``; ``line`` is
        the record's position for error messages). Used for the scenario's own timeline."""
        dic = dictionary if isinstance(dictionary, ActorDictionary) else load_dictionary(dictionary)
        unknown = set(frame.columns) - set(STAGE_TYPES)
        if unknown:
            raise BrinkError(f"unknown staging columns: {', '.join(sorted(unknown))}")

        def stage(con) -> Staged:
            con.register("_frame", frame)
            cols = ", ".join(f"CAST({c} AS {STAGE_TYPES[c]}) AS {c}" for c in frame.columns)
            run(con, f"CREATE OR REPLACE TEMP TABLE stg AS SELECT {cols} FROM _frame")
            con.unregister("_frame")
            return Staged(lines_known="line" in frame.columns)

        digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes()).hexdigest()[:32]
        return self._import(source, label, f"frame:{digest}", stage, dic, None, None, False)

    def _import(self, source, label, fingerprint, stage_fn, dic, path, progress, fail_after_insert) -> ImportReport:
        poller = _ProgressPoller(self.con, progress) if progress else None
        step = poller.stage if poller else (lambda stage, frac: None)
        try:
            return self._import_steps(source, label, fingerprint, stage_fn, dic, path, step, fail_after_insert)
        finally:
            if poller:
                poller.stop()

    def _import_steps(self, source, label, fingerprint, stage_fn, dic, path, step, fail_after_insert) -> ImportReport:
        t0 = time.perf_counter()
        started = pd.Timestamp.now()
        con = self.con
        run(con, "BEGIN TRANSACTION")
        try:
            import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchall()[0][0]
            step("reading", 0.05)
            staged = stage_fn(con)
            self._stage_view(staged.constants)
            n_records = con.execute("SELECT count(*) FROM stg").fetchall()[0][0] + len(staged.rejects)
            if path is not None and n_records == 0:
                raise BrinkError(f"{label}: no event records in the file (only a header or blank lines)")
            step("checking", 0.45)
            problems = self._validate(path, staged, source)
            if path is not None and problems and len(problems) == n_records:
                first = "; ".join(f"{label}:{p.line if p.line is not None else '?'}: {p.field}: {p.reason[:80]}"
                                  for p in problems[:3])
                more = f"; and {n_records - 3} more" if n_records > 3 else ""
                hint = importers.format_hint(path, source)
                raise BrinkError(f"no good record in {label}, nothing imported: {first}{more}{hint}")
            step("mapping actors", 0.6)
            self._map_actors(dic)
            step("coding and inserting", 0.7)
            inserted, duplicates, unmapped_events = self._insert(source, import_id, dic)
            unmapped = self._unmapped_in_stage()
            if fail_after_insert:  # used by the tests to prove a failed import changes nothing
                raise RuntimeError("simulated failure after insert")
            seconds = time.perf_counter() - t0
            run(
                con,
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, source, label, fingerprint, dic.id, started.to_pydatetime(), seconds,
                 n_records, inserted, duplicates, len(problems), unmapped_events],
            )
            if problems:
                pdf = pd.DataFrame(
                    [(import_id, p.line, p.field, p.reason, p.record[:500]) for p in problems],
                    columns=["import_id", "line", "field", "reason", "record"],
                )
                con.register("_pp", pdf)
                run(con, "INSERT INTO import_problems SELECT * FROM _pp")
                con.unregister("_pp")
            step("committing", 0.95)
            run(con, "COMMIT")
        except BaseException as exc:
            import duckdb

            run(con, "ROLLBACK")
            if isinstance(exc, duckdb.InterruptException):  # Ctrl-C while DuckDB was working
                raise KeyboardInterrupt from None
            if isinstance(exc, (duckdb.IOException, duckdb.InvalidInputException)) and not _is_damage(exc):
                text = str(exc)
                if "No space left" in text:
                    raise BrinkError(f"{self.path}: no space left on the disk; nothing imported") from None
                if path is not None and (str(path) in text or "CSV Error" in text):
                    raise importers.reader_error(path, exc, source) from None
            raise
        finally:
            for t in ("VIEW stgv", "TABLE stg", "TABLE bad_ord", "TABLE amap", "TABLE lmap", "TABLE dict_keys", "TABLE lines_map",
                      "TABLE lines_logical"):
                try:
                    run(con, f"DROP {t.split()[0]} IF EXISTS {t.split()[1]}")
                except Exception:  # pragma: no cover - best effort cleanup
                    pass
        step("done", 1.0)
        return ImportReport(
            import_id=import_id, source=source, file=label, records=n_records, inserted=inserted,
            duplicates=duplicates, problems=problems, unmapped=unmapped, unmapped_events=unmapped_events,
            seconds=time.perf_counter() - t0,
        )

    def _stage_view(self, constants: dict[str, str] | None = None) -> None:
        """View ``stgv`` over ``stg``: every staging column (NULL where the importer gave none)
        and ``ord``, the record's order among those the reader accepted (stg's rowid)."""
        have = {r[0] for r in self.con.execute("DESCRIBE stg").fetchall()}
        constants = constants or {}
        cols = [
            c if c in have else (f"CAST({constants[c]} AS {t}) AS {c}" if c in constants else f"CAST(NULL AS {t}) AS {c}")
            for c, t in STAGE_COLUMNS
        ]
        if "plover_mode" in have:
            # modes named as in the CAMEO2PLOVER table (assassinate...) -> codebook modes
            whens = " ".join(
                f"WHEN plover_type = {literal(t)} AND plover_mode = {literal(m)} THEN {literal(new) if new else 'NULL'}"
                for (t, m), new in coding.MODE_FIXES.items()
            )
            cols[[c for c, _ in STAGE_COLUMNS].index("plover_mode")] = (
                f"CASE {whens} ELSE plover_mode END AS plover_mode"
            )
        cols += sorted(c for c in have if c.startswith("x_"))
        # Rows appended inside a transaction get row ids from a large offset; they are
        # consecutive in insertion (= file) order, so subtract the first one.
        base = self.con.execute("SELECT coalesce(min(rowid), 0) FROM stg").fetchall()[0][0]
        run(
            self.con,
            f"CREATE OR REPLACE TEMP VIEW stgv AS SELECT stg.rowid - {int(base)} AS ord, "
            + ", ".join(cols) + " FROM stg",
        )
        self._stg_base = int(base)

    def _validate(self, path: Path, staged: Staged, source: str = "") -> list[Problem]:
        """Row checks in SQL; bad records go to temp table ``bad_ord`` (ord, field, reason)."""
        con = self.con
        self._refuse(path, staged)
        src = literal(source)
        checks = [
            *staged.checks,
            ("source_id IS NULL OR trim(source_id) = ''", "id", "'missing event id'"),
            (
                "date IS NULL",
                "date",
                "CASE WHEN coalesce(date_raw, '') = '' THEN 'missing date' "
                "ELSE 'cannot read date ' || brink_quote(date_raw) END",
            ),
            ("date < DATE '1900-01-01'", "date", "'date ' || CAST(date AS VARCHAR) || ' out of range (before 1900)'"),
            (
                "date > current_date + INTERVAL 1 DAY",
                "date",
                "'date ' || CAST(date AS VARCHAR) || ' is in the future (today is ' || CAST(current_date AS VARCHAR) "
                "|| '): an observed event cannot be'",
            ),
            (
                "end_date IS NOT NULL AND (end_date < DATE '1900-01-01' OR end_date > DATE '2999-12-31')",
                "end_date",
                "'end date ' || CAST(end_date AS VARCHAR) || ' out of range'",
            ),
            ("end_date IS NOT NULL AND end_date < date", "end_date", "'end date before date'"),
            (
                "cameo IS NOT NULL AND cameo NOT IN (SELECT cameo FROM code_cameo)",
                "cameo",
                "'unknown CAMEO event code ' || brink_quote(cameo)",
            ),
            (
                "plover_type IS NOT NULL AND plover_type NOT IN (SELECT DISTINCT plover_type FROM code_plover)",
                "plover_type",
                "'unknown PLOVER event type ' || brink_quote(plover_type)",
            ),
            (
                "plover_type IS NOT NULL AND plover_mode IS NOT NULL AND (plover_type, plover_mode) NOT IN "
                "(SELECT (plover_type, plover_mode) FROM code_plover)"
                " AND plover_type IN (SELECT DISTINCT plover_type FROM code_plover)",
                "plover_mode",
                "'unknown mode ' || brink_quote(plover_mode) || ' for PLOVER ' || plover_type",
            ),
            (
                "cameo IS NULL AND plover_type IS NULL AND intensity_given IS NULL",
                "event",
                "'no event code (CAMEO or PLOVER) for event ' || brink_quote(source_id)",
            ),
            ("lat IS NOT NULL AND (lat < -90 OR lat > 90)", "lat", "'latitude ' || lat || ' out of range'"),
            ("lon IS NOT NULL AND (lon < -180 OR lon > 180)", "lon", "'longitude ' || lon || ' out of range'"),
            ("fatalities IS NOT NULL AND fatalities < 0", "fatalities", "'negative fatalities'"),
            ("intensity_given IS NOT NULL AND isnan(intensity_given)", "intensity", "'intensity is not a number'"),
        ]
        parts = [
            f"SELECT ord, {i} AS prio, {literal(fld)} AS field, {reason} AS reason FROM stgv WHERE {cond}"
            for i, (cond, fld, reason) in enumerate(checks)
        ]
        # duplicate ids inside the file: every occurrence after the first is bad
        parts.append(
            f"SELECT ord, {len(checks)} AS prio, 'id' AS field, "
            "'duplicate event id ' || brink_quote(source_id) || ' in this file' AS reason "
            "FROM (SELECT ord, source_id, row_number() OVER (PARTITION BY source_id ORDER BY ord) AS k "
            "FROM stgv WHERE source_id IS NOT NULL AND trim(source_id) <> '') WHERE k > 1"
        )
        # the same id already stored with other content is not replaced: say so
        parts.append(
            f"SELECT ord, {len(checks) + 1} AS prio, 'id' AS field, 'event id ' || brink_quote(source_id) "
            "|| ' is already stored with another date, actor or code: not replaced (the stored event is kept)' "
            f"AS reason FROM stgv WHERE EXISTS (SELECT 1 FROM events e WHERE e.source = {src} "
            "AND e.source_id = stgv.source_id AND (e.date IS DISTINCT FROM stgv.date "
            "OR coalesce(e.actor_name, '') <> coalesce(stgv.actor_name, '') "
            "OR coalesce(e.target_name, '') <> coalesce(stgv.target_name, '') "
            "OR (stgv.cameo IS NOT NULL AND e.cameo IS DISTINCT FROM stgv.cameo) "
            "OR (stgv.native = 'plover' AND stgv.plover_type IS NOT NULL "
            "AND e.plover_type IS DISTINCT FROM stgv.plover_type)))"
        )
        run(con, "CREATE OR REPLACE TEMP TABLE bad_all AS " + " UNION ALL ".join(parts))
        # one problem per record: the first check that failed
        run(con, 
            "CREATE OR REPLACE TEMP TABLE bad_ord AS SELECT ord, arg_min(field, prio) AS field, "
            "arg_min(reason, prio) AS reason "
            "FROM bad_all GROUP BY ord"
        )
        run(con, "DROP TABLE bad_all")
        n_bad = con.execute("SELECT count(*) FROM bad_ord").fetchall()[0][0]
        rejects = staged.rejects
        mapped = False
        if staged.quoted and rejects:
            # DuckDB numbers lines outside quoted fields; turn them into physical lines
            self._line_map(path, staged)
            mapped = True
            logical = {ln for ln, *_ in rejects if ln is not None}
            phys = dict(
                con.execute(
                    "SELECT logical, line FROM lines_logical WHERE logical IN (SELECT unnest(?))", [sorted(logical)]
                ).fetchall()
            ) if logical else {}
            rejects = [(phys.get(ln, ln) if ln is not None else None, f, r, t) for ln, f, r, t in rejects]
        problems = [Problem(line, fld, reason, text) for line, fld, reason, text in rejects]
        if n_bad:
            if staged.lines_known:
                rows = con.execute(
                    "SELECT s.line, b.field, b.reason, 'id ' || coalesce(s.source_id, '?') FROM bad_ord b "
                    "JOIN stgv s ON s.ord = b.ord ORDER BY b.ord"
                ).fetchall()
            else:
                if not mapped:
                    self._line_map(path, staged)
                rows = con.execute(
                    "SELECT m.line, b.field, b.reason, 'id ' || coalesce(s.source_id, '?') FROM bad_ord b "
                    "LEFT JOIN lines_map m ON m.ord = b.ord LEFT JOIN stgv s ON s.ord = b.ord ORDER BY b.ord"
                ).fetchall()
            problems += [Problem(r[0], r[1], r[2], r[3] or "") for r in rows]
            run(con, f"DELETE FROM stg WHERE rowid - {self._stg_base} IN (SELECT ord FROM bad_ord)")
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        return problems

    def _refuse(self, path: Path, staged: Staged) -> None:
        """Raise, naming the first record's line, if a record fails one of ``staged.refuse``."""
        con = self.con
        for cond, fld, reason in staged.refuse:
            rows = con.execute(
                f"SELECT ord, line, {reason}, count(*) OVER () FROM stgv WHERE {cond} ORDER BY ord LIMIT 1"
            ).fetchall()
            if not rows:
                continue
            ord_, line, why, n = rows[0]
            if not staged.lines_known and path is not None:
                self._line_map(path, staged)
                got = con.execute("SELECT line FROM lines_map WHERE ord = ?", [int(ord_)]).fetchall()
                line = got[0][0] if got else None
            where = f"{path}:{line}" if line is not None else str(path)
            more = f" ({n - 1} more record(s) like it)" if n > 1 else ""
            raise BrinkError(f"{where}: {fld}: {why}{more}; nothing imported")

    def _line_map(self, path: Path, staged: Staged) -> None:
        """Recover physical line numbers: temp tables ``lines_logical`` and ``lines_map``.

        DuckDB's typed CSV reader does not expose line numbers for the rows it accepts,
        and numbers rejected rows by *logical* line (a quoted field with a line break in
        it does not start a new line). The file is read again by DuckDB as plain physical
        lines; a line starts a logical line when the quotes before it are balanced
        (quoted formats only). Accepted records are the non-blank logical lines after the
        header that the reader did not reject, in order: the k-th is the record with
        ``ord = k``. Only run when some row was bad, so clean imports never pay for it.
        """
        con = self.con
        rejected = sorted({ln for ln, *_ in staged.rejects if ln is not None})
        # only a blank flag and the quote count per line are kept, not the text
        quotes = (
            "length(coalesce(content, '')) - length(replace(coalesce(content, ''), '\"', ''))"
            if staged.quoted
            else "0"
        )
        run(
            con,
            f"CREATE OR REPLACE TEMP TABLE lines_raw AS SELECT content IS NULL AS blank, {quotes} AS quotes "
            "FROM read_csv(?, delim = chr(1), header = false, quote = '', escape = '', auto_detect = false, "
            f"columns = {{'content': 'VARCHAR'}}, max_line_size = {importers.MAX_LINE_BYTES}, strict_mode = false, "
            f"compression = {literal(importers.compression(path))})",
            [str(path)],
        )
        quote_expr = (
            "sum(quotes) OVER (ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
            if staged.quoted
            else "0"
        )
        run(
            con,
            f"""CREATE OR REPLACE TEMP TABLE lines_logical AS
            WITH l AS (SELECT rowid - (SELECT min(rowid) FROM lines_raw) + 1 AS line, blank, quotes FROM lines_raw),
            q AS (SELECT line, blank, coalesce({quote_expr}, 0) AS quotes_before FROM l)
            SELECT row_number() OVER (ORDER BY line) AS logical, line, blank FROM q WHERE quotes_before % 2 = 0""",
        )
        rej = pd.DataFrame({"logical": pd.Series(rejected, dtype="int64")})
        con.register("_rej", rej)
        run(
            con,
            f"""CREATE OR REPLACE TEMP TABLE lines_map AS
            SELECT row_number() OVER (ORDER BY logical) - 1 AS ord, line FROM lines_logical
            WHERE logical > {int(staged.header_lines)} AND NOT blank
              AND logical NOT IN (SELECT logical FROM _rej)""",
        )
        con.unregister("_rej")
        run(con, "DROP TABLE lines_raw")

    def _map_actors(self, dic: ActorDictionary) -> None:
        """Build temp tables ``amap`` (each distinct side (name, code, group, country) -> actor id)
        and ``lmap`` (each distinct place (kind, key) -> ISO3): matching runs once per distinct
        value, not once per row."""
        con = self.con
        run(
            con,
            """CREATE OR REPLACE TEMP TABLE lmap AS
            WITH l AS (SELECT DISTINCT loc_kind, loc_key FROM stgv WHERE loc_key IS NOT NULL AND loc_key <> '')
            SELECT l.loc_kind, l.loc_key, min(c.iso3) AS iso3 FROM l JOIN code_country c
              ON c.kind = l.loc_kind AND c.key = CASE WHEN l.loc_kind = 'name' THEN brink_norm(l.loc_key)
                                                      ELSE l.loc_key END
            GROUP BY ALL""",
        )
        self._build_amap(
            dic,
            """SELECT actor_name AS name, actor_code AS code, actor_group AS grp, actor_country AS ctry FROM stgv
               UNION ALL
               SELECT target_name, target_code, target_group, target_country FROM stgv""",
        )

    def _build_amap(self, dic: ActorDictionary, sides_sql: str) -> None:
        """Temp table ``amap``: each distinct (name, code, grp, ctry) of ``sides_sql`` -> actor id, how."""
        con = self.con
        keys = dic.key_rows()
        con.register("_dk", keys)
        run(
            con,
            "CREATE OR REPLACE TEMP TABLE dict_keys AS SELECT actor_id, kind, "
            "CASE WHEN kind = 'alias' THEN brink_norm(key) ELSE key END AS key FROM _dk",
        )
        con.unregister("_dk")
        run(
            con,
            f"""CREATE OR REPLACE TEMP TABLE amap AS
            WITH sides AS (SELECT DISTINCT name, code, grp, ctry FROM ({sides_sql})),
            s AS (SELECT *, brink_norm(name) AS nname, brink_norm(ctry) AS nctry FROM sides),
            a AS (SELECT s.name, s.code, s.grp, s.ctry, min(d.actor_id) AS actor_id
                  FROM s JOIN dict_keys d ON d.kind = 'alias' AND d.key = s.nname AND s.nname <> ''
                  GROUP BY ALL),
            p AS (SELECT s.name, s.code, s.grp, s.ctry, arg_max(d.actor_id, length(d.key)) AS actor_id
                  FROM s JOIN dict_keys d ON d.kind = 'pattern' AND s.nname <> '' AND regexp_matches(s.nname, d.key)
                  GROUP BY ALL),
            g AS (SELECT s.name, s.code, s.grp, s.ctry, min(d.actor_id) AS actor_id
                  FROM s JOIN dict_keys d ON d.kind = 'group' AND d.key = upper(s.grp) AND s.grp <> ''
                  GROUP BY ALL),
            c AS (SELECT s.name, s.code, s.grp, s.ctry, arg_max(d.actor_id, length(d.key)) AS actor_id
                  FROM s JOIN dict_keys d ON d.kind = 'code' AND s.code <> '' AND starts_with(upper(s.code), d.key)
                  GROUP BY ALL),
            k AS (SELECT s.name, s.code, s.grp, s.ctry, arg_max(d.actor_id, length(d.key)) AS actor_id
                  FROM s JOIN dict_keys d ON s.ctry <> '' AND (
                      (d.kind = 'alias' AND d.key = s.nctry) OR (d.kind = 'code' AND upper(s.ctry) = d.key))
                  GROUP BY ALL)
            SELECT s.name, s.code, s.grp, s.ctry,
                   coalesce(a.actor_id, p.actor_id, g.actor_id, c.actor_id, k.actor_id) AS actor_id,
                   CASE WHEN a.actor_id IS NOT NULL THEN 'alias' WHEN p.actor_id IS NOT NULL THEN 'pattern'
                        WHEN g.actor_id IS NOT NULL THEN 'group' WHEN c.actor_id IS NOT NULL THEN 'code'
                        WHEN k.actor_id IS NOT NULL THEN 'country' END AS how
            FROM s
            LEFT JOIN a USING (name, code, grp, ctry)
            LEFT JOIN p USING (name, code, grp, ctry)
            LEFT JOIN g USING (name, code, grp, ctry)
            LEFT JOIN c USING (name, code, grp, ctry)
            LEFT JOIN k USING (name, code, grp, ctry)"""
        )

    def _insert(self, fmt: str, import_id: int, dic: ActorDictionary) -> tuple[int, int, int]:
        """Code, map and insert the staged rows that are not stored yet, in one statement."""
        con = self.con
        staged = con.execute("SELECT count(*) FROM stg").fetchall()[0][0]
        # the order rows land in does not matter (record numbers are computed), so let
        # DuckDB insert in parallel
        keep = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
        run(con, "SET preserve_insertion_order = false")
        try:
            inserted = con.execute("INSERT INTO events " + self._insert_query(fmt, import_id, dic)).fetchall()[0][0]
        finally:
            run(con, f"SET preserve_insertion_order = {'true' if keep else 'false'}")
        unmapped = con.execute(
            "SELECT count(*) FROM events WHERE import_id = ? AND ("
            "(actor IS NULL AND (actor_name IS NOT NULL OR actor_code IS NOT NULL)) OR "
            "(target IS NULL AND (target_name IS NOT NULL OR target_code IS NOT NULL)))",
            [int(import_id)],
        ).fetchall()[0][0]
        return inserted, staged - inserted, unmapped

    def _insert_query(self, fmt: str, import_id: int, dic: ActorDictionary) -> str:
        front_sql = dic.front_sql("x.actor", "x.target", "x.country")
        src = literal(fmt)
        return f"""
            WITH j AS (
                SELECT s.*,
                    coalesce(s.actor_given, am.actor_id) AS actor,
                    CASE WHEN s.actor_given IS NOT NULL THEN 'given' ELSE am.how END AS actor_match,
                    coalesce(s.target_given, tm.actor_id) AS target,
                    CASE WHEN s.target_given IS NOT NULL THEN 'given' ELSE tm.how END AS target_match,
                    coalesce(s.cameo, pl.cameo, pt.cameo) AS cameo_final,
                    lm.iso3 AS country
                FROM stgv s
                LEFT JOIN amap am ON am.name = s.actor_name AND am.code = s.actor_code
                    AND am.grp = s.actor_group AND am.ctry = s.actor_country
                LEFT JOIN amap tm ON tm.name = s.target_name AND tm.code = s.target_code
                    AND tm.grp = s.target_group AND tm.ctry = s.target_country
                LEFT JOIN code_plover pl ON s.cameo IS NULL AND pl.plover_type = s.plover_type
                    AND pl.plover_mode = coalesce(s.plover_mode, '')
                LEFT JOIN code_plover pt ON s.cameo IS NULL AND pt.plover_type = s.plover_type AND pt.plover_mode = ''
                LEFT JOIN lmap lm ON lm.loc_kind = s.loc_kind AND lm.loc_key = s.loc_key
                WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.source = {src} AND e.source_id = s.source_id)
            ),
            x AS (
                SELECT j.*, c.cameo_root, c.cameo_quad, c.goldstein,
                    CASE WHEN j.native = 'plover' THEN j.plover_type ELSE c.plover_type END AS p_type,
                    CASE WHEN j.native = 'plover' THEN j.plover_mode ELSE c.plover_mode END AS p_mode,
                    CASE WHEN j.native = 'plover' THEN coalesce(j.plover_context, c.plover_context)
                         ELSE c.plover_context END AS p_context
                FROM j LEFT JOIN code_cameo c ON c.cameo = j.cameo_final
            ),
            y AS (
                SELECT x.*, ps.plover_score AS p_score, ps.plover_quad AS p_quad
                FROM x LEFT JOIN code_plover ps ON ps.plover_type = x.p_type AND ps.plover_mode = coalesce(x.p_mode, '')
            )
            SELECT {src}, y.source_id, {int(import_id)}, y.ord + 1,
                y.date, y.end_date, y.actor, y.target,
                nullif(y.actor_name, ''), nullif(y.actor_code, ''), y.actor_match,
                nullif(y.target_name, ''), nullif(y.target_code, ''), y.target_match,
                y.cameo_final, y.cameo_root, y.cameo_quad, y.goldstein,
                y.p_type, y.p_mode, y.p_context, y.p_quad, y.p_score,
                coalesce(y.p_quad, y.cameo_quad),
                coalesce(y.intensity_given, CASE WHEN y.native = 'plover' THEN coalesce(y.p_score, y.goldstein)
                                                 ELSE coalesce(y.goldstein, y.p_score) END),
                coalesce(y.front_given, {front_sql.replace("x.", "y.")}),
                y.country, y.location, y.lat, y.lon, y.fatalities, y.text, y.url
            FROM y"""

    def _unmapped_in_stage(self) -> pd.DataFrame:
        return self.con.execute(
            """SELECT side, nullif(name, '') AS name, nullif(code, '') AS code, count(*) AS events FROM (
                   SELECT 'actor' AS side, s.actor_name AS name, s.actor_code AS code FROM stgv s
                   JOIN amap m ON m.name = s.actor_name AND m.code = s.actor_code AND m.grp = s.actor_group
                        AND m.ctry = s.actor_country
                   WHERE m.actor_id IS NULL AND s.actor_given IS NULL AND (s.actor_name <> '' OR s.actor_code <> '')
                   UNION ALL
                   SELECT 'target', s.target_name, s.target_code FROM stgv s
                   JOIN amap m ON m.name = s.target_name AND m.code = s.target_code AND m.grp = s.target_group
                        AND m.ctry = s.target_country
                   WHERE m.actor_id IS NULL AND s.target_given IS NULL AND (s.target_name <> '' OR s.target_code <> ''))
               GROUP BY ALL ORDER BY events DESC, name, code"""
        ).df()

    # ------------------------------------------------------------------ remap
    def remap(self, dictionary: ActorDictionary | str | Path) -> int:
        """Re-apply a (changed) dictionary to the stored events' raw names and codes.

        A side is re-mapped when the dictionary now matches its name or code at a
        higher precedence than before (alias > pattern > code), or when it was
        unmapped. Sides first matched by known-group code or country (not stored)
        keep their actor unless a name now matches. Fronts of changed events are
        recomputed (a front given in a CSV file is kept). Scenario events, whose
        actors are given, are not touched. One transaction; returns events changed.
        """
        dic = dictionary if isinstance(dictionary, ActorDictionary) else load_dictionary(dictionary)
        con = self.con
        rank = ("CASE {m} WHEN 'given' THEN 0 WHEN 'alias' THEN 1 WHEN 'pattern' THEN 2 WHEN 'group' THEN 3 "
                "WHEN 'code' THEN 4 WHEN 'country' THEN 5 ELSE 9 END")
        run(con, "BEGIN TRANSACTION")
        try:
            self._build_amap(
                dic,
                """SELECT coalesce(actor_name, '') AS name, coalesce(actor_code, '') AS code, '' AS grp, '' AS ctry
                   FROM events WHERE source <> 'scenario'
                   UNION ALL
                   SELECT coalesce(target_name, ''), coalesce(target_code, ''), '', '' FROM events
                   WHERE source <> 'scenario'""",
            )
            run(con, "CREATE OR REPLACE TEMP TABLE remapped (source VARCHAR, source_id VARCHAR)")
            for side in ("actor", "target"):
                run(
                    con,
                    f"""CREATE OR REPLACE TEMP TABLE remap_side AS
                    SELECT e.source, e.source_id, m.actor_id, m.how FROM events e JOIN amap m
                      ON m.name = coalesce(e.{side}_name, '') AND m.code = coalesce(e.{side}_code, '')
                         AND m.grp = '' AND m.ctry = ''
                    WHERE e.source <> 'scenario' AND m.actor_id IS NOT NULL
                      AND e.{side} IS DISTINCT FROM m.actor_id
                      AND {rank.format(m='m.how')} < {rank.format(m=f'e.{side}_match')}""",
                )
                run(
                    con,
                    f"""UPDATE events SET {side} = r.actor_id, {side}_match = r.how FROM remap_side r
                    WHERE events.source = r.source AND events.source_id = r.source_id""",
                )
                run(con, "INSERT INTO remapped SELECT source, source_id FROM remap_side")
            front_sql = dic.front_sql("actor", "target", "country")
            run(
                con,
                f"""UPDATE events SET front = {front_sql}
                WHERE (source, source_id) IN (SELECT (source, source_id) FROM remapped)
                  AND (source <> 'csv' OR front IS NULL)""",
            )
            n = con.execute("SELECT count(DISTINCT (source, source_id)) FROM remapped").fetchall()[0][0]
            run(con, "COMMIT")
        except BaseException:
            run(con, "ROLLBACK")
            raise
        finally:
            for t in ("amap", "dict_keys", "remapped", "remap_side"):
                try:
                    run(con, f"DROP TABLE IF EXISTS {t}")
                except Exception:  # pragma: no cover
                    pass
        return n

    # ------------------------------------------------------------------ queries
    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run any SQL against the store and return a DataFrame."""
        return self.con.execute(query, params or []).df()

    def count(self) -> int:
        return self.con.execute("SELECT count(*) FROM events").fetchall()[0][0]

    def events(
        self,
        *,
        actors: list[str] | None = None,
        source: str | list[str] | None = None,
        since: str | dt.date | None = None,
        until: str | dt.date | None = None,
        front: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Stored events, filtered (see ``event_filter``), as a DataFrame ordered by date."""
        rel = self.relation(actors=actors, source=source, since=since, until=until, front=front)
        rel = rel.order("date, source, source_id")
        if limit:
            rel = rel.limit(int(limit))
        return rel.df()

    def relation(self, **filters):
        """The ``events`` table as a DuckDB relation, filtered by ``event_filter(**filters)``."""
        rel = self.con.table("events")
        expr = event_filter(**filters)
        return rel if expr is None else rel.filter(expr)

    def imports(self) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM imports ORDER BY import_id").df()

    def problems(self, import_id: int | None = None) -> pd.DataFrame:
        if import_id is None:
            return self.con.execute("SELECT * FROM import_problems ORDER BY import_id, line").df()
        return self.con.execute(
            "SELECT * FROM import_problems WHERE import_id = ? ORDER BY line", [import_id]
        ).df()

    def unmapped(self) -> pd.DataFrame:
        """Actor names/codes in stored events that no dictionary entry matched, most frequent first."""
        return self.con.execute(
            """SELECT side, name, code, count(*) AS events, min(date) AS first, max(date) AS last FROM (
                   SELECT 'actor' AS side, actor_name AS name, actor_code AS code, date FROM events
                   WHERE actor IS NULL AND (actor_name IS NOT NULL OR actor_code IS NOT NULL)
                   UNION ALL
                   SELECT 'target', target_name, target_code, date FROM events
                   WHERE target IS NULL AND (target_name IS NOT NULL OR target_code IS NOT NULL))
               GROUP BY ALL ORDER BY events DESC, name"""
        ).df()

    def export(self, out: str | Path, fmt: str = "parquet", **filters) -> int:
        """Write (filtered, see ``event_filter``) events to a Parquet or CSV file; returns the number of rows."""
        fmt = fmt.lower()
        if fmt not in ("parquet", "csv"):
            raise BrinkError(f"unknown export format {fmt!r}: choose parquet or csv")
        import os
        import tempfile

        rel = self.relation(**filters)
        out = Path(out)
        if out.is_dir():
            raise BrinkError(f"{out}: is a folder: give a file name to export to")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=f".{fmt}", dir=out.parent)
        except OSError as exc:
            raise BrinkError(f"{out}: cannot write there: {exc.strerror or exc}") from None
        os.close(fd)
        n = rel.aggregate("count(*)").fetchall()[0][0]
        rel = rel.order("date, source, source_id")
        try:  # whole or not at all: written beside the target, then renamed over it
            if fmt == "parquet":
                rel.write_parquet(tmp, compression="zstd")
            else:
                rel.write_csv(tmp, header=True)
            os.replace(tmp, out)
        except OSError as exc:
            raise BrinkError(f"{out}: cannot write: {exc.strerror or exc}") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
        return n


def _as_date(value, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BrinkError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def event_filter(
    *,
    actors: list[str] | None = None,
    source: str | list[str] | None = None,
    not_source: str | list[str] | None = None,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    front: str | None = None,
):
    """A DuckDB expression selecting stored events, or None for all of them.

    ``actors``: events with one of them on either side; ``source`` / ``not_source``: one
    source or a list; ``since`` / ``until``: first and last date (inclusive);
    ``front``: one front. Values go into the expression as constants, never into SQL
    text, so it is used as ``store.con.table("events").filter(expr)``.
    """
    import duckdb

    col, const = duckdb.ColumnExpression, duckdb.ConstantExpression

    def many(values) -> list:
        return [const(str(v)) for v in ([values] if isinstance(values, str) else values)]

    def one_of(name: str, values, negate: bool = False):
        vals = many(values)
        if len(vals) == 1:  # an equality is cheaper for DuckDB than a one-element IN
            return col(name) != vals[0] if negate else col(name) == vals[0]
        return col(name).isnotin(*vals) if negate else col(name).isin(*vals)

    conds = []
    if actors:
        conds.append(one_of("actor", actors) | one_of("target", actors))
    if source:
        conds.append(one_of("source", source))
    if not_source:
        conds.append(one_of("source", not_source, negate=True))
    first = _as_date(since, "since") if since else None
    last = _as_date(until, "until") if until else None
    if first and last and last < first:
        raise BrinkError(f"until {last} is before since {first}: no date can match")
    if first:
        conds.append(col("date") >= const(first))
    if last:
        conds.append(col("date") <= const(last))
    if front:
        conds.append(col("front") == const(str(front)))
    return functools.reduce(operator.and_, conds) if conds else None


_DB_HEADER = 4096  # DuckDB: a file header, then two database headers of this size, then blocks


def _check_store_file(path: Path, read_only: bool) -> bool:
    """Refuse a store path that is not a usable file before DuckDB opens (and might write) it.

    Returns whether to open it read-only. A folder, a file that is not a DuckDB database
    and a truncated store are refused; a store file without write permission is opened
    read-only by readers and refused by writers (also for root, who could write it)."""
    if path.is_dir():
        raise BrinkError(f"{path}: is a folder, not an event store file: give a file name with --db")
    if not path.exists():
        return read_only
    import stat

    st = path.stat()
    if st.st_size == 0:
        raise BrinkError(f"{path}: an empty file, not an event store: remove it or give another --db")
    with open(path, "rb") as f:
        head = f.read(3 * _DB_HEADER)
    if head[8:12] != b"DUCK":
        raise BrinkError(f"{path}: not an event store (not a DuckDB database file): give another --db")
    if _truncated(head, st.st_size):
        raise BrinkError(_damaged(str(path), f"{st.st_size:,} bytes: not a whole number of database blocks, "
                                             "the file was cut short"))
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        if not read_only:
            raise BrinkError(f"{path}: the event store is read-only: make it writable (chmod u+w) to change it")
        return True
    return read_only


def _truncated(head: bytes, size: int) -> bool:
    """Whether the file cannot be a whole DuckDB store: DuckDB writes three 4 KiB headers,
    then whole blocks of the size its active database header gives, so a store cut
    anywhere but on a block boundary is shorter than a whole number of blocks."""
    import struct

    if len(head) < 3 * _DB_HEADER:
        return True
    best = None
    for off in (_DB_HEADER, 2 * _DB_HEADER):
        iteration, _meta, _free, _count, block = struct.unpack_from("<QQQQQ", head, off + 8)
        if block and block & (block - 1) == 0 and (1 << 12) <= block <= (1 << 30):
            if best is None or iteration > best[0]:
                best = (iteration, block)
    return best is not None and (size - 3 * _DB_HEADER) % best[1] != 0


def _is_damage(exc: BaseException) -> bool:
    """A DuckDB error that says the store file itself is damaged."""
    import duckdb

    text = str(exc)
    return isinstance(exc, (duckdb.IOException, duckdb.InternalException, duckdb.FatalException,
                            duckdb.SerializationException)) and any(
        w in text for w in ("Could not read enough bytes", "checksum", "Corrupt", "corrupt", "Failed to deserialize",
                            "not a valid DuckDB database")
    )


def _damaged(path: str, exc) -> str:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (f"{path}: the event store is damaged ({detail}); it was left as it is: restore it from a copy, "
            "or import into a new store with another --db")


def _store_error(path: str, exc) -> BrinkError:
    """DuckDB's refusal to open the store, as one line saying what is wrong."""
    text = str(exc)
    if _is_damage(exc) and "not a valid DuckDB" not in text:
        return BrinkError(_damaged(path, exc))
    if "not a valid DuckDB database" in text:
        return BrinkError(f"{path}: not an event store (not a DuckDB database file): give another --db")
    if "lock" in text.lower():
        return BrinkError(f"{path}: the event store is in use by another program: {text.splitlines()[0]}")
    if "No such file or directory" in text:
        return BrinkError(f"{path}: cannot create the event store: the folder {Path(path).parent} does not exist")
    if "Not a directory" in text:
        return BrinkError(f"{path}: cannot create the event store: a file stands where a folder of its path should be")
    if "Is a directory" in text:
        return BrinkError(f"{path}: is a folder, not an event store file: give a file name with --db")
    return BrinkError(f"cannot open event store {path}: {text.splitlines()[0] if text else type(exc).__name__}")


def _fingerprint(path: Path) -> str:
    """size + SHA-256 of the first and last MiB: identifies a file without reading all of it."""
    h = hashlib.sha256()
    size = path.stat().st_size
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))
        if size > 2 << 20:
            f.seek(size - (1 << 20))
            h.update(f.read())
    return f"{size}:{h.hexdigest()[:32]}"


class _ProgressPoller:
    """Reports progress within each import stage from DuckDB's own query progress.

    ``stage(name, start)`` marks the start of a stage (a fraction of the whole import);
    a background thread polls ``con.query_progress()`` (safe to call from another
    thread) and moves the bar between this stage's start and the next one's."""

    STARTS = {"reading": 0.05, "checking": 0.45, "mapping actors": 0.6, "coding and inserting": 0.7,
              "committing": 0.95, "done": 1.0}

    def __init__(self, con, callback):
        import threading

        self.con, self.callback = con, callback
        self.name, self.lo, self.hi = "starting", 0.0, 0.05
        self._stop = threading.Event()
        try:
            for setting in ("SET enable_progress_bar = true", "SET enable_progress_bar_print = false",
                            "SET progress_bar_time = 0"):
                run(con, setting)
        except Exception:  # pragma: no cover - older DuckDB: stage-level progress only
            return
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def stage(self, name: str, start: float) -> None:
        starts = sorted(self.STARTS.values())
        self.name, self.lo = name, start
        self.hi = next((x for x in starts if x > start), 1.0)
        self.callback(name, start)

    def _poll(self) -> None:
        while not self._stop.wait(0.2):
            try:
                pct = self.con.query_progress()
            except Exception:
                continue
            if pct is not None and pct >= 0:
                self.callback(self.name, self.lo + (self.hi - self.lo) * min(pct, 100.0) / 100.0)

    def stop(self) -> None:
        self._stop.set()
        t = getattr(self, "_thread", None)
        if t is not None:
            t.join(timeout=2)

