"""The compiled kernel (brink.sim.kernel) against the decision model it is generated from.

The NumPy backend *is* the decision model (choice.evaluate, Model.apply); the
kernel is its translation into straight-line Numba code. These tests hold the
translation to the definition: formula by formula, choice probabilities on
many states, and whole simulations run by run, baseline and interventions.
"""

import math

import numpy as np
import pytest

from brink.errors import BrinkError
from brink.model.choice import evaluate
from brink.model.compiled import Model
from brink.sim.engine import Engine
from brink.model.compiled import compile_model
from brink.sim.interventions import from_options, resolve_intervention
from brink.sim.kernel import KernelSource, _Source, kernel_args, unsupported_reason


def _random_states(model: Model, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = model.lo.copy(), model.hi.copy()
    wk = model.var_index["world.week"]
    lo[wk], hi[wk] = 0.0, 30.0
    return lo + rng.random((n, len(lo))) * (hi - lo)


FORMULAS = [
    "-k * IRN.grievance + 1",
    "(IRN.unrest - ISR.grievance) / (k + 1)",
    "min(IRN.unrest, ISR.grievance) * max(k, IRN.legitimacy)",
    "clip(IRN.unrest - k, 0, ISR.grievance)",
    "IRN.unrest >= k and not ISR.grievance < k or IRN.legitimacy == 0",
    "0 < IRN.unrest <= ISR.grievance",
    "(IRN.unrest > k) * ISR.grievance",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_translated_formula_means_what_the_numpy_closure_means(scenario, text):
    model = Model(scenario)
    model.params["k"] = 0.4
    src = _Source(model)
    formula = model.formula(text)  # parsed once; the kernel translates the tree the closure was built from
    code = src.expr(formula, {})
    p = np.array([model.params[n] for n in src.param_names])
    for s in _random_states(model, 200, 3):
        want = formula(s)
        got = eval(code, {"min": min, "max": max, "np": np}, {"s": s, "p": p})  # same semantics as in Numba
        assert float(got) == pytest.approx(float(want), abs=1e-15), (text, s)


def _kernel_choice(eng, ka, actor, states):
    """The kernel's choose_<actor> on many states at once (one lane each)."""
    n_a = len(eng.model.actors[actor].actions)
    X = np.ascontiguousarray(states.T)
    M = states.shape[0]
    P, F, Ub = np.empty((n_a, M)), np.empty((n_a, M), dtype=np.bool_), np.empty((n_a, M))
    getattr(eng._kernel, f"choose_{actor}")(X, M, ka.p, ka.W, ka.LAM, ka.TD, ka.en, P, F, Ub)
    return P.T, F.T


def test_kernel_choice_probabilities_equal_the_decision_model(scenario):
    eng = Engine(scenario, horizon=26, backend="numba")
    model, ka = eng.model, eng._kargs
    states = np.vstack([eng.start[None, :], _random_states(model, 300, 11)])
    for actor in eng.order:
        want = evaluate(model, states, actor)
        P, F = _kernel_choice(eng, ka, actor, states)
        assert np.array_equal(F, want.feasible), actor
        assert np.abs(P - want.probability).max() < 1e-12, actor


# Non-zero tendencies for the decider and for its anticipated adversary (ISR answers IRN; IRN answers ISR).
TENDENCIES = ["tendency.IRN.proxy_attack=0.03", "tendency.IRN.none=-0.02", "tendency.ISR.none=0.04",
              "tendency.ISR.large_strike=-0.03", "tendency.HEZ.proxy_attack=0.02", "tendency.USA.defend=0.05"]


def test_kernel_serves_interventions_through_its_arguments(scenario):
    """Weights, tendencies, precision, parameters and disabled actions change the arguments, not the code."""
    iv = from_options(set_items=["weight.IRN.us_entry=0.9", "precision.ISR=2.5", "proxy_attribution=0.9",
                                 *TENDENCIES],
                      disable=["IRN_strike_warned"])
    model = compile_model(scenario, iv)
    base = Model(scenario)
    assert KernelSource(model, tuple(scenario.schedule.order)).text() == \
        KernelSource(base, tuple(scenario.schedule.order)).text()
    eng = Engine(scenario, iv, horizon=26, backend="numba")
    ka = kernel_args(eng.model)
    assert not ka.en[list(eng.model.actions).index("IRN_strike_warned")]
    assert ka.TD.any()
    states = _random_states(eng.model, 100, 5)
    for actor in ("IRN", "ISR", "HEZ"):
        want = evaluate(eng.model, states, actor)
        P, _ = _kernel_choice(eng, ka, actor, states)
        assert np.abs(P - want.probability).max() < 1e-12, actor
        # and the tendencies matter: without them the decision model gives other probabilities
        assert np.abs(P - evaluate(Model(scenario), states, actor).probability).max() > 1e-4, actor


def test_kernel_adds_the_adversarys_tendency_to_its_answers(scenario):
    """Only the adversary's tendency changes: the decider's probabilities move through its anticipation."""
    iv = from_options(set_items=["tendency.ISR.none=0.05", "tendency.ISR.assassination=-0.05"])
    eng = Engine(scenario, iv, horizon=26, backend="numba")
    ka = kernel_args(eng.model)
    states = _random_states(eng.model, 100, 8)
    P, _ = _kernel_choice(eng, ka, "IRN", states)
    want = evaluate(eng.model, states, "IRN").probability
    assert np.abs(P - want).max() < 1e-12
    assert np.abs(P - evaluate(Model(scenario), states, "IRN").probability).max() > 1e-4


@pytest.mark.parametrize("name,flags", [
    ("baseline", None),
    ("legitimacy-low", None),
    ("tendencies", dict(set_items=TENDENCIES)),
    ("flags", dict(set_items=["IRN.legitimacy=0.3", "inaction_credibility_cost=0.5"], close=["QATAR"],
                   disable=["IRN_strike_warned"], force_items=["HEZ:HEZ_ceasefire@2", "USA:USA_max_pressure@1-3"])),
])
def test_compiled_and_numpy_backends_agree_run_by_run(scenario, name, flags):
    if flags:
        iv = from_options(**flags)
    elif name == "baseline":
        iv = None
    else:
        iv = resolve_intervention(name, "iran-2024")
    kw = {} if iv is None else {"intervention": iv}
    fast = Engine(scenario, horizon=20, backend="numba", **kw).run_batch(seed=13, first_block=0, n_blocks=1, n=300)
    slow = Engine(scenario, horizon=20, backend="numpy", **kw).run_batch(seed=13, first_block=0, n_blocks=1, n=300)
    assert np.array_equal(fast.history.first, slow.history.first)
    assert np.array_equal(fast.history.count, slow.history.count)
    assert np.array_equal(fast.end_active, slow.end_active)
    assert np.array_equal(fast.active_counts, slow.active_counts)
    assert np.array_equal(fast.action_counts, slow.action_counts)
    assert fast.forced_skipped == slow.forced_skipped
    assert np.allclose(fast.state_sum, slow.state_sum, rtol=0, atol=1e-9)
    assert np.array_equal(fast.front_hist, slow.front_hist)


def test_auto_falls_back_to_numpy_where_the_kernel_would_not_be_exact(scenario):
    # a horizon long enough for world.week to pass the end of its range: the kernel clips, NumPy does not
    probe = Engine(scenario, horizon=1, backend="numpy")
    wk = probe.model.var_index["world.week"]
    long = math.ceil((probe.model.hi[wk] - probe.start[wk]) / probe.round_weeks) + 1
    eng = Engine(scenario, horizon=long)
    assert eng.backend == "numpy" and "would pass its range's end" in eng.backend_note
    note = Engine(scenario, horizon=long - 2).backend_note  # two rounds shorter stays inside the range
    assert not note or "range" not in note
    with pytest.raises(BrinkError, match="cannot run this scenario"):
        Engine(scenario, horizon=long, backend="numba")
    with pytest.raises(BrinkError, match="outside the range of IRN.legitimacy"):  # a pin out of range never gets here
        Engine(scenario, from_options(set_items=["IRN.legitimacy=1.5"]), horizon=4)
    with pytest.raises(BrinkError, match="expected auto, numba or numpy"):
        Engine(scenario, horizon=4, backend="cuda")


def test_week_past_its_range_is_left_to_numpy(scenario):
    model = Model(scenario)
    start = Engine(scenario, horizon=1, backend="numpy").start
    wk = model.var_index["world.week"]
    assert unsupported_reason(model, start, 10, 2.0) is None
    assert "world.week" in unsupported_reason(model, start, math.ceil(model.hi[wk] / 2.0) + 1, 2.0)
