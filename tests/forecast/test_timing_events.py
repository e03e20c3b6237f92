"""The time rule, and event specs -> event-history ids -> per-run first rounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from brink.forecast.events import AllOf, AnyOf, Leaf, compile_event, event_ids, first_round, watch_name, watches
from brink.forecast.questions import load_questions
from brink.forecast.timing import event_day, last_round, median_day

from .conftest import history


@pytest.mark.parametrize("days, d, want", [
    (30, 14, 2),    # midpoints 7, 21 in; 35 out
    (14, 14, 1),    # midpoint 21 of round 2 is after day 14
    (21, 14, 2),    # a window ending exactly on a midpoint counts that round
    (20, 14, 1),
    (6, 14, 0),     # shorter than half a round: nothing counted
    (7, 14, 1),
    (227, 14, 16),  # 2024-04-02 .. 2024-11-15
    (10, 7, 1), (11, 7, 2),
    (10.5, 10.5, 1), (15.75, 10.5, 2),   # rounds of 1.5 weeks
])
def test_last_round_counts_rounds_whose_midpoint_is_inside(days, d, want):
    assert last_round(days, d) == want
    # the rule itself: round r is counted iff its midpoint lies inside the window
    assert all(((r - 0.5) * d <= days) == (r <= want) for r in range(1, 40))


def test_last_round_is_monotone_in_the_window():
    got = [last_round(D, 14) for D in range(0, 400)]
    assert got == sorted(got) and got[-1] == 29


def test_midpoint_dating():
    assert event_day(1, 14) == 7.0
    assert list(event_day(np.array([1, 2, 3]), 14)) == [7.0, 21.0, 35.0]
    assert median_day(np.array([1, 1, 3]), 14) == 7.0
    assert median_day(np.array([1, 2]), 14) == 14.0
    assert math.isnan(median_day(np.array([], dtype=int), 14))


def test_first_round_of_leaf_any_all():
    h = history({"a": [1, -1, 3, -1, 5], "b": [2, 2, -1, -1, 1], "c": [-1, 4, 1, -1, 2]})
    assert list(first_round(Leaf(("a",)), h)) == [1, -1, 3, -1, 5]
    assert list(first_round(Leaf(("a", "b")), h)) == [1, 2, 3, -1, 1]      # any of the matched actions
    assert list(first_round(AnyOf((Leaf(("a",)), Leaf(("c",)))), h)) == [1, 4, 1, -1, 2]
    assert list(first_round(AllOf((Leaf(("a",)), Leaf(("b",)))), h)) == [2, -1, -1, -1, 5]
    nested = AllOf((AnyOf((Leaf(("a",)), Leaf(("b",)))), Leaf(("c",))))
    assert list(first_round(nested, h)) == [-1, 4, 3, -1, 2]


def test_compile_event_matches_the_catalogue(write_questions, scenarios):
    sc = scenarios("iran-2024")
    p = write_questions("""
        questions:
          - id: A
            as_of: 2024-04-02
            text: "x"
            window: {days: 30}
            event: {action: {actor: IRN, target: ISR, category: [direct_strike_warned, direct_strike_unwarned]}}
          - id: B
            as_of: 2024-04-02
            text: "x"
            window: {days: 30}
            event:
              any:
                - {outcome: regime_crisis}
                - {state: "IRN.unrest >= war_threshold"}
                - all: [{action: {warning: true}}, {action: {rung: 4, actor: ISR}}]
        """)
    qs = load_questions(p, sc)
    a, b = qs.questions
    node = compile_event(a.event, sc)
    assert node == Leaf(("IRN_strike_warned", "IRN_strike_unwarned"))
    nb = compile_event(b.event, sc)
    w = watch_name("IRN.unrest >= war_threshold")
    warned = tuple(x.id for x in sc.actions if x.warning)
    isr4 = tuple(x.id for x in sc.actions if x.rung == 4 and x.actor == "ISR")
    assert "ISR_large_strike" in isr4
    assert nb == AnyOf((Leaf(("outcome:regime_crisis",)), Leaf((f"state:{w}",)),
                        AllOf((Leaf(warned), Leaf(isr4)))))
    assert event_ids(nb)[:2] == ["outcome:regime_crisis", f"state:{w}"]
    assert watches(b.event) == {w: "IRN.unrest >= war_threshold"}
    assert watches(a.event) == {}
    assert watch_name("IRN.unrest  >=  war_threshold") == w
