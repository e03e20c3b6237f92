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

Limits and checks shared by every importer (:func:`check_file`, run by the store
before staging): the file must be a regular, non-empty file of UTF-8 text; gzip
files (``.gz``) are read compressed; a ZIP archive, an Excel workbook, a Parquet
file or a DuckDB store given as an event file is refused by name. A record (a
physical line) may be at most :data:`MAX_LINE_BYTES` (1 MiB) long: a longer line is
refused with its file and line number (reading it would cost tens of times its size
in memory).
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

MAX_LINE_BYTES = 1 << 20  # the longest record (physical line) an importer reads
HEAD_BYTES = 1 << 16  # what check_file and guess_format look at


@dataclass(frozen=True)
class Format:
    """A registered event-file format: its name (``--format``), what it reads, its stager."""

    name: str
    description: str
    stage: Callable[..., Staged]  # (con, path[, date_format=]) -> Staged, with ``stg`` created
    date_format: bool = False  # whether the format takes ``--date-format`` (its dates vary)


_REGISTRY: dict[str, Format] = {}
_discovered = False


def register(name: str, description: str, *, date_format: bool = False) -> Callable:
    """Decorator: register ``stage(con, path) -> Staged`` as the importer of format ``name``.
    With ``date_format=True`` the stager also takes ``date_format`` (``--date-format``)."""

    def deco(fn: Callable[..., Staged]) -> Callable[..., Staged]:
        if name in _REGISTRY and _REGISTRY[name].stage is not fn:  # pragma: no cover - programming error
            raise ValueError(f"event format {name!r} registered twice")
        _REGISTRY[name] = Format(name, description, fn, date_format)
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


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def compression(path: Path) -> str:
    """DuckDB's ``compression`` option for the file (by its content, not its name)."""
    return "gzip" if is_gzip(path) else "none"


