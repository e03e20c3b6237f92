"""Fixtures shared by every capability's tests.

``scenario_id`` runs a test once per built-in scenario, so every capability is
checked on more than the flagship system (``tests/scenario`` asserts that at
least two ship).
"""

import pytest

from brink.scenario.loader import builtin_names

BUILTIN = tuple(builtin_names())


@pytest.fixture(params=BUILTIN)
def scenario_id(request) -> str:
    return request.param
