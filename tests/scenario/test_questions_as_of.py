"""The question file iran-2024 ships for its own as_of date: open questions whose events
the catalogue can answer as asked (no stand-ins), each citing the seed line that raises it."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from brink.scenario import load_scenario
from brink.scenario.folder import companion_files
from brink.scenario.provenance import resolve_citation

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
NAME = "iran-2024"
ATTRS = ("actor", "target", "front", "category", "rung", "warning")


@pytest.fixture(scope="module")
def sc():
    return load_scenario(NAME)


@pytest.fixture(scope="module")
def questions():
    files = companion_files(NAME, "questions")
    doc = YAML(typ="safe").load(files["as_of_2024-11-15"].read_text(encoding="utf-8"))
    assert doc["scenario"] == NAME
    return doc["questions"]


def _as_list(v):
    return v if isinstance(v, list) else [v]


def matching_actions(sc, pattern: dict) -> list[str]:
    """Catalogue actions whose attributes match every attribute the pattern gives."""
    assert set(pattern) <= set(ATTRS), f"unknown attribute in {pattern}"
    return [a.id for a in sc.actions
            if all(getattr(a, k) in _as_list(v) for k, v in pattern.items())]


def leaves(event: dict):
    (kind, body), = event.items()
    if kind in ("any", "all"):
        assert isinstance(body, list) and len(body) >= 2
        for e in body:
            yield from leaves(e)
    else:
        yield kind, body


def test_matching_reads_every_attribute(sc):
    # a pattern that names an attribute the action lacks matches nothing
    assert matching_actions(sc, {"actor": "IRN", "target": "USA", "warning": True}) == ["IRN_strike_us_warned"]
    assert matching_actions(sc, {"actor": "ISR", "category": "assassination", "rung": 4}) == ["ISR_kill_leaders"]
    assert set(matching_actions(sc, {"actor": "ISR", "category": "assassination"})) == {
        "ISR_assassination", "ISR_kill_leaders"}


def test_open_questions_posed_on_the_scenarios_as_of_date(sc, questions):
    assert 12 <= len(questions) <= 18 and len({q["id"] for q in questions}) == len(questions)
    for q in questions:
        assert q["as_of"] == sc.meta.as_of
        assert "resolved" not in q and "resolved_on" not in q, f"{q['id']}: the scenario cannot know the answer"
        (wkind, wval), = q["window"].items()
        assert wkind in ("days", "until") and (wkind != "days" or wval > 0)


def test_every_event_is_answerable_from_the_catalogue(sc, questions):
    outcomes = {o.id for o in sc.outcomes if not o.default}
    for q in questions:
        for kind, body in leaves(q["event"]):
            assert kind in ("action", "outcome", "state"), q["id"]
            if kind == "action":
                assert matching_actions(sc, body), f"{q['id']}: no catalogue action matches {body}"
            elif kind == "outcome":
                assert body in outcomes, q["id"]


def test_given_names_a_question_with_the_same_origin_and_window(questions):
    by_id = {q["id"]: q for q in questions}
    givens = [q for q in questions if "given" in q]
    assert len(givens) >= 2
    for q in givens:
        base = by_id[q["given"]]
        assert base["id"] != q["id"] and base["as_of"] == q["as_of"] and base["window"] == q["window"]


def test_the_documents_questions_are_asked(sc, questions):
    """US strike on Iran, Iran on US forces with warning, the cease-fires, war then unrest."""
    asked = {a for q in questions for kind, body in leaves(q["event"]) if kind == "action"
             for a in matching_actions(sc, body)}
    assert {"USA_limited_strike", "USA_join_strikes", "IRN_strike_us_warned", "IRN_strike_us_unwarned",
            "HEZ_ceasefire", "ISR_ceasefire_lebanon", "HAM_ceasefire", "ISR_ceasefire_gaza",
            "IRN_ceasefire", "ISR_ceasefire_iran", "ISR_kill_leaders", "IRN_shipping_pressure"} <= asked
    war_then_unrest = [q for q in questions if q["event"] == {"outcome": "regime_crisis"} and "given" in q]
    assert war_then_unrest and {q["id"]: q for q in questions}[war_then_unrest[0]["given"]]["event"] == {
        "outcome": "iran_israel_war"}


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds not beside the checkout")
def test_every_question_cites_an_existing_seed_line(questions):
    for q in questions:
        assert q["evidence"], q["id"]
        for cite in q["evidence"]:
            lines = resolve_citation(cite, [SHARED / "seeds", SHARED / "data"])
            assert lines is not None and all(x.strip() for x in lines), f"{q['id']}: {cite}"
