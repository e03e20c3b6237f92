"""Importers: each loads one file format into the temp table ``stg`` in DuckDB.

Every importer reads its file with DuckDB itself (``read_csv`` with explicit
column types, or plain lines parsed with DuckDB's JSON functions) and maps the
source's columns to the common staging columns (``brink.events.staging.STAGE_COLUMNS``)
in SQL. Rows DuckDB's reader rejects come back with their line numbers
(``store_rejects``); everything after staging - checks, actor mapping, coding,
insertion - is shared (``brink.events.store``).

Each importer is a module of this package that registers its format::

    @register("gdelt", "GDELT 2.0 event export (61 tab-separated columns)")
    def stage(con, path) -> Staged: ...

:func:`formats` imports every module here once and returns what registered, so a new
format is one new module: the store, the CLI's choices and the error messages all
come from the registry.
"""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from brink.errors import BrinkError
from brink.events.staging import STAGE_COLUMNS, Staged
from brink.events.staging import literal as q
from brink.events.staging import run

if TYPE_CHECKING:  # pragma: no cover
    import duckdb

_counter = itertools.count(1)


@dataclass(frozen=True)
class Format:
    """A registered event-file format: its name (``--format``), what it reads, its stager."""

    name: str
    description: str
    stage: Callable[..., Staged]  # (con, path) -> Staged, with ``stg`` created


_REGISTRY: dict[str, Format] = {}
_discovered = False


def register(name: str, description: str) -> Callable:
    """Decorator: register ``stage(con, path) -> Staged`` as the importer of format ``name``."""

    def deco(fn: Callable[..., Staged]) -> Callable[..., Staged]:
        if name in _REGISTRY and _REGISTRY[name].stage is not fn:  # pragma: no cover - programming error
            raise ValueError(f"event format {name!r} registered twice")
        _REGISTRY[name] = Format(name, description, fn)
        return fn

    return deco


def formats() -> dict[str, Format]:
    """Every registered format by name (the modules of this package register on import)."""
    global _discovered
    if not _discovered:
        import importlib
        import pkgutil

        for m in pkgutil.iter_modules(__path__):
            if not m.name.startswith("_"):
                importlib.import_module(f"{__name__}.{m.name}")
        _discovered = True
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> Format:
    """The format registered as ``name`` (case-insensitive); a clear error naming the others."""
    known = formats()
    fmt = known.get(str(name).lower())
    if fmt is None:
        raise BrinkError(f"unknown event format {name!r}: choose one of {', '.join(known)}")
    return fmt


def stage(fmt: str, con: duckdb.DuckDBPyConnection, path: Path) -> Staged:
    """Load ``path`` into ``stg`` with the importer of format ``fmt``."""
    return get(fmt).stage(con, path)


def stage_select(exprs: dict[str, str]) -> str:
    """The SELECT list for ``stg``: the staging columns the importer gives."""
    unknown = set(exprs) - {c for c, _ in STAGE_COLUMNS} - {k for k in exprs if k.startswith("x_")}
    if unknown:  # pragma: no cover - programming error
        raise ValueError(f"unknown staging columns {sorted(unknown)}")
    # Only the columns the importer gives are materialised; the store's view ``stgv``
    # adds the others as NULLs (a column of NULLs still costs memory in a temp table).
    cols = [f"CAST({exprs[c]} AS {t}) AS {c}" for c, t in STAGE_COLUMNS if c in exprs]
    cols += [f"{v} AS {k}" for k, v in exprs.items() if k.startswith("x_")]
    return ",\n  ".join(cols)


