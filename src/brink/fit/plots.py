"""Plots of backtests (matplotlib).

Each plot draws into the Axes it is given, or into a new ``matplotlib.figure.Figure``
(made without pyplot, so no backend is chosen or switched and nothing is left
open), and returns the Figure. ``save_png`` writes a Figure to a file.
"""

from __future__ import annotations

from pathlib import Path


def reliability_diagram(result, ax=None, *, bins: int = 5, names=None):
    """Observed frequency against mean forecast probability, per forecaster; returns the Figure."""
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5.5, 5.0), dpi=110)
        ax = fig.subplots()
        own = True
    else:
        fig, own = ax.figure, False
    names = names or list(result.predictions)
    ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect calibration")
    markers = "osD^v"
    for i, name in enumerate(names):
        r = result.reliability(name, bins).dropna()
        ax.plot(r["mean_forecast"], r["observed_freq"], marker=markers[i % len(markers)], lw=1.2,
                label=name)
        for _, row in r.iterrows():
            ax.annotate(str(int(row["n"])), (row["mean_forecast"], row["observed_freq"]), fontsize=6,
                        xytext=(3, 3), textcoords="offset points", color="0.35")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("forecast probability of a category (bin mean)")
    ax.set_ylabel("observed frequency")
    ax.set_title(f"Reliability ({len(result.test_ids)} test episodes; labels: pairs per bin)", fontsize=9)
    ax.legend(fontsize=7, loc="upper left")
    if own:
        fig.tight_layout()
    return fig


def save_png(fig, path: str | Path) -> Path:
    """Write the Figure to ``path`` as PNG (to a temporary sibling first, then renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp, format="png")
    tmp.replace(path)
    return path
