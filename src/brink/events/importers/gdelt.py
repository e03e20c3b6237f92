"""GDELT 2.0 event exports: 61 tab-separated columns, no header (``*.export.CSV``).

Column layout from the GDELT 2.0 Event Database codebook. Sides are matched on
``ActorNName`` (alias/pattern), ``ActorNKnownGroupCode`` (group), ``ActorNCode``
(code prefix) and ``ActorNCountryCode`` (country); the event is located by
``ActionGeo_CountryCode`` (FIPS 10-4). The event code is ``EventCode`` (kept as
text, so leading zeros survive); Goldstein and PLOVER coding come from brink's
tables, not from the file's own ``GoldsteinScale``/``QuadClass`` columns.
"""

from __future__ import annotations

from pathlib import Path

from brink.events.importers import csv_stage, first_line, register
from brink.events.staging import Staged

COLUMNS: list[str] = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]
assert len(COLUMNS) == 61

# Types of the columns brink reads; the rest stay VARCHAR and are not parsed.
TYPES: dict[str, str] = {
    "GLOBALEVENTID": "BIGINT",
    "SQLDATE": "DATE",
    "ActionGeo_Lat": "DOUBLE",
    "ActionGeo_Long": "DOUBLE",
}


@register("gdelt", "GDELT 2.0 event export (61 tab-separated columns, no header)")
def stage(con, path: Path) -> Staged:
    header = first_line(path).startswith(b"GLOBALEVENTID")
    columns = {c: TYPES.get(c, "VARCHAR") for c in COLUMNS}
    e = {
        "source_id": "CAST(GLOBALEVENTID AS VARCHAR)",
        "date": "SQLDATE",
        "actor_name": "coalesce(Actor1Name, '')",
        "actor_code": "coalesce(Actor1Code, '')",
        "actor_group": "coalesce(Actor1KnownGroupCode, '')",
        "actor_country": "coalesce(Actor1CountryCode, '')",
        "target_name": "coalesce(Actor2Name, '')",
        "target_code": "coalesce(Actor2Code, '')",
        "target_group": "coalesce(Actor2KnownGroupCode, '')",
        "target_country": "coalesce(Actor2CountryCode, '')",
        "cameo": "nullif(trim(EventCode), '')",
        "native": "'cameo'",
        "loc_key": "ActionGeo_CountryCode",
        "loc_kind": "'fips'",
        "location": "ActionGeo_FullName",
        "lat": "ActionGeo_Lat",
        "lon": "ActionGeo_Long",
        "url": "SOURCEURL",
    }
    rejects, constants = csv_stage(
        con, path, columns=columns, exprs=e, delim="\t", header=header, quote=None,
        fmt_name="GDELT 2.0 events (61 tab-separated columns)", dateformat="%Y%m%d",
    )
    return Staged(rejects=rejects, constants=constants, header_lines=1 if header else 0, quoted=False)
