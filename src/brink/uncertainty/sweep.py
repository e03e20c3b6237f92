"""``brink sweep``: each question's probability over a grid of named values.

``--grid NAME=LO:HI:N`` (or ``NAME=V1,V2,...``), read by the one range parser
(``brink.games.sweep.parse_range``: finite numbers, each value inside its declared range by the
model's rule), once per axis; the design is the full product of the axes (``grid``), evaluated by
``brink.uncertainty.evaluation`` like any other set of parameter rows (the grid's names are ``--set``
names, so a state variable on a grid is pinned at that value for the whole run). The plot is a line
per question over one axis, or a heat map per question over two (more axes: the first two, the rest
averaged over, and said so in the title).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd

from brink.errors import BrinkError

MAX_SETS = 20_000  # grid points in one sweep (the product of the axes)


def grid(texts: list[str], scenario) -> tuple[tuple[str, ...], np.ndarray]:
    """The names and the product design (rows, axes) of the ``--grid`` options."""
    from brink.games.sweep import parse_range

    if not texts:
        raise BrinkError("brink sweep: give at least one --grid NAME=LO:HI:N")
    axes = [parse_range(t, scenario, option="--grid") for t in texts]
    names = tuple(n for n, _ in axes)
    if len(set(names)) != len(names):
        raise BrinkError(f"--grid: {', '.join(sorted({n for n in names if names.count(n) > 1}))} given twice")
    size = math.prod(len(v) for _, v in axes)
    if size > MAX_SETS:
        raise BrinkError(f"--grid: {' × '.join(str(len(v)) for _, v in axes)} = {size:,} points; at most "
                         f"{MAX_SETS:,} in one sweep")
    X = np.array(list(itertools.product(*[v for _, v in axes])), dtype=float)
    return names, X


def plot(frame: pd.DataFrame, names: tuple[str, ...], outputs: list[str], path: Path, title: str) -> Path:
    """Lines (one axis) or heat maps (two or more) of each output's probability; PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = len(outputs)
    if len(names) == 1:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for col in outputs:
            ax.plot(frame[names[0]], frame[col], marker="o", ms=3, label=col)
        ax.set_xlabel(names[0])
        ax.set_ylabel("probability")
        ax.set_ylim(-0.02, 1.02)
        ax.legend(fontsize=7, ncol=2)
        ax.set_title(title, fontsize=9)
    else:
        cols = min(4, k)
        rows = math.ceil(k / cols)
        fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.0 * rows), squeeze=False)
        note = "" if len(names) == 2 else f" (averaged over {', '.join(names[2:])})"
        for ax, col in zip(axes.ravel(), outputs):
            table = frame.groupby([names[1], names[0]])[col].mean().unstack()
            im = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", vmin=0, vmax=1, cmap="viridis",
                           extent=(table.columns.min(), table.columns.max(), table.index.min(), table.index.max()))
            ax.set_title(col, fontsize=8)
            ax.set_xlabel(names[0], fontsize=7)
            ax.set_ylabel(names[1], fontsize=7)
            ax.tick_params(labelsize=6)
        for ax in axes.ravel()[k:]:
            ax.axis("off")
        fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="probability")
        fig.suptitle(title + note, fontsize=9)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
    return path
