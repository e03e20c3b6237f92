"""PLOVER JSON records: one JSON object per line (JSONL), as the PLOVER manual recommends.

Fields used (PLOVER manual, "PLOVER JSON" table): ``id``, ``date``, ``enddate``,
``actor`` and ``recipient`` (lists of entity objects: ``code``, ``sector``,
``entity_text``, ``identifier_text``), ``event`` (list or string), ``mode``,
``context`` (lists or strings), ``event_loc`` (``country_code``, ``country``,
``resolved_place``, ``lat``, ``lon``), ``size.dead`` or ``dead``,
``event_text``, ``cite_info.url``. An optional non-standard ``cameo`` field is
kept when present; otherwise the CAMEO code is the representative code of the
PLOVER type and mode (``tables/plover2cameo.csv``). When a field holds several
values the first is used, except ``context``, whose values are joined with "; ".

The file is read by DuckDB as plain lines (so every problem has its exact line
number) and parsed with DuckDB's JSON functions. A file whose first non-blank
character is ``[`` is read as one JSON array instead; problems then name the
record's position in the array.
"""

from __future__ import annotations

from pathlib import Path

from brink.errors import BrinkError
from brink.events.importers import MAX_LINE_BYTES, compression, head, q, reader_error, register
from brink.events.staging import STAGE_TYPES, Staged, run


def _first(j: str, path: str) -> str:
    """First element if the JSON value at ``path`` is an array, else the value, as text."""
    return (
        f"CASE WHEN json_type({j}, '{path}') = 'ARRAY' THEN json_extract_string({j}, '{path}[0]') "
        f"ELSE json_extract_string({j}, '{path}') END"
    )


def _entity(j: str, side: str, field: str) -> str:
    return f"json_extract_string({j}, '$.{side}[0].{field}')"


def _entity_any(j: str, side: str, field: str) -> str:
    return (
        f"CASE WHEN json_type({j}, '$.{side}') = 'ARRAY' THEN json_extract_string({j}, '$.{side}[0].{field}') "
        f"ELSE json_extract_string({j}, '$.{side}.{field}') END"
    )


@register("plover", "PLOVER JSON records (JSONL or one JSON array)")
def stage(con, path: Path) -> Staged:
    import duckdb

    start = head(path, 4096).lstrip()
    if start.startswith(b"\xef\xbb\xbf"):
        start = start[3:].lstrip()
    if start.startswith(b"["):
        return _stage_array(con, path)
    try:
        run(
            con,
            "CREATE OR REPLACE TEMP TABLE plover_lines AS SELECT content FROM read_csv(?, delim = chr(1), "
            "header = false, quote = '', escape = '', auto_detect = false, columns = {'content': 'VARCHAR'}, "
            f"max_line_size = {MAX_LINE_BYTES}, strict_mode = false, compression = {q(compression(path))})",
            [str(path)],
        )
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise reader_error(path, exc, "PLOVER JSON lines") from None
    run(
        con,
        "CREATE OR REPLACE TEMP TABLE plover_src AS SELECT rowid - (SELECT min(rowid) FROM plover_lines) + 1 AS line, "
        "CASE WHEN json_valid(content) AND json_type(content) = 'OBJECT' THEN CAST(content AS JSON) END AS j, "
        "content FROM plover_lines WHERE content IS NOT NULL AND trim(content) <> ''",
    )
    run(con, "DROP TABLE plover_lines")
    _stage_from(con, "plover_src")
    return Staged(checks=_checks(), lines_known=True)


