import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

import brink.fit
from brink.fit import BaseRate, TitForTat, Uniform, backtest
from brink.fit.backtest import MODEL_NAME
from brink.fit.baselines import category_rungs
from brink.fit.episodes import Episode
from brink.fit.mapping import DecisionContext
from brink.fit.scores import brier_score, log_score, reliability


def test_the_package_exports_the_estimator_baselines_and_backtest():
    from brink.fit.baselines import ScenarioModel
    from brink.fit.estimate import DecisionModelFit

    assert brink.fit.DecisionModelFit is DecisionModelFit and brink.fit.ScenarioModel is ScenarioModel
    assert callable(brink.fit.backtest) and brink.fit.backtest.__module__ == "brink.fit.backtest"
    for name in brink.fit.__all__:
        assert getattr(brink.fit, name).__module__.startswith("brink.fit.")
    for name in ("DecisionModelFit", "backtest", "BaseRate", "TitForTat", "Uniform", "ScenarioModel"):
        assert name in brink.fit.__doc__


def _P():
    return pd.DataFrame([[0.5, 0.25, 0.25], [0.25, 0.25, 0.5]], columns=["a", "b", "c"])


def test_log_and_brier_scores_by_hand():
    P = _P()
    obs = ["a", "b"]
    assert log_score(P, obs) == pytest.approx((math.log(0.5) + math.log(0.25)) / 2)
    # episode 1: (0.5-1)^2 + 0.25^2 + 0.25^2 = 0.375; episode 2: 0.25^2 + 0.75^2 + 0.5^2 = 0.875
    assert brier_score(P, obs) == pytest.approx((0.375 + 0.875) / 2)
    perfect = pd.DataFrame([[1.0, 0, 0]], columns=["a", "b", "c"])
    assert log_score(perfect, ["a"]) == 0 and brier_score(perfect, ["a"]) == 0
    assert brier_score(perfect, ["b"]) == pytest.approx(2.0)


def test_reliability_bins_by_hand():
    r = reliability(_P(), ["a", "b"], bins=2).set_index("bin_low")
    # bin [0, .5): 0.25 (a? no), 0.25 (b? no... ) -> pairs: ep1 b=.25 (0), c=.25 (0); ep2 a=.25 (0), b=.25 (1)
    assert r.loc[0.0, "n"] == 4 and r.loc[0.0, "observed_freq"] == pytest.approx(0.25)
    assert r.loc[0.0, "mean_forecast"] == pytest.approx(0.25)
    # bin [.5, 1]: ep1 a=.5 (1), ep2 c=.5 (0)
    assert r.loc[0.5, "n"] == 2 and r.loc[0.5, "observed_freq"] == pytest.approx(0.5)


def _ctx(i, observed, cats, trigger=None):
    ep = Episode(f"E{i}", dt.date(2024, 1, 1), "", "", "Iran", dt.date(2024, 1, 2), observed,
                 trigger_category=trigger)
    return DecisionContext(ep, "IRN", np.zeros(1), "test", tuple(cats), observed, trigger)


def test_base_rate_is_add_one_smoothed_and_restricted():
    cats = ("none", "rhetoric_only", "proxy_attack", "talks")
    train = [_ctx(0, "none", cats), _ctx(1, "none", cats), _ctx(2, "talks", cats)]
    test = [_ctx(3, "none", ("none", "rhetoric_only", "talks"))]
    P = BaseRate(cats).fit(train).predict_proba(test).iloc[0]
    # counts none 2, rhetoric 0, talks 1 (+1 each) over the actor's 3 categories -> 3/6, 1/6, 2/6
    assert P["none"] == pytest.approx(3 / 6) and P["rhetoric_only"] == pytest.approx(1 / 6)
    assert P["talks"] == pytest.approx(2 / 6) and P["proxy_attack"] == 0


def test_tit_for_tat_in_kind_and_nearest_rung(model):
    from brink.fit.mapping import category_order

    cats = category_order(model)
    rungs = category_rungs(model)
    tft = TitForTat(cats, rungs, epsilon=0.2)
    own = ("none", "rhetoric_only", "direct_strike_warned")
    P = tft.predict_proba([_ctx(0, "none", own, trigger="direct_strike_warned")]).iloc[0]
    assert P["direct_strike_warned"] == pytest.approx(0.8 + 0.2 / 3)
    assert P["none"] == pytest.approx(0.2 / 3) and P.sum() == pytest.approx(1)
    # a trigger category the actor lacks: the nearest rung among its own
    c = _ctx(1, "none", own, trigger="assassination")
    target = tft.response(c)
    assert abs(rungs[target] - rungs["assassination"]) == min(abs(rungs[k] - rungs["assassination"]) for k in own)
    # no trigger coded: uniform
    assert np.allclose(tft.predict_proba([_ctx(2, "none", own)]).iloc[0][list(own)], 1 / 3)


def test_uniform():
    P = Uniform(("a", "b", "c")).predict_proba([_ctx(0, "a", ("a", "c"))]).iloc[0]
    assert list(P) == [0.5, 0.0, 0.5]


