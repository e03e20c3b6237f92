"""Plots of the event store (matplotlib).

Each function draws on Axes the caller gives, or on a new ``matplotlib.figure.Figure``
(never through pyplot, so the caller's backend is left alone), writes a PNG when a
path is given, and returns the Figure.

* ``plot_series`` — a dyadic series: events by quad class (stacked bars), the
  summed intensity, and the escalation index.
* ``plot_timeline`` — the dated events of a scenario and of the store on one
  chart, one lane per front. Store events are drawn per day and front (size:
  number of events, colour: mean intensity), so millions of events still make
  a readable chart; scenario events are labelled diamonds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

QUAD_COLOURS = {
    "verbal_cooperation": "#9ecae1",
    "material_cooperation": "#3182bd",
    "verbal_conflict": "#fdae6b",
    "material_conflict": "#e6550d",
}


def _save(fig, path: str | Path | None) -> None:
    """Save to ``path`` whole or not at all (a temporary file in its folder, then renamed);
    the image format is the path's suffix, which must be one matplotlib writes."""
    if path is None:
        return
    import os
    import tempfile

    from brink.errors import BrinkError

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    kinds = fig.canvas.get_supported_filetypes()
    if fmt not in kinds:
        raise BrinkError(f"{path}: a plot file needs one of the suffixes {', '.join('.' + k for k in sorted(kinds))}")
    if path.is_dir():
        raise BrinkError(f"{path}: is a folder: give a file name for the plot")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise BrinkError(f"{path}: cannot write there: {exc.strerror or exc}") from None
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=110, format=fmt)
        os.replace(tmp, path)
    except OSError as exc:
        raise BrinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def plot_series(df: pd.DataFrame, path: str | Path | None = None, title: str | None = None, *, axes=None):
    """Draw the dyadic series ``df`` (from ``dyad_series``): events by quad class, the summed
    score and the escalation index, on three Axes (``axes``, or a new Figure's). Writes a PNG
    when ``path`` is given; returns the Figure."""
    a, b = df.attrs.get("dyad", ("?", "?"))
    arrow = "→" if df.attrs.get("directed") else "↔"
    title = title or f"{a} {arrow} {b}: conflict–cooperation by {df.attrs.get('freq', 'W')} period"
    own = axes is None
    if own:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(11, 8))
        axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [2, 2, 1.4]})
    else:
        if len(axes) != 3:
            raise ValueError("plot_series draws on three Axes (counts, summed score, escalation)")
        fig = axes[0].figure
    x = df.index
    width = _bar_width(x)
    bottom = np.zeros(len(df))
    for col, colour in QUAD_COLOURS.items():
        axes[0].bar(x, df[col].to_numpy(), width=width, bottom=bottom, color=colour, label=col.replace("_", " "),
                    align="edge")
        bottom += df[col].to_numpy()
    axes[0].set_ylabel("events")
    axes[0].legend(loc="upper left", fontsize=8, ncol=2, frameon=False)
    axes[0].set_title(title)
    s = df["sum_intensity"].to_numpy()
    axes[1].bar(x, s, width=width, color=np.where(s < 0, "#de2d26", "#3182bd"), align="edge")
    axes[1].axhline(0, color="black", lw=0.6)
    axes[1].set_ylabel(f"sum of {df.attrs.get('score', 'intensity')}")
    axes[2].plot(x, df["escalation"].to_numpy(), color="black", marker="o", ms=3, lw=1)
    axes[2].axhline(0, color="grey", lw=0.6, ls="--")
    axes[2].set_ylabel("escalation\n(log ratio)")
    axes[2].set_xlabel("period start")
    if own:
        fig.autofmt_xdate()
        fig.tight_layout()
    _save(fig, path)
    return fig


def _bar_width(x) -> float:
    if len(x) < 2:
        return 5.0
    d = np.diff(np.asarray(x, dtype="datetime64[D]").astype("int64"))
    return float(max(0.8 * np.median(d), 0.8))


def plot_timeline(
    store_daily: pd.DataFrame,
    scenario_events: pd.DataFrame,
    path: str | Path | None = None,
    *,
    lanes: list[str] | None = None,
    lane_labels: dict[str, str] | None = None,
    title: str = "Events by front",
    ax=None,
):
    """Draw store events (``store_daily``: date, front, events, mean_intensity) and scenario
    events (``scenario_events``: date, end_date, front, label, id) on one chart, a lane per front.
    ``lanes`` orders the lanes (the scenario's fronts); fronts not in it follow, sorted, and
    events without a front go to a lane "other". Draws on ``ax`` or a new Figure, writes a PNG
    when ``path`` is given; returns the Figure."""
    from matplotlib.colors import TwoSlopeNorm

    lanes = list(lanes or [])
    fronts_seen = set(store_daily.get("front", pd.Series(dtype=str)).dropna()) | set(
        scenario_events.get("front", pd.Series(dtype=str)).dropna()
    )
    lanes += sorted(f for f in fronts_seen if f not in lanes)
    has_other = store_daily.get("front", pd.Series(dtype=object)).isna().any() or scenario_events.get(
        "front", pd.Series(dtype=object)
    ).isna().any()
    if has_other:
        lanes.append("other")
    ypos = {f: i for i, f in enumerate(reversed(lanes))}
    labels = lane_labels or {}

    own = ax is None
    if own:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(13, 1.0 + 0.75 * max(len(lanes), 1)))
        ax = fig.subplots()
    else:
        fig = ax.figure
    norm = TwoSlopeNorm(vmin=-10, vcenter=0, vmax=10)
    if not store_daily.empty:
        sd = store_daily.copy()
        sd["lane"] = sd["front"].fillna("other").map(ypos)
        size = 12 + 40 * np.sqrt(sd["events"].to_numpy() / max(sd["events"].max(), 1))
        sc = ax.scatter(pd.to_datetime(sd["date"]), sd["lane"] - 0.12, s=size, c=sd["mean_intensity"], cmap="RdBu",
                        norm=norm, alpha=0.75, edgecolors="none", label="store events (per day)")
        cb = fig.colorbar(sc, ax=ax, pad=0.01, fraction=0.03)
        cb.set_label("mean intensity (−10 conflict … +10 cooperation)")
    if not scenario_events.empty:
        se = scenario_events.copy()
        se["lane"] = se["front"].fillna("other").map(ypos)
        dates = pd.to_datetime(se["date"])
        ax.scatter(dates, se["lane"] + 0.18, marker="D", s=46, color="black", zorder=3, label="scenario timeline")
        for d, e, lane in zip(dates, se.get("end_date", pd.Series([None] * len(se))), se["lane"]):
            if e is not None and not pd.isna(e):
                ax.plot([d, pd.to_datetime(e)], [lane + 0.18] * 2, color="black", lw=2, zorder=3)
        for i, (d, lane, lab) in enumerate(zip(dates, se["lane"], se["label"])):
            ax.annotate(str(lab)[:34], (d, lane + 0.18), xytext=(3, 5 + 9 * (i % 3)), textcoords="offset points",
                        fontsize=6.5, rotation=18)
    ax.set_yticks(list(ypos.values()))
    ax.set_yticklabels([labels.get(f, f) for f in ypos])
    ax.set_ylim(-0.7, len(lanes) - 0.2)
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    ax.set_title(title, pad=28)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    if own:
        fig.autofmt_xdate()
        fig.tight_layout()
    _save(fig, path)
    return fig
