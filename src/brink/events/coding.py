"""Event coding tables: CAMEO, PLOVER, Goldstein and PLOVER scores, ACLED categories.

Every event in the store carries both codings:

* **CAMEO** — the event code (2 to 4 digits), its root (first two digits), the
  CAMEO quad class used by GDELT (1 verbal cooperation: roots 01-05, 2 material
  cooperation: 06-08, 3 verbal conflict: 09-13, 4 material conflict: 14-20) and
  the **Goldstein** score from GDELT's lookup table (``tables/CAMEO_goldstein.tsv``).
* **PLOVER** — event type, mode and context from ``tables/CAMEO2PLOVER-2021.txt``
  (openeventdata/PLOVER, CC BY-SA 4.0), the PLOVER quad category and the
  **PLOVER score** transcribed from the manual's score table
  (``tables/plover_scores.csv``, PLOVER_MANUAL.tex lines 299-341).

The tables are read once and exposed as pandas DataFrames; the store loads them
into DuckDB so that coding happens in SQL joins, never in Python row loops.

Decisions recorded here (and in docs/events.md):

* CAMEO codes absent from CAMEO2PLOVER take the PLOVER coding of their longest
  listed prefix (``0213`` -> ``021`` -> ``02``). The CAMEO 01 ("make public
  statement") and 02 ("appeal") families are *dropped* by PLOVER (manual,
  table tab:xlate): such events keep their CAMEO code and Goldstein score but
  have no PLOVER type.
* The 2-digit code ``08`` is listed twice (CONCEDE, then RETREAT); the first
  entry (CONCEDE) is used for the bare ``08``.
* A few modes in the 2021 conversion table are not modes of the PLOVER 2021
  codebook; they are normalised by ``MODE_FIXES`` so that they find a score.
* The quad category of SANCTION: the manual's quad table lists it under verbal
  conflict but its SANCTION section and summary table put it in material
  conflict; brink follows the latter (2 of the 3 statements, and sanctions are
  material acts).
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources

import pandas as pd

# PLOVER quad categories: 1 verbal cooperation, 2 material cooperation,
# 3 verbal conflict, 4 material conflict (PLOVER_MANUAL.tex, section summary and
# the "Quad category" subsection of each event type).
PLOVER_QUAD: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}
PLOVER_TYPES: tuple[str, ...] = tuple(PLOVER_QUAD)

QUAD_NAMES: dict[int, str] = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}

# (type, mode as written in CAMEO2PLOVER-2021) -> mode in the PLOVER 2021 codebook.
# Empty string means "no mode": the type's overall score applies.
MODE_FIXES: dict[tuple[str, str], str] = {
    ("ASSAULT", "assassinate"): "targeted",  # codebook: targeted = assassinations
    ("ASSAULT", "massacre"): "targeted",  # codebook: targeted includes deliberate mass killings
    ("ASSAULT", "cleansing"): "",  # commented out of the 2021 codebook
    ("ASSAULT", "pro_autocracy"): "",  # a context written in the mode column (CAMEO 175)
    ("ASSAULT", "seize"): "destroy",  # CAMEO 1712 "destroy property"
    ("RETREAT", "return"): "release",  # CAMEO 0842 "return, release property"
    ("RETREAT", "ease"): "",  # the table itself notes 'ease' is no longer a mode
    ("THREATEN", "ban"): "",
    ("THREATEN", "political"): "",
    ("COERCE", "ban"): "",
}
# Context written in the mode column, moved back (CAMEO 175).
CONTEXT_FROM_MODE: dict[tuple[str, str], str] = {("ASSAULT", "pro_autocracy"): "pro_autocracy"}

_CODE_RE = re.compile(r"^\d{2,4}$")


def _table_text(name: str) -> str:
    return resources.files("brink.events").joinpath("tables", name).read_text(encoding="utf-8")


def _read_commented_csv(name: str) -> pd.DataFrame:
    lines = [ln for ln in _table_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return pd.read_csv(io.StringIO("\n".join(lines)), dtype=str, keep_default_na=False)


def cameo_quad(code: str) -> int:
    """GDELT's quad class of a CAMEO code, from its two-digit root."""
    root = int(code[:2])
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 13:
        return 3
    if 14 <= root <= 20:
        return 4
    raise ValueError(f"CAMEO root {code[:2]!r} is not in 01..20")


