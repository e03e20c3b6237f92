"""The rolling-origin question backtest: each question forecast unfitted and with a fit on the
episodes answered before its date, both scored by ``brink.forecast.score``."""

import datetime as dt
import json
import textwrap

import numpy as np
import pytest

from brink.fit.estimate import DecisionModelFit
from brink.fit.question_backtest import FITTED, UNFITTED, question_backtest
from brink.forecast.forecast import forecast
from brink.forecast.questions import load_questions
from brink.forecast.score import score

from ..cli import run
from ..forecast.conftest import FakeSimulation


class RecordingSimulation(FakeSimulation):
    """The forecast tests' fake engine, also recording the overrides each simulation was given."""

    def __call__(self, *args, **kw):
        out = super().__call__(*args, **kw)
        self.calls[-1]["set"] = kw.get("set")
        return out


@pytest.fixture
def fit_spy(monkeypatch):
    seen = []
    real = DecisionModelFit.fit

    def spy(self, contexts):
        seen.append([c.episode for c in contexts])
        return real(self, contexts)

    monkeypatch.setattr(DecisionModelFit, "fit", spy)
    return seen


def test_each_fit_sees_only_the_episodes_answered_before_the_question_date(fit_spy, mapping):
    sim = RecordingSimulation()
    qs = load_questions("questions_2024", "iran-2024")
    res = question_backtest("iran-2024", qs, runs=40, seed=2, simulate_fn=sim)
    dates = sorted({q.as_of for q in qs})
    assert len(fit_spy) == len(dates) == len(res.fits)       # one fit per distinct posing date
    for date, eps in zip(dates, fit_spy):
        assert eps and all(e.response_date < date for e in eps)
        want = {c.episode_id for c in mapping.contexts if c.episode.response_date < date}
        assert {e.episode_id for e in eps} == want
        assert res.fits[date].n_train_ == len(want)
    # the restriction bites: the earliest fit sees fewer episodes than are mapped
    assert len(fit_spy[0]) < len(mapping.contexts)
    rows = res.to_frame().set_index("id")
    for q in qs:
        assert rows.loc[q.id, "fit_episodes"] == res.fits[q.as_of].n_train_
    # unfitted: one simulation per origin with nothing set; fitted: one per origin with the fit's overrides
    unset = [c for c in sim.calls if not c["set"]]
    fitted = [c for c in sim.calls if c["set"]]
    assert [c["origin"] for c in unset] == dates and [c["origin"] for c in fitted] == dates
    for c in fitted:
        assert c["set"] == res.fits[c["origin"]].overrides_
    # the fake ignores the overrides, so both forecasts are the same numbers and score the same
    assert np.allclose(rows["p_unfitted"], rows["p_fitted"], equal_nan=True)
    t = res.totals().set_index("forecaster")
    ref = score(qs, forecast(None, qs, 40, 2, simulate_fn=FakeSimulation()))
    assert t.loc[UNFITTED, "brier"] == pytest.approx(ref.brier) == pytest.approx(t.loc[FITTED, "brier"])
    assert t.loc["50 %", "brier"] == pytest.approx(0.25)
    assert t.loc["base rate", "log_score"] == pytest.approx(ref.baselines["base_rate"]["log_score"])
    assert t.loc[UNFITTED, "questions"] == ref.n
    rec = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert [r["id"] for r in rec["questions"]] == qs.ids and len(rec["fits"]) == len(dates)


QUESTIONS = """
scenario: synthetic-standoff
questions:
  - id: A
    as_of: 2023-03-20
    text: "SYNTHETIC: Nortia strikes Sothmark within 30 days"
    window: {days: 30}
    event: {action: {actor: NRT, target: STH, category: limited_precision_strike}}
    resolved: yes
    resolved_on: 2023-03-24
  - id: B
    as_of: 2023-03-20
    text: "SYNTHETIC: Sothmark blockades the Narrows within 60 days"
    window: {days: 60}
    event: {action: {actor: STH, category: blockade}}
    resolved: yes
    resolved_on: 2023-04-18
  - id: C
    as_of: 2023-05-01
    text: "SYNTHETIC: open war across the border within 60 days"
    window: {days: 60}
    event: {outcome: border_war}
    resolved: no
"""


def test_end_to_end_on_the_synthetic_scenario(tmp_path, capsys):
    path = tmp_path / "q.yaml"
    path.write_text(textwrap.dedent(QUESTIONS).lstrip(), encoding="utf-8")
    qs = load_questions(path, "synthetic-standoff")
    res = question_backtest("synthetic-standoff", qs, runs=64, seed=4, backend="numpy")
    rows = res.to_frame().set_index("id")
    d1, d2 = dt.date(2023, 3, 20), dt.date(2023, 5, 1)
    assert rows.loc["A", "fit_episodes"] == rows.loc["B", "fit_episodes"] == res.fits[d1].n_train_
    assert res.fits[d2].n_train_ > res.fits[d1].n_train_          # SS10-SS12 were answered in between
    # the unfitted column is brink forecast's, the fitted one brink forecast's with the fit's overrides set
    unf = forecast(None, qs, 64, 4, backend="numpy").to_frame()
    assert list(rows["p_unfitted"]) == list(unf["probability"])
    sub = load_questions(path, "synthetic-standoff")
    sub.questions = [q for q in sub if q.as_of == d2]
    fit2 = forecast(None, sub, 64, 4, backend="numpy", set=res.fits[d2].overrides_).to_frame()
    assert rows.loc["C", "p_fitted"] == fit2["probability"].iloc[0]
    assert list(rows["resolved"]) == [True, True, False]
    t = res.totals().set_index("forecaster")
    p = rows["p_fitted"]
    assert t.loc[FITTED, "brier"] == pytest.approx(((1 - p["A"]) ** 2 + (1 - p["B"]) ** 2 + p["C"] ** 2) / 3)

    code, text = run(capsys, "backtest", "synthetic-standoff", "--questions", str(path), "--runs", "64",
                     "--seed", "4", "--backend", "numpy", "--json")
    assert code == 0, text
    rec = json.loads(text)
    assert [r["p_fitted"] for r in rec["questions"]] == pytest.approx(list(p))
    assert {r["forecaster"] for r in rec["totals"]} == {UNFITTED, FITTED, "50 %", "base rate"}
    code, text = run(capsys, "backtest", "synthetic-standoff", "--questions", str(path), "--runs", "64",
                     "--backend", "numpy")
    assert code == 0 and "episodes in fit" in text and "P fitted" in text
    code, text = run(capsys, "backtest", "synthetic-standoff", "--questions", str(path), "--loo")
    assert code == 2 and "--questions" in text
