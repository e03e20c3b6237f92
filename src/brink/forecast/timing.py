"""The time rule: how a window in days maps onto rounds, and how a round is dated.

A round lasts ``d = round_weeks * 7`` days (14 in both built-in scenarios).
Round ``r`` (from 1) covers days ``((r - 1) d, r d]`` after the forecast
origin, and an event that happens in round ``r`` is **dated at the round's
midpoint**, day ``(r - 1/2) d``. So a window of ``D`` days counts round ``r``
if and only if ``(r - 1/2) d <= D``: a 30-day window counts rounds 1 and 2
(midpoints 7 and 21) and not round 3 (midpoint 35); a 14-day window counts
round 1 only. A window shorter than half a round counts no round at all (the
question file check refuses it).

The rule is symmetric on average: an event dated at a midpoint is as likely to
have happened in the first half of its round as in the second, so a window
that ends inside a round gains that round's events exactly when more than
half of the round lies inside the window.
"""

from __future__ import annotations

import math

import numpy as np


def last_round(days: float, round_days: float) -> int:
    """The last round a window of ``days`` counts: the largest ``r`` with ``(r - 1/2) d <= days`` (0: none)."""
    if round_days <= 0:
        raise ValueError("round_days must be positive")
    # exact for whole-day rounds: (r - 1/2) d <= D  <=>  r <= (2 D + d) / (2 d)
    return max(0, math.floor((2.0 * days + round_days) / (2.0 * round_days) + 1e-9))


def event_day(rounds: np.ndarray | int, round_days: float) -> np.ndarray | float:
    """The day (after the origin) an event in round ``rounds`` is dated at: the round's midpoint."""
    return (np.asarray(rounds, dtype=float) - 0.5) * round_days


def median_day(rounds: np.ndarray, round_days: float) -> float:
    """Median date, in days after the origin, of events in ``rounds`` (NaN when there are none)."""
    rounds = np.asarray(rounds)
    if rounds.size == 0:
        return float("nan")
    return float(np.median(event_day(rounds, round_days)))