def read_header(path: Path, delim: str) -> list[str]:
    """The header row of a delimited file (handles a UTF-8 BOM and quoted names)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            first = f.readline()
    except UnicodeDecodeError:
        raise BrinkError(f"{path}:1: the file is not UTF-8 text") from None
    row = next(csv.reader([first], delimiter=delim), [])
    return [c.strip() for c in row]


def csv_stage(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    columns: dict[str, str],
    exprs: dict[str, str],
    delim: str,
    header: bool,
    quote: str | None,
    fmt_name: str,
    joins: str = "",
    dateformat: str | None = None,
) -> tuple[list[tuple[int | None, str, str, str]], dict[str, str]]:
    """Create ``stg`` from a delimited file through DuckDB's CSV reader.

    ``columns`` declares every column of the file in order with its SQL type, so the
    reader never guesses; ``exprs`` maps staging columns to SQL over those columns
    (the file is aliased ``r``). Returns the rejected rows as (line, field, reason, text)
    and the constant staging columns (added by the store's view, not stored).
    """
    # literal constants ('cameo', 'fips'...) are not materialised: the view adds them
    constants = {k: v for k, v in exprs.items() if re.fullmatch(r"'[^']*'", v) and not k.startswith("x_")}
    exprs = {k: v for k, v in exprs.items() if k not in constants}
    n = next(_counter)
    scan, table = f"brink_rej_scan_{n}", f"brink_rej_err_{n}"
    col_sql = "{" + ", ".join(f"{q(k)}: {q(v)}" for k, v in columns.items()) + "}"
    opts = [
        f"delim = {q(delim)}",
        f"header = {'true' if header else 'false'}",
        "auto_detect = false",
        f"columns = {col_sql}",
        "store_rejects = true",
        f"rejects_scan = {q(scan)}",
        f"rejects_table = {q(table)}",
        "max_line_size = 10000000",
    ]
    if quote:
        opts += [f"quote = {q(quote)}", f"escape = {q(quote)}"]
    else:
        opts += ["quote = ''", "escape = ''"]
    if dateformat:
        opts.append(f"dateformat = {q(dateformat)}")
    # DuckDB only casts the columns a query reads, so only columns the staging
    # expressions use are given a type; the others stay VARCHAR and are not checked.
    sql = (
        f"CREATE OR REPLACE TEMP TABLE stg AS SELECT\n  {stage_select(exprs)}\n"
        f"FROM read_csv({q(str(path))}, {', '.join(opts)}) r {joins}"
    )
    import duckdb

    try:
        run(con, sql)
    except duckdb.Error as exc:
        raise BrinkError(f"{path}: cannot be read as {fmt_name}: {str(exc).splitlines()[0]}") from None
    rows = con.execute(
        f"SELECT line, column_name, error_type, csv_line, error_message FROM {table} ORDER BY line"
    ).fetchall()
    run(con, f"DROP TABLE IF EXISTS {table}")
    run(con, f"DROP TABLE IF EXISTS {scan}")
    rejects = []
    ncols = len(columns)
    for line, column, etype, text, message in rows:
        etype = str(etype)
        if etype == "CAST":
            field = column or "value"
            want = columns.get(column, "")
            val = _value_in(message)
            reason = f"cannot read {val!r} as {want}" if val is not None else f"cannot read the value as {want}"
        elif etype in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            field = "row"
            found = (text or "").count(delim) + 1 if not quote else None
            reason = f"expected {ncols} columns" + (f", found {found}" if found else f" ({etype.lower()})")
        else:
            field = column or "row"
            reason = etype.lower() + (f": {message.splitlines()[0]}" if message else "")
        rejects.append((int(line) if line is not None else None, field, reason, (text or "").strip("\n")))
    # DuckDB may report several errors for one line: keep one, a wrong column count first
    best: dict[int | None, tuple] = {}
    for r in rejects:
        cur = best.get(r[0])
        if cur is None or (r[1] == "row" and cur[1] != "row"):
            best[r[0]] = r
    rejects = sorted(best.values(), key=lambda r: (r[0] is None, r[0] or 0))
    accepted = con.execute("SELECT count(*) FROM stg").fetchall()[0][0]
    if accepted == 0 and rejects:
        head = "; ".join(f"line {ln}: {fld}: {why}" for ln, fld, why, _ in rejects[:3])
        raise BrinkError(f"{path}: no record could be read as {fmt_name} ({len(rejects)} rejected; {head})")
    return rejects, constants


def _value_in(message: str | None) -> str | None:
    """Pull the offending value out of DuckDB's cast error message, if it quotes one."""
    if not message:
        return None
    import re

    m = re.search(r'Could not convert string "([^"]*)"', message) or re.search(r"string '([^']*)'", message)
    if m:
        return m.group(1)
    m = re.search(r'"([^"]*)"', message)
    return m.group(1) if m else None


def require_columns(path: Path, header: list[str], required: list[str], fmt_name: str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise BrinkError(
            f"{path}:1: not a {fmt_name} file: the header lacks column(s) {', '.join(missing)} "
            f"(found: {', '.join(header[:12])}{'...' if len(header) > 12 else ''})"
        )
