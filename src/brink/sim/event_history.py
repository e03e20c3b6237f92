"""The compact record of what happened in each simulated run: first round and count per event.

A forecast question asks whether something happens between the origin and a
date: an action of some actor, an episode (a war, a crisis, a deal) starting,
or a formula becoming true. For every run the engine keeps, per event, only

* ``first``: the first round (1 .. horizon) in which it happened, -1 if never;
* ``count``: in how many rounds it happened (an action: rounds it was chosen;
  an episode: times it started; a watched state: rounds it held at the end).

That is four bytes per run and event (int16 + uint16), so a million runs of a
scenario with fifty events take 200 MB, and every question whose window starts
at the origin is answered exactly from it: "by round R" is ``1 <= first <= R``.
Episodes under way at the origin (a war the replayed timeline has already
started) are in ``active0``; they did not *start* inside the window.

Event ids: catalogue action ids as they are; ``outcome:<id>`` for each episode;
``state:<name>`` for each watched formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from brink.errors import BrinkError

NEVER = -1
OUTCOME = "outcome:"
STATE = "state:"


def earliest(first: np.ndarray, axis: int) -> np.ndarray:
    """The earliest first round along ``axis``, ignoring never (-1); -1 where all are never."""
    big = np.iinfo(np.int32).max
    F = np.where(first < 0, big, first.astype(np.int32)).min(axis=axis)
    return np.where(F == big, NEVER, F)


@dataclass
class EventHistory:
    """Per run and event: first round (-1 never) and count. Rows are runs in run order."""

    event_ids: tuple[str, ...]
    first: np.ndarray      # (n, E) int16
    count: np.ndarray      # (n, E) uint16
    episode_ids: tuple[str, ...] = ()
    active0: np.ndarray | None = None  # (n, K) bool: episode under way at the origin (round 0)

    def __post_init__(self):
        self._col = {e: k for k, e in enumerate(self.event_ids)}
        if self.active0 is None:
            self.active0 = np.zeros((self.n, len(self.episode_ids)), dtype=bool)

    @property
    def n(self) -> int:
        return self.first.shape[0]

    def col(self, event_id: str) -> int:
        try:
            return self._col[event_id]
        except KeyError:
            raise BrinkError(f"no event {event_id!r} in this simulation's history") from None

    def first_of(self, event_ids: Iterable[str]) -> np.ndarray:
        """Per run, the first round in which any of ``event_ids`` happened (-1: none did)."""
        cols = [self.col(e) for e in event_ids]
        if not cols:
            return np.full(self.n, NEVER, dtype=np.int16)
        return earliest(self.first[:, cols], axis=1).astype(np.int16)

    def by_round(self, first: np.ndarray, horizon: int) -> np.ndarray:
        """P(happened by the end of round r), r = 0 .. horizon, from a per-run first round."""
        c = np.bincount(first[first >= 1], minlength=horizon + 1)[: horizon + 1]
        return np.cumsum(c) / max(self.n, 1)

    def take(self, rows: np.ndarray) -> EventHistory:
        """The histories of some runs (a boolean mask or indices), for conditional questions."""
        return EventHistory(self.event_ids, self.first[rows], self.count[rows], self.episode_ids,
                            self.active0[rows])

    @staticmethod
    def concat(parts: list[EventHistory]) -> EventHistory:
        """Histories of consecutive batches, in order (the same for any batching)."""
        p0 = parts[0]
        return EventHistory(p0.event_ids, np.concatenate([p.first for p in parts]),
                            np.concatenate([p.count for p in parts]), p0.episode_ids,
                            np.concatenate([p.active0 for p in parts]))

    @property
    def nbytes(self) -> int:
        return int(self.first.nbytes + self.count.nbytes + self.active0.nbytes)
