"""The ordering event ``before: {first, then}``: parsing, cross-checks, resolution, base rate, the real path."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from brink.forecast.baserate import Entry, Record, base_rate
from brink.forecast.events import AllOf, AnyOf, Before, Leaf, compile_event, event_ids, first_round, watch_name, watches
from brink.forecast.forecast import answer, forecast
from brink.forecast.questions import BeforeEvent, event_kind, load_questions
from brink.forecast.timing import last_round

from .conftest import history
from .test_questions import HEAD, assert_located, problems


def one(write_questions, event: str, scenario="iran-2024", days=30):
    head = HEAD.replace("iran-2024", scenario)
    as_of = "2024-04-02" if scenario == "iran-2024" else "2023-06-30"
    p = write_questions(head + f"""\
  - id: A
    as_of: {as_of}
    text: "x"
    window: {{days: {days}}}
    event:
{event}""")
    return p


# --- parsing -----------------------------------------------------------------------------------


def test_before_parses_and_compiles(write_questions, scenarios):
    sc = scenarios("iran-2024")
    p = one(write_questions, """\
      before:
        first: {action: {actor: ISR, target: IRN, category: [limited_precision_strike, large_strike]}}
        then:
          any: [{outcome: regime_crisis}, {state: "IRN.unrest >= war_threshold"}]
""")
    (q,) = load_questions(p, sc).questions
    assert isinstance(q.event, BeforeEvent) and event_kind(q.event) == "before"
    assert event_kind(q.event.before.first) == "action" and event_kind(q.event.before.then) == "any"
    node = compile_event(q.event, sc)
    isr = tuple(a.id for a in sc.actions if a.actor == "ISR" and a.target == "IRN"
                and a.category in ("limited_precision_strike", "large_strike"))
    w = watch_name("IRN.unrest >= war_threshold")
    assert node == Before(Leaf(isr), AnyOf((Leaf(("outcome:regime_crisis",)), Leaf((f"state:{w}",)))))
    assert event_ids(node) == [*isr, "outcome:regime_crisis", f"state:{w}"]
    # the watched formula inside `then` reaches the simulation
    assert watches(q.event) == {w: "IRN.unrest >= war_threshold"}


def test_before_nests_inside_any_all_and_holds_them(write_questions, scenarios):
    sc = scenarios("iran-2024")
    p = one(write_questions, """\
      all:
        - {outcome: deal}
        - before: {first: {all: [{outcome: deal}, {outcome: regime_crisis}]}, then: {outcome: iran_israel_war}}
""")
    (q,) = load_questions(p, sc).questions
    node = compile_event(q.event, sc)
    assert node == AllOf((Leaf(("outcome:deal",)),
                          Before(AllOf((Leaf(("outcome:deal",)), Leaf(("outcome:regime_crisis",)))),
                                 Leaf(("outcome:iran_israel_war",)))))


def test_before_as_a_list_is_refused_with_its_location(write_questions):
    p = one(write_questions, """\
      before: [{outcome: deal}, {outcome: regime_crisis}]
""")
    assert_located(problems(p), p, 8, "questions[A].event.before", r"mapping \{first: EVENT, then: EVENT\}")


def test_before_missing_or_extra_role_and_bad_inner_event(write_questions):
    p = write_questions(HEAD + """\
  - id: A
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event:
      before:
        first: {outcome: deal}
  - id: B
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event:
      before:
        first: {outcome: deal}
        then: {outcome: regime_crisis}
        after: {outcome: deal}
  - id: C
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event:
      before:
        first: {war: yes}
        then: {outcome: deal}
""")
    probs = problems(p)
    assert_located(probs, p, 8, "questions[A].event.before.then", "Field required")
    assert_located(probs, p, 18, "questions[B].event.before.after", "Extra inputs")
    assert_located(probs, p, 25, "questions[C].event.before.first",
                   "an event is one of action, outcome, state, any, all, before")
    assert len(probs) == 3


def test_a_mapping_with_two_kinds_is_refused(write_questions):
    p = one(write_questions, """\
      before: {first: {outcome: deal}, then: {outcome: deal}}
      any: [{outcome: deal}]
""")
    assert_located(problems(p), p, 7, "questions[A].event", r"one of action, outcome, state, any, all, before \(exactly one\)")


def test_unknown_names_inside_before_are_cross_checked(write_questions):
    p = write_questions(HEAD + """\
  - id: A
    as_of: 2024-04-02
    text: "x"
    window: {days: 30}
    event:
      before:
        first: {outcome: armageddon}
        then:
          any:
            - {outcome: regime_crisis}
            - {outcome: doomsday}
            - {action: {actor: XXX}}
            - {state: "IRN.bogus > 0"}
