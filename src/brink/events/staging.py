"""The staging contract between importers and the event store.

An importer loads one file into the DuckDB temp table ``stg``, with (some of) the
columns of :data:`STAGE_COLUMNS`, and hands back a :class:`Staged` saying what it
rejected and what else the store must check. Everything after staging - checks,
actor mapping, coding, insertion - is the store's (``brink.events.store``).

Importers register their format with :func:`brink.events.importers.register`; this
module holds only what both sides share, so that neither imports the other's
internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCENARIO_SOURCE = "scenario"  # the source of events loaded from a scenario's own timeline

# Columns every importer's staging query must produce (name, SQL type).
STAGE_COLUMNS: list[tuple[str, str]] = [
    # the record's order among those the reader accepted is stg's rowid (insertion order)
    ("line", "BIGINT"),  # physical line, where the importer knows it (else NULL)
    ("source_id", "VARCHAR"),
    ("date", "DATE"),
    ("end_date", "DATE"),
    ("date_raw", "VARCHAR"),
    ("actor_name", "VARCHAR"),
    ("actor_code", "VARCHAR"),
    ("actor_group", "VARCHAR"),
    ("actor_country", "VARCHAR"),
    ("actor_given", "VARCHAR"),  # a scenario actor id given directly (csv, scenario)
    ("target_name", "VARCHAR"),
    ("target_code", "VARCHAR"),
    ("target_group", "VARCHAR"),
    ("target_country", "VARCHAR"),
    ("target_given", "VARCHAR"),
    ("cameo", "VARCHAR"),
    ("plover_type", "VARCHAR"),
    ("plover_mode", "VARCHAR"),
    ("plover_context", "VARCHAR"),
    ("native", "VARCHAR"),  # 'cameo' or 'plover': which coding the source itself used
    ("intensity_given", "DOUBLE"),
    ("front_given", "VARCHAR"),
    ("loc_key", "VARCHAR"),  # country of the location, as the source writes it
    ("loc_kind", "VARCHAR"),  # fips | num | name | iso3
    ("location", "VARCHAR"),
    ("lat", "DOUBLE"),
    ("lon", "DOUBLE"),
    ("fatalities", "INTEGER"),
    ("text", "VARCHAR"),
    ("url", "VARCHAR"),
]
STAGE_TYPES: dict[str, str] = dict(STAGE_COLUMNS)


@dataclass
class Staged:
    """What an importer hands back after loading a file into the temp table ``stg``.

    Columns of ``stg`` named ``x_*`` are the importer's own (for its ``checks``); the
    store carries them along and never stores them.
    """

    rejects: list[tuple[int | None, str, str, str]] = field(default_factory=list)  # line, field, reason, text
    # (bad-if SQL, field, reason SQL), checked before the common checks
    checks: list[tuple[str, str, str]] = field(default_factory=list)
    # (bad-if SQL, field, reason SQL): one such record refuses the whole file (the first is named)
    refuse: list[tuple[str, str, str]] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)  # staging column -> SQL literal
    header_lines: int = 0
    quoted: bool = False  # CSV quoting: records may span lines
    lines_known: bool = False  # stg.line is filled for every record


def run(con, sql: str, params: list | dict | None = None) -> None:
    """Execute a statement and consume its result (DuckDB wants results finished)."""
    con.execute(sql, params or []).fetchall()


def literal(s: object) -> str:
    """A Python value as a SQL string literal, for the places DuckDB takes no parameter
    (names inside ``read_csv(...)`` options, constant staging columns)."""
    return "'" + str(s).replace("'", "''") + "'"
