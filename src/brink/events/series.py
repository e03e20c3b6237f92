"""Dyadic conflict-cooperation series and the escalation index, computed in DuckDB.

For a dyad (A, B) and a period length, each period gets:

* ``events`` — number of events between A and B (both directions unless ``directed``;
  ``*`` is any actor, ``A+B`` a group of actors);
* ``sum_intensity``, ``mean_intensity`` — of the chosen score (``intensity``,
  ``goldstein`` or ``plover_score``), on the -10 (conflict) .. +10 (cooperation) scale;
* ``verbal_cooperation`` ... ``material_conflict`` — counts by quad class;
* ``conflict`` = sum of max(0, -score), ``cooperation`` = sum of max(0, score);
* ``escalation`` = ln(1 + conflict_t) - ln(1 + mean conflict of the previous
  ``window`` periods): 0 when conflict is at its recent level, +0.69 when it is
  about double, negative when it falls. Undefined (NaN) for the first period.

Periods with no events are present with zero counts, so the baseline is a true
moving average over calendar time. Events loaded from a scenario's own timeline
(source ``scenario``) are left out unless ``source="scenario"`` is asked for:
they restate events the data already holds.
"""

from __future__ import annotations

import pandas as pd

from brink.errors import BrinkError
from brink.events.staging import SCENARIO_SOURCE

FREQS = {"D": ("day", "1 DAY"), "W": ("week", "1 WEEK"), "M": ("month", "1 MONTH"),
         "Q": ("quarter", "3 MONTH"), "Y": ("year", "1 YEAR")}
SCORES = ("intensity", "goldstein", "plover_score")
SERIES_VIEW = "brink_series_events"


def parse_dyad(text: str | tuple[str, str] | list[str]) -> tuple[str, str]:
    """``"A,B"`` -> ("A", "B"); ``*`` stands for any actor and ``A+C`` for a group
    (``A+C+D,B``: A and its partners against B)."""
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text)]
    if len(parts) != 2 or not all(parts):
        raise BrinkError(f"a dyad is two actor ids separated by a comma, e.g. A,B (got {text!r})")
    return parts[0], parts[1]


def check_actors(con, sides: list[str]) -> None:
    """Refuse an actor id (of ``A``, ``A+B`` or ``*`` sides) that no stored event has on
    either side, naming the near misses: a typo must not read as "no events"."""
    con = getattr(con, "con", con)
    ids = [x.strip() for side in sides if side != "*" for x in side.split("+") if x.strip()]
    if not ids:
        return
    known = {r[0] for r in con.execute(
        "SELECT DISTINCT actor FROM events WHERE actor IS NOT NULL UNION SELECT DISTINCT target FROM events "
        "WHERE target IS NOT NULL").fetchall()}
    if not known:
        return  # an empty store: "no events" is the truth
    unknown = [x for x in dict.fromkeys(ids) if x not in known]
    if not unknown:
        return
    import difflib

    by_upper = {k.upper(): k for k in known}
    parts = []
    for x in unknown:
        near = [by_upper[x.upper()]] if x.upper() in by_upper else []
        near += [by_upper[m] for m in difflib.get_close_matches(x.upper(), list(by_upper), n=3, cutoff=0.5)
                 if by_upper[m] not in near]
        parts.append(f"{x!r}" + (f" (did you mean {', '.join(near[:3])}?)" if near else ""))
    listed = ", ".join(sorted(known)[:30]) + (", ..." if len(known) > 30 else "")
    raise BrinkError(
        f"{'; '.join(parts)}: not an actor id of any stored event ({len(known)} actors have events: {listed})"
    )