@lru_cache(maxsize=1)
def goldstein_table() -> pd.DataFrame:
    """CAMEO code -> Goldstein score (GDELT's lookup table), codes as zero-padded strings."""
    rows = list(csv.reader(io.StringIO(_table_text("CAMEO_goldstein.tsv")), delimiter="\t"))
    header, body = rows[0], rows[1:]
    assert header == ["CAMEOEVENTCODE", "GOLDSTEINSCALE"], header
    return pd.DataFrame({"cameo": [r[0] for r in body], "goldstein": [float(r[1]) for r in body]})


@lru_cache(maxsize=1)
def cameo2plover_raw() -> pd.DataFrame:
    """The CAMEO2PLOVER-2021 conversion table as written (first entry wins for repeated codes)."""
    out: dict[str, tuple[str, str, str, str]] = {}
    for line in _table_text("CAMEO2PLOVER-2021.txt").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("~"):
            continue
        code, _, rest = line.partition(":")
        code = code.strip()
        if not _CODE_RE.match(code):
            continue
        body, _, desc = rest.partition("#")
        parts = [p.strip() for p in body.split(",")]
        ptype = parts[0].upper()
        mode = parts[1].lower() if len(parts) > 1 else ""
        context = "; ".join(c.strip() for c in parts[2].split(";") if c.strip()) if len(parts) > 2 else ""
        if code not in out:
            out[code] = (ptype, mode, context, desc.strip())
    return pd.DataFrame(
        [(c, *v) for c, v in out.items()],
        columns=["cameo", "plover_type", "plover_mode_raw", "plover_context", "description"],
    )


@lru_cache(maxsize=1)
def plover_scores() -> pd.DataFrame:
    """PLOVER (type, mode) -> score; mode '' is the type's own score."""
    df = _read_commented_csv("plover_scores.csv")
    df["score"] = df["score"].astype(float)
    return df[["type", "mode", "score", "note"]]


def plover_score(ptype: str | None, mode: str | None = None) -> float | None:
    """The PLOVER score of a type and mode, falling back to the type's score."""
    if not ptype:
        return None
    t = plover_scores()
    ptype = ptype.upper()
    mode = (mode or "").lower()
    hit = t[(t["type"] == ptype) & (t["mode"] == mode)]
    if hit.empty:
        hit = t[(t["type"] == ptype) & (t["mode"] == "")]
    return None if hit.empty else float(hit["score"].iloc[0])


def _fix_mode(ptype: str, mode: str) -> str:
    return MODE_FIXES.get((ptype, mode), mode)


@lru_cache(maxsize=1)
def cameo_table() -> pd.DataFrame:
    """Every CAMEO code with its full coding: the table the store joins events against.

    Columns: cameo, cameo_root, cameo_quad, goldstein, plover_type, plover_mode,
    plover_context, plover_quad, plover_score, description.
    """
    gold = goldstein_table()
    raw = cameo2plover_raw().set_index("cameo")
    codes = sorted(set(gold["cameo"]) | set(raw.index))
    gmap = dict(zip(gold["cameo"], gold["goldstein"]))
    rows = []
    for code in codes:
        # longest listed prefix carries the PLOVER coding
        src = next((code[:n] for n in range(len(code), 1, -1) if code[:n] in raw.index), None)
        root = int(code[:2])
        if src is None or root in (1, 2):
            ptype = mode = context = ""
            desc = raw.loc[code, "description"] if code in raw.index else ""
        else:
            r = raw.loc[src]
            ptype = r["plover_type"]
            mode = _fix_mode(ptype, r["plover_mode_raw"])
            context = r["plover_context"]
            extra = CONTEXT_FROM_MODE.get((ptype, r["plover_mode_raw"]))
            if extra and extra not in context:
                context = "; ".join(x for x in (extra, context) if x)
            desc = raw.loc[code, "description"] if code in raw.index else ""
        gold_v = gmap.get(code)
        if gold_v is None:  # a code in CAMEO2PLOVER only: use its parent's Goldstein score
            parent = next((code[:n] for n in range(len(code) - 1, 1, -1) if code[:n] in gmap), None)
            gold_v = gmap.get(parent) if parent else None
        rows.append(
            {
                "cameo": code,
                "cameo_root": code[:2],
                "cameo_quad": cameo_quad(code),
                "goldstein": gold_v,
                "plover_type": ptype or None,
                "plover_mode": mode or None,
                "plover_context": context or None,
                "plover_quad": PLOVER_QUAD.get(ptype) if ptype else None,
                "plover_score": plover_score(ptype, mode) if ptype else None,
                "description": desc or None,
            }
        )
    df = pd.DataFrame(rows)
    df["cameo_quad"] = df["cameo_quad"].astype("int8")
    df["plover_quad"] = df["plover_quad"].astype("Int8")
    return df


