"""The (asymmetric, n-person) Nash bargaining solution on one issue.

The outcome ``x`` maximises the weighted Nash product

    Π_i (u_i(x) − d_i) ^ w_i,      w_i = capability_i × salience_i,

over the issue's scale ``[low, high]``. Each actor's utility falls linearly
with distance from its position, ``u_i(x) = −|x − x_i| / (high − low)``, and
its disagreement (breakdown) utility ``d_i`` is the utility of the worst
outcome on the scale for it, the scale end farthest from its position. So no
actor is pushed to its worst point, and an actor's pull grows with its power.
The data sets we use carry no status quo; where one is known it is the
natural disagreement point and can be passed as ``disagreement``.

The objective is a sum of concave functions of ``x`` (logs of concave,
positive functions), so its maximum is unique; it is found with a bounded
scalar search (``scipy.optimize.minimize_scalar``) to ``tol`` of the scale.
Achen (2006) shows that with quadratic utilities and a status-quo disagreement
point the Nash solution is close to the compromise model; ``utility="quadratic"``
gives that variant.
"""

from __future__ import annotations

import numpy as np


def nash_bargaining(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    *,
    low: float | None = None,
    high: float | None = None,
    disagreement: float | None = None,
    utility: str = "linear",
    tol: float = 1e-9,
) -> float:
    """Return the weighted Nash bargaining solution on ``[low, high]``."""
    from scipy.optimize import minimize_scalar

    x = np.asarray(position, float)
    w = np.asarray(capability, float) * np.asarray(salience, float)
    lo = float(x.min()) if low is None else float(low)
    hi = float(x.max()) if high is None else float(high)
    if hi <= lo:
        return lo
    span = hi - lo
    keep = w > 0
    x, w = x[keep], w[keep]
    if x.size == 0:
        raise ValueError("no actor has positive capability × salience")
    w = w / w.sum()

    def loss(dist):
        d = dist / span
        return d if utility == "linear" else d * d

    if disagreement is None:
        dmax = np.maximum(x - lo, hi - x)  # distance to the worst point of the scale
        worst = loss(dmax)
    else:
        worst = loss(np.abs(x - float(disagreement)))

    def neg_obj(z):
        gain = worst - loss(np.abs(z - x))
        if np.any(gain <= 0):
            return np.inf
        return -float(np.sum(w * np.log(gain)))

    if disagreement is not None:
        # outcomes every actor weakly prefers to the disagreement point
        reach = np.abs(x - float(disagreement))
        a = max(lo, float(np.max(x - reach)))
        b = min(hi, float(np.min(x + reach)))
        if a > b:
            raise ValueError("no outcome is better than the disagreement point for every actor")
        lo_, hi_ = a, b
    else:
        lo_, hi_ = lo, hi
    # start the bounded search inside the region where every gain is positive
    res = minimize_scalar(neg_obj, bounds=(lo_, hi_), method="bounded", options={"xatol": tol * span})
    best = float(res.x)
    # guard against a flat objective / boundary optimum: compare with a grid
    grid = np.linspace(lo_, hi_, 2001)
    vals = np.array([neg_obj(g) for g in grid])
    g = float(grid[int(np.argmin(vals))])
    if neg_obj(g) < neg_obj(best) - 1e-12:
        res = minimize_scalar(neg_obj, bounds=(max(lo_, g - span / 1000), min(hi_, g + span / 1000)),
                              method="bounded", options={"xatol": tol * span})
        best = float(res.x)
    return best
