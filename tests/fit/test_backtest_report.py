"""The backtest report: scores per deciding actor and the fitted model's differences with paired
bootstrap intervals (``BacktestResult.by_actor`` / ``differences``), and ``brink backtest``'s tables."""

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from brink.errors import BrinkError
from brink.fit import backtest
from brink.fit.backtest import MODEL_NAME, NOISE, BacktestResult
from brink.fit.episodes import Episode
from brink.fit.mapping import DecisionContext, MappingResult


def _ctx(i, actor, observed):
    ep = Episode(f"E{i}", dt.date(2024, 1, 1), "", "", actor, dt.date(2024, 1, 2), observed)
    return DecisionContext(ep, actor, np.zeros(1), "test", ("a", "b"), observed, None)


def _result(model_p, other_p, actors):
    """Every episode observes "a"; the model gives it model_p[i], the other forecaster other_p[i]."""
    ctx = [_ctx(i, act, "a") for i, act in enumerate(actors)]
    ids = [c.episode_id for c in ctx]
    frame = lambda p: pd.DataFrame({"a": p, "b": 1 - np.asarray(p)}, index=pd.Index(ids, name="episode_id"))  # noqa: E731
    return BacktestResult("constructed", [], ids, ["a"] * len(ids),
                          {MODEL_NAME: frame(model_p), "base rate": frame(other_p)}, MappingResult(ctx))


def test_by_actor_by_hand_and_the_counts_sum_to_the_total():
    res = _result([0.5, 0.25, 0.8], [0.5, 0.5, 0.5], ["X", "Y", "X"])
    t = res.by_actor().set_index(["actor", "forecaster"])
    assert t.loc[("X", MODEL_NAME), "episodes"] == 2 and t.loc[("Y", MODEL_NAME), "episodes"] == 1
    assert t.loc[("X", MODEL_NAME), "log_score"] == pytest.approx((math.log(0.5) + math.log(0.8)) / 2)
    # Brier of p on "a" observed with two categories: 2 (1 - p)^2
    assert t.loc[("Y", MODEL_NAME), "brier"] == pytest.approx(2 * 0.75 ** 2)
    assert t.loc[("Y", "base rate"), "log_score"] == pytest.approx(math.log(0.5))
    for name in res.predictions:
        assert t.xs(name, level="forecaster")["episodes"].sum() == len(res.test_ids)


def test_a_constant_advantage_is_better_and_a_symmetric_one_inside_the_noise():
    # model ahead by the same margin on every episode: every resample gives the same mean
    res = _result([0.8] * 6, [0.5] * 6, ["X"] * 6)
    d = res.differences(n_boot=200, seed=1).set_index(["scope", "against"])
    row = d.loc[("all", "base rate")]
    assert row["d_log"] == pytest.approx(math.log(0.8 / 0.5))
    assert row["d_log_lo"] == pytest.approx(row["d_log"]) and row["d_log_hi"] == pytest.approx(row["d_log"])
    assert row["log_verdict"] == "better" and row["brier_verdict"] == "better"
    assert row["d_brier"] == pytest.approx(2 * 0.2 ** 2 - 2 * 0.5 ** 2)
    assert ("X", "base rate") in d.index          # 6 >= 5 test episodes: its own row
    # the other way round: worse
    worse = _result([0.5] * 6, [0.8] * 6, ["X"] * 6).differences(100, 0).iloc[0]
    assert worse["log_verdict"] == "worse" and worse["brier_verdict"] == "worse"
    # half the episodes for, half against, by the same amount: the mean is 0 and so inside the interval
    sym = _result([0.8, 0.5] * 5, [0.5, 0.8] * 5, ["X"] * 5 + ["Y"] * 5).differences(500, 0)
    r = sym.set_index(["scope", "against"]).loc[("all", "base rate")]
    assert r["d_log"] == pytest.approx(0) and r["d_log_lo"] < 0 < r["d_log_hi"]
    assert r["log_verdict"] == NOISE and r["brier_verdict"] == NOISE


