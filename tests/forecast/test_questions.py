"""The question file format: shipped files load; every bad file gives a located error."""

from __future__ import annotations

import re

import pytest

from brink.errors import InputError
from brink.forecast.questions import load_questions, resolve_questions, shipped_questions

HEAD = """\
scenario: iran-2024
questions:
"""

GOOD = """\
  - id: A
    as_of: 2024-04-02
    text: "Iran strikes Israel within 30 days"
    window: {days: 30}
    event: {action: {actor: IRN, target: ISR, category: [direct_strike_warned, direct_strike_unwarned]}}
"""


def problems(path, scenario="iran-2024"):
    with pytest.raises(InputError) as exc:
        load_questions(path, scenario)
    return exc.value.problems


def assert_located(probs, file, line, field, words):
    """Some problem names this file, line and field and says ``words``."""
    hits = [p for p in probs if p.file == str(file) and p.line == line and p.field == field
            and re.search(words, p.message)]
    assert hits, "\n".join(str(p) for p in probs)
    text = str(hits[0])
    assert str(file) in text and f":{line}:" in text and field in text


def test_shipped_standoff_questions_load_by_name():
    shipped = shipped_questions("synthetic-standoff")
    assert "standoff" in shipped
    qs = load_questions("standoff", "synthetic-standoff")
    assert qs.ids == ["S01", "S02", "S03", "S04", "S05"]
    assert qs.by_id()["S03"].given == "S02"
    assert qs.file == str(shipped["standoff"])


def test_shipped_questions_of_every_builtin_scenario_check(scenario_id, tmp_path):
    """Every shipped question file passes its scenario's cross-check, apart from questions on moves
    the catalogue does not have yet (only T03, Iran striking US forces, may fail so)."""
    shipped = shipped_questions(scenario_id)
    assert shipped, f"{scenario_id} ships no question file"
    for name, path in shipped.items():
        try:
            qs = load_questions(name, scenario_id)
        except InputError as exc:
            text = path.read_text().splitlines()
            for p in exc.problems:
                # the problem's line lies inside question T03's block
                start = max(i for i, t in enumerate(text[: p.line], 1) if t.strip().startswith("- id:"))
                assert text[start - 1].strip() == "- id: T03", str(p)
                assert "no catalogue action matches" in p.message
        else:
            assert len(qs) >= 5


def test_iran_backtest_file_without_T03_loads(tmp_path):
    path = resolve_questions("questions_2024", "iran-2024")
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, t in enumerate(lines) if t.strip() == "- id: T03")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("- id:"))
    copy = tmp_path / "q.yaml"
    copy.write_text("".join(lines[:start] + lines[end:]))
    qs = load_questions(copy, "iran-2024")
    assert len(qs) == 19 and "T03" not in qs.ids
    t02 = qs.by_id()["T02"]
    assert t02.given == "T01" and t02.resolved is True and str(t02.resolved_on) == "2024-04-13"
    assert qs.by_id()["T09"].resolved is False
    assert qs.by_id()["T04"].days == (qs.by_id()["T04"].window.until - qs.by_id()["T04"].as_of).days


def test_unknown_name_lists_shipped_files():
    with pytest.raises(InputError) as exc:
        resolve_questions("nope", "synthetic-standoff")
    assert "standoff" in str(exc.value) and "QUESTIONS" in str(exc.value)


def test_unknown_actor_target_category_front_rung(write_questions):
    p = write_questions(HEAD + """\
  - id: A
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event:
      action:
        actor: [IRN, XXX]
        target: YYY
        category: direct_strike
        front: MARS
        rung: 42
""")
    probs = problems(p)
    assert_located(probs, p, 9, "questions[A].event.action.actor[1]", "unknown actor 'XXX'")
    assert_located(probs, p, 10, "questions[A].event.action.target", "unknown actor 'YYY'")
    assert_located(probs, p, 11, "questions[A].event.action.category", "unknown category 'direct_strike'")
    assert_located(probs, p, 12, "questions[A].event.action.front", "unknown front 'MARS'")
    assert_located(probs, p, 13, "questions[A].event.action.rung", "unknown rung 42")


def test_unknown_outcome_and_default_outcome(write_questions, scenarios):
    default = next(o.id for o in scenarios("iran-2024").outcomes if o.default)
    p = write_questions(HEAD + GOOD + f"""\
  - id: B
    as_of: 2024-04-02
    text: "x"
    window: {{days: 30}}
    event: {{any: [{{outcome: regime_crisis}}, {{outcome: armageddon}}]}}
  - id: C
    as_of: 2024-04-02
    text: "x"
    window: {{days: 30}}
    event: {{outcome: {default}}}
""")
    probs = problems(p)
    assert_located(probs, p, 12, "questions[B].event.any[1].outcome", "unknown outcome 'armageddon'")
    assert_located(probs, p, 17, "questions[C].event.outcome", "default outcome")
    assert len(probs) == 2


