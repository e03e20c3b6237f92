"""Forecast scores over response categories.

A forecast is a DataFrame (one row per episode, one column per category, rows
summing to 1); the outcome is the observed category of each row.

* log score — mean natural log of the probability given to the observed
  category (higher is better; 0 is perfect; log(1/K) for a uniform guess
  over K categories);
* Brier score — mean over episodes of Σ_c (p_c − y_c)² over all columns
  (lower is better; 0 is perfect, at most 2);
* reliability — every (episode, category) pair is one probability forecast of a
  yes/no event; pairs are binned by forecast probability and each bin's mean
  forecast is set against the observed frequency. Pairs where a category is
  not available to the actor (p = 0 by construction) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _arrays(proba, observed: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    cols = list(proba.columns)
    P = proba.to_numpy(dtype=float)
    Y = np.zeros_like(P)
    for i, c in enumerate(observed):
        if c not in cols:
            raise ValueError(f"observed category {c!r} is not a forecast column")
        Y[i, cols.index(c)] = 1.0
    return P, Y


def log_scores(proba, observed: Sequence[str]) -> np.ndarray:
    """Per-episode log probability of the observed category."""
    P, Y = _arrays(proba, observed)
    return np.log(np.maximum((P * Y).sum(axis=1), 1e-300))


def log_score(proba, observed: Sequence[str]) -> float:
    return float(log_scores(proba, observed).mean())


def brier_scores(proba, observed: Sequence[str]) -> np.ndarray:
    P, Y = _arrays(proba, observed)
    return ((P - Y) ** 2).sum(axis=1)


def brier_score(proba, observed: Sequence[str]) -> float:
    return float(brier_scores(proba, observed).mean())


def reliability(proba, observed: Sequence[str], bins: int = 5):
    """DataFrame per bin: range, n pairs, mean forecast, observed frequency."""
    import pandas as pd

    P, Y = _arrays(proba, observed)
    keep = P > 0
    p, y = P[keep], Y[keep]
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        rows.append({"bin_low": edges[b], "bin_high": edges[b + 1], "n": int(m.sum()),
                     "mean_forecast": float(p[m].mean()) if m.any() else np.nan,
                     "observed_freq": float(y[m].mean()) if m.any() else np.nan})
    return pd.DataFrame(rows)
