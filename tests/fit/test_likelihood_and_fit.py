"""The fast likelihood equals the model's own evaluation; the fit recovers known parameters."""

import datetime as dt
import json

import numpy as np
import pytest

from brink.fit.episodes import Episode
from brink.fit.estimate import DecisionModelFit
from brink.fit.likelihood import category_probabilities, log_likelihood, model_parameters, precompute
from brink.fit.mapping import DecisionContext, category_order
from brink.model import compile_model, evaluate


def test_fast_path_matches_evaluate_under_overrides(scenario, mapping):
    ov = {"lambda": 17.0, "weight.IRN.deterrence": 0.5, "weight.ISR.war_cost": 0.05, "weight.HEZ.strength": 0.1}
    m = compile_model(scenario, ov)
    pre = precompute(compile_model(scenario), mapping.contexts)  # states do not depend on λ or weights
    P = category_probabilities(pre, *model_parameters(m))
    cats = category_order(m)
    for i, c in enumerate(mapping.contexts):
        ev = evaluate(m, c.state, c.actor)
        q = np.zeros(len(cats))
        for a, p in zip(ev.actions, ev.probability):
            q[cats.index(scenario.action(a).category)] += p
        assert np.allclose(q, P[i], atol=1e-12)


def _truth(scenario):
    """Known parameters away from the scenario's values, weights on the scenario's simplex."""
    m = compile_model(scenario)
    truth = {"lambda": 25.0}
    for actor in ("IRN", "ISR"):
        ids, w0 = m.actors[actor].concern_ids, m.actors[actor].weights
        tilt = np.exp(np.linspace(-0.6, 0.6, len(ids)))  # a definite, known re-weighting
        w = w0 * tilt
        w *= w0.sum() / w.sum()
        truth |= {f"weight.{actor}.{c}": float(x) for c, x in zip(ids, w)}
    return truth


def _synthetic(scenario, truth, n, seed):
    """Decision contexts in random states, choices drawn from the model with ``truth``."""
    m = compile_model(scenario)
    mt = compile_model(scenario, truth)
    rng = np.random.default_rng(seed)
    cats = category_order(m)
    base = m.initial_state()
    ctx = []
    for k in range(n):
        actor = ("IRN", "ISR")[k % 2]
        S = base.copy()
        for i, name in enumerate(m.var_names):
            if not name.startswith(("channel.", "world.week")) and m.hi[i] <= 1:
                S[i] = rng.uniform(m.lo[i], m.hi[i])
        ep = Episode(f"S{k}", dt.date(2024, 1, 1), "", "", actor, dt.date(2024, 1, 2), "none")
        ctx.append(DecisionContext(ep, actor, S, "synthetic", cats, "none", None))
    P = category_probabilities(precompute(mt, ctx), *model_parameters(mt))
    out = []
    for c, p in zip(ctx, P):
        y = cats[rng.choice(len(cats), p=p / p.sum())]
        out.append(DecisionContext(c.episode, c.actor, c.state, c.source,
                                   tuple(k for k, q in zip(cats, p) if q > 0), y, None))
    return out


@pytest.fixture(scope="module")
def recovered(scenario):
    truth = _truth(scenario)
    data = _synthetic(scenario, truth, 2000, seed=7)
    fit = DecisionModelFit(scenario, lambda_prior_sd=5.0, weight_prior_sd=5.0).fit(data)
    return truth, fit


def test_fit_recovers_known_parameters(recovered):
    """Tolerance: λ within 10 %; every weight within 3 standard errors + 0.02 of the truth."""
    truth, fit = recovered
    est = fit.estimates_.set_index("parameter")
    assert abs(est.loc["lambda", "estimate"] / truth["lambda"] - 1) < 0.10
    for name, value in truth.items():
        if name == "lambda":
            continue
        e, se = est.loc[name, "estimate"], est.loc[name, "se"]
        assert abs(e - value) <= 3 * se + 0.02, (name, e, value, se)
        assert se < 0.1  # 2000 episodes carry real information about each weight


def test_fit_improves_likelihood_over_start_and_writes_overrides(recovered, scenario):
    truth, fit = recovered
    assert fit.loglik_ > fit.loglik_unfitted_
    m = compile_model(scenario, fit.overrides_)
    assert m.lam("IRN") == pytest.approx(fit.overrides_["lambda"])
    assert m.weights("IRN").sum() == pytest.approx(compile_model(scenario).weights("IRN").sum())


def test_prior_pulls_toward_scenario_values(scenario, mapping):
    tight = DecisionModelFit(scenario, lambda_prior_sd=1e-3, weight_prior_sd=1e-3).fit(mapping.contexts)
    base = compile_model(scenario)
    assert tight.overrides_["lambda"] == pytest.approx(base.params["lambda"], rel=1e-2)
    assert np.allclose(tight.weights_["IRN"], base.weights("IRN"), atol=1e-3)


def test_bootstrap_is_reproducible(scenario, mapping):
    ctx = mapping.contexts
    a = DecisionModelFit(scenario, bootstrap=5, seed=3).fit(ctx).bootstrap_samples_
    b = DecisionModelFit(scenario, bootstrap=5, seed=3).fit(ctx).bootstrap_samples_
    c = DecisionModelFit(scenario, bootstrap=5, seed=4).fit(ctx).bootstrap_samples_
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_fit_runs_on_a_scenarios_episodes(mapped, scenario_id):
    model, _, mapping = mapped
    fit = DecisionModelFit(scenario_id)
    fit.model_ = model
    fit.fit(mapping.contexts)
    assert fit.penalised_loglik_ >= fit.loglik_unfitted_ - 1e-9   # the start is a feasible point of the search
    est = fit.to_frame()
    assert est.equals(fit.estimates_) and est["parameter"].iloc[0] == "lambda"
    assert set(est["parameter"]) == set(fit.overrides_)
    rec = json.loads(json.dumps(fit.to_dict(), allow_nan=False))
    assert rec["scenario"] == model.scenario.meta.id and rec["n_episodes"] == len(mapping.contexts)
    assert rec["episode_files"] == ["episodes.csv"]
    assert [r["parameter"] for r in rec["estimates"]] == list(est["parameter"])
    refit = compile_model(model.scenario, fit.overrides_)
    assert refit.params["lambda"] == pytest.approx(fit.overrides_["lambda"])
    P = fit.predict_proba(mapping.contexts)
    assert list(P.index) == [c.episode_id for c in mapping.contexts] and np.allclose(P.sum(axis=1), 1)
    assert fit.score(mapping.contexts) == pytest.approx(fit.loglik_ / len(mapping.contexts))


def test_the_estimator_needs_a_scenario():
    with pytest.raises(TypeError):
        DecisionModelFit()


def test_fast_path_matches_evaluate(mapped):
    model, _, mapping = mapped
    P = category_probabilities(precompute(model, mapping.contexts), *model_parameters(model))
    cats = category_order(model)
    for i, c in enumerate(mapping.contexts):
        ev = evaluate(model, c.state, c.actor)
        q = np.zeros(len(cats))
        for a, p in zip(ev.actions, ev.probability):
            q[cats.index(model.scenario.action(a).category)] += p
        assert np.allclose(q, P[i], atol=1e-12)


def test_loglik_is_sum_of_log_category_probabilities(model, mapping):
    pre = precompute(model, mapping.contexts)
    W, L = model_parameters(model)
    P = category_probabilities(pre, W, L)
    cats = list(pre.categories)
    by_hand = sum(np.log(P[i, cats.index(c.observed)]) for i, c in enumerate(mapping.contexts))
    assert log_likelihood(pre, W, L) == pytest.approx(by_hand)
