"""Numbers as text, the same on every machine.

``number(x, spec)`` formats with a format spec (``".3f"``, ``"+.2f"``, ``".3g"``,
``".1%"``) but never prints a negative zero: a value that rounds to zero at the
printed precision is printed as zero, without a sign (``0.00``, not ``-0.00``
or ``+0.00``), whatever the sign of the tiny remainder a sum left on a given
machine. Generated docs format every number through it.
"""

from __future__ import annotations

import math
import re

_SPEC = re.compile(r"^(?P<sign>[-+ ]?)(?P<rest>[0-9,_]*(?:\.\d+)?[efg%])$")


def number(x: float, spec: str = ".2f") -> str:
    """``format(x, spec)``, except that anything printed as zero is printed as unsigned zero."""
    m = _SPEC.match(spec)
    if m is None:
        raise ValueError(f"number(): unsupported format spec {spec!r} (use e.g. '.3f', '+.2f', '.3g', '.1%')")
    x = float(x)
    text = format(x, spec)
    if not math.isfinite(x):
        return text
    rounded = float(format(abs(x), m["rest"]).rstrip("%").replace(",", "").replace("_", ""))
    if rounded == 0.0:
        return format(0.0, m["rest"])  # no sign, whatever the spec asked for
    return text
