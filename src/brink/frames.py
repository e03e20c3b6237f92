"""One way from a pandas DataFrame to JSON: what every result's ``to_dict`` uses for its tables."""

from __future__ import annotations

import math


def records(df) -> list[dict]:
    """The rows of ``df`` as JSON-able dicts: native Python numbers (exact), NaN as None."""
    return [{str(k): (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in df.to_dict(orient="records")]
