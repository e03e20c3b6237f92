"""Results of ``brink.fit`` as JSON: a DataFrame's rows as plain records."""

from __future__ import annotations

import datetime as dt

import numpy as np


def records(frame) -> list[dict]:
    """A DataFrame as JSON-able records: plain Python numbers, dates as ISO text, NaN as None."""
    out = []
    for rec in frame.to_dict(orient="records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, np.generic):
                v = v.item()
            if isinstance(v, float) and v != v:
                v = None
            elif isinstance(v, dt.date):
                v = v.isoformat()
            row[str(k)] = v
        out.append(row)
    return out
