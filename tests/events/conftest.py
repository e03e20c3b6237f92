from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
# The fixture files describe the iran-2024 system: they are imported with its dictionary.
FIXTURE_SCENARIO = "iran-2024"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def dic():
    """The actor dictionary the fixture files are coded for (loaded once)."""
    from brink.events.dictionary import load_dictionary

    return load_dictionary(FIXTURE_SCENARIO)


@pytest.fixture
def store(tmp_path):
    from brink.events.store import EventStore

    s = EventStore(tmp_path / "events.duckdb")
    yield s
    s.close()
