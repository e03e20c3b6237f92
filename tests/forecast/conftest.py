"""Shared helpers for the forecast tests: scenarios, question files written on the fly, fake simulations."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np
import pytest

from brink.scenario.loader import load_scenario
from brink.sim.event_history import EventHistory


@pytest.fixture(scope="session")
def scenarios():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = load_scenario(name)
        return cache[name]

    return get


@pytest.fixture
def write_questions(tmp_path):
    """Write a question file from YAML text (dedented) and return its path."""
    def write(text: str, name: str = "q.yaml"):
        p = tmp_path / name
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return p

    return write


def history(columns: dict[str, list[int]]) -> EventHistory:
    """An EventHistory from {event id: per-run first round (-1 never)}; count is 1 where it happened."""
    ids = tuple(columns)
    first = np.array([columns[e] for e in ids], dtype=np.int16).T.reshape(-1, len(ids))
    return EventHistory(ids, first, (first >= 0).astype(np.uint16))


@dataclass
class FakeResult:
    history: EventHistory
    round_weeks: float
    horizon: int
    meta: dict = field(default_factory=dict)


class FakeSimulation:
    """Stands in for the engine: per origin, a history with random first rounds for every action,
    episode and watched formula of the scenario, drawn from (seed, origin) only, so the result is the
    same for any worker count. Records its calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, sc, runs, horizon, seed, origin, watch, workers, progress, **kw):
        self.calls.append({"origin": origin, "horizon": horizon, "watch": dict(watch), "runs": runs})
        ids = [a.id for a in sc.actions] + [f"outcome:{o.id}" for o in sc.outcomes if not o.default] + [f"outcome:{o.id}" for o in sc.settlement_outcomes()]
        ids += [f"state:{w}" for w in watch]
        rng = np.random.default_rng([seed, origin.toordinal()])
        first = rng.integers(-horizon, horizon + 1, size=(runs, len(ids)))
        first = np.where(first < 1, -1, first).astype(np.int16)
        if progress:
            progress(runs)
        return FakeResult(EventHistory(tuple(ids), first, (first >= 0).astype(np.uint16)),
                          sc.schedule.round_weeks.value, horizon, {"origin": origin.isoformat()})
