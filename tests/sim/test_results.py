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
    p = res.probabilities().set_index("outcome")
    assert ((p["lo95"] <= p["probability"]) & (p["probability"] <= p["hi95"])).all()
    h = res.history
    # an episode's probability is the count of histories in which it started
    for o in res.episode_ids:
        started = h.first[:, h.col("outcome:" + o)] >= 1
        assert p.loc[o, "count"] == started.sum()
        assert np.isclose(p.loc[o, "mean_starts"], h.count[:, h.col("outcome:" + o)].mean())
    # the default state is "no episode under way at the horizon"
    quiet = res.under_way.iloc[-1][res.default_outcome]
    assert np.isclose(p.loc[res.default_outcome, "probability"], quiet)
    assert np.isclose(quiet, (res.runs["end_state"] == res.default_outcome).mean())
    c = res.over_time()
    last = c[c["round"] == res.horizon].set_index("outcome")["started_by"]
    assert np.allclose(last[list(res.episode_ids)], p.loc[list(res.episode_ids), "probability"])
    ep = c[c["outcome"] != res.default_outcome]
    assert (ep.groupby("outcome")["started_by"].diff().fillna(0) >= 0).all()  # started-by never falls
    f = res.fronts
    assert ((f["q05"] <= f["q50"]) & (f["q50"] <= f["q95"])).all()
    # every trajectory runs the whole horizon: every actor decides once per trajectory per round
    ac = res.action_counts.groupby(["round", "actor"])["count"].sum().unstack()
    assert (ac.to_numpy() == 1500).all()
    # the action counts of the history add up to the per-round action counts
    tot = res.action_counts.groupby("action")["count"].sum()
    for a in res.action_attributes["action"]:
        assert int(h.count[:, h.col(a)].sum()) == tot[a]
    out = res.write(tmp_path / "r")
    back = pd.read_parquet(out / "runs.parquet")
    assert len(back) == 1500 and set(back["end_state"].astype(str)) <= set(res.outcome_ids)
    wide = pd.read_parquet(out / "history.parquet")
    assert np.array_equal(wide[f"first:{h.event_ids[0]}"].to_numpy(), h.first[:, 0])


def test_events_table_counts_histories(scenario):
    res = simulate(scenario, runs=900, horizon=8, seed=4)
    ev = res.events().set_index("event")
    a = res.action_attributes
    for (actor, cat), g in a.groupby(["actor", "category"]):
        f = res.history.first_of(list(g["action"]))
        assert ev.loc[f"{actor}:{cat}", "count"] == (f >= 1).sum()
        cur = res.event_curve(list(g["action"]))["probability"].to_numpy()
        assert (np.diff(cur) >= 0).all() and np.isclose(cur[-1], (f >= 1).mean())
    seq = res.sequence([a.iloc[0]["action"]], [a.iloc[-1]["action"]])
    assert np.isclose(seq["first_then"] + seq["then_first"] + seq["same_round"], seq["both"])
    assert seq["both"] <= min(seq["first"], seq["then"]) + 1e-12


def test_cli_simulate_writes_report(tmp_path):
    from brink.cli import app

    r = CliRunner().invoke(app, ["simulate", "iran-2024", "--runs", "300", "--horizon", "4", "--seed", "7",
                                 "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "iran_israel_war" in r.output
    html = (tmp_path / "out" / "report.html").read_text()
    for section in ("Episodes", "Episodes over time", "Events over time", "Escalation per front",
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


def test_cli_simulate_from_an_earlier_date(tmp_path, capsys):
    import json

    from tests.cli import run

    code, out = run(capsys, "simulate", "iran-2024", "--as-of", "2024-08-01", "--runs", "200", "--horizon", "3",
                    "--seed", "2", "--out", str(tmp_path / "o"))
    assert code == 0, out
    assert "runs from 2024-08-01" in out
    assert json.loads((tmp_path / "o" / "meta.json").read_text())["origin"] == "2024-08-01"
    code, out = run(capsys, "simulate", "iran-2024", "--as-of", "2025-03-01", "--runs", "10", "--horizon", "1",
                    "--out", str(tmp_path / "p"))
    assert code != 0 and "after the scenario's as_of date 2024-11-15" in out and "Traceback" not in out
    assert not (tmp_path / "p").exists()
