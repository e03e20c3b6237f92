"""The decision model: the choice rule, determinism, vectorisation, and the
documents' logic encoded as behaviour that could fail."""

from __future__ import annotations

import numpy as np
import pytest

from brink.errors import BrinkError
from brink.model import compile_model, evaluate, explain_at, logit, replay, state_at
from brink.scenario import load_scenario

DIRECT = ("IRN_strike_warned", "IRN_strike_unwarned")


@pytest.fixture(scope="module")
def sc():
    return load_scenario("iran-2024")


@pytest.fixture(scope="module")
def model(sc):
    return compile_model(sc)


def p_direct(ex):
    return sum(ex.probability_of(a) for a in DIRECT)


# ------------------------------------------------------------------ choice rule

def test_logit_masks_infeasible_and_normalises():
    u = np.array([0.1, 0.5, 0.3])
    feas = np.array([True, False, True])
    p = logit(u, 10.0, feas)
    assert p[1] == 0 and p.sum() == pytest.approx(1)
    assert p[2] > p[0]
    assert np.allclose(logit(u, 0.0, feas), [0.5, 0, 0.5])
    assert logit(u, 1e6, np.ones(3, bool)).argmax() == 1
    assert np.all(np.isfinite(logit(np.array([1e5, -1e5]), 1e3, np.ones(2, bool))))


def test_decision_is_deterministic_and_vectorised(model):
    s1 = state_at(model, "after_haniyeh")
    s2 = state_at(model, "after_october_26")
    a = evaluate(model, s1, "IRN").probability
    assert np.array_equal(a, evaluate(model, s1.copy(), "IRN").probability)
    batch = evaluate(model, np.stack([s1, s2, s1]), "IRN").probability
    assert np.allclose(batch[0], a) and np.allclose(batch[2], a)
    assert np.allclose(batch[1], evaluate(model, s2, "IRN").probability)


def test_utility_is_weighted_sum_of_contributions(model):
    ex = explain_at(model, "after_nasrallah")
    for a in ex.actions:
        assert a.tendency == 0.0   # the shipped scenario declares no tendency
        assert a.utility == pytest.approx(sum(a.contributions.values()))
    assert sum(a.probability for a in ex.actions) == pytest.approx(1)
    # The Muscat talks are open after Nasrallah (halting is feasible) and halted by late October.
    assert ex.probability_of("IRN_halt_talks") > 0
    later = explain_at(model, "after_october_26")
    assert later.probability_of("IRN_halt_talks") == 0


# ------------------------------------------------------ the documents' logic

def test_lower_legitimacy_after_haniyeh_lowers_direct_strike_and_raises_proxy(sc):
    low = explain_at(compile_model(sc, {"IRN.legitimacy": 0.25}), "after_haniyeh")
    high = explain_at(compile_model(sc, {"IRN.legitimacy": 0.65}), "after_haniyeh")
    assert p_direct(low) < p_direct(high)
    assert low.probability_of("IRN_proxy_attack") > high.probability_of("IRN_proxy_attack")


def test_more_weight_on_avoiding_us_entry_lowers_direct_strike(sc):
    light = explain_at(compile_model(sc, {"weight.IRN.us_entry": 0.05}), "after_haniyeh")
    heavy = explain_at(compile_model(sc, {"weight.IRN.us_entry": 0.40}), "after_haniyeh")
    assert p_direct(heavy) < p_direct(light)


def test_advance_warning_lowers_chance_and_size_of_israeli_retaliation(model):
    from brink.model.choice import evaluate

    s = state_at(model, "after_haniyeh")
    rung = {a.id: a.rung for a in model.scenario.actions}
    isr = model.actors["ISR"].actions
    anticipated = evaluate(model, s, "IRN")  # Israel's answer to each Iranian move, as Iran expects it
    assert anticipated.adversary == "ISR"
    out = {}
    for act in DIRECT:
        p = anticipated.adversary_probability[model.actors["IRN"].actions.index(act)]
        p_strike = 1 - p[isr.index("ISR_restraint")]
        size = sum(pi * rung[a] for pi, a in zip(p, isr))
        out[act] = (p_strike, size)
    assert out["IRN_strike_warned"][0] < out["IRN_strike_unwarned"][0]
    assert out["IRN_strike_warned"][1] < out["IRN_strike_unwarned"][1]