def _stage_array(con, path: Path) -> Staged:
    import duckdb

    try:
        run(
            con,
            f"CREATE OR REPLACE TEMP TABLE plover_src AS SELECT CAST(NULL AS BIGINT) AS line, "
            f"CAST(json AS JSON) AS j, CAST(json AS VARCHAR) AS content "
            f"FROM read_json_objects({q(str(path))}, format = 'array', compression = {q(compression(path))}, "
            f"maximum_object_size = {MAX_LINE_BYTES})",
        )
    except (duckdb.IOException, duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        raise BrinkError(f"{path}: not a JSON array of PLOVER records: {str(exc).splitlines()[0]}") from None
    _stage_from(con, "plover_src")
    return Staged(checks=_checks(), lines_known=True)


def _stage_from(con, src: str) -> None:
    j = "p.j"
    sel = {
        "line": "p.line",
        "source_id": f"trim(json_extract_string({j}, '$.id'))",
        "date": f"try_cast(json_extract_string({j}, '$.date') AS DATE)",
        "end_date": f"try_cast(json_extract_string({j}, '$.enddate') AS DATE)",
        "date_raw": f"json_extract_string({j}, '$.date')",
        "actor_name": f"coalesce({_entity_any(j, 'actor', 'entity_text')}, {_entity_any(j, 'actor', 'identifier_text')}, '')",
        "actor_code": f"coalesce(upper({_entity_any(j, 'actor', 'code')}) || coalesce(upper({_entity_any(j, 'actor', 'sector')}), ''), '')",
        "actor_group": "''",
        "actor_country": f"coalesce(upper({_entity_any(j, 'actor', 'code')}), '')",
        "target_name": f"coalesce({_entity_any(j, 'recipient', 'entity_text')}, {_entity_any(j, 'recipient', 'identifier_text')}, '')",
        "target_code": f"coalesce(upper({_entity_any(j, 'recipient', 'code')}) || coalesce(upper({_entity_any(j, 'recipient', 'sector')}), ''), '')",
        "target_group": "''",
        "target_country": f"coalesce(upper({_entity_any(j, 'recipient', 'code')}), '')",
        "cameo": f"nullif(trim(json_extract_string({j}, '$.cameo')), '')",
        "plover_type": f"nullif(upper(trim({_first(j, '$.event')})), '')",
        "plover_mode": f"nullif(lower(trim({_first(j, '$.mode')})), '')",
        "plover_context": (
            f"CASE WHEN json_type({j}, '$.context') = 'ARRAY' THEN "
            f"nullif(array_to_string(CAST(json_extract_string({j}, '$.context[*]') AS VARCHAR[]), '; '), '') "
            f"ELSE nullif(json_extract_string({j}, '$.context'), '') END"
        ),
        "native": "'plover'",
        "loc_key": (
            f"coalesce(upper(json_extract_string({j}, '$.event_loc.country_code')), "
            f"json_extract_string({j}, '$.event_loc.country'))"
        ),
        "loc_kind": f"CASE WHEN json_extract_string({j}, '$.event_loc.country_code') IS NOT NULL THEN 'iso3' ELSE 'name' END",
        "location": (
            f"coalesce(json_extract_string({j}, '$.event_loc.resolved_place'), "
            f"json_extract_string({j}, '$.event_loc.extracted_place'))"
        ),
        "lat": f"try_cast(json_extract_string({j}, '$.event_loc.lat') AS DOUBLE)",
        "lon": f"try_cast(json_extract_string({j}, '$.event_loc.lon') AS DOUBLE)",
        "fatalities": (
            f"try_cast(coalesce(json_extract_string({j}, '$.size.dead'), json_extract_string({j}, '$.dead')) AS INTEGER)"
        ),
        "text": _first(j, "$.event_text"),
        "url": f"json_extract_string({j}, '$.cite_info.url')",
    }
    cols = [f"CAST({v} AS {STAGE_TYPES[k]}) AS {k}" for k, v in sel.items()]
    cols += [
        "p.j IS NOT NULL AS x_json_ok",
        "p.content AS x_content",
        f"json_extract_string({j}, '$.date') IS NOT NULL AND try_cast(json_extract_string({j}, '$.date') AS DATE) IS NULL AS x_bad_date",
        f"json_extract_string({j}, '$.actor') IS NULL AS x_no_actor",
        f"json_extract_string({j}, '$.event') IS NULL AS x_no_event",
        f"coalesce(json_extract_string({j}, '$.size.dead'), json_extract_string({j}, '$.dead')) AS x_dead_raw",
        f"json_extract_string({j}, '$.event_loc.lat') AS x_lat_raw",
        f"json_extract_string({j}, '$.event_loc.lon') AS x_lon_raw",
    ]
    run(con, f"CREATE OR REPLACE TEMP TABLE stg AS SELECT {', '.join(cols)} FROM {src} p ORDER BY p.rowid")
    run(con, f"DROP TABLE {src}")


def _checks() -> list[tuple[str, str, str]]:
    return [
        ("NOT x_json_ok", "json", "'not a JSON object: ' || left(x_content, 60)"),
        ("x_no_actor", "actor", "'missing actor (required by PLOVER)'"),
        ("x_no_event", "event", "'missing event (required by PLOVER)'"),
        ("x_dead_raw IS NOT NULL AND fatalities IS NULL", "size.dead",
         "'not a whole number of dead: ' || brink_quote(left(x_dead_raw, 40))"),
        ("x_lat_raw IS NOT NULL AND lat IS NULL", "event_loc.lat", "'not a number: ' || brink_quote(left(x_lat_raw, 40))"),
        ("x_lon_raw IS NOT NULL AND lon IS NULL", "event_loc.lon", "'not a number: ' || brink_quote(left(x_lon_raw, 40))"),
    ]
