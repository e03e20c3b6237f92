"""The range a what-if or uncertain value of a scenario's judgement must lie in: one rule for ``--set``,
intervention files, sweeps and the spreads of ``brink.uncertainty`` (``brink validate`` applies it to
the file's values too).

A parameter's or a tendency's own ``range`` (None: any finite number); a concern weight's ``range``
else [0, 1]; a logit precision's ``range`` else the ``lambda`` parameter's, and always above 0.
State variables have their ranges on the compiled model (``Model.declared_range``).
"""

from __future__ import annotations

import math


def judgement_range(sc, kind: str, name: str) -> tuple[float, float, bool, str] | None:
    """``(lo, hi, lo_open, what)`` for ``name`` of ``kind`` (param, weight, tendency, precision)."""
    if kind == "param":
        r = sc.parameters[name].range
        return None if r is None else (float(r[0]), float(r[1]), False, f"the declared range of {name}")
    parts = name.split(".")
    if kind == "weight":
        c = next(c for c in sc.actor(parts[1]).concerns if c.id == parts[2])
        r = c.weight.range or (0.0, 1.0)
        return float(r[0]), float(r[1]), False, "the range of a concern weight"
    if kind == "tendency":
        t = sc.actor(parts[1]).tendencies.get(parts[2])
        r = t.range if t is not None else None
        return None if r is None else (float(r[0]), float(r[1]), False, f"the declared range of {name}")
    if kind == "precision":
        own = sc.actor(parts[1]).precision
        r = (own.range if own is not None else None) or (sc.parameters["lambda"].range
                                                         if "lambda" in sc.parameters else None)
        lo, hi = (float(r[0]), float(r[1])) if r is not None else (0.0, math.inf)
        return max(lo, 0.0), hi, lo <= 0.0, "the range of a logit precision"
    raise ValueError(f"not a judgement kind: {kind!r}")
