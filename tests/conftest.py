"""Fixtures shared by every capability's tests.

``scenario_id`` runs a test once per built-in scenario, so every capability is
checked on more than the flagship system (``tests/scenario`` asserts that at
least two ship).
"""

import os

import pytest

from brink.scenario.loader import builtin_names

# A small run with no compiled kernel yet takes the NumPy path and starts a detached compile for
# next time (brink.sim.kernel.compile_in_background); tests start no detached processes.
os.environ.setdefault("BRINK_NO_BACKGROUND_COMPILE", "1")

BUILTIN = tuple(builtin_names())


@pytest.fixture(params=BUILTIN)
def scenario_id(request) -> str:
    return request.param