def _median_response(mapping):
    dates = sorted(c.episode.response_date for c in mapping.contexts)
    return dates[len(dates) // 2]


@pytest.mark.parametrize("design", ["split", "loo"])
def test_every_forecaster_is_scored_on_the_same_episodes(mapped, design):
    model, _, mapping = mapped
    kw = {"split": _median_response(mapping)} if design == "split" else {"loo": True}
    res = backtest(model, mapping, **kw)
    ids = None
    ctx = {c.episode_id: c for c in mapping.contexts}
    for name, P in res.predictions.items():
        assert list(P.index) == res.test_ids
        assert np.allclose(P.sum(axis=1), 1)
        # zero outside each episode's choice set, for every forecaster alike
        for eid, row in P.iterrows():
            assert set(row[row > 0].index) <= set(ctx[eid].categories)
        ids = ids or list(P.index)
        assert list(P.index) == ids
    t = res.to_frame().set_index("forecaster")
    assert set(t["episodes"]) == {len(res.test_ids)}
    assert MODEL_NAME in t.index and "base rate" in t.index and "tit-for-tat" in t.index
    if design == "split":
        train = set(res.train_ids)
        assert all(ctx[i].episode.response_date < kw["split"] for i in train)
        assert not train & set(res.test_ids)
    else:
        assert sorted(res.test_ids) == sorted(ctx) and len(res.fits) == len(ctx)
    per = res.per_episode()
    assert list(per["actor"]) == [ctx[i].actor for i in res.test_ids]
    assert np.allclose(per[MODEL_NAME].mean(), t.loc[MODEL_NAME, "log_score"])
    rec = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert rec["test_episodes"] == res.test_ids and rec["design"] == res.design
    assert {r["forecaster"]: r["log_score"] for r in rec["table"]} == pytest.approx(t["log_score"].to_dict())
    for name, P in res.predictions.items():
        for eid in res.test_ids:
            assert rec["predictions"][name][eid] == pytest.approx({k: v for k, v in P.loc[eid].items() if v > 0})


def test_reliability_diagram_draws_into_the_given_axes_and_keeps_the_backend(mapping, model, tmp_path):
    import matplotlib
    import matplotlib.pyplot as plt

    from brink.fit.plots import reliability_diagram, save_png

    res = backtest(model, mapping, split=dt.date(2024, 4, 1))
    backend = matplotlib.get_backend()
    open_figures = plt.get_fignums()
    fig = reliability_diagram(res)
    assert fig.axes and len(fig.axes[0].lines) == 1 + len(res.predictions)
    assert plt.get_fignums() == open_figures          # no pyplot figure left open
    from matplotlib.figure import Figure

    outer = Figure()
    a, b = outer.subplots(1, 2)
    assert reliability_diagram(res, b, names=[MODEL_NAME]) is outer
    assert not a.lines and len(b.lines) == 2
    assert matplotlib.get_backend() == backend
    assert save_png(fig, tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_backtest_and_fit(tmp_path, capsys):
    from brink.cli import main

    main(["backtest", "iran-2024", "--split", "2024-04-01", "--out", str(tmp_path / "bt"), "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert {r["forecaster"] for r in rec["table"]} >= {MODEL_NAME, "base rate", "tit-for-tat", "scenario (unfitted)"}
    assert set(rec) >= {"design", "train_episodes", "test_episodes", "observed", "predictions", "written"}
    assert (tmp_path / "bt" / "reliability.png").stat().st_size > 1000
    out = tmp_path / "fitted"
    main(["fit", "iran-2024", "--bootstrap", "0", "--out", str(out), "--json"])
    rec = json.loads(capsys.readouterr().out)
    assert rec["written"] == str(out) and (out / "fit-record.json").exists()
    assert rec["episode_files"] == ["episodes.csv"] and rec["estimates"][0]["parameter"] == "lambda"
    with pytest.raises(SystemExit) as exc:   # refuses to overwrite without --force
        main(["fit", "iran-2024", "--bootstrap", "0", "--out", str(out)])
    assert exc.value.code == 2


def test_cli_tendency_prior_sd_is_validated_and_warnings_are_printed(capsys):
    from tests.cli import run

    for bad in ("abc", "-1", "0"):
        code, out = run(capsys, "backtest", "iran-2024", "--loo", "--tendency-prior-sd", bad)
        assert code == 2 and "expected a positive number or 'cv'" in out and "Traceback" not in out
    code, out = run(capsys, "fit", "iran-2024", "--no-write", "--tendency-prior-sd", "nan")
    assert code == 2 and "expected a positive number or 'cv'" in out
    code, out = run(capsys, "fit", "iran-2024", "--bootstrap", "0", "--no-write", "--tendency-prior-sd", "2")
    assert code == 0 and "tendency.IRN.none" in out and "prior sd (logit units): 2 (given)" in out
    assert "warning: HTH decides in only 1 training episode" in out   # iran-2024 has one Houthi episode
    code, out = run(capsys, "fit", "iran-2024", "--bootstrap", "0", "--no-write", "--tendency-prior-sd", "2",
                    "--json")
    rec = json.loads(out)
    assert rec["converged"] is True and any("HTH" in w for w in rec["warnings"])
    assert rec["prior"]["tendency_sd_logit"] == 2.0


def test_cli_set_of_an_unknown_tendency_is_a_located_error(capsys):
    from tests.cli import run

    code, out = run(capsys, "explain", "iran-2024", "--set", "tendency.IRN.bogus=0.1")
    assert code == 2 and "Traceback" not in out
    assert "tendency.IRN.bogus: IRN has no catalogue action of category 'bogus'" in out
