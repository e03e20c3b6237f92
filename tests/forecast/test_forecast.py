"""Probabilities from event histories: counts, windows, conditionals; grouping by origin; files."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from brink.errors import InputError
from brink.forecast.forecast import ForecastResult, answer, forecast, read_forecast
from brink.forecast.questions import load_questions
from brink.sim.results import wilson

from .conftest import FakeSimulation, history

QS = """
scenario: synthetic-standoff
questions:
  - id: S
    as_of: 2023-06-30
    text: "a strike within {days} days"
    window: {{days: {days}}}
    event: {{action: {{actor: [NRT, STH], front: BORDER, category: limited_precision_strike}}}}
"""


def strike_ids(sc):
    return [a.id for a in sc.actions if a.actor in ("NRT", "STH") and a.front == "BORDER"
            and a.category == "limited_precision_strike"]


def test_probability_equals_the_count_and_is_monotone_in_the_window(write_questions, scenarios):
    sc = scenarios("synthetic-standoff")
    ids = strike_ids(sc)
    assert len(ids) >= 1
    rng = np.random.default_rng(3)
    n = 500
    cols = {a: list(np.where(rng.random(n) < 0.3, rng.integers(1, 12, n), -1)) for a in ids}
    cols["other"] = list(rng.integers(1, 5, n))
    h = history(cols)
    first_any = np.array([min([c[i] for c in (cols[a] for a in ids) if c[i] > 0], default=-1) for i in range(n)])
    prev = -1.0
    for days in (7, 14, 30, 60, 90, 120, 160):
        q = load_questions(write_questions(QS.format(days=days)), sc).questions[0]
        (row,) = answer([q], h, 14.0, sc)
        R = int((2 * days + 14) // 28)
        k = int(((first_any >= 1) & (first_any <= R)).sum())
        assert row["last_round"] == R
        assert row["probability"] == k / n and row["runs"] == n
        lo, hi = wilson(np.array([k]), n)
        assert (row["lo95"], row["hi95"]) == (float(lo[0]), float(hi[0]))
        hit = first_any[(first_any >= 1) & (first_any <= R)]
        assert row["median_days"] == float(np.median((hit - 0.5) * 14))
        assert row["probability"] >= prev
        prev = row["probability"]
    assert prev > 0


COND = """
scenario: synthetic-standoff
questions:
  - id: B
    as_of: 2023-06-30
    text: "blockade"
    window: {days: 30}
    event: {action: {actor: STH, category: blockade}}
  - id: A
    as_of: 2023-06-30
    text: "strike, given the blockade"
    window: {days: 30}
    event: {outcome: border_war}
    given: B
"""


def test_conditional_is_computed_on_the_runs_where_the_condition_happened(write_questions, scenarios):
    sc = scenarios("synthetic-standoff")
    qs = load_questions(write_questions(COND), sc)
    block = [a.id for a in sc.actions if a.actor == "STH" and a.category == "blockade"]
    #            run: 0   1   2   3   4   5   6   7
    b_first = [1, 2, 3, -1, 1, 2, -1, 1]       # rounds 1-2 count (30 days): runs 0,1,4,5,7
    a_first = [2, -1, 1, 1, -1, 1, 2, 3]       # A inside the window: runs 0,2,3,5,6
    cols = {x: b_first if j == 0 else [-1] * 8 for j, x in enumerate(block)}
    cols["outcome:border_war"] = a_first
    rows = {r["id"]: r for r in answer(qs.questions, history(cols), 14.0, sc)}
    assert rows["B"]["probability"] == 5 / 8
    # among runs 0,1,4,5,7, A happened inside the window in runs 0 and 5
    assert rows["A"]["runs"] == 5 and rows["A"]["probability"] == 2 / 5
    assert rows["A"]["median_days"] == float(np.median([(2 - 0.5) * 14, (1 - 0.5) * 14]))
    # no run meets the condition: undefined, not a crash
    cols = {x: [-1] * 8 for x in block}
    cols["outcome:border_war"] = a_first
    rows = {r["id"]: r for r in answer(qs.questions, history(cols), 14.0, sc)}
    assert rows["A"]["runs"] == 0
    assert all(math.isnan(rows["A"][k]) for k in ("probability", "lo95", "hi95", "median_days"))
    assert rows["B"]["probability"] == 0 and math.isnan(rows["B"]["median_days"])


TWO_ORIGINS = """
scenario: iran-2024
questions:
  - id: X1
    as_of: 2024-04-02
    text: "Israel strikes Iran within 30 days"
    window: {days: 30}
    event: {action: {actor: ISR, target: IRN, category: [limited_precision_strike, large_strike]}}
  - id: X2
    as_of: 2024-10-02
    text: "unrest above the war threshold by the scenario's as_of"
    window: {until: 2024-11-15}
    event: {state: "IRN.unrest >= war_threshold"}
  - id: X3
    as_of: 2024-04-02
    text: "a regime crisis within 90 days"
    window: {days: 90}
    event: {outcome: regime_crisis}
