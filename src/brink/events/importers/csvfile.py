"""A plain CSV of events, for analysts' own lists (comma-separated, one header row).

Required columns: ``id``, ``date``, ``actor``, and an event code:
``cameo`` and/or ``plover_type``. Optional: ``target``, ``end_date``,
``plover_mode``, ``plover_context``, ``intensity`` (overrides the table score),
``front`` (overrides the dictionary's front rules), ``actor_code``,
``target_code``, ``country`` (ISO3 or name), ``location``, ``lat``, ``lon``,
``fatalities``, ``text`` (or ``label``), ``url``. Other columns are ignored.

``actor`` and ``target`` may be scenario actor ids or any name the
dictionary knows (``Islamic Revolutionary Guard Corps``).

Dates are ISO (``2024-04-03``), ``2024/04/03`` or with the month in words
(``3 April 2024``). A date of numbers only with the day and month in either order
(``03/04/2024``) is ambiguous: the file is refused, naming the first such line,
unless ``--date-format`` (``date_format``) says how to read it (``%d/%m/%Y`` or
``%m/%d/%Y``; ISO dates are read as well).
"""

from __future__ import annotations

from pathlib import Path

from brink.errors import BrinkError
from brink.events.importers import (
    ambiguous_date_check,
    csv_stage,
    date_sql,
    read_header,
    require_columns,
    register,
)
from brink.events.staging import Staged

TYPES = {"lat": "DOUBLE", "lon": "DOUBLE", "fatalities": "INTEGER", "intensity": "DOUBLE"}
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y"]


@register("csv", "brink's plain events CSV (id, date, actor, cameo and/or plover_type)", date_format=True)
def stage(con, path: Path, date_format: str | None = None) -> Staged:
    header = read_header(path, ",")
    require_columns(path, header, ["id", "date", "actor"], "brink events CSV")
    if "cameo" not in header and "plover_type" not in header:
        raise BrinkError(f"{path}:1: an events CSV needs a `cameo` or a `plover_type` column")
    has = set(header)
    columns = {c: TYPES.get(c, "VARCHAR") for c in header}

    def col(name: str) -> str:
        return f'nullif(trim(r."{name}"), \'\')' if name in has and TYPES.get(name) is None else (
            f'r."{name}"' if name in has else "NULL"
        )

    def date(name: str) -> str:
        if name not in has:
            return "NULL"
        return date_sql(f'r."{name}"', DATE_FORMATS, date_format)

    text = col("text") if "text" in has else col("label")
    native = "CASE WHEN " + (col("plover_type") + " IS NOT NULL" if "plover_type" in has else "false") + " THEN 'plover' ELSE 'cameo' END"
    e = {
        "source_id": col("id"),
        "date": f"CAST({date('date')} AS DATE)",
        "end_date": f"CAST({date('end_date')} AS DATE)",
        "date_raw": col("date"),
        "actor_name": f"coalesce({col('actor')}, '')",
        "actor_code": f"coalesce({col('actor_code')}, '')",
        "actor_group": "''",
        "actor_country": "''",
        "target_name": f"coalesce({col('target')}, '')",
        "target_code": f"coalesce({col('target_code')}, '')",
        "target_group": "''",
        "target_country": "''",
        "cameo": col("cameo"),
        "plover_type": f"upper({col('plover_type')})",
        "plover_mode": f"lower({col('plover_mode')})",
        "plover_context": col("plover_context"),
        "native": native,
        "intensity_given": col("intensity"),
        "front_given": col("front"),
        "loc_key": col("country"),
        "loc_kind": f"CASE WHEN regexp_full_match(coalesce({col('country')}, ''), '[A-Z]{{3}}') THEN 'iso3' ELSE 'name' END",
        "location": col("location"),
        "lat": col("lat"),
        "lon": col("lon"),
        "fatalities": col("fatalities"),
        "text": text,
        "url": col("url"),
        "x_end_raw": col("end_date"),
    }
    rejects, constants = csv_stage(
        con, path, columns=columns, exprs=e, delim=",", header=True, quote='"', fmt_name="brink events CSV"
    )
    checks = [
        (
            "x_end_raw IS NOT NULL AND end_date IS NULL",
            "end_date",
            "'cannot read end date ' || brink_quote(x_end_raw)",
        ),
        (
            "intensity_given IS NOT NULL AND NOT (intensity_given BETWEEN -10 AND 10)",
            "intensity",
            "'intensity ' || CAST(intensity_given AS VARCHAR) || ' outside -10..10'",
        ),
    ]
    refuse = ambiguous_date_check("date_raw", "date", date_format)
    refuse += ambiguous_date_check("x_end_raw", "end_date", date_format)
    return Staged(rejects=rejects, constants=constants, checks=checks, refuse=refuse, header_lines=1, quoted=True)
