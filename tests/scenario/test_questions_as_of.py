"""The question file iran-2024 ships for its own as_of date: open questions whose events
the catalogue can answer as asked (no stand-ins), each citing the seed line that raises it.

The file is read and cross-checked by the project's own question loader
(``brink.forecast.questions.load_questions``: unknown attributes, unmatched action specs,
bad ``given`` are errors there), and its events are turned into catalogue actions by
``brink.forecast.events.compile_event``, as ``brink forecast`` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from brink.forecast.events import compile_event, event_ids
from brink.forecast.questions import ActionSpec, event_kind, load_questions
from brink.scenario import load_scenario
from brink.scenario.provenance import resolve_citation

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
NAME = "iran-2024"


@pytest.fixture(scope="module")
def sc():
    return load_scenario(NAME)


@pytest.fixture(scope="module")
def qs():
    return load_questions("as_of_2024-11-15", NAME)  # a shipped name resolves against the scenario named


def _actions(sc, **spec) -> set[str]:
    return {a.id for a in sc.actions if ActionSpec(**spec).matches(a)}


def test_matching_reads_every_attribute(sc):
    # a pattern that names an attribute the action lacks matches nothing
    assert _actions(sc, actor="IRN", target="USA", warning=True) == {"IRN_strike_us_warned"}
    assert _actions(sc, actor="ISR", category="assassination", rung=4) == {"ISR_kill_leaders"}
    assert _actions(sc, actor="ISR", category="assassination") == {"ISR_assassination", "ISR_kill_leaders"}


def test_open_questions_posed_on_the_scenarios_as_of_date(sc, qs):
    assert qs.scenario_id == NAME
    assert 12 <= len(qs) <= 30  # 17 on the documents' moves and episodes, 11 on the settlements (issue 16)
    for q in qs:
        assert q.as_of == sc.meta.as_of
        assert q.resolved is None and q.resolved_on is None, f"{q.id}: the scenario cannot know the answer"
        assert q.days > 0


def test_every_event_is_answerable_from_the_catalogue(sc, qs):
    for q in qs:
        ids = event_ids(compile_event(q.event, sc))
        assert ids, q.id
        assert not any(i.startswith("state:") for i in ids), f"{q.id}: asked as a formula, not a move or episode"


def test_conditional_questions_are_asked(qs):
    assert sum(q.given is not None for q in qs) >= 2


def test_the_documents_questions_are_asked(sc, qs):
    """US strike on Iran, Iran on US forces with warning, the cease-fires, war then unrest."""
    asked = {i for q in qs for i in event_ids(compile_event(q.event, sc))}
    assert {"USA_limited_strike", "USA_join_strikes", "IRN_strike_us_warned", "IRN_strike_us_unwarned",
            "HEZ_ceasefire", "ISR_ceasefire_lebanon", "HAM_ceasefire", "ISR_ceasefire_gaza",
            "IRN_ceasefire", "ISR_ceasefire_iran", "ISR_kill_leaders", "IRN_shipping_pressure"} <= asked
    by_id = {q.id: q for q in qs}
    unrest_after_war = [q for q in qs if event_kind(q.event) == "outcome" and q.event.outcome == "regime_crisis"
                        and q.given is not None]
    assert unrest_after_war
    war = by_id[unrest_after_war[0].given].event
    assert event_kind(war) == "outcome" and war.outcome == "iran_israel_war"


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds not beside the checkout")
def test_every_question_cites_an_existing_seed_line(qs):
    for q in qs:
        assert q.evidence, q.id
        for cite in q.evidence:
            lines = resolve_citation(cite, [SHARED / "seeds", SHARED / "data"])
            assert lines is not None and all(x.strip() for x in lines), f"{q.id}: {cite}"