def test_actors_below_five_episodes_get_no_row_and_no_resamples_no_interval():
    res = _result([0.8] * 5, [0.5] * 5, ["X"] * 4 + ["Y"])
    d = res.differences(50, 0)
    assert list(d["scope"]) == ["all"]
    none = res.differences(0, 0).iloc[0]
    assert math.isnan(none["d_log_lo"]) and none["log_verdict"] == "no interval"
    assert none["d_log"] == pytest.approx(math.log(0.8 / 0.5))
    with pytest.raises(BrinkError, match=">= 0"):
        res.differences(-1)


def test_the_bootstrap_is_reproducible_for_a_seed_and_moves_with_it(mapping, model):
    res = backtest(model, mapping, split=dt.date(2024, 4, 1))
    a, b = res.differences(300, seed=5), res.differences(300, seed=5)
    pd.testing.assert_frame_equal(a, b)
    c = res.differences(300, seed=6)
    assert not np.allclose(a["d_log_lo"], c["d_log_lo"])
    assert np.allclose(a["d_log"], c["d_log"])           # the means do not depend on the seed
    # the overall means are the differences of the score table's means
    t = res.to_frame().set_index("forecaster")
    for r in a[a["scope"] == "all"].itertuples():
        assert r.d_log == pytest.approx(t.loc[MODEL_NAME, "log_score"] - t.loc[r.against, "log_score"])
        assert r.d_brier == pytest.approx(t.loc[MODEL_NAME, "brier"] - t.loc[r.against, "brier"])
        assert r.d_log_lo <= r.d_log <= r.d_log_hi
    assert set(a["against"]) == set(res.predictions) - {MODEL_NAME}
    counts = res.by_actor().groupby("forecaster")["episodes"].sum()
    assert set(counts) == {len(res.test_ids)}
    rec = json.loads(json.dumps(res.to_dict(300, 5), allow_nan=False))
    from brink.frames import records

    assert rec["differences"] == records(a)
    assert rec["bootstrap"] == {"n": 300, "seed": 5} and len(rec["by_actor"]) == len(res.by_actor())


def test_cli_backtest_prints_the_actor_and_difference_tables(capsys):
    from brink.cli import main

    main(["backtest", "iran-2024", "--split", "2024-04-01", "--bootstrap", "100", "--seed", "3"])
    out = capsys.readouterr().out
    assert "per deciding actor" in out and "100 bootstrap resamples" in out and "(seed 3)" in out
    assert any(v in out for v in ("better", "worse", NOISE))
    with pytest.raises(SystemExit) as exc:
        main(["backtest", "iran-2024", "--split", "2024-04-01", "--bootstrap", "-5"])
    assert exc.value.code == 2
    assert "--bootstrap -5" in capsys.readouterr().err


def test_versus_lists_each_test_episode_worst_first_with_both_probabilities():
    res = _result([0.5, 0.25, 0.8, 0.2], [0.5, 0.5, 0.4, 0.6], ["X", "Y", "X", "Y"])
    v = res.versus("base rate")
    assert list(v["episode_id"]) == ["E3", "E1", "E0", "E2"]     # Δ log: log ⅓, log ½, 0, log 2
    assert list(v["model_top"]) == ["b", "b", "a", "a"]
    assert sorted(v["episode_id"]) == sorted(res.test_ids)
    assert list(v["d_log"]) == sorted(v["d_log"])
    for r in v.itertuples():
        P, Q = res.predictions[MODEL_NAME], res.predictions["base rate"]
        assert r.p_model == P.loc[r.episode_id, r.observed] and r.p_against == Q.loc[r.episode_id, r.observed]
        assert r.d_log == pytest.approx(np.log(r.p_model) - np.log(r.p_against))
        assert r.p_top == P.loc[r.episode_id].max()