def test_empty_windows(write_questions):
    p = write_questions(HEAD + """\
  - id: A
    as_of: 2024-04-02
    text: "x"
    window: {days: 0}
    event: {outcome: deal}
  - id: B
    as_of: 2024-04-02
    text: "x"
    window: {until: 2024-03-01}
    event: {outcome: deal}
  - id: C
    as_of: 2024-04-02
    text: "x"
    window: {days: 5}
    event: {outcome: deal}
  - id: D
    as_of: 2024-04-02
    text: "x"
    window: {days: 10, until: 2024-05-01}
    event: {outcome: deal}
""")
    probs = problems(p)
    assert_located(probs, p, 6, "questions[A].window.days", "empty window")
    assert_located(probs, p, 11, "questions[B].window.until", "empty window")
    assert_located(probs, p, 16, "questions[C].window.days", "counts no round")
    assert_located(probs, p, 21, "questions[D].window", "exactly one")


def test_unmatched_action_spec(write_questions):
    # every attribute exists, but no catalogue action has them all (Hezbollah has no direct strike)
    p = write_questions(HEAD + """\
  - id: A
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {action: {actor: HEZ, category: direct_strike_unwarned}}
""")
    probs = problems(p)
    assert_located(probs, p, 7, "questions[A].event.action", "no catalogue action matches actor=HEZ")
    assert len(probs) == 1


def test_bad_given(write_questions):
    p = write_questions(HEAD + GOOD + """\
  - id: B
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {outcome: deal}
    given: NOPE
  - id: C
    as_of: 2024-04-02
    text: "x"
    window: {days: 60}
    event: {outcome: deal}
    given: A
  - id: D
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {outcome: deal}
    given: E
  - id: E
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {outcome: deal}
    given: D
  - id: A
    as_of: 2024-04-02
    text: "duplicate"
    window: {days: 30}
    event: {outcome: deal}
""")
    probs = problems(p)
    assert_located(probs, p, 13, "questions[B].given", "unknown question 'NOPE'")
    assert_located(probs, p, 19, "questions[C].given", "same")
    assert_located(probs, p, 25, "questions[D].given", "cyclic given: D -> E -> D")
    assert_located(probs, p, 31, "questions[E].given", "cyclic")
    assert_located(probs, p, 32, "questions[A].id", "duplicate id 'A'")


def test_state_formula_symbols_and_syntax(write_questions):
    p = write_questions(HEAD + """\
  - id: A
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {state: "IRN.unrest >= war_threshold and IRN.bogus > 0"}
  - id: B
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {state: "IRN.unrest >="}
  - id: C
    as_of: 2024-04-02
    text: "a question's formula may hold its own numbers"
    window: {days: 30}
    event: {state: "IRN.unrest >= 0.7"}
""")
    probs = problems(p)
    assert_located(probs, p, 7, "questions[A].event.state", "'IRN.bogus' is neither")
    assert_located(probs, p, 12, "questions[B].event.state", "cannot parse")
    assert len(probs) == 2


def test_origin_after_scenario_as_of_and_wrong_scenario(write_questions):
    p = write_questions("scenario: synthetic-standoff\nquestions:\n" + GOOD.replace("2024-04-02", "2025-01-01"))
    probs = problems(p)
    assert_located(probs, p, 1, "scenario", "for scenario 'synthetic-standoff', not 'iran-2024'")
    assert_located(probs, p, 4, "questions[A].as_of", "after the scenario's as_of date 2024-11-15")


def test_bad_shapes_are_located_and_reported_with_cross_checks(write_questions):
    p = write_questions(HEAD + GOOD + """\
  - id: B
    as_of: 2024-04-02
    text: "x"
    window: {weeks: 3}
    event: {outcome: deal}
    resolved: maybe
  - id: C
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {war: yes}
  - id: D
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event: {action: {actor: XXX}}
""")
    probs = problems(p)
    assert_located(probs, p, 11, "questions[B].window.weeks", "Extra inputs")
    assert_located(probs, p, 13, "questions[B].resolved", "expected yes or no")
    assert_located(probs, p, 18, "questions[C].event", "an event is one of action, outcome, state, any, all")
    # the well-formed questions are cross-checked in the same pass
    assert_located(probs, p, 23, "questions[D].event.action.actor", "unknown actor 'XXX'")


def test_bad_yaml_and_missing_file(write_questions, tmp_path):
    p = write_questions(HEAD + GOOD + "  - id: [unclosed\n")
    probs = problems(p)
    assert probs[0].file == str(p) and probs[0].field == "(yaml)" and probs[0].line == 9
    assert f"{p}:9: (yaml)" in str(probs[0])
    probs = problems(tmp_path / "missing.yaml")
    assert "no such file" in str(probs[0])


def test_resolved_yes_no_true_false(write_questions):
    p = write_questions(HEAD + GOOD.replace("  - id: A", "  - id: A\n    resolved: yes\n    resolved_on: 2024-04-13")
                        + GOOD.replace("id: A", "id: B").rstrip("\n") + "\n    resolved: false\n")
    qs = load_questions(p, "iran-2024")
    assert qs.by_id()["A"].resolved is True and qs.by_id()["B"].resolved is False


def test_resolution_date_outside_window(write_questions):
    p = write_questions(HEAD + GOOD.replace("  - id: A", "  - id: A\n    resolved: yes\n    resolved_on: 2024-06-01"))
    assert_located(problems(p), p, 5, "questions[A].resolved_on", "outside the window")
