"""Plots of backtests (matplotlib, Agg backend: files only, no display)."""

from __future__ import annotations

from pathlib import Path


def reliability_diagram(result, path: str | Path, bins: int = 5, names=None) -> Path:
    """Observed frequency against mean forecast probability, per forecaster, to PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = names or list(result.predictions)
    fig, ax = plt.subplots(figsize=(5.5, 5.0), dpi=110)
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
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.png")
    fig.savefig(tmp)
    plt.close(fig)
    tmp.replace(path)
    return path
