"""The one opener of the project's small CSV inputs (episodes, trigger codings, resolutions, forecasts).

Each of those files is read row by row so that every problem can name the file,
the line and the column; this module holds what they share: reading the text
(a byte-order mark is dropped), refusing a file that cannot be read or has no
header, and refusing one that lacks a required column, each as a located
``InputError``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path

from brink.errors import InputError, Problem


def open_csv(path: str | Path, required: Iterable[str], what: str = "") -> tuple[str, csv.DictReader]:
    """``(display name, DictReader)`` for ``path`` with its ``required`` columns checked.

    ``reader.line_num`` after each row is the row's line in the file. ``what``
    names the kind of file in the cannot-read message ("a forecast").
    """
    p = Path(path)
    display = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(display, None, "(file)", f"cannot read{' ' + what if what else ''}: {exc}")]) from None
    if not text.strip():
        raise InputError([Problem(display, None, "(file)", "empty file: expected a header row")])
    reader = csv.DictReader(text.splitlines(keepends=True))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError([Problem(display, 1, c, "required column missing") for c in missing])
    return display, reader


def first_line(reader: csv.DictReader, rec: dict) -> int:
    """The first physical line of the record just read (a quoted field may span lines)."""
    inside = sum(v.count("\n") for v in rec.values() if isinstance(v, str)) + sum(
        sum(x.count("\n") for x in v) for v in rec.values() if isinstance(v, list))
    return reader.line_num - inside


def rows(display: str, reader: csv.DictReader, problems: list[Problem]) -> Iterator[tuple[int, dict]]:
    """``(line, record)`` for each well-formed row; a row with more or fewer fields than the
    header is added to ``problems`` (located) and skipped."""
    for rec in reader:
        line = first_line(reader, rec)
        if None in rec:
            problems.append(Problem(display, line, "(row)", f"{len(rec[None])} more fields than the header"))
            continue
        if any(v is None for v in rec.values()):
            problems.append(Problem(display, line, "(row)", "fewer fields than the header"))
            continue
        yield line, rec
