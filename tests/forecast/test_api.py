"""The top-level API (``brink.forecast_questions``, ``brink.score_questions``) is what the CLI computes."""

import numpy as np

import brink


def test_forecast_and_score_questions_on_the_second_scenario(tmp_path):
    fc = brink.forecast_questions("synthetic-standoff", "standoff", runs=256, seed=3)
    f = fc.to_frame().set_index("id")
    assert list(f.index) == ["S01", "S02", "S03", "S04", "S05"]
    assert ((f["lo95"] <= f["probability"]) & (f["probability"] <= f["hi95"])).all()
    res = tmp_path / "resolved.csv"
    res.write_text("id,resolved,resolved_on\nS01,yes,2023-07-20\nS02,no,\n")
    sr = brink.score_questions("synthetic-standoff", "standoff", runs=256, seed=3, resolutions=res)
    d = sr.to_dict()
    want = np.mean([(f.loc["S01", "probability"] - 1) ** 2, f.loc["S02", "probability"] ** 2])
    assert sr.n == 2 and np.isclose(d["brier"], want)
    assert {u["id"] for u in d["unresolved"]} >= {"S04", "S05"}
