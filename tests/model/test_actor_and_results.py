"""Which actor a command explains by default, and the model's results as tables and JSON.

The default actor must come from the scenario, never from a hard-coded id: the
tests run on every built-in scenario and on a copy of iran-2024 whose Iran is
renamed ``TEH`` (so no actor is called ``IRN``).
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from brink.errors import BrinkError
from brink.model import compile_model, deciding_actor, explain_at, explain_default, latest_decision_point, replay
from brink.scenario.loader import load_scenario, resolve_path

SRC = Path(__file__).resolve().parents[2] / "src" / "brink"


def renamed_copy(folder: Path, old: str = "IRN", new: str = "TEH") -> Path:
    """iran-2024 with every ``old`` id spelled ``new`` (actor, its variables, actions, fronts)."""
    src = resolve_path("iran-2024")
    shutil.copytree(src, folder)
    for p in folder.rglob("*.yaml"):
        p.write_text(p.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def renamed(tmp_path_factory) -> Path:
    return renamed_copy(tmp_path_factory.mktemp("renamed") / "teh-2024")


@pytest.fixture(scope="module")
def renamed_model(renamed):
    return compile_model(load_scenario(renamed))


# ------------------------------------------------------------------ default actor

def test_renamed_copy_has_no_irn(renamed_model):
    assert "IRN" not in {a.id for a in renamed_model.scenario.actors}
    assert "TEH" in renamed_model.actors


def test_default_actor_is_that_of_the_latest_decision_point(renamed_model):
    last = renamed_model.scenario.decision_point(latest_decision_point(renamed_model))
    assert deciding_actor(renamed_model) == last.actor == "TEH"


def test_default_actor_without_decision_points_is_the_first_deciding_actor_of_the_schedule(renamed_model):
    sc = renamed_model.scenario
    passive = next(a.id for a in sc.actors if a.id not in renamed_model.actors)  # an actor without actions
    order = [passive, "USA", "TEH"]
    bare = sc.model_copy(update={"decision_points": [],
                                 "schedule": sc.schedule.model_copy(update={"order": order})})
    m = compile_model(bare)
    assert deciding_actor(m) == "USA"
    ex = explain_default(m)   # no decision point: the choice in the state at as_of
    assert ex.actor == "USA" and ex.decision_point is None


def test_given_actor_is_honoured_and_an_unknown_one_lists_the_deciding_actors(renamed_model):
    assert deciding_actor(renamed_model, "ISR") == "ISR"
    with pytest.raises(BrinkError) as e:
        deciding_actor(renamed_model, "IRN")
    assert "IRN" in str(e.value) and "TEH" in str(e.value) and "ISR" in str(e.value)


def test_every_builtin_has_a_default_actor_that_decides(scenario_id):
    m = compile_model(load_scenario(scenario_id))
    actor = deciding_actor(m)
    assert actor in m.actors
    ex = explain_default(m)
    assert ex.actor == actor
    for other in m.actors:  # an explicit actor always wins
        assert explain_default(m, other).actor == other


def test_model_does_not_import_sim():
    for p in (SRC / "model").glob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "brink.sim" or n.startswith("brink.sim.") for n in names), p.name


# ------------------------------------------------------------------ results as data

def test_explanation_to_dict_round_trips_and_to_frame_has_one_row_per_action(scenario_id):
    sc = load_scenario(scenario_id)
    m = compile_model(sc)
    ex = explain_default(m)
    d = ex.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["actor"] == ex.actor and d["what_if"] == {}
    f = ex.to_frame()
    assert list(f["action"]) == [a.action for a in ex.actions] == list(m.actors[ex.actor].actions)
    assert list(f["probability"]) == [a.probability for a in ex.actions]
    assert list(f["utility"]) == [a.utility for a in ex.actions]
    for c in ex.concerns:
        assert list(f[f"contribution.{c['id']}"]) == [a.contributions[c["id"]] for a in ex.actions]
        assert list(f[f"change.{c['id']}"]) == [a.concern_changes[c["id"]] for a in ex.actions]
    assert f["probability"].sum() == pytest.approx(1)


def test_explanation_names_its_what_if():
    sc = load_scenario("iran-2024")
    ex = explain_at(compile_model(sc, {"legitimacy": 0.3}), "after_haniyeh")
    assert ex.what_if == {"IRN.legitimacy": 0.3}   # the resolved name
    assert ex.to_dict()["what_if"] == {"IRN.legitimacy": 0.3}


def test_replay_to_dict_and_to_frame(scenario_id):
    m = compile_model(load_scenario(scenario_id))
    rep = replay(m)
    d = rep.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert len(d["rows"]) == len(rep) and d["log_score"] == rep.log_score
    f = rep.to_frame()
    assert len(f) == len(rep)
    assert list(f.columns) == ["decision_point", "date", "actor", "taken", "p_taken", "rank_taken",
                               "top_action", "p_top"]
    assert list(f["decision_point"]) == [r.decision_point for r in rep]
    assert list(f["p_taken"]) == [r.p_taken for r in rep]
