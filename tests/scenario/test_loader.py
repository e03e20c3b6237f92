"""Loading, validation errors with file/line/field, and the built-in scenario's contents."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from brink.errors import InputError
from brink.scenario import load_scenario
from brink.scenario.expr import ExprError, parse

MINIMAL = """\
meta: {id: mini, title: Mini, as_of: 2024-11-15}
sources:
  - {id: doc.txt, title: A document, publisher: P, date: 2024-01-01}
parameters:
  k: {value: 0.1, assumption: "for the test"}
actors:
  - id: A
    name: Alpha
    kind: state
    evidence: ["doc.txt:L1"]
    concerns:
      - id: calm
        label: calm
        weight: {value: 0.5, assumption: "test"}
        measure: "-A.heat"
        evidence: ["doc.txt:L2"]
    state:
      heat: {label: heat, initial: {value: 0.2, assumption: "test"}}
actions:
  - id: A_act
    label: act
    actor: A
    category: none
    intensity: {value: 0, assumption: "test"}
    rung: 0
    effects:
      A.heat: "k"
    evidence: ["doc.txt:L3"]
outcomes:
  - {id: hot, label: hot, when: "A.heat >= k", evidence: ["doc.txt:L1"]}
  - {id: calm, label: calm, default: true, evidence: ["doc.txt:L1"]}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def problems_of(path: Path):
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return info.value.problems


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_minimal_scenario_loads(tmp_path):
    sc = load_scenario(write(tmp_path, MINIMAL))
    assert sc.meta.id == "mini"
    assert sc.variable_names() == ["A.heat"]


def test_every_deliberate_error_is_reported_with_file_line_and_field(tmp_path):
    bad = (MINIMAL
           .replace('weight: {value: 0.5, assumption: "test"}', 'weight: {value: 1.5, assumption: "test"}')
           .replace("    actor: A\n    category", "    actor: Z\n    category")
           .replace('      A.heat: "k"', '      A.heat: "k"\n      A.cold: "k"')
           .replace('outcomes:\n  - {id: hot, label: hot, when: "A.heat >= k", evidence: ["doc.txt:L1"]}',
                    'outcomes:\n  - {id: hot, label: hot, when: "A.heat >= k", evidence: ["other.txt:L1"]}'))
    path = write(tmp_path, bad)
    probs = problems_of(path)
    by_field = {p.field: p for p in probs}
    assert all(p.file == str(path) for p in probs)
    w = by_field["actors[A].concerns[calm].weight.value"]
    assert w.line == line_of(path, "weight: {value: 1.5") and "out of range" in w.message
    a = by_field["actions[A_act].actor"]
    assert a.line == line_of(path, "actor: Z") and "unknown actor 'Z'" in a.message
    e = by_field["actions[A_act].effects.A.cold"]
    assert e.line == line_of(path, "A.cold") and "undefined variable" in e.message
    c = by_field["outcomes[hot].evidence[0]"]
    assert c.line == line_of(path, "other.txt") and "not in `sources`" in c.message
    assert len(probs) == 4


def test_shape_errors_name_line_and_field(tmp_path):
    bad = MINIMAL.replace('  k: {value: 0.1, assumption: "for the test"}', "  k: {value: 0.1}")
    bad = bad.replace("    kind: state", "    kind: empire")
    path = write(tmp_path, bad)
    probs = problems_of(path)
    fields = {p.field: p for p in probs}
    assert "parameters.k" in fields and "evidence" in fields["parameters.k"].message
    assert fields["parameters.k"].line == line_of(path, "k: {value: 0.1}")
    assert fields["actors[A].kind"].line == line_of(path, "kind: empire")


def test_literal_numbers_in_formulas_are_refused(tmp_path):
    path = write(tmp_path, MINIMAL.replace('      A.heat: "k"', '      A.heat: "0.3 * k"'))
    (p,) = problems_of(path)
    assert "literal 0.3" in p.message and p.line == line_of(path, '"0.3 * k"')


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, MINIMAL.replace("actors:\n", "actors:\n  - id: [unclosed\n"))
    (p,) = problems_of(path)
    assert p.field == "(yaml)" and p.line is not None


def test_python_tags_are_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = MINIMAL + f'extra: !!python/object/apply:os.system ["touch {marker}"]\n'
    problems_of(write(tmp_path, text))
    assert not marker.exists()


def test_duplicate_sections_across_files_are_reported(tmp_path):
    folder = tmp_path / "sc"
    folder.mkdir()
    write(folder, MINIMAL, "a.yaml")
    write(folder, "parameters:\n  k: {value: 0.2, assumption: x}\n", "b.yaml")
    (p,) = problems_of(folder)
    assert p.field == "parameters.k" and "defined twice" in p.message and p.file.endswith("b.yaml")


def test_formula_whitelist():
    assert parse("max(A.x, k) - 1").symbols == {"A.x", "k"}
    for bad in ("__import__('os')", "A.x ** 2", "[1]", "lambda: 1", "A.x if k else 1"):
        with pytest.raises(ExprError):
            parse(bad)


# ----------------------------------------------------------- the built-in scenario

@pytest.fixture(scope="module")
def iran():
    return load_scenario("iran-2024")


def test_builtin_has_the_actors_of_the_design(iran):
    ids = {a.id for a in iran.actors}
    assert {"IRN", "ISR", "USA", "LBN", "SAU", "IRQ", "QAT", "OMN", "CHE", "HEZ", "HTH", "IQM", "HAM", "PIJ",
            "WBG", "UNSC", "UNGA", "IAEA", "UNIFIL", "UNAMI", "IRN_PUB", "IRN_HARD", "IRN_REF"} <= ids
    kinds = {a.kind for a in iran.actors}
    assert kinds == {"state", "proxy", "mediator", "international_body", "domestic_audience"}


