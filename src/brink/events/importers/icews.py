"""ICEWS coded event files: 20 tab-separated columns with a header row.

Layout of the ICEWS Coded Event Data releases (Harvard Dataverse): Event ID,
Event Date, Source Name, Source Sectors, Source Country, Event Text, CAMEO Code,
Intensity, Target Name, Target Sectors, Target Country, Story ID, Sentence
Number, Publisher, City, District, Province, Country, Latitude, Longitude.

Sides are matched by name, then by country name (so "Military (Israel)" with
Source Country "Israel" maps to the actor the dictionary calls "Israel" when no
alias names it). CAMEO codes written without their leading zero ("42" for 042,
"211" for 0211), as ICEWS files read through spreadsheets often are, are
restored: ICEWS uses 3- and 4-digit codes, so a 2-digit code always lost its
zero, and a 3-digit code that is not a CAMEO code gets one back when that makes
it one. ICEWS's own Intensity column is not used: Goldstein and PLOVER scores
come from brink's tables, as for GDELT.
"""

from __future__ import annotations

from pathlib import Path

from brink.events.importers import csv_stage, read_header, require_columns, register
from brink.events.staging import Staged

COLUMNS = [
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude", "Longitude",
]
TYPES = {"Event Date": "DATE", "Latitude": "DOUBLE", "Longitude": "DOUBLE"}


@register("icews", "ICEWS coded event file (20 tab-separated columns)")
def stage(con, path: Path) -> Staged:
    header = read_header(path, "\t")
    require_columns(path, header, COLUMNS, "ICEWS event file (20 tab-separated columns)")
    if header != COLUMNS:
        from brink.errors import BrinkError

        raise BrinkError(f"{path}:1: ICEWS columns are not in the standard order: {', '.join(header)}")
    columns = {c: TYPES.get(c, "VARCHAR") for c in COLUMNS}
    code = "trim(r.\"CAMEO Code\")"
    e = {
        "source_id": 'trim(r."Event ID")',
        "date": 'r."Event Date"',
        "actor_name": 'coalesce(trim(r."Source Name"), \'\')',
        "actor_code": "''",
        "actor_group": "''",
        "actor_country": 'coalesce(trim(r."Source Country"), \'\')',
        "target_name": 'coalesce(trim(r."Target Name"), \'\')',
        "target_code": "''",
        "target_group": "''",
        "target_country": 'coalesce(trim(r."Target Country"), \'\')',
        # ICEWS codes are 3 or 4 digits; a 2-digit code, or a 3-digit one that is not a
        # CAMEO code, lost its leading zero ("42" -> 042, "211" -> 0211).
        "cameo": (
            f"CASE WHEN length({code}) = 2 OR ({code} NOT IN (SELECT cameo FROM code_cameo) "
            f"AND '0' || {code} IN (SELECT cameo FROM code_cameo)) THEN '0' || {code} "
            f"ELSE nullif({code}, '') END"
        ),
        "native": "'cameo'",
        "loc_key": 'r."Country"',
        "loc_kind": "'name'",
        "location": 'concat_ws(\', \', nullif(r."City", \'\'), nullif(r."Province", \'\'), r."Country")',
        "lat": 'r."Latitude"',
        "lon": 'r."Longitude"',
        "text": 'r."Event Text"',
    }
    rejects, constants = csv_stage(
        con, path, columns=columns, exprs=e, delim="\t", header=True, quote=None,
        fmt_name="ICEWS event file (20 tab-separated columns)", dateformat="%Y-%m-%d",
    )
    return Staged(rejects=rejects, constants=constants, header_lines=1, quoted=False)