""")
    probs = problems(p)
    assert_located(probs, p, 9, "questions[A].event.before.first.outcome", "unknown outcome 'armageddon'")
    assert_located(probs, p, 13, "questions[A].event.before.then.any[1].outcome", "unknown outcome 'doomsday'")
    assert_located(probs, p, 14, "questions[A].event.before.then.any[2].action.actor", "unknown actor 'XXX'")
    assert_located(probs, p, 15, "questions[A].event.before.then.any[3].state", "'IRN.bogus' is neither")
    assert len(probs) == 4


# --- resolution on a hand-made history ---------------------------------------------------------


def test_before_resolves_on_the_first_round_of_first_strictly_earlier():
    #                     run: 0   1   2   3   4   5
    h = history({"a": [2, 3, 4, 5, -1, -1],
                 "b": [5, -1, 4, 2, 3, -1]})
    got = list(first_round(Before(Leaf(("a",)), Leaf(("b",))), h))
    assert got == [2,     # first before then: first's round
                   3,     # then never
                   -1,    # same round: not before
                   -1,    # then before first
                   -1,    # first never (then happened)
                   -1]    # neither
    # the reverse ordering: only runs 3 and 4 (b strictly first, a later or never)
    assert list(first_round(Before(Leaf(("b",)), Leaf(("a",))), h)) == [-1, -1, -1, 2, 3, -1]
    # an event is never before itself
    assert list(first_round(Before(Leaf(("a",)), Leaf(("a",))), h)) == [-1] * 6


def test_before_of_compound_events_uses_their_first_rounds():
    h = history({"a": [1, 4, -1, 2], "b": [3, 2, 5, -1], "c": [2, 3, 1, 6]})
    # first = any(a, b): rounds 1, 2, 5, 2; then = c: 2, 3, 1, 6
    node = Before(AnyOf((Leaf(("a",)), Leaf(("b",)))), Leaf(("c",)))
    assert list(first_round(node, h)) == [1, 2, -1, 2]
    # first = all(a, b): rounds 3, 4, -1, -1; then = c
    node = Before(AllOf((Leaf(("a",)), Leaf(("b",)))), Leaf(("c",)))
    assert list(first_round(node, h)) == [-1, -1, -1, -1]
    node = Before(Leaf(("c",)), AllOf((Leaf(("a",)), Leaf(("b",)))))
    assert list(first_round(node, h)) == [2, 3, 1, 6]
    # inside all: resolved when both parts are, i.e. at the later round
    node = AllOf((Before(Leaf(("a",)), Leaf(("b",))), Leaf(("c",))))
    assert list(first_round(node, h)) == [2, -1, -1, 6]


def test_window_counts_first_and_then_may_fall_after_it(write_questions, scenarios):
    sc = scenarios("synthetic-standoff")
    p = one(write_questions, """\
      before: {first: {outcome: border_war}, then: {outcome: settlement}}
""", scenario="synthetic-standoff", days=30)     # rounds 1 and 2 count
    qs = load_questions(p, sc)
    #                                run: 0   1   2   3   4
    h = history({"outcome:border_war": [1, 2, 3, 2, 1],
                 "outcome:settlement": [4, 2, 5, -1, -1]})
    (row,) = answer(qs.questions, h, 14.0, sc)
    # runs 0 (then after the window), 3 and 4 (then never); run 1 ties; run 2's first is outside the window
    assert row["last_round"] == 2 and row["probability"] == 3 / 5
    assert row["median_days"] == float(np.median([7.0, 21.0, 7.0]))


# --- base rate ---------------------------------------------------------------------------------

ORIGIN = dt.date(2023, 6, 30)


def _entry(actor, category, days_before):
    return Entry(ORIGIN - dt.timedelta(days=days_before), "test",
                 {"actor": frozenset([actor]), "category": frozenset([category])})


def test_base_rate_of_an_ordering_is_that_of_independent_poisson_processes(write_questions, scenarios):
    sc = scenarios("synthetic-standoff")
    blk = "{action: {actor: STH, category: blockade}}"
    strike = "{action: {actor: NRT, category: limited_precision_strike}}"
    p = write_questions("scenario: synthetic-standoff\nquestions:\n" + "".join(f"""\
  - id: {qid}
    as_of: 2023-06-30
    text: "x"
    window: {{days: 90}}
    event: {ev}