def test_builtin_covers_tehrans_concerns_fronts_channels_and_outcomes(iran):
    assert {c.id for c in iran.actor("IRN").concerns} == {
        "deterrence", "allies", "regime_survival", "israeli_escalation", "us_entry", "relief"}
    assert {f.id for f in iran.fronts} == {"LBN", "YEM", "IRQ_SYR", "PSE", "IRN_ISR", "US_REGION"}
    assert {"OMAN", "QATAR", "SWISS"} <= {c.id for c in iran.channels}
    assert {o.id for o in iran.outcomes} == {
        "mutual_deterrence", "iran_israel_war", "us_war", "regime_crisis", "nuclear_breakout"}
    # the collective deal is no longer a scalar outcome: it is the episode of all five settlements at once
    assert {o.id for o in iran.settlement_outcomes()} == {
        "lebanon_1701_settlement", "yemen_deal_settlement", "iraq_withdrawal_settlement",
        "gaza_ceasefire_settlement", "nuclear_review_settlement", "deal"}
    cats = {a.category for a in iran.actions}
    assert {"rhetoric_only", "proxy_attack", "direct_strike_warned", "direct_strike_unwarned", "talks",
            "halt_talks", "assassination", "limited_precision_strike", "sanctions", "ceasefire"} <= cats


def test_builtin_timeline_has_the_2024_dates(iran):
    dates = {e.id: e.date.isoformat() for e in iran.timeline}
    assert dates["damascus_consulate"] == "2024-04-01"
    assert dates["true_promise"] == "2024-04-13"
    assert dates["isfahan"] == "2024-04-19"
    assert dates["haniyeh"] == "2024-07-31"
    assert dates["nasrallah"] == "2024-09-27"
    assert dates["true_promise_2"] == "2024-10-01"
    assert dates["october_26"] == "2024-10-26"
    turnout = iran.event("presidential_election").figures
    assert turnout["turnout_first_round"].value == 0.399 and turnout["turnout_runoff"].value == 0.498


def test_every_parameter_is_used_by_some_formula(iran):
    from brink.scenario.expr import parse

    used = {"lambda"}
    texts = [c.measure for a in iran.actors for c in a.concerns]
    for act in iran.actions:
        texts += list(act.effects.values()) + [rq.mean for rq in act.random.values()]
        texts += [act.precondition] if act.precondition else []
    texts += list(iran.dynamics.values()) + [o.when for o in iran.outcomes if o.when]
    texts += [o.ends_when for o in iran.outcomes if o.ends_when]
    for issue in iran.bargaining:  # settlements and stance moves (issue 16)
        st = issue.settlement
        if st is not None:
            texts += [st.breaks_when] + ([st.requires] if st.requires else []) + list(st.effects.values())
        for pos in issue.positions:
            if pos.moves is not None:
                texts += [f for f in (pos.moves.position, pos.moves.salience, pos.moves.capability) if f]
    for t in texts:
        used |= parse(t).symbols
    assert set(iran.parameters) - used == set()


def test_shipped_broken_example_reports_all_five_mistakes_in_one_pass():
    path = Path(__file__).resolve().parents[2] / "examples" / "broken-scenario.yaml"
    probs = problems_of(path)
    got = {(p.line, p.field) for p in probs}
    assert got == {
        (line_of(path, "threshold: {value: 0.8}"), "parameters.threshold"),
        (line_of(path, "weight: {value: 1.4"), "actors[A].concerns[calm].weight.value"),
        (line_of(path, "actor: B"), "actions[A_escalate].actor"),
        (line_of(path, '"0.5 * step"'), "actions[A_escalate].effects.A.tension"),
        (line_of(path, 'A.anger: "step"'), "actions[A_escalate].effects.A.anger"),
    }


def test_tendencies_load_and_an_unknown_category_is_a_located_error(tmp_path):
    ok = MINIMAL.replace('    state:\n      heat:',
                         '    tendencies:\n      none: {value: 0.05, assumption: "habit, for the test"}\n'
                         '    state:\n      heat:')
    sc = load_scenario(write(tmp_path, ok))
    assert sc.actor("A").tendencies["none"].value == 0.05
    from brink.model import compile_model

    assert compile_model(sc).actors["A"].tendency.tolist() == [0.05]
    bad = ok.replace('      none: {value: 0.05, assumption: "habit, for the test"}\n',
                     '      none: {value: 0.05, assumption: "habit, for the test"}\n'
                     '      talks: {value: 0.1, assumption: "A has no talks action"}\n')
    path = write(tmp_path, bad, "bad.yaml")
    probs = problems_of(path)
    assert len(probs) == 1
    p = probs[0]
    assert p.file == str(path) and p.field == "actors[A].tendencies.talks"
    assert p.line == line_of(path, "talks: {value: 0.1")
    assert "A has no catalogue action of category 'talks'" in p.message and "none" in p.message
    unsourced = MINIMAL.replace('    state:\n      heat:', '    tendencies:\n      none: {value: 0.05}\n'
                                '    state:\n      heat:')
    path = write(tmp_path, unsourced, "unsourced.yaml")
    (p,) = problems_of(path)
    assert p.field == "actors[A].tendencies.none" and "evidence" in p.message
