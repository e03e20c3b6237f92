"""Fixtures of the fit tests.

``scenario``, ``model``, ``episodes`` and ``mapping`` are iran-2024's, for the
checks of its own numbers and episodes; ``mapped`` gives ``(model, episodes,
mapping)`` of every built-in scenario (through ``scenario_id``), for the checks
of general behaviour.
"""

from functools import lru_cache

import pytest

from brink.fit.mapping import map_scenario_episodes
from brink.scenario import load_scenario


@lru_cache(maxsize=None)
def _mapped(name: str):
    return map_scenario_episodes(name)


@pytest.fixture
def mapped(scenario_id):
    return _mapped(scenario_id)


@pytest.fixture(scope="session")
def scenario():
    return load_scenario("iran-2024")


@pytest.fixture(scope="session")
def model():
    return _mapped("iran-2024")[0]


@pytest.fixture(scope="session")
def episodes():
    return _mapped("iran-2024")[1]


@pytest.fixture(scope="session")
def mapping():
    return _mapped("iran-2024")[2]