""" for qid, ev in [("B", blk), ("S", strike), ("BS", f"{{before: {{first: {blk}, then: {strike}}}}}"),
                    ("SB", f"{{before: {{first: {strike}, then: {blk}}}}}"),
                    ("BA", f"{{before: {{first: {blk}, then: {{any: [{strike}, {{outcome: border_war}}]}}}}}}")]))
    q = load_questions(p, sc).by_id()
    rec = Record([_entry("NRT", "talks", 1000), _entry("STH", "blockade", 400), _entry("STH", "blockade", 10),
                  _entry("NRT", "limited_precision_strike", 20)])
    a, b, W = 2.5 / 1000, 1.5 / 1000, 90
    assert base_rate(q["B"], rec) == pytest.approx(1 - math.exp(-a * W))
    assert base_rate(q["BS"], rec) == pytest.approx(a / (a + b) * (1 - math.exp(-(a + b) * W)))
    assert base_rate(q["SB"], rec) == pytest.approx(b / (a + b) * (1 - math.exp(-(a + b) * W)))
    # the two orderings and "neither before the window ends, or tie" share the window: each below its first's rate
    assert base_rate(q["BS"], rec) < base_rate(q["B"], rec)
    assert base_rate(q["BS"], rec) + base_rate(q["SB"], rec) == pytest.approx(1 - math.exp(-(a + b) * W))
    # a compound `then` enters with the rate of its window probability: any of two processes adds their rates
    war = 0.5 / 1000
    assert base_rate(q["BA"], rec) == pytest.approx(a / (a + b + war) * (1 - math.exp(-(a + b + war) * W)))


# --- the real forecast path on the synthetic scenario ------------------------------------------

REAL = """\
scenario: synthetic-standoff
questions:
  - id: BL_NP
    as_of: 2023-06-30
    text: "SYNTHETIC: the border line is settled before the Narrows passage is"
    window: {days: 365}
    event: {before: {first: {outcome: border_line_settlement}, then: {outcome: narrows_passage_settlement}}}
  - id: BL_BLK
    as_of: 2023-06-30
    text: "SYNTHETIC: the border line is settled before Sothmark blockades"
    window: {days: 365}
    event: {before: {first: {outcome: border_line_settlement}, then: {action: {actor: STH, category: blockade}}}}
  - id: BLK_BL
    as_of: 2023-06-30
    text: "SYNTHETIC: Sothmark blockades before the border line is settled, within half a year"
    window: {days: 182}
    event: {before: {first: {action: {actor: STH, category: blockade}}, then: {outcome: border_line_settlement}}}
  - id: SELF
    as_of: 2023-06-30
    text: "SYNTHETIC: the border line is settled before itself (never)"
    window: {days: 365}
    event: {before: {first: {outcome: border_line_settlement}, then: {outcome: border_line_settlement}}}
"""


def test_before_through_the_real_forecast_path(write_questions, scenarios):
    from brink.sim import simulate

    sc = scenarios("synthetic-standoff")
    qs = load_questions(write_questions(REAL), sc)
    runs, seed = 300, 3
    res = forecast(sc, qs, runs=runs, seed=seed)
    rows = res.to_frame().set_index("id")
    # the same simulation, read directly
    H = last_round(365, sc.round_days)
    assert res.meta["origins"][0]["horizon"] == H
    h = simulate(sc, runs, H, seed, as_of=sc.meta.as_of).history
    bl = h.first_of(["outcome:border_line_settlement"])
    np_ = h.first_of(["outcome:narrows_passage_settlement"])
    blk = h.first_of([a.id for a in sc.actions if a.actor == "STH" and a.category == "blockade"])

    def share(first, then, days):
        R = last_round(days, sc.round_days)
        inside = (first >= 1) & (first <= R)
        return float((inside & ((then < 0) | (then > first))).sum()) / runs

    assert rows.loc["BL_NP", "probability"] == share(bl, np_, 365)
    assert rows.loc["BL_BLK", "probability"] == share(bl, blk, 365)
    assert rows.loc["BLK_BL", "probability"] == share(blk, bl, 182)
    assert rows.loc["SELF", "probability"] == 0.0
    # the ordering matters in this scenario: both orders happen, and so do runs where only one event does
    assert 0 < rows.loc["BL_BLK", "probability"] < rows.loc["BL_NP", "probability"]
    assert rows.loc["BLK_BL", "probability"] > 0
    assert ((bl > 0) & (blk > bl)).any() and ((blk > 0) & (bl > blk)).any()


# --- the documented example --------------------------------------------------------------------


def _doc_example() -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "forecasting.md").read_text()
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "before:" in block
    return block


def test_the_documented_example_loads_and_its_names_are_checked(write_questions, scenarios):
    sc = scenarios("iran-2024")
    block = _doc_example()
    qs = load_questions(write_questions(block), sc)
    q5 = qs.by_id()["Q5"]
    node = compile_event(q5.event, sc)
    assert node == Before(AllOf((Leaf(("HAM_ceasefire",)), Leaf(("ISR_ceasefire_gaza",)))),
                          AllOf((Leaf(("HEZ_ceasefire",)), Leaf(("ISR_ceasefire_lebanon",)))))
    # the field the docs quote for a bad name inside `then`
    bad = write_questions(block.replace("{actor: HEZ, front: LBN", "{actor: XXX, front: LBN"), "bad.yaml")
    (p,) = problems(bad)
    assert p.field == "questions[Q5].event.before.then.all[0].action.actor" and "unknown actor 'XXX'" in p.message
