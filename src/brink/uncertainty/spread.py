"""A spread: how sure a judgement is, as a distribution on the parameter's own scale.

An assumption may carry ``uncertainty:`` (``brink.scenario.schema.Param``), either

* a **grade** — ``high``, ``medium`` or ``low`` confidence — read as a triangular distribution with
  its mode at the value and a half-width of ``GRADE_HALF_WIDTH[grade]`` times the parameter's
  natural scale (the width of its declared range; without a range, the value's magnitude, at least
  1), its ends cut at the range; or
* a **distribution** ``{dist: uniform|triangular|beta|lognormal, ...}`` (``schema.Spread``):
  uniform on [low, high]; triangular on [low, high] with ``mode`` (default the value); beta(a, b)
  stretched over [low, high] (default the range); lognormal with ``median`` (default the value) and
  ``sigma`` (of the logarithm), cut to [low, high] where given.

A parameter without ``uncertainty:`` gets the default grade (``default_grade``): ``medium`` for a
judgement (an ``assumption``), ``high`` for a value resting on evidence alone. The grades are a
convention of brink's, not facts of a scenario: a high-confidence judgement moves by a twentieth
of its scale, a medium one by about a seventh, a low one by almost a third.

Everything is mapped from the unit interval by the quantile function (``ppf``), so samplers work in
[0, 1]^d (SALib's and ``scipy.stats.qmc``'s) and the transform is one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

GRADES = ("high", "medium", "low")
GRADE_HALF_WIDTH = {"high": 0.05, "medium": 0.15, "low": 0.30}


@dataclass(frozen=True)
class Dist:
    """A resolved spread: a frozen scipy distribution cut to [lo, hi] (its support), and where it came from."""

    kind: str            # uniform | triangular | beta | lognormal
    lo: float
    hi: float
    args: tuple          # the defining numbers, as written (for the listing)
    source: str          # "grade medium (default)", "grade low", "distribution"

    def frozen(self):
        k, a = self.kind, self.args
        if self.kind == "uniform":
            return stats.uniform(loc=self.lo, scale=self.hi - self.lo)
        if k == "triangular":
            mode = a[1]
            width = self.hi - self.lo
            return stats.triang(c=(mode - self.lo) / width if width > 0 else 0.5, loc=self.lo, scale=width)
        if k == "beta":
            return stats.beta(a[0], a[1], loc=self.lo, scale=self.hi - self.lo)
        return stats.lognorm(s=a[1], scale=a[0])

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantiles of the (cut) distribution at ``u`` in [0, 1]."""
        u = np.asarray(u, float)
        d = self.frozen()
        if self.kind == "lognormal":  # cut to [lo, hi]: rescale u onto the cut's cdf interval
            c0, c1 = d.cdf(self.lo), d.cdf(self.hi)
            u = c0 + u * (c1 - c0)
        return np.clip(d.ppf(u), self.lo, self.hi)

    def describe(self) -> str:
        if self.kind == "triangular":
            return f"triangular [{self.lo:.4g}, {self.hi:.4g}], mode {self.args[1]:.4g}"
        if self.kind == "beta":
            return f"beta({self.args[0]:g}, {self.args[1]:g}) on [{self.lo:.4g}, {self.hi:.4g}]"
        if self.kind == "lognormal":
            return f"lognormal median {self.args[0]:.4g}, sigma {self.args[1]:g}, on [{self.lo:.4g}, {self.hi:.4g}]"
        return f"uniform [{self.lo:.4g}, {self.hi:.4g}]"


def default_grade(param) -> str:
    """The grade of a parameter that says none: ``medium`` for a judgement, ``high`` for evidence alone."""
    return "medium" if (param.assumption and param.assumption.strip()) else "high"


def natural_scale(value: float, rng: tuple[float, float] | None) -> float:
    """The width a grade's half-width is a fraction of: the range's, else |value| (at least 1)."""
    if rng is not None and math.isfinite(rng[1] - rng[0]) and rng[1] > rng[0]:
        return float(rng[1] - rng[0])
    return max(abs(float(value)), 1.0)


def resolve(param, rng: tuple[float, float] | None) -> tuple[Dist | None, str | None]:
    """The distribution of ``param`` (a ``schema.Param``) inside ``rng`` (its declared range, or None),
    and None; or None and why the spread cannot be used (it leaves the range, or misses the value)."""
    spec = param.uncertainty
    value = float(param.value)
    lo_r, hi_r = (float(rng[0]), float(rng[1])) if rng is not None else (-math.inf, math.inf)
    if spec is None or isinstance(spec, str):
        grade = spec or default_grade(param)
        h = GRADE_HALF_WIDTH[grade] * natural_scale(value, rng)
        lo, hi = max(lo_r, value - h), min(hi_r, value + h)
        src = f"grade {grade}" + ("" if spec else " (default)")
        return Dist("triangular", lo, hi, (grade, value), src), None
    kind = spec.dist
    if kind in ("uniform", "triangular", "beta"):
        lo = spec.low if spec.low is not None else (rng[0] if rng is not None else None)
        hi = spec.high if spec.high is not None else (rng[1] if rng is not None else None)
        if lo is None or hi is None:
            return None, f"a {kind} spread needs low and high (or a range on the parameter)"
        if kind == "triangular":
            mode = spec.mode if spec.mode is not None else value
            if not lo <= mode <= hi:
                return None, f"mode {mode:g} outside [{lo:g}, {hi:g}]"
            args = ("mode", mode)
        elif kind == "beta":
            args = (spec.a, spec.b)
        else:
            args = ()
        dist = Dist(kind, float(lo), float(hi), args, "distribution")
    else:
        median = spec.median if spec.median is not None else value
        if median <= 0:
            return None, f"a lognormal spread needs a median above 0, got {median:g}"
        lo = spec.low if spec.low is not None else 0.0
        hi = spec.high if spec.high is not None else math.inf
        if not math.isfinite(hi) and rng is not None:
            return None, (f"a lognormal spread is unbounded above, the range ends at {hi_r:g}: "
                          "give `high` inside the range")
        dist = Dist("lognormal", float(lo), float(hi), (median, spec.sigma), "distribution")
    if dist.lo < lo_r - 1e-12 or dist.hi > hi_r + 1e-12:
        return None, f"the spread [{dist.lo:g}, {dist.hi:g}] leaves the parameter's range [{lo_r:g}, {hi_r:g}]"
    if not dist.lo <= value <= dist.hi:
        return None, f"the spread [{dist.lo:g}, {dist.hi:g}] does not contain the value {value:g}"
    return dist, None