@lru_cache(maxsize=1)
def plover_table() -> pd.DataFrame:
    """Every scored PLOVER (type, mode) with quad, score and a representative CAMEO code.

    Columns: plover_type, plover_mode ('' for the type itself), plover_quad,
    plover_score, cameo, goldstein (of the representative CAMEO code).
    """
    scores = plover_scores()
    rep = _read_commented_csv("plover2cameo.csv")
    repmap = {(r.type, r.mode): r.cameo for r in rep.itertuples()}
    gold = dict(zip(goldstein_table()["cameo"], goldstein_table()["goldstein"]))
    rows = []
    for r in scores.itertuples():
        cameo = repmap.get((r.type, r.mode)) or repmap[(r.type, "")]
        rows.append(
            {
                "plover_type": r.type,
                "plover_mode": r.mode,
                "plover_quad": PLOVER_QUAD[r.type],
                "plover_score": r.score,
                "cameo": cameo,
                "goldstein": gold.get(cameo),
            }
        )
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def acled_table() -> pd.DataFrame:
    """ACLED (event_type, sub_event_type) -> PLOVER type/mode/context and CAMEO code."""
    df = _read_commented_csv("acled2plover.csv")
    return df


@lru_cache(maxsize=1)
def countries_table() -> pd.DataFrame:
    """Country names and codes (iso3, fips, isonum, name) for locating events."""
    df = _read_commented_csv("countries.csv")
    rows = []
    for r in df.itertuples():
        names = [n for n in r.names.split("|") if n] if r.names else []
        rows.append({"iso3": r.iso3, "fips": r.fips, "isonum": int(r.isonum), "names": names})
    return pd.DataFrame(rows)


def check_tables() -> list[str]:
    """Consistency checks on the shipped tables; returns a list of problems (empty if fine)."""
    problems: list[str] = []
    scored = set(zip(plover_scores()["type"], plover_scores()["mode"]))
    for r in cameo_table().itertuples():
        mode = "" if pd.isna(r.plover_mode) else r.plover_mode
        if not pd.isna(r.plover_type) and (r.plover_type, mode) not in scored:
            problems.append(f"CAMEO {r.cameo}: PLOVER {r.plover_type}/{r.plover_mode} has no score row")
        if r.goldstein is None or pd.isna(r.goldstein):
            problems.append(f"CAMEO {r.cameo}: no Goldstein score")
    codes = set(cameo_table()["cameo"])
    for r in plover_table().itertuples():
        if r.cameo not in codes:
            problems.append(f"PLOVER {r.plover_type}/{r.plover_mode}: representative CAMEO {r.cameo} unknown")
    for r in acled_table().itertuples():
        if r.cameo not in codes:
            problems.append(f"ACLED {r.event_type}/{r.sub_event_type}: CAMEO {r.cameo} unknown")
        if r.plover_type and (r.plover_type, r.plover_mode) not in scored:
            problems.append(f"ACLED {r.event_type}/{r.sub_event_type}: PLOVER mode not scored")
    return problems
