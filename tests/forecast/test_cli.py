"""``brink forecast`` and ``brink score`` end to end, with the simulation replaced by a fake one
(the engine's forecast keywords are tested in test_engine.py once they exist)."""

from __future__ import annotations

import csv
import json

import pytest

from brink.forecast import forecast as forecast_module
from brink.forecast.questions import resolve_questions

from ..cli import run
from .conftest import FakeSimulation


@pytest.fixture
def fake(monkeypatch):
    sim = FakeSimulation()
    monkeypatch.setattr(forecast_module, "_simulate_from", sim)
    return sim


def iran_without_t03(tmp_path):
    lines = resolve_questions("questions_2024", "iran-2024").read_text().splitlines(keepends=True)
    start = next(i for i, t in enumerate(lines) if t.strip() == "- id: T03")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("- id:"))
    p = tmp_path / "questions_2024.yaml"
    p.write_text("".join(lines[:start] + lines[end:]))
    return p


def test_forecast_then_score_from_the_written_folder(fake, tmp_path, capsys):
    out = tmp_path / "fc"
    code, text = run(capsys, "forecast", "synthetic-standoff", "standoff", "--runs", "300", "--seed", "3",
                     "--out", str(out))
    assert code == 0, text
    for qid in ("S01", "S02", "S03", "S04", "S05"):
        assert qid in text
    assert "95 % interval" in text and "median days" in text
    rows = list(csv.DictReader((out / "forecast.csv").open()))
    assert [r["id"] for r in rows] == ["S01", "S02", "S03", "S04", "S05"]
    assert {"id", "text", "as_of", "probability", "lo95", "hi95", "median_days"} <= set(rows[0])
    assert len(fake.calls) == 1 and fake.calls[0]["runs"] == 300

    res = tmp_path / "res.csv"
    res.write_text("id,resolved,resolved_on\nS01,yes,2023-07-20\nS02,no,\n")
    code, text = run(capsys, "score", "synthetic-standoff", "standoff", "--forecast", str(out),
                     "--resolutions", str(res), "--json")
    assert code == 0, text
    d = json.loads(text)
    p = {r["id"]: float(r["probability"]) for r in rows}
    assert d["scored"] == 2
    assert d["brier"] == pytest.approx(((1 - p["S01"]) ** 2 + p["S02"] ** 2) / 2, rel=1e-8)
    assert d["baselines"]["half"]["brier"] == pytest.approx(0.25)
    assert 0 < d["baselines"]["base_rate"]["brier"] < 1
    assert {u["id"] for u in d["unresolved"]} == {"S03", "S04", "S05"}
    assert len(fake.calls) == 1          # read from the folder, nothing simulated again

    code, text = run(capsys, "score", "synthetic-standoff", "standoff", "--forecast", str(out),
                     "--resolutions", str(res))
    assert code == 0, text
    for words in ("model", "50 %", "base rate", "Reliability", "contribution", "Not scored", "S05",
                  "clipped to [0.001, 0.999]"):
        assert words in text


def test_score_runs_the_forecast_when_no_folder_is_given(fake, tmp_path, capsys):
    p = iran_without_t03(tmp_path)
    code, text = run(capsys, "score", "iran-2024", str(p), "--runs", "200", "--seed", "1", "--json")
    assert code == 0, text
    d = json.loads(text)
    assert d["scored"] == 19 and d["unresolved"] == []
    assert len(fake.calls) == 7          # one simulation per origin of the backtest file
    assert len(d["reliability"]) == 10 and sum(r["n"] for r in d["reliability"]) == 19


def test_forecast_json_lists_questions_in_file_order(fake, tmp_path, capsys):
    p = iran_without_t03(tmp_path)
    code, text = run(capsys, "forecast", "iran-2024", str(p), "--runs", "200", "--json", "--out", str(tmp_path / "o"))
    assert code == 0, text
    d = json.loads(text)
    assert [q["id"] for q in d["questions"]][:3] == ["T01", "T02", "T04"] and len(d["questions"]) == 19
    assert d["questions"][1]["given"] == "T01" and d["questions"][1]["runs"] < 200
    assert [o["as_of"] for o in d["origins"]] == sorted({q["as_of"] for q in d["questions"]})


def test_score_refuses_a_forecast_of_other_questions(fake, tmp_path, capsys):
    out = tmp_path / "fc"
    assert run(capsys, "forecast", "synthetic-standoff", "standoff", "--runs", "100", "--out", str(out))[0] == 0
    rows = (out / "forecast.csv").read_text().replace("S05,", "S99,")
    (out / "forecast.csv").write_text(rows)
    code, text = run(capsys, "score", "synthetic-standoff", "standoff", "--forecast", str(out))
    assert code == 2
    assert f"{out / 'forecast.csv'}:6: id: S99 is not a question of" in text
    assert "Traceback" not in text


def test_bad_question_file_is_one_located_error(fake, tmp_path, capsys):
    p = tmp_path / "bad.yaml"
    p.write_text("questions:\n  - id: A\n    as_of: 2023-06-30\n    text: x\n    window: {days: 30}\n"
                 "    event: {action: {actor: NOBODY}}\n")
    code, text = run(capsys, "forecast", "synthetic-standoff", str(p))
    assert code == 2 and "Traceback" not in text
    assert f"{p}:6: questions[A].event.action.actor: unknown actor 'NOBODY'" in text
    code, text = run(capsys, "forecast", "synthetic-standoff", "no-such-questions")
    assert code == 2 and "shipped: standoff" in text
    assert fake.calls == []