def head(path: Path, n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` bytes of the file's content (decompressed if it is gzip)."""
    import gzip
    import zlib

    packed = is_gzip(path)
    try:
        if packed:
            with gzip.open(path, "rb") as f:
                return f.read(n)
        with open(path, "rb") as f:
            return f.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        what = "damaged gzip data" if packed else "cannot be read"
        raise BrinkError(f"{path}: {what}: {exc}") from None


def first_line(path: Path) -> bytes:
    """The first physical line (without its line break), at most ``MAX_LINE_BYTES`` long."""
    data = head(path, MAX_LINE_BYTES + 2)
    end = data.find(b"\n")
    if end < 0 and len(data) > MAX_LINE_BYTES:
        raise line_too_long(path, 1)
    line = data if end < 0 else data[:end]
    if len(line) > MAX_LINE_BYTES:
        raise line_too_long(path, 1)
    return line.rstrip(b"\r")


def line_too_long(path: Path, line: int | None, size: int | None = None) -> BrinkError:
    where = f"{path}:{line}" if line is not None else str(path)
    got = f" ({size:,} bytes)" if size else ""
    return BrinkError(
        f"{where}: line longer than the limit of {MAX_LINE_BYTES:,} bytes per record{got}: "
        "not a file of one record per line"
    )


def read_header(path: Path, delim: str) -> list[str]:
    """The header row of a delimited file (handles a UTF-8 BOM and quoted names)."""
    try:
        first = first_line(path).split(b"\r")[0].decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BrinkError(f"{path}:1: the file is not UTF-8 text") from None
    try:
        row = next(csv.reader([first], delimiter=delim), [])
    except csv.Error as exc:
        raise BrinkError(f"{path}:1: cannot read the header row: {exc}") from None
    return [c.strip() or f"column_{i + 1}" for i, c in enumerate(row)]  # an unnamed column is not used


def check_file(path: Path) -> None:
    """Refuse what no importer can read, by what it is: a folder, an empty file, a
    compressed or binary file, text that is not UTF-8 (see the module docs)."""
    if path.is_dir():
        raise BrinkError(f"{path}: is a folder, not an event file")
    if not path.is_file():
        raise BrinkError(f"{path}: no such file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            raw = f.read(HEAD_BYTES)
    except OSError as exc:
        raise BrinkError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise BrinkError(f"{path}: the file is empty")
    name = path.name.lower()
    if name.endswith((".gz", ".gzip")) and not raw.startswith(b"\x1f\x8b"):
        raise BrinkError(f"{path}: named .gz but it is not gzip-compressed data")
    data = head(path)
    if raw.startswith(b"\x1f\x8b") and not data:
        raise BrinkError(f"{path}: the compressed file is empty")
    kind = _binary_kind(data)
    if kind:
        raise BrinkError(f"{path}: {kind}, not a text file of events")
    _check_utf8(path)


def _check_utf8(path: Path, chunk: int = 1 << 22) -> None:
    """Refuse a file that is not UTF-8 text anywhere in it, naming the first bad line
    (DuckDB's readers do not check every line)."""
    import gzip
    import zlib

    lines, carry = 0, b""
    packed = is_gzip(path)
    try:
        with (gzip.open(path, "rb") if packed else open(path, "rb")) as f:
            while True:
                block = f.read(chunk)
                data = carry + block
                if not data:
                    return
                try:
                    data.decode("utf-8")
                    carry = b""
                except UnicodeDecodeError as exc:
                    if block and exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
                        carry = data[exc.start:]  # a character cut by the chunk boundary
                        data = data[: exc.start]
                    else:
                        line = lines + data[: exc.start].count(b"\n") + 1
                        raise BrinkError(
                            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}): save the file as UTF-8"
                        ) from None
                lines += data.count(b"\n")
                if not block:
                    return
    except (OSError, EOFError, zlib.error) as exc:
        what = "damaged gzip data" if packed else "cannot be read"
        raise BrinkError(f"{path}: {what}: {exc}") from None


def _binary_kind(data: bytes) -> str | None:
    """What a file that is not text is, from its first bytes (None for text)."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        if b"[Content_Types].xml" in data or b"xl/" in data:
            return "an Excel workbook (.xlsx): save the sheet as CSV (UTF-8) first"
        return "a ZIP archive: unzip it and import the file inside"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel workbook (.xls): save the sheet as CSV (UTF-8) first"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text: save it as UTF-8"
    if b"\x00" not in data:  # text may start "PAR1..." or hold "DUCK" at offset 8; these files have zeros
        return None
    if data.startswith(b"PAR1"):
        return "a Parquet file"
    if data[8:12] == b"DUCK":
        return "a DuckDB database (an event store?)"
    return f"binary data (a zero byte at offset {data.index(0):,})"


def guess_format(path: Path) -> str | None:
    """The registered format the file's first line looks like, if one clearly fits."""
    try:
        line = first_line(path).decode("utf-8-sig", errors="replace").strip()
    except BrinkError:
        return None
    if line.startswith(("{", "[")):
        return "plover"
    tabs = line.split("\t")
    if len(tabs) == 61 and tabs[0].strip().isdigit() or line.startswith("GLOBALEVENTID\t"):
        return "gdelt"
    if tabs[:2] == ["Event ID", "Event Date"]:
        return "icews"
    cols = [c.strip().strip('"') for c in line.split(",")]
    if "event_id_cnty" in cols:
        return "acled"
    if {"id", "date", "actor"} <= set(cols):
        return "csv"
    return None


def format_hint(path: Path, fmt: str) -> str:
    """`` (it looks like X: try --format X)`` when the file looks like another format."""
    g = guess_format(path)
    return f" (it looks like {g}: try --format {g})" if g and g != fmt else ""


def reader_error(path: Path, exc: Exception, fmt_name: str) -> BrinkError:
    """DuckDB's reader error as one located line: the line it names and what is wrong."""
    text = str(exc)
    m = re.search(r"CSV Error on Line: (\d+)", text)
    line = int(m.group(1)) if m else None
    where = f"{path}:{line}" if line is not None else str(path)
    m = re.search(r"Maximum line size of \d+ bytes exceeded(?:\. Actual Size:\s*(\d+))?", text)
    if m:
        return line_too_long(path, line, int(m.group(1)) if m.group(1) else None)
    if "Invalid unicode" in text or "not utf-8" in text.lower():
        return BrinkError(f"{where}: not UTF-8 text: save the file as UTF-8")
    if "GZIP" in text or "gzip" in text:
        return BrinkError(f"{path}: damaged gzip data: {text.splitlines()[0]}")
    lines = text.splitlines() or [type(exc).__name__]
    detail = lines[0]
    if line is not None:  # "CSV Error on Line: N", "Original Line: ...", then what is wrong
        rest = [ln.strip() for ln in lines[1:] if ln.strip() and not ln.startswith("Original Line")]
        detail = rest[0] if rest else detail
    return BrinkError(f"{where}: cannot be read as {fmt_name}: {detail}")


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
        f"max_line_size = {MAX_LINE_BYTES}",
        f"compression = {q(compression(path))}",
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
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise reader_error(path, exc, fmt_name) from None
    rows = con.execute(
        f"SELECT line, column_name, error_type, csv_line, error_message FROM {table} ORDER BY line"
    ).fetchall()
    run(con, f"DROP TABLE IF EXISTS {table}")
    run(con, f"DROP TABLE IF EXISTS {scan}")
    rejects = []
    ncols = len(columns)
    for line, column, etype, text, message in rows:
        etype = str(etype)
        if etype == "LINE SIZE OVER MAXIMUM":
            raise line_too_long(path, int(line) if line is not None else None)
        if etype == "INVALID ENCODING":
            field, reason = "row", "not UTF-8 text"
        elif etype == "CAST":
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
        first = "; ".join(f"{path}:{ln}: {fld}: {why}" for ln, fld, why, _ in rejects[:3])
        raise BrinkError(
            f"{path}: no record could be read as {fmt_name} ({len(rejects)} rejected; {first})"
        )
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


# a day/month date written with numbers only (03/04/2024, 3.4.24): day first or month first?
AMBIGUOUS_DATE = r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}"


def date_sql(value: str, formats: list[str], date_format: str | None) -> str:
    """SQL reading ``value`` as a timestamp: ISO first, then ``date_format`` if given, else
    the format's own unambiguous ``formats``."""
    fmts = ["%Y-%m-%d", date_format] if date_format else formats
    return "coalesce(" + ", ".join(f"try_strptime(trim({value}), {q(f)})" for f in fmts) + ")"


def ambiguous_date_check(raw: str, field: str, date_format: str | None) -> list[tuple[str, str, str]]:
    """A refusal (see ``Staged.refuse``) of numeric day/month dates unless ``--date-format`` says which."""
    if date_format:
        return []
    return [(
        f"regexp_full_match(trim(coalesce({raw}, '')), '{AMBIGUOUS_DATE}')",
        field,
        f"'date ' || brink_quote(trim({raw})) || ' is ambiguous (day/month or month/day?): "
        "give --date-format %d/%m/%Y or --date-format %m/%d/%Y (ISO dates YYYY-MM-DD need none)'",
    )]


def check_date_format(con, date_format: str) -> None:
    """Refuse a ``--date-format`` that cannot write and read back a date (strptime codes)."""
    import duckdb

    fmt = str(date_format)
    day = any(d in fmt for d in ("%d", "%-d", "%j"))
    month = any(m in fmt for m in ("%m", "%-m", "%b", "%B"))
    year = any(y in fmt for y in ("%Y", "%y"))
    ok = day and month and year
    if ok:
        try:
            back = con.execute(
                "SELECT CAST(try_strptime(strftime(DATE '2024-12-31', ?), ?) AS DATE) = DATE '2024-12-31'", [fmt, fmt]
            ).fetchall()[0][0]
            ok = bool(back)
        except duckdb.Error:
            ok = False
    if not ok:
        raise BrinkError(
            f"--date-format {fmt!r}: not a date format with a day, a month and a year "
            "(strptime codes, e.g. %d/%m/%Y or %m/%d/%Y)"
        )


def require_columns(path: Path, header: list[str], required: list[str], fmt_name: str) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise BrinkError(
            f"{path}:1: not in the layout of {fmt_name}: the header lacks column(s) {', '.join(missing)} "
            f"(found: {', '.join(header[:12])[:200]}{'...' if len(header) > 12 else ''})"
        )
    seen: set[str] = set()
    for i, name in enumerate(header):
        if name in seen:
            raise BrinkError(f"{path}:1: column {name!r} appears twice in the header (again as column {i + 1})")
        seen.add(name)
