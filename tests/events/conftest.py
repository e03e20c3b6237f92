from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def store(tmp_path):
    from brink.events.store import EventStore

    s = EventStore(tmp_path / "events.duckdb")
    yield s
    s.close()
