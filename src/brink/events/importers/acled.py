"""ACLED CSV exports (the Data Export Tool / API layout, one header row, comma-separated).

Columns used: ``event_id_cnty`` (the id), ``event_date`` (``2024-04-13`` or
``13 April 2024``; a numbers-only day/month date such as ``04/13/2024``, as a
spreadsheet writes it, needs ``--date-format``), ``event_type`` and ``sub_event_type`` (coded to PLOVER and
CAMEO through ``tables/acled2plover.csv``), ``actor1``/``actor2`` (matched by
name), ``iso``/``country`` (where), ``location``, ``latitude``, ``longitude``,
``fatalities``, ``notes``, ``source``. Other columns may be present or absent.
"""

from __future__ import annotations

from pathlib import Path

from brink.events.importers import (
    ambiguous_date_check,
    csv_stage,
    date_sql,
    read_header,
    require_columns,
    register,
)
from brink.events.staging import Staged

# The full export layout (2023-2024); extra or missing optional columns are fine.
EXPORT_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country"]
TYPES = {"latitude": "DOUBLE", "longitude": "DOUBLE", "fatalities": "INTEGER"}
DATE_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y"]


@register("acled", "ACLED CSV export", date_format=True)
def stage(con, path: Path, date_format: str | None = None) -> Staged:
    header = read_header(path, ",")
    require_columns(path, header, REQUIRED, "ACLED CSV export")
    columns = {c: TYPES.get(c, "VARCHAR") for c in header}
    has = set(header)

    def col(name: str, default: str = "NULL") -> str:
        return f'r."{name}"' if name in has else default

    date = date_sql("r.event_date", DATE_FORMATS, date_format)
    e = {
        "source_id": "trim(r.event_id_cnty)",
        "date": f"CAST({date} AS DATE)",
        "date_raw": "r.event_date",
        "actor_name": "coalesce(trim(r.actor1), '')",
        "actor_code": "''",
        "actor_group": "''",
        "actor_country": "''",
        "target_name": "coalesce(trim(r.actor2), '')",
        "target_code": "''",
        "target_group": "''",
        "target_country": "''",
        "cameo": "a.cameo",
        "plover_type": "nullif(a.plover_type, '')",
        "plover_mode": "nullif(a.plover_mode, '')",
        "plover_context": "nullif(a.plover_context, '')",
        "native": "'plover'",
        "loc_key": f"coalesce(nullif(trim({col('iso')}), ''), trim(r.country))",
        "loc_kind": f"CASE WHEN nullif(trim({col('iso')}), '') IS NOT NULL THEN 'num' ELSE 'name' END",
        "location": f"concat_ws(', ', nullif({col('location')}, ''), nullif({col('admin1')}, ''), r.country)",
        "lat": col("latitude"),
        "lon": col("longitude"),
        "fatalities": col("fatalities"),
        "text": col("notes"),
        "url": "NULL",
        "x_event_type": "r.event_type",
        "x_sub_event_type": "r.sub_event_type",
        "x_known": "a.event_type IS NOT NULL",
    }
    joins = (
        "LEFT JOIN code_acled a ON a.event_type = trim(r.event_type) AND a.sub_event_type = trim(r.sub_event_type)"
    )
    rejects, constants = csv_stage(
        con, path, columns=columns, exprs=e, delim=",", header=True, quote='"',
        fmt_name="ACLED CSV export", joins=joins,
    )
    checks = [
        (
            "NOT x_known",
            "event_type",
            "'unknown ACLED event_type/sub_event_type ' || brink_quote(coalesce(x_event_type, '')) || '/' "
            "|| brink_quote(coalesce(x_sub_event_type, ''))",
        ),
    ]
    refuse = ambiguous_date_check("date_raw", "event_date", date_format)
    return Staged(rejects=rejects, constants=constants, checks=checks, refuse=refuse, header_lines=1, quoted=True)
