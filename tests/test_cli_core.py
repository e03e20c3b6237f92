"""The command line as a user meets it: validate, show, explain, run."""

from __future__ import annotations

import json

import pytest

from tests.cli import run


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
    assert "Episodes" in out and "iran_israel_war" in out and "Probability by week" in out
    # the folder name ends with the run's hash (brink.sim.outdir)
    assert [p.is_file() for p in tmp_path.glob("brink-results/simulate-iran-2024-baseline-seed7-*/report.html")] == [True]


def test_run_without_forecast(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "run", "iran-2024", "--runs", "0")
    assert code == 0 and "Most likely" in out and "Probability by week" not in out
    assert not (tmp_path / "brink-results").exists()


# ------------------------------------------------------------ the actor comes from the scenario
@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    """iran-2024 with Iran renamed TEH: a scenario without any actor called IRN."""
    from tests.model.test_actor_and_results import renamed_copy

    return str(renamed_copy(tmp_path_factory.mktemp("renamed") / "teh-2024"))


def test_explain_as_of_honours_actor_without_an_irn_actor(capsys, renamed):
    code, out = run(capsys, "explain", renamed, "--at", "as-of", "--actor", "ISR", "--json")
    assert code == 0 and json.loads(out)["actor"] == "ISR"
    code, out = run(capsys, "explain", renamed, "--at", "as-of", "--json")
    assert code == 0 and json.loads(out)["actor"] == "TEH"   # the actor of the latest decision point
    code, out = run(capsys, "explain", renamed, "--json")
    data = json.loads(out)
    assert code == 0 and (data["actor"], data["decision_point"]) == ("TEH", "after_october_26")


def test_unknown_actor_is_a_clear_error_listing_the_deciding_actors(capsys, renamed):
    code, out = run(capsys, "explain", renamed, "--at", "as-of", "--actor", "IRN")
    assert code == 2 and "Traceback" not in out
    assert "'IRN'" in out and "deciding actors:" in out and "TEH" in out and "USA" in out


def test_explain_honours_actor_on_every_builtin(capsys, scenario_id):
    from brink.model import compile_model
    from brink.scenario.loader import load_scenario

    m = compile_model(load_scenario(scenario_id))
    for actor in m.actors:
        code, out = run(capsys, "explain", scenario_id, "--at", "as-of", "--actor", actor, "--json")
        assert code == 0 and json.loads(out)["actor"] == actor


def test_run_explains_the_scenarios_own_actor(capsys, renamed):
    code, out = run(capsys, "run", renamed, "--runs", "0")
    assert code == 0 and "after_october_26" in out and "Most likely" in out


# ------------------------------------------------------------ --json prints to_dict, --set is named
def test_explain_json_is_the_explanations_to_dict(capsys):
    from brink.model import compile_model, explain_at, replay
    from brink.scenario.loader import load_scenario

    m = compile_model(load_scenario("iran-2024"), {"lambda": 3})
    _, out = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh", "--set", "lambda=3", "--json")
    assert json.loads(out) == json.loads(json.dumps(explain_at(m, "after_haniyeh").to_dict()))
    _, out = run(capsys, "explain", "iran-2024", "--replay", "--set", "lambda=3", "--json")
    assert json.loads(out) == json.loads(json.dumps(replay(m).to_dict()))


def test_explain_set_prints_the_what_if(capsys):
    code, out = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh", "--set", "legitimacy=0.3")
    assert code == 0
    lines = [ln for ln in out.splitlines() if "what-if" in ln]
    assert len(lines) == 1 and "IRN.legitimacy=0.3" in lines[0]
    _, out = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh")
    assert "what-if" not in out
    _, out = run(capsys, "explain", "iran-2024", "--replay", "--set", "lambda=3")
    assert "what-if applied: lambda=3" in out


@pytest.mark.parametrize("argv", [("simulate", "--no-such-option"), ("simulate", "--seed", "abc"),
                                  ("explain", "iran-2024", "--at")])
def test_usage_errors_are_one_message_and_exit_2(capsys, argv):
    code, out = run(capsys, *argv)
    assert code == 2 and "Traceback" not in out
    assert "Error" in out or "error" in out
