"""Scores on hand-computed cases: Brier, log, the 50 % and base-rate forecasters, reliability, resolutions."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from brink.errors import InputError
from brink.forecast.baserate import Entry, Record, base_rate, count, scenario_record
from brink.forecast.questions import load_questions
from brink.forecast.score import read_resolutions, reliability, score

QS = """
scenario: synthetic-standoff
questions:
  - id: Q1
    as_of: 2023-06-30
    text: "Sothmark blockades within 30 days"
    window: {days: 30}
    event: {action: {actor: STH, category: blockade}}
    resolved: yes
  - id: Q2
    as_of: 2023-06-30
    text: "a border war within 60 days"
    window: {days: 60}
    event: {outcome: border_war}
    resolved: no
  - id: Q3
    as_of: 2023-06-30
    text: "Sothmark blockades, or a settlement, within 90 days"
    window: {days: 90}
    event: {any: [{action: {actor: STH, category: blockade}}, {outcome: settlement}]}
    resolved: yes
  - id: Q4
    as_of: 2023-06-30
    text: "unresolved"
    window: {days: 30}
    event: {action: {actor: STH, category: blockade}}
  - id: Q5
    as_of: 2023-06-30
    text: "given no war"
    window: {days: 60}
    event: {action: {actor: STH, category: blockade}}
    given: Q2
    resolved: yes
