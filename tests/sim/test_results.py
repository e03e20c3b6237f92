import numpy as np
import pandas as pd
from typer.testing import CliRunner

from brink.sim import simulate
from brink.sim.results import wilson


def test_wilson_interval_contains_estimate_and_shrinks():
    lo, hi = wilson(np.array([0, 30, 100]), 100)
    assert lo[0] == 0 and hi[2] == 1
    assert lo[1] < 0.3 < hi[1]
    lo2, hi2 = wilson(np.array([300]), 1000)
    assert hi2[0] - lo2[0] < hi[1] - lo[1]


def test_result_tables_are_consistent(scenario, tmp_path):
    res = simulate(scenario, runs=1500, horizon=10, seed=1)
    p = res.probabilities()
    assert p["count"].sum() == 1500 and abs(p["probability"].sum() - 1) < 1e-12
    assert ((p["lo95"] <= p["probability"]) & (p["probability"] <= p["hi95"])).all()
    c = res.cumulative()
    last = c[c["round"] == res.horizon].set_index("outcome")["probability"]
    absorbing = [o for o in res.outcome_ids[:-1]]
    assert np.allclose(last[absorbing], p.set_index("outcome").loc[absorbing, "probability"])
    assert (c.groupby("outcome")["probability"].diff().fillna(0) >= 0).all()  # cumulative never falls
    f = res.fronts
    assert ((f["q05"] <= f["q50"]) & (f["q50"] <= f["q95"])).all()
    # absorbed runs stop: absorption rounds are within the horizon
    assert res.runs["round"].between(0, res.horizon).all()
    # every actor decides once per running trajectory per round
    ac = res.action_counts.groupby(["round", "actor"])["count"].sum().unstack()
    assert (ac.nunique(axis=1) == 1).all()
    out = res.write(tmp_path / "r")
    back = pd.read_parquet(out / "runs.parquet")
    assert len(back) == 1500 and set(back["outcome"].astype(str)) <= set(res.outcome_ids)


def test_cli_simulate_writes_report(tmp_path):
    from brink.cli import app

    r = CliRunner().invoke(app, ["simulate", "iran-2024", "--runs", "300", "--horizon", "4", "--seed", "7",
                                 "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "iran_israel_war" in r.output
    html = (tmp_path / "out" / "report.html").read_text()
    for section in ("Outcome probabilities", "Cumulative probability", "Escalation per front",
                    "Actions taken", "Assumptions", "data:image/png;base64"):
        assert section in html
    assert (tmp_path / "out" / "probabilities.parquet").exists()


def test_cli_compare_reports_differences(tmp_path):
    from brink.cli import app

    r = CliRunner().invoke(app, ["compare", "iran-2024", "--intervention", "legitimacy-low", "--runs", "300",
                                 "--horizon", "4", "--out", str(tmp_path / "c")])
    assert r.exit_code == 0, r.output
    assert "difference" in r.output
    d = pd.read_parquet(tmp_path / "c" / "differences.parquet")
    assert set(d["intervention"]) == {"legitimacy-low"}
