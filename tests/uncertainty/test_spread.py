"""Spreads: grades and distributions on each judgement's scale, checked against its declared range."""

from __future__ import annotations

import json

import numpy as np
import pytest

from brink.errors import BrinkError, InputError
from brink.scenario.loader import load_scenario
from brink.scenario.schema import Param
from brink.uncertainty.problem import assumption_problem, judgements, select
from brink.uncertainty.spread import GRADE_HALF_WIDTH, resolve
from tests.cli import run


def test_a_grade_is_a_triangle_at_the_value_cut_at_the_range():
    p = Param(value=0.95, assumption="a judgement", range=(0, 1))
    dist, why = resolve(p, (0.0, 1.0))
    assert why is None and dist.kind == "triangular" and dist.source == "grade medium (default)"
    assert dist.lo == pytest.approx(0.95 - GRADE_HALF_WIDTH["medium"]) and dist.hi == 1.0  # cut at the range
    u = np.linspace(0, 1, 101)
    x = dist.ppf(u)
    assert np.all(np.diff(x) >= 0) and x[0] == pytest.approx(dist.lo) and x[-1] == pytest.approx(1.0)
    # the mode is the value: the density peaks there, so the median of a triangle cut on one side is below it
    assert dist.lo < float(dist.ppf(0.5)) < 0.95
    low = resolve(Param(value=0.5, assumption="x", range=(0, 1), uncertainty="low"), (0.0, 1.0))[0]
    high = resolve(Param(value=0.5, evidence=["doc.txt:L1"], range=(0, 1)), (0.0, 1.0))[0]
    assert (low.hi - low.lo) == pytest.approx(2 * 0.30) and high.source == "grade high (default)"
    assert (high.hi - high.lo) == pytest.approx(2 * 0.05)


@pytest.mark.parametrize("spec, lo, hi", [
    ({"dist": "uniform", "low": 0.2, "high": 0.6}, 0.2, 0.6),
    ({"dist": "triangular", "low": 0.1, "high": 0.9, "mode": 0.3}, 0.1, 0.9),
    ({"dist": "beta", "a": 2, "b": 5}, 0.0, 1.0),
    ({"dist": "lognormal", "sigma": 0.5, "low": 0.05, "high": 0.95}, 0.05, 0.95),
])
def test_each_distribution_maps_the_unit_interval_into_its_support(spec, lo, hi):
    p = Param(value=0.3, assumption="x", range=(0, 1), uncertainty=spec)
    dist, why = resolve(p, (0.0, 1.0))
    assert why is None
    x = dist.ppf(np.linspace(0, 1, 201))
    assert x.min() >= lo - 1e-12 and x.max() <= hi + 1e-12 and np.all(np.diff(x) >= -1e-12)
    assert x[0] == pytest.approx(lo, abs=1e-9) and x[-1] == pytest.approx(hi, abs=1e-9)


@pytest.mark.parametrize("spec, says", [
    ({"dist": "uniform", "low": 0.5, "high": 1.5}, "leaves the parameter's range"),
    ({"dist": "uniform", "low": 0.5, "high": 0.9}, "does not contain the value 0.3"),
    ({"dist": "lognormal", "sigma": 0.5}, "unbounded above"),
    ({"dist": "beta", "a": 2}, "needs b"),
    ({"dist": "uniform", "low": 0.6, "high": 0.2}, "must be below high"),
    ({"dist": "gamma", "low": 0.1}, "dist"),
])
def test_a_spread_that_cannot_stand_is_refused_where_it_is_read(spec, says):
    with pytest.raises(ValueError, match=says):
        Param(value=0.3, assumption="x", range=(0, 1), uncertainty=spec)


def test_validate_refuses_a_weight_spread_outside_the_weight_range_at_its_line(tmp_path, capsys):
    """A concern weight has no range of its own: [0, 1] is the model's rule (brink.model.ranges),
    so the check happens in validate, located at the weight's uncertainty."""
    from tests.scenario.test_loader import MINIMAL

    sc_path = tmp_path / "s.yaml"
    sc_path.write_text(MINIMAL.replace('weight: {value: 0.5, assumption: "test"}',
                                       'weight: {value: 0.5, assumption: "test", uncertainty: {dist: uniform, '
                                       'low: 0.1, high: 1.4}}', 1))
    code, out = run(capsys, "validate", str(sc_path))
    assert code != 0 and "uncertainty" in out and "leaves the parameter's range [0, 1]" in out, out
    line = next(ln for ln in out.splitlines() if "uncertainty" in ln)
    assert "s.yaml:" in line and line.split("s.yaml:")[1].split(":")[0].isdigit(), out


def test_every_judgement_of_both_scenarios_has_a_usable_spread(scenario_id):
    sc = load_scenario(scenario_id)
    problem = assumption_problem(sc)
    rows = judgements(sc)
    assert problem.d >= 20 and problem.d <= len(rows)
    for name, lo, hi, value in zip(problem.names, [d.lo for d in problem.dists], [d.hi for d in problem.dists],
                                   problem.values):
        assert lo <= value <= hi, name
    X = problem.sample(16, seed=3)
    assert X.shape == (16, problem.d)
    assert np.array_equal(X, problem.sample(16, seed=3)) and not np.array_equal(X, problem.sample(16, seed=4))
    assert np.all(X >= [d.lo for d in problem.dists]) and np.all(X <= [d.hi for d in problem.dists])
    lhs = problem.sample(16, design="lhs", seed=3)
    assert lhs.shape == X.shape and not np.array_equal(lhs, X)


def test_params_globs_select_and_a_glob_matching_nothing_is_refused_with_near_names():
    names = ["lambda", "weight.IRN.deterrence", "weight.IRN.survival", "weight.USA.deterrence"]
    assert select(names, "weight.IRN.*") == names[1:3]
    assert select(names, "lambda, weight.*.deterrence") == ["lambda", "weight.IRN.deterrence", "weight.USA.deterrence"]
    with pytest.raises(BrinkError, match="matches no judgement.*did you mean weight.IRN.deterrence"):
        select(names, "weight.IRN.deterrance")


def test_show_assumptions_lists_the_spread_beside_each_value(capsys, scenario_id):
    code, out = run(capsys, "show", scenario_id, "--assumptions", "--json")
    assert code == 0
    rows = json.loads(out)
    lam = next(r for r in rows if r["path"] == "parameters.lambda")
    assert lam["name"] == "lambda" and lam["spread"]["kind"] == "lognormal"
    assert lam["spread"]["low"] == 10 and lam["spread"]["high"] == 160
    graded = [r for r in rows if r["spread"] and r["spread"]["source"].startswith("grade")]
    assert graded and all(r["spread"]["low"] <= r["value"] <= r["spread"]["high"] for r in graded)
    code, out = run(capsys, "show", scenario_id, "--assumptions")
    assert code == 0 and "judgements with a spread" in out and "lognormal median 40" in " ".join(out.split())
