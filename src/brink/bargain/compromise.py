"""The compromise model and the weighted median, on one issue.

Both weight each actor by capability × salience (its *effective power* on the
issue: what it could bring to bear, times how much of it it will spend).

* ``weighted_mean`` — the compromise model (Van den Bos 1991; Achen 2006 in
  *The European Union Decides*): the outcome is the power-weighted average of
  the positions. It is what a committee that splits differences in proportion
  to clout would agree.
* ``weighted_median`` — the position of the pivotal actor when actors are
  lined up by position and their power summed: with single-peaked preferences
  on one dimension and votes weighted by power, it beats every other actor
  position in a pairwise vote (Black's median voter theorem), and it is the
  starting point of Bueno de Mesquita's expected-utility model.
"""

from __future__ import annotations

import numpy as np


def weights(capability: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Effective power of each actor: capability × salience."""
    return np.asarray(capability, float) * np.asarray(salience, float)


def weighted_means(position: np.ndarray, capability: np.ndarray, salience: np.ndarray,
                   axis: int = -1) -> np.ndarray:
    """Compromise model over the actors' ``axis``, for any other axes: Σ c·s·x / Σ c·s.

    An actor absent from an issue takes weight 0 (its NaN position is ignored);
    where no actor has positive weight the result is NaN. The simulation's
    bargaining step calls this on (actors, issues, trajectories) arrays.
    """
    w = weights(capability, salience)
    x = np.asarray(position, float)
    present = ~np.isnan(x) & ~np.isnan(w)
    w = np.where(present, w, 0.0)
    tot = w.sum(axis=axis)
    num = (w * np.where(present, x, 0.0)).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), np.nan)


def weighted_mean(position: np.ndarray, capability: np.ndarray, salience: np.ndarray) -> float:
    """Compromise model on one issue: Σ c·s·x / Σ c·s (``weighted_means`` of one row)."""
    out = float(weighted_means(position, capability, salience))
    if np.isnan(out):
        raise ValueError("no actor has positive capability × salience")
    return out


def weighted_median(position: np.ndarray, capability: np.ndarray, salience: np.ndarray) -> float:
    """Power-weighted median position.

    Positions are sorted and the first one at which the cumulative weight
    reaches half of the total is returned. When the cumulative weight lands
    exactly on one half between two positions (a tie), their midpoint is
    returned.
    """
    w = weights(capability, salience)
    x = np.asarray(position, float)
    if w.sum() <= 0:
        raise ValueError("no actor has positive capability × salience")
    ux = np.unique(x)
    wu = np.array([w[x == v].sum() for v in ux])
    cum = np.cumsum(wu)
    half = wu.sum() / 2.0
    k = int(np.searchsorted(cum, half - 1e-12 * wu.sum()))
    if np.isclose(cum[k], half, rtol=0, atol=1e-12 * wu.sum()) and k + 1 < len(ux):
        return float((ux[k] + ux[k + 1]) / 2.0)
    return float(ux[k])
