"""brink forecast --uncertainty, brink sensitivity and brink sweep on both built-in scenarios."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from brink.forecast.questions import load_questions
from brink.scenario.loader import load_scenario
from brink.uncertainty import assumption_problem, evaluate
from tests.cli import run
from tests.uncertainty.conftest import JUDGEMENTS

RUNS = "30"


def test_forecast_uncertainty_reports_both_intervals_from_the_per_set_forecasts(tmp_path, capsys, monkeypatch,
                                                                                 scenario_id, qfile):
    monkeypatch.chdir(tmp_path)
    q = qfile(scenario_id)
    params = JUDGEMENTS[scenario_id]
    code, out = run(capsys, "forecast", scenario_id, str(q), "--uncertainty", "4", "--runs", RUNS,
                    "--params", params, "--backend", "numpy", "--out", "fc", "--json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["uncertainty"]["sets"] == 4 and doc["runs"] == 4 * int(RUNS)
    frame = pd.read_csv(tmp_path / "fc" / "forecast.csv")
    assert {"lo95_judgement", "hi95_judgement", "sets"} <= set(frame.columns)
    # the same sets, evaluated directly: the pooled probability and the quantiles of the per-set ones
    sc = load_scenario(scenario_id)
    problem = assumption_problem(sc, params)
    per_set = evaluate(sc, problem, problem.sample(4, seed=0), load_questions(q, sc), int(RUNS), 0,
                       backend="numpy")
    for r in frame.itertuples():
        p = per_set[r.id].to_numpy()
        assert r.probability == pytest.approx(p.mean(), abs=1e-12)  # unconditional: pooled = mean
        lo, hi = np.quantile(p, [0.025, 0.975])
        assert r.lo95_judgement == pytest.approx(lo) and r.hi95_judgement == pytest.approx(hi)
        assert r.lo95 <= r.probability <= r.hi95 and r.runs == 4 * int(RUNS)
    meta = json.loads((tmp_path / "fc" / "meta.json").read_text())
    assert meta["uncertainty"] == 4 and meta["params"] == params
    # printed: both intervals, named
    code, out = run(capsys, "forecast", scenario_id, str(q), "--uncertainty", "4", "--runs", RUNS,
                    "--params", params, "--backend", "numpy", "--out", "fc")
    assert code == 0 and "95 % over judgements" in out and "95 % Monte Carlo" in out


def test_forecast_uncertainty_is_bit_identical_for_any_worker_count(tmp_path, capsys, monkeypatch, qfile):
    monkeypatch.chdir(tmp_path)
    q = qfile("synthetic-standoff")
    outs = []
    for w in ("1", "2"):
        code, out = run(capsys, "forecast", "synthetic-standoff", str(q), "--uncertainty", "3", "--runs", RUNS,
                        "--workers", w, "--backend", "numpy", "--out", f"w{w}")
        assert code == 0, out
        outs.append((tmp_path / f"w{w}" / "forecast.csv").read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("argv, says", [
    (["--uncertainty", "-1"], "--uncertainty -1: must be 0"),
    (["--uncertainty", "2", "--design", "grid"], "--design grid: expected sobol or lhs"),
    (["--uncertainty", "2", "--params", "nosuch.*"], "--params 'nosuch.*': matches no judgement"),
])
def test_forecast_uncertainty_mistakes_are_one_line(tmp_path, capsys, monkeypatch, qfile, argv, says):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "forecast", "synthetic-standoff", str(qfile("synthetic-standoff")), "--runs", "10",
                    *argv)
    assert code == 2 and says in out and "Traceback" not in out, out
    assert not (tmp_path / "brink-results").exists()


def test_sensitivity_morris_ranks_the_judgements_of_each_question(tmp_path, capsys, monkeypatch, scenario_id, qfile):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "sensitivity", scenario_id, "--questions", str(qfile(scenario_id)), "--params",
                    JUDGEMENTS[scenario_id], "--method", "morris", "--n", "2", "--runs", RUNS, "--backend", "numpy",
                    "--out", "sa", "--json")
    assert code == 0, out
    doc = json.loads(out)
    d = doc["judgements"]
    assert doc["sets"] == 2 * (d + 1)
    ind = pd.read_parquet(tmp_path / "sa" / "indices.parquet")
    assert set(ind["output"]) >= {"U01", "U02"} and set(ind["name"]) == set(assumption_problem(
        load_scenario(scenario_id), JUDGEMENTS[scenario_id]).names)
    varied = ind[ind["note"] == ""]
    assert len(varied) and (varied["mu_star"] >= 0).all()
    for _, g in varied.groupby("output"):  # rank 1 is the largest mu*
        assert g.sort_values("rank")["mu_star"].is_monotonic_decreasing
    ev = pd.read_csv(tmp_path / "sa" / "evaluations.csv")
    assert len(ev) == doc["sets"]
    assert any((tmp_path / "sa" / "plots").glob("*.png"))
    assert json.loads((tmp_path / "sa" / "meta.json").read_text())["complete"] is True


def test_sensitivity_sobol_gives_first_order_and_total_indices_with_intervals(tmp_path, capsys, monkeypatch, qfile):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "sensitivity", "synthetic-standoff", "--questions", str(qfile("synthetic-standoff")),
                    "--params", "lambda,weight.NRT.deterrence", "--method", "sobol", "--n", "4", "--runs", RUNS,
                    "--backend", "numpy", "--out", "sob")
    assert code == 0, out
    ind = pd.read_csv(tmp_path / "sob" / "indices.csv").fillna({"note": ""})
    assert {"S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(ind.columns)
    assert len(pd.read_csv(tmp_path / "sob" / "evaluations.csv")) == 4 * (2 * 2 + 2)
    assert "ST" in out and "judgements that matter most" in out
    code, out = run(capsys, "sensitivity", "synthetic-standoff", "--questions", str(qfile("synthetic-standoff")),
                    "--method", "sobol", "--n", "6", "--runs", RUNS)
    assert code == 2 and "a power of 2" in out


def test_sweep_gives_a_table_and_a_heat_map_over_two_axes(tmp_path, capsys, monkeypatch, scenario_id, qfile):
    monkeypatch.chdir(tmp_path)
    w = "weight.IRN.regime_survival" if scenario_id == "iran-2024" else "weight.NRT.deterrence"
    sc = load_scenario(scenario_id)
    code, out = run(capsys, "sweep", scenario_id, "--grid", "lambda=20:60:2", "--grid", f"{w}=0.1:0.5:2",
                    "--questions", str(qfile(scenario_id)), "--runs", RUNS, "--backend", "numpy", "--out", "sw")
    assert code == 0, out
    frame = pd.read_csv(tmp_path / "sw" / "sweep.csv")
    assert len(frame) == 4 and list(frame.columns[:2]) == ["lambda", w]
    assert sorted(zip(frame["lambda"], frame[w])) == [(20, 0.1), (20, 0.5), (60, 0.1), (60, 0.5)]
    assert (tmp_path / "sw" / "sweep.png").stat().st_size > 5000
    # a point of the grid is the forecast with those values set
    from brink.forecast.forecast import forecast

    one = forecast(sc, load_questions(qfile(scenario_id), sc), int(RUNS), 0, backend="numpy",
                   set={"lambda": 60.0, w: 0.1}).rows.set_index("id")["probability"]
    row = frame[(frame["lambda"] == 60) & (frame[w] == 0.1)].iloc[0]
    assert row["U01"] == one["U01"] and row["U02"] == one["U02"]


@pytest.mark.parametrize("grid, says", [
    (["lambda=-5:5:3"], "lambda = -5: outside the declared range of lambda"),
    (["lambda=1:2:100000"], "at most 1,000"),
    (["nosuch=0:1:3"], "unknown name 'nosuch'"),
    (["lambda=1:2:3", "lambda=3:4:2"], "lambda given twice"),
])
def test_sweep_mistakes_are_one_line_before_any_run(tmp_path, capsys, monkeypatch, qfile, grid, says):
    monkeypatch.chdir(tmp_path)
    argv = [x for g in grid for x in ("--grid", g)]
    code, out = run(capsys, "sweep", "synthetic-standoff", *argv, "--questions", str(qfile("synthetic-standoff")),
                    "--runs", "10")
    assert code == 2 and says in out and "Traceback" not in out, out
    assert not (tmp_path / "brink-results").exists()


def test_an_interrupted_sweep_resumes_to_the_uninterrupted_numbers(tmp_path, qfile):
    """A real kill (SIGKILL) part-way, then --resume: the same table as a run never interrupted."""
    q = qfile("synthetic-standoff")
    brink = [str(Path(sys.executable).parent / "brink")]
    base = ["sweep", "synthetic-standoff", "--grid", "lambda=20:60:12", "--questions", str(q), "--runs", "60",
            "--backend", "numpy"]
    env = {**os.environ, "BRINK_NO_BACKGROUND_COMPILE": "1"}
    subprocess.run(brink + base + ["--out", str(tmp_path / "whole")], check=True, env=env, capture_output=True)
    proc = subprocess.Popen(brink + base + ["--out", str(tmp_path / "cut")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    parts = tmp_path / "cut" / "work" / "chunks"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(parts.glob("part-*.parquet"))) < 1:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    kept = len(list(parts.glob("part-*.parquet")))
    assert 1 <= kept < 4, "the kill came before the first chunk or after the last"
    assert not (tmp_path / "cut" / "sweep.csv").exists()
    r = subprocess.run(brink + base + ["--out", str(tmp_path / "cut"), "--resume"], env=env, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "cut" / "sweep.csv").read_bytes() == (tmp_path / "whole" / "sweep.csv").read_bytes()
    # --resume refuses a folder that holds another run
    other = ["sweep", "synthetic-standoff", "--grid", "lambda=20:60:3", "--questions", str(q), "--runs", "60",
             "--backend", "numpy", "--out", str(tmp_path / "cut"), "--resume"]
    r = subprocess.run(brink + other, env=env, capture_output=True, text=True)
    assert r.returncode == 2 and "holds another run" in r.stderr + r.stdout