"""


def test_forecast_groups_questions_by_origin(write_questions, scenarios):
    sc = scenarios("iran-2024")
    qs = load_questions(write_questions(TWO_ORIGINS), sc)
    fake = FakeSimulation()
    done = []
    res = forecast(sc, qs, runs=300, seed=5, simulate_fn=fake, progress=done.append)
    assert [str(c["origin"]) for c in fake.calls] == ["2024-04-02", "2024-10-02"]
    assert [c["horizon"] for c in fake.calls] == [6, 3]      # 90 days -> 6 rounds; 44 days -> 3
    assert fake.calls[0]["watch"] == {} and list(fake.calls[1]["watch"].values()) == ["IRN.unrest >= war_threshold"]
    assert done == [300, 300]
    f = res.to_frame()
    assert list(f["id"]) == ["X1", "X2", "X3"]           # the file's order
    assert {"id", "text", "as_of", "probability", "lo95", "hi95", "median_days", "runs", "window_days",
            "given"} <= set(f.columns)
    assert list(f["window_days"]) == [30, 44, 90]
    assert (f["runs"] == 300).all() and f["probability"].between(0, 1).all()
    # the same numbers from the same inputs and seed
    again = forecast(sc, qs, runs=300, seed=5, simulate_fn=FakeSimulation())
    pd.testing.assert_frame_equal(again.to_frame(), f)
    d = res.to_dict()
    assert d["runs"] == 300 and d["seed"] == 5 and d["round_days"] == 14.0 and len(d["questions"]) == 3
    assert d["questions"][0]["as_of"] == "2024-04-02"


def test_write_and_read_back(write_questions, scenarios, tmp_path):
    sc = scenarios("iran-2024")
    qs = load_questions(write_questions(TWO_ORIGINS), sc)
    res = forecast(sc, qs, runs=200, seed=1, simulate_fn=FakeSimulation())
    out = res.write(tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["forecast.csv", "forecast.json"]
    back = read_forecast(out, qs)
    assert list(back["id"]) == qs.ids
    np.testing.assert_allclose(back["probability"].astype(float), res.to_frame()["probability"], rtol=1e-9)
    js = json.loads((out / "forecast.json").read_text())
    assert [q["id"] for q in js["questions"]] == qs.ids and js["scenario"] == "iran-2024"
    # a forecast of other questions is refused, naming the file, line and column
    other = load_questions(write_questions(TWO_ORIGINS.replace("X3", "Y3"), "other.yaml"), sc)
    with pytest.raises(InputError) as exc:
        read_forecast(out, other)
    text = str(exc.value)
    assert f"{out / 'forecast.csv'}:4: id: X3 is not a question of" in text
    assert "question Y3" in text
    # nor a forecast of a question edited since (another window)
    edited = load_questions(write_questions(TWO_ORIGINS.replace("{days: 90}", "{days: 120}"), "edited.yaml"), sc)
    with pytest.raises(InputError) as exc:
        read_forecast(out, edited)
    assert f"{out / 'forecast.csv'}:4: window_days: X3: the forecast has 90.0, the question file 120.0" in str(exc.value)


def test_read_forecast_bad_rows_are_located(tmp_path):
    p = tmp_path / "forecast.csv"
    p.write_text("id,probability\nA,0.5\nB,high\nC,1.5\nA,0.1\n")
    with pytest.raises(InputError) as exc:
        read_forecast(p)
    text = str(exc.value)
    assert f"{p}:3: probability: 'high' is not a number" in text
    assert f"{p}:4: probability: 1.5 is not a probability" in text
    assert f"{p}:5: id: A already on line 2" in text
    p.write_text("id,p\nA,0.5\n")
    with pytest.raises(InputError, match="probability: required column missing"):
        read_forecast(p)