"""

ORIGIN = dt.date(2023, 6, 30)


def blockade(date):
    return Entry(date, "test", {"actor": frozenset(["STH"]), "category": frozenset(["blockade"])})


def hand_record():
    # first entry 1000 days before the origin; two blockades before it, one after (not counted)
    return Record([Entry(ORIGIN - dt.timedelta(days=1000), "test", {"actor": frozenset(["NRT"])}),
                   blockade(ORIGIN - dt.timedelta(days=400)), blockade(ORIGIN - dt.timedelta(days=10)),
                   blockade(ORIGIN + dt.timedelta(days=5))])


@pytest.fixture
def qs(write_questions, scenarios):
    return load_questions(write_questions(QS), scenarios("synthetic-standoff"))


def frame(**p):
    return pd.DataFrame({"id": list(p), "probability": list(p.values())})


def test_base_rate_is_a_poisson_rate_from_the_record(qs):
    rec = hand_record()
    q = qs.by_id()
    assert count(q["Q1"].event, rec, ORIGIN) == 2
    assert base_rate(q["Q1"], rec) == pytest.approx(1 - math.exp(-2.5 * 30 / 1000))
    # an event never seen keeps half an event: off zero
    assert base_rate(q["Q2"], rec) == pytest.approx(1 - math.exp(-0.5 * 60 / 1000))
    # any: independent processes
    pb, ps = 1 - math.exp(-2.5 * 90 / 1000), 1 - math.exp(-0.5 * 90 / 1000)
    assert base_rate(q["Q3"], rec) == pytest.approx(1 - (1 - pb) * (1 - ps))
    # no record before the origin: the forecaster knows nothing
    assert base_rate(q["Q1"], Record([blockade(ORIGIN + dt.timedelta(days=1))])) == 0.5


def test_scores_on_a_hand_computed_case(qs):
    sr = score(qs, frame(Q1=0.8, Q2=0.3, Q3=0.0, Q4=0.5, Q5=0.9), record=hand_record())
    d = sr.to_dict()
    assert d["scored"] == 3 and [r["id"] for r in d["questions"]] == ["Q1", "Q2", "Q3"]
    assert d["brier"] == pytest.approx((0.04 + 0.09 + 1.0) / 3)
    # log score: ln of the probability given to what happened, 0 clipped to 0.001
    assert d["log_score"] == pytest.approx((math.log(0.8) + math.log(0.7) + math.log(0.001)) / 3)
    assert d["baselines"]["half"] == {"brier": pytest.approx(0.25), "log_score": pytest.approx(math.log(0.5))}
    b1 = 1 - math.exp(-2.5 * 30 / 1000)
    b2 = 1 - math.exp(-0.5 * 60 / 1000)
    b3 = 1 - (1 - (1 - math.exp(-2.5 * 90 / 1000))) * (1 - (1 - math.exp(-0.5 * 90 / 1000)))
    assert d["baselines"]["base_rate"]["brier"] == pytest.approx(((1 - b1) ** 2 + b2 ** 2 + (1 - b3) ** 2) / 3)
    assert d["baselines"]["base_rate"]["log_score"] == pytest.approx(
        (math.log(b1) + math.log(1 - b2) + math.log(b3)) / 3)
    contrib = {r["id"]: r["contribution"] for r in d["questions"]}
    assert contrib == pytest.approx({"Q1": 0.04 / 3, "Q2": 0.09 / 3, "Q3": 1 / 3})
    assert sum(contrib.values()) == pytest.approx(d["brier"])
    reasons = {u["id"]: u["reason"] for u in d["unresolved"]}
    assert reasons["Q4"] == "unresolved" and "did not happen" in reasons["Q5"]
    assert {"brier", "log_score", "baselines", "questions", "unresolved", "reliability"} <= set(d)


def test_resolutions_csv_overrides_the_file(qs, tmp_path):
    p = tmp_path / "res.csv"
    p.write_text("id,resolved,resolved_on\nQ2,yes,2023-07-20\nQ4,no,\n")
    sr = score(qs, frame(Q1=0.8, Q2=0.3, Q3=0.0, Q4=0.5, Q5=0.9), p, record=hand_record())
    rows = sr.to_frame().set_index("id")
    assert rows.loc["Q2", "resolved"] == True and rows.loc["Q2", "brier"] == pytest.approx(0.49)  # noqa: E712
    assert rows.loc["Q4", "brier"] == pytest.approx(0.25)
    # Q5's condition (Q2) now happened, so Q5 is scored
    assert rows.loc["Q5", "brier"] == pytest.approx(0.01)
    assert sr.unresolved == []


def test_bad_resolutions_are_located(qs, tmp_path):
    p = tmp_path / "res.csv"
    p.write_text("id,resolved,resolved_on\nQ1,perhaps,\nQX,yes,\nQ2,no,2023-13-01\nQ1,yes,\n")
    with pytest.raises(InputError) as exc:
        read_resolutions(p, qs)
    text = str(exc.value)
    assert f"{p}:2: resolved: 'perhaps': expected yes or no" in text
    assert f"{p}:3: id: 'QX' is not a question" in text
    assert f"{p}:4: resolved_on: '2023-13-01' is not a date" in text
    p.write_text("id,resolved,resolved_on\nQ1,yes,2023-09-01\nQ2,no,2023-07-01\n")
    with pytest.raises(InputError) as exc:
        read_resolutions(p, qs)
    assert f"{p}:2: resolved_on: 2023-09-01 is outside Q1's window (2023-06-30 + 30 days)" in str(exc.value)
    assert f"{p}:3: resolved_on: a question resolved `no` has no resolution date" in str(exc.value)
    p.write_text("id,outcome\nQ1,yes\n")
    with pytest.raises(InputError, match="resolved: required column missing"):
        read_resolutions(p, qs)


def test_undefined_forecast_is_listed_not_scored(qs):
    sr = score(qs, frame(Q1=float("nan"), Q2=0.3, Q3=0.5, Q4=0.5, Q5=0.5), record=hand_record())
    assert list(sr.to_frame()["id"]) == ["Q2", "Q3"]
    assert "undefined" in {u["id"]: u["reason"] for u in sr.unresolved}["Q1"]


def test_reliability_table():
    t = reliability([0.05, 0.08, 0.55, 0.95, 1.0, 0.1], [0, 1, 1, 1, 0, 0])
    assert len(t) == 10 and list(t["n"]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert t.loc[0, "mean_forecast"] == pytest.approx(0.065) and t.loc[0, "observed"] == 0.5
    assert t.loc[1, "mean_forecast"] == pytest.approx(0.1) and t.loc[1, "observed"] == 0.0
    assert t.loc[9, "mean_forecast"] == pytest.approx(0.975) and t.loc[9, "observed"] == 0.5
    assert math.isnan(t.loc[2, "mean_forecast"]) and math.isnan(t.loc[2, "observed"])


def test_the_scenario_record_counts_timeline_and_episodes_once(write_questions, scenarios):
    sc = scenarios("iran-2024")
    rec = scenario_record(sc, "iran-2024")
    assert any(e.source.startswith("episode:") for e in rec.entries)
    assert any(e.source.startswith("timeline:") for e in rec.entries)
    qs = load_questions(write_questions("""
        questions:
          - id: D
            as_of: 2024-10-02
            text: "Iran strikes Israel directly"
            window: {days: 30}
            event: {action: {actor: IRN, target: ISR, category: [direct_strike_warned, direct_strike_unwarned]}}
        """), sc)
    q = qs.questions[0]
    # the Erbil missiles of March 2022 (an episode aimed at Israel, its trigger's actor), then True
    # Promise (13 April 2024) and True Promise II (1 October), each once although the timeline and
    # the episodes file both record them
    assert [e.date.isoformat() for e in rec.entries if e.matches(q.event.action)] == [
        "2022-03-13", "2024-04-13", "2024-10-01"]
    assert count(q.event, rec, dt.date(2024, 10, 2)) == 3
    assert count(q.event, rec, dt.date(2024, 4, 2)) == 1
    assert 0 < base_rate(q, rec) < 0.5