def dyad_series(
    con,
    dyad: str | tuple[str, str],
    freq: str = "W",
    *,
    directed: bool = False,
    score: str = "intensity",
    since: str | None = None,
    until: str | None = None,
    window: int = 4,
    source: str | None = None,
) -> pd.DataFrame:
    """The dyadic series as a DataFrame indexed by period start (see module docs).

    ``con`` is a DuckDB connection holding an ``events`` table, or an ``EventStore``;
    ``dyad`` two actor ids (``"A,B"`` or a pair, see ``parse_dyad``).
    """
    con = getattr(con, "con", con)
    a, b = parse_dyad(dyad)
    f = freq.upper()[:1] if freq else "W"
    if f == "A":
        f = "Y"
    if f not in FREQS:
        raise BrinkError(f"unknown frequency {freq!r}: use D, W, M, Q or Y")
    if score not in SCORES:
        raise BrinkError(f"unknown score {score!r}: use {', '.join(SCORES)}")
    if window < 1:
        raise BrinkError("window must be at least 1 period")
    unit, step = FREQS[f]

    import duckdb

    from brink.events.store import event_filter

    col, const = duckdb.ColumnExpression, duckdb.ConstantExpression

    def side(column: str, actor: str):
        if actor == "*":
            return const(True)
        group = [const(x.strip()) for x in actor.split("+") if x.strip()]
        return col(column) == group[0] if len(group) == 1 else col(column).isin(*group)

    pair = side("actor", a) & side("target", b)
    if not directed:
        pair = pair | (side("actor", b) & side("target", a))
    # the scenario's own timeline repeats events the data already has
    common = event_filter(since=since, until=until, source=source, not_source=None if source else SCENARIO_SOURCE)
    ev = (
        con.table("events")
        .filter(pair & common)
        .select(f"CAST(date_trunc('{unit}', date) AS DATE) AS period, {score} AS s, quad")
    )
    lo = f"CAST(date_trunc('{unit}', CAST(? AS DATE)) AS DATE)" if since else "minp"
    hi = f"CAST(date_trunc('{unit}', CAST(? AS DATE)) AS DATE)" if until else "maxp"
    spine_params = ([str(since)] if since else []) + ([str(until)] if until else [])
    sql = f"""
    WITH agg AS (
        SELECT period, count(*) AS events, sum(s) AS sum_intensity, avg(s) AS mean_intensity,
            count(*) FILTER (WHERE quad = 1) AS verbal_cooperation,
            count(*) FILTER (WHERE quad = 2) AS material_cooperation,
            count(*) FILTER (WHERE quad = 3) AS verbal_conflict,
            count(*) FILTER (WHERE quad = 4) AS material_conflict,
            coalesce(sum(greatest(-s, 0)), 0) AS conflict,
            coalesce(sum(greatest(s, 0)), 0) AS cooperation
        FROM {SERIES_VIEW} GROUP BY period
    ),
    bounds AS (SELECT {lo} AS lo, {hi} AS hi FROM (SELECT min(period) AS minp, max(period) AS maxp FROM agg)),
    spine AS (
        SELECT CAST(unnest(generate_series(CAST(lo AS TIMESTAMP), CAST(hi AS TIMESTAMP), INTERVAL {step})) AS DATE)
            AS period FROM bounds WHERE lo IS NOT NULL AND hi IS NOT NULL
    ),
    full_ AS (
        SELECT spine.period,
            coalesce(events, 0) AS events,
            coalesce(sum_intensity, 0) AS sum_intensity,
            mean_intensity,
            coalesce(verbal_cooperation, 0) AS verbal_cooperation,
            coalesce(material_cooperation, 0) AS material_cooperation,
            coalesce(verbal_conflict, 0) AS verbal_conflict,
            coalesce(material_conflict, 0) AS material_conflict,
            coalesce(conflict, 0) AS conflict,
            coalesce(cooperation, 0) AS cooperation
        FROM spine LEFT JOIN agg USING (period)
    )
    SELECT *,
        ln(1 + conflict) - ln(1 + avg(conflict) OVER (
            ORDER BY period ROWS BETWEEN {int(window)} PRECEDING AND 1 PRECEDING)) AS escalation
    FROM full_ ORDER BY period
    """
    # the filtered events as a temporary view, so the query keeps its own parameters
    con.register(SERIES_VIEW, ev)
    try:
        df = con.execute(sql, spine_params).df()
    finally:
        con.unregister(SERIES_VIEW)
    if not df.empty:
        df["period"] = pd.to_datetime(df["period"])
    df = df.set_index("period")
    for c in ("events", "verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict"):
        df[c] = df[c].astype("int64")
    df.attrs.update(dyad=(a, b), freq=f, directed=directed, score=score, window=window)
    return df
