"""Every citation resolves to a real, non-empty line; assumptions are listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from brink.scenario import load_scenario
from brink.scenario.provenance import assumptions, resolve_citation
from brink.scenario.validate import iter_citations

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def test_assumptions_are_listed_with_rationale():
    rows = assumptions(load_scenario("iran-2024"))
    assert len(rows) > 50
    assert all(r.assumption and r.assumption.strip() for r in rows)
    paths = {r.path for r in rows}
    assert "parameters.lambda" in paths
    assert any(p.startswith("actors[IRN].concerns[") and p.endswith(".weight") for p in paths)


def test_resolve_citation_detects_missing_lines(tmp_path):
    (tmp_path / "doc.txt").write_text("one\ntwo\n")
    assert resolve_citation("doc.txt:L2", [tmp_path]) == ["two"]
    assert resolve_citation("nothere.txt:L1", [tmp_path]) is None
    with pytest.raises(ValueError):
        resolve_citation("doc.txt:L3", [tmp_path])


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds not beside the checkout")
def test_every_cited_line_exists_and_is_not_empty():
    sc = load_scenario("iran-2024")
    checked = 0
    for loc, cite in iter_citations(sc):
        lines = resolve_citation(cite, [SHARED / "seeds", SHARED / "data"])
        assert lines is not None, f"{cite} at {loc}: file not found under shared/"
        assert all(line.strip() for line in lines), f"{cite} at {loc}: empty line"
        checked += 1
    assert checked > 200
