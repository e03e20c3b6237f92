"""Published cases: each model's forecast against the published value, with stated tolerances.

Tolerances are the agreement we claim in docs/bargaining.md; a change to a model
that moves a forecast outside them must be explained there.
"""

from pathlib import Path

import numpy as np
import pytest

from brink.bargain.forecast import forecast
from brink.bargain.ktab_log import read_ktab_log
from brink.bargain.readers import read_table
from brink.bargain.validation import (
    EC_ACTUAL, KTAB_LOG, SCHOLZ_EC_PATH, case_path, ec_path,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "bargaining.md"


def test_ec_median_path_matches_scholz_except_round_two():
    res = ec_path()
    ours = np.array(res.median_path[1:9])
    # Scholz et al. print one decimal, truncated: compare the truncated values.
    trunc = np.floor(ours * 10) / 10
    same = [k for k in range(8) if abs(trunc[k] - SCHOLZ_EC_PATH[k]) < 1e-9]
    assert same == [0, 2, 3, 4, 5, 6, 7]
    # Round 2: Belgium's compromise with France lands at 9.611, not 9.9 (see docs).
    assert ours[1] == pytest.approx(9.611, abs=1e-3)
    assert np.max(np.abs(np.delete(ours, 1) - np.delete(SCHOLZ_EC_PATH, 1))) < 0.1


def test_ec_forecasts_against_actual_outcome():
    fc = forecast(read_table(case_path("ec_emissions_1994.csv")), draws=0)
    f = fc.issues[0].forecasts
    assert abs(f["eu"] - EC_ACTUAL) < 1.0  # 9.67: best of the four, ~0.84 too high
    assert abs(f["compromise"] - EC_ACTUAL) == pytest.approx(1.443, abs=1e-3)
    assert f["median"] == 7.0 and abs(f["nash"] - 7.0) < 1e-3
    assert f["exchange"] is None and "not applicable" in fc.exchange_note


@pytest.mark.parametrize("fname,issue,model,expected,tol_published", [
    ("SOE-Policy.csv", "policy", "median", 30.0, 0.0),
    ("SOE-Policy.csv", "policy", "compromise", 35.01, 6.0),
    ("SOE-Competitive.csv", "competitive", "compromise", 39.96, 0.0),
    ("SOE-Competitive.csv", "competitive", "median", 40.0, 0.0),
    ("SOE-Pol-Comp.csv", "policy", "exchange", 36.10, 7.0),
    ("SOE-Pol-Comp.csv", "competitive", "exchange", 38.52, 0.0),
    ("SOE-Pol-Comp.csv", "competitive", "compromise", 38.89, 0.0),
])
def test_soe_forecasts_near_published(fname, issue, model, expected, tol_published):
    case = read_table(case_path(fname))
    fc = forecast(case, draws=0)
    v = fc.issues[case.issues.index(issue)].forecasts[model]
    assert v == pytest.approx(expected, abs=0.05)
    published = (30.0, 30.0) if issue == "policy" else (20.0, 40.0)
    err = max(0.0, published[0] - v, v - published[1])
    assert err <= tol_published


def test_soe_eu_model_misses_published_range():
    # Recorded, not hidden: the challenge model lands on extreme actor positions here.
    pol = forecast(read_table(case_path("SOE-Policy.csv")), draws=0).issues[0].forecasts["eu"]
    comp = forecast(read_table(case_path("SOE-Competitive.csv")), draws=0).issues[0].forecasts["eu"]
    assert pol == 20.0 and comp == 50.0


def test_ktab_reference_log():
    h = read_ktab_log(case_path(KTAB_LOG))
    assert h.positions.shape == (28, 13, 2)
    assert h.positions[0, 0].tolist() == [30.0, 20.0]  # XJ starts at its input position
    exp = h.expected_outcome()
    assert exp[0] == pytest.approx(39.6, abs=0.1) and exp[1] == pytest.approx(32.4, abs=0.1)
    assert 20 <= exp[1] <= 40


def test_shipped_cases_match_shared_data_when_present():
    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "bargaining"
    if not shared.exists():  # CI clones may not carry ../shared; the copies in the package are then the source
        return
    for name in ("ec_emissions_1994.csv", "SOE-Policy.csv", "SOE-Competitive.csv", "SOE-Pol-Comp.csv"):
        assert case_path(name).read_bytes() == (shared / name).read_bytes()


def test_doc_table_is_generated_and_current():
    import importlib.util

    path = DOC.parents[0] / "gen" / "bargaining_doc.py"
    spec = importlib.util.spec_from_file_location("docs_gen_bargaining_doc", path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = gen.generate()
    assert "| EC car emissions 1994 | issue | Expected utility (BdM/Scholz) | 9.67 |" in text
    assert gen.main([str(DOC), "--check"]) == 0, f"docs/bargaining.md is stale: {gen.COMMAND}"
