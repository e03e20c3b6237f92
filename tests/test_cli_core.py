"""The command line as a user meets it: validate, show, explain, run."""

from __future__ import annotations

import json

import pytest

from brink.cli import main


def run(capsys, *argv) -> tuple[int, str]:
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out + out.err


def test_validate_builtin_ok(capsys):
    code, out = run(capsys, "validate", "iran-2024")
    assert code == 0 and "valid" in out


def test_validate_reports_every_error_and_exits_nonzero(tmp_path, capsys):
    from tests.scenario.test_loader import MINIMAL

    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("    actor: A\n    category", "    actor: Z\n    category")
                   .replace('weight: {value: 0.5,', 'weight: {value: 2.0,'))
    code, out = run(capsys, "validate", str(bad))
    assert code == 1
    assert "2 problem(s)" in out
    assert f"{bad}:" in out and "actions[A_act].actor" in out and "actors[A].concerns[calm].weight.value" in out


def test_missing_scenario_is_a_clean_error(capsys):
    code, out = run(capsys, "explain", "no-such-scenario")
    assert code == 2 and "not a built-in scenario" in out and "Traceback" not in out


def test_explain_json_and_unknown_decision_point(capsys):
    code, out = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["actor"] == "IRN" and data["decision_point"] == "after_haniyeh"
    assert sum(a["probability"] for a in data["actions"]) == pytest.approx(1)
    code, out = run(capsys, "explain", "iran-2024", "--at", "nowhere")
    assert code == 2 and "unknown decision point" in out


def test_explain_set_changes_the_answer(capsys):
    _, base = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh", "--json")
    _, what_if = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh", "--json", "--set", "lambda=1")
    p0 = {a["action"]: a["probability"] for a in json.loads(base)["actions"]}
    p1 = {a["action"]: a["probability"] for a in json.loads(what_if)["actions"]}
    assert max(p1.values()) < max(p0.values())   # lower precision: flatter choice
    code, out = run(capsys, "explain", "iran-2024", "--set", "lambda")
    assert code == 2 and "NAME=VALUE" in out


def test_replay_prints_every_decision_point(capsys):
    code, out = run(capsys, "explain", "--replay", "iran-2024", "--json")
    rows = json.loads(out)["rows"]
    assert code == 0 and len(rows) == 9 and all(0 < r["p_taken"] < 1 for r in rows)


def test_show_assumptions(capsys):
    code, out = run(capsys, "show", "iran-2024", "--assumptions", "--json")
    rows = json.loads(out)
    assert code == 0 and any(r["path"] == "parameters.lambda" for r in rows)


def test_run_prints_the_explanation_for_iran_then_the_forecast(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the forecast writes its results folder here
    code, out = run(capsys, "run", "iran-2024", "--runs", "2000")
    assert code == 0 and "after_october_26" in out and "Most likely" in out
    assert "Outcome probabilities" in out and "iran_israel_war" in out
    assert (tmp_path / "brink-results/simulate-iran-2024-baseline-seed7/report.html").is_file()


def test_run_without_forecast(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "run", "iran-2024", "--runs", "0")
    assert code == 0 and "Most likely" in out and "Outcome probabilities" not in out
    assert not (tmp_path / "brink-results").exists()
