"""One way from a pandas DataFrame to JSON: what every result's ``to_dict`` uses for its tables."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np


def records(df) -> list[dict]:
    """The rows of ``df`` as JSON-able dicts: plain Python numbers (exact), dates as ISO text, NaN as None."""
    out = []
    for rec in df.to_dict(orient="records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif isinstance(v, dt.date):
                v = v.isoformat()
            row[str(k)] = v
        out.append(row)
    return out
