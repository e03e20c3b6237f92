import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def scenario():
    from brink.scenario.loader import load_scenario

    return load_scenario("iran-2024")


@pytest.fixture(scope="session")
def reference():
    """The Mesa reference model (benchmarks/mesa_reference.py)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import mesa_reference

    return mesa_reference