def test_failing_to_answer_a_red_line_violation_costs_credibility_and_allies(model):
    s = state_at(model, "after_haniyeh")
    assert s[model.var_index["IRN.grievance"]] > 0.3
    held = model.apply(s, "IRN_hold")
    struck = model.apply(s, "IRN_strike_warned")
    for var in ("IRN.credibility", "IRN.ally_standing"):
        i = model.var_index[var]
        assert held[i] < s[i] < struck[i]
    quiet = s.copy()
    quiet[model.var_index["IRN.grievance"]] = 0.0
    assert np.allclose(model.apply(quiet, "IRN_hold"), quiet)


def test_closing_every_channel_makes_talks_infeasible(sc):
    m = compile_model(sc, {"channel.OMAN": 0, "channel.QATAR": 0, "channel.SWISS": 0})
    ex = explain_at(m, "after_october_26")
    assert not next(a for a in ex.actions if a.action == "IRN_talks").feasible
    assert ex.probability_of("IRN_talks") == 0


# ----------------------------------------------------------- history and replay

def test_timeline_replay_moves_the_state(model):
    before = state_at(model, "after_damascus")
    after = state_at(model, "after_true_promise")
    g = model.var_index["IRN.grievance"]
    assert before[g] > 0.3          # the consulate strike is an unanswered violation
    assert after[g] < before[g]     # True Promise answered it
    assert before[model.var_index["world.week"]] < 0   # 2024 dates lie before as_of
    assert after[model.var_index["channel.OMAN"]] == 1
    assert state_at(model, "after_october_26")[model.var_index["channel.OMAN"]] == 0  # halted in October


def test_pinned_overrides_survive_observed_state(sc):
    m = compile_model(sc, {"legitimacy": 0.3})   # short name resolves to IRN.legitimacy
    assert state_at(m, "after_october_26")[m.var_index["IRN.legitimacy"]] == 0.3


def test_unknown_override_is_a_clear_error(sc):
    with pytest.raises(BrinkError, match="unknown name"):
        compile_model(sc, {"no_such_thing": 1})
    with pytest.raises(BrinkError, match="no concern"):
        compile_model(sc, {"weight.IRN.nope": 0.1})


def test_replay_gives_a_probability_for_every_decision_point(model):
    rows = replay(model)
    assert len(rows) == len(model.scenario.decision_points)
    assert all(0 < r.p_taken < 1 for r in rows)
    assert {r.actor for r in rows} == {"IRN", "ISR", "USA"}


# ------------------------------------------------------------------ tendencies

def test_tendency_is_added_to_the_utility_of_its_category_and_shown_in_its_own_column(sc, model):
    """U(a) = w · Δ(a) + t[cat(a)]: the concern contributions do not move, the utility and P do."""
    base = explain_at(model, "after_haniyeh")
    tilted_model = compile_model(sc, {"tendency.IRN.proxy_attack": 0.05, "tendency.IRN.none": -0.02})
    tilted = explain_at(tilted_model, "after_haniyeh")
    for a0, a1 in zip(base.actions, tilted.actions):
        want = {"proxy_attack": 0.05, "none": -0.02}.get(a1.category, 0.0)
        assert a1.tendency == want
        assert a1.contributions == pytest.approx(a0.contributions)
        assert a1.utility == pytest.approx(sum(a1.contributions.values()) + want)
        assert a1.utility - a0.utility == pytest.approx(want)
    assert tilted.probability_of("IRN_proxy_attack") > base.probability_of("IRN_proxy_attack")
    f = tilted.to_frame()
    assert list(f["tendency"]) == [a.tendency for a in tilted.actions]
    assert tilted.to_dict()["actions"][0]["tendency"] == tilted.actions[0].tendency
    assert tilted.what_if["tendency.IRN.proxy_attack"] == 0.05


def test_the_adversarys_tendency_moves_its_anticipated_answer(sc, model):
    S = state_at(model, "after_haniyeh")
    base = evaluate(model, S, "IRN")
    m = compile_model(sc, {"tendency.ISR.none": 0.2})
    ev = evaluate(m, S, "IRN")
    none = [j for j, c in enumerate(m.actors["ISR"].categories) if c == "none"]
    assert np.all(ev.adversary_probability[:, none].sum(axis=-1) >= base.adversary_probability[:, none].sum(axis=-1))
    assert not np.allclose(ev.adversary_probability, base.adversary_probability)


@pytest.mark.parametrize("key,match", [
    ("tendency.XXX.none", "unknown actor 'XXX'"),
    ("tendency.IRN.bogus", "IRN has no catalogue action of category 'bogus'"),
    ("tendency.ISR.proxy_attack", "ISR has no catalogue action of category 'proxy_attack'"),
])
def test_unknown_tendency_override_is_a_clear_error(sc, key, match):
    with pytest.raises(BrinkError, match=match):
        compile_model(sc, {key: 0.1})
