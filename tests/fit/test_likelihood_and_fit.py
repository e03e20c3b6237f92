"""The fast likelihood equals the model's own evaluation; the fit recovers known parameters."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from brink.fit.episodes import Episode
from brink.fit.estimate import DecisionModelFit
from brink.fit.likelihood import (category_probabilities, log_likelihood, log_likelihood_grad, model_parameters,
                                  precompute)
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


# Known tendencies (utility units) for the recovery test: habits towards and away from some categories.
TRUE_TENDENCIES = {"tendency.IRN.proxy_attack": 0.04, "tendency.IRN.none": -0.03, "tendency.IRN.rhetoric_only": 0.02,
                   "tendency.ISR.none": 0.03, "tendency.ISR.large_strike": -0.04}


def _truth(scenario):
    """Known parameters away from the scenario's values, weights on the scenario's simplex, tendencies."""
    m = compile_model(scenario)
    truth = {"lambda": 25.0}
    for actor in ("IRN", "ISR"):
        ids, w0 = m.actors[actor].concern_ids, m.actors[actor].weights
        tilt = np.exp(np.linspace(-0.6, 0.6, len(ids)))  # a definite, known re-weighting
        w = w0 * tilt
        w *= w0.sum() / w.sum()
        truth |= {f"weight.{actor}.{c}": float(x) for c, x in zip(ids, w)}
    return truth | TRUE_TENDENCIES


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
    data = _synthetic(scenario, truth, 6000, seed=7)
    fit = DecisionModelFit(scenario, lambda_prior_sd=5.0, weight_prior_sd=5.0, tendency_prior_sd=5.0).fit(data)
    return truth, fit


def test_fit_recovers_known_parameters(recovered):
    """Tolerance: λ within 3 standard errors and 15 % (6000 synthetic decisions; with 2000 the
    estimate's se is about 10 % of λ and single draws fall 20 % off); every weight within 3 standard errors + 0.02 of
    the truth; each tendency's difference from the actor's ``none`` tendency within 3 of its standard
    errors (only differences within an actor are identified by the choices: a constant added to all of
    one actor's tendencies changes no probability, so their common level is the prior's)."""
    truth, fit = recovered
    assert fit.converged_
    est = fit.estimates_.set_index("parameter")
    lam, lam_se = est.loc["lambda", "estimate"], est.loc["lambda", "se"]
    assert abs(lam - truth["lambda"]) <= 3 * lam_se and abs(lam / truth["lambda"] - 1) < 0.15
    for name, value in truth.items():
        if not name.startswith("weight."):
            continue
        e, se = est.loc[name, "estimate"], est.loc[name, "se"]
        assert abs(e - value) <= 3 * se + 0.02, (name, e, value, se)
        assert se < 0.1  # 6000 episodes carry real information about each weight
    names = list(est.index)
    cov = fit._jacobian(fit.theta_) @ fit.cov_ @ fit._jacobian(fit.theta_).T   # natural-parameter covariance
    for actor in ("IRN", "ISR"):
        ref = f"tendency.{actor}.none"
        for c in ("proxy_attack", "rhetoric_only", "large_strike", "direct_strike_warned", "assassination"):
            name = f"tendency.{actor}.{c}"
            if name not in est.index:
                continue
            d = np.zeros(len(names))
            d[names.index(name)], d[names.index(ref)] = 1.0, -1.0
            se = float(np.sqrt(d @ cov @ d))
            want = truth.get(name, 0.0) - truth[ref]
            got = est.loc[name, "estimate"] - est.loc[ref, "estimate"]
            assert abs(got - want) <= 3 * se, (name, got, want, se)
            assert se < 0.03, (name, se)   # the differences are well determined (utility units)


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
    W, T, L = model_parameters(model)
    P = category_probabilities(pre, W, T, L)
    cats = list(pre.categories)
    by_hand = sum(np.log(P[i, cats.index(c.observed)]) for i, c in enumerate(mapping.contexts))
    assert log_likelihood(pre, W, T, L) == pytest.approx(by_hand)


def test_the_gradient_is_the_derivative_of_the_objective(scenario, mapping):
    """The exact gradient (λ, weights, tendencies of deciders and of anticipated adversaries) against
    central differences, at a point away from the scenario's values."""
    fit = DecisionModelFit(scenario, tendency_prior_sd=0.7)
    pre = precompute(compile_model(scenario), mapping.contexts)
    fit._layout(pre)
    fit.tendency_prior_sd_ = 0.7
    theta = fit._z0 + np.random.default_rng(1).normal(0, 0.3, fit._dim)
    sw = np.random.default_rng(2).integers(0, 3, len(mapping.contexts)).astype(float)
    for w in (None, sw):
        _, g = fit._objective_grad(theta, pre, w)
        h = 1e-6
        num = [(fit._objective(theta + e, pre, w) - fit._objective(theta - e, pre, w)) / (2 * h)
               for e in np.eye(fit._dim) * h]
        assert np.allclose(g, num, rtol=1e-5, atol=1e-5)
    # without Israel's own episodes its tendencies are the pooled means of the others' (a function of
    # theta), and as Iran's anticipated adversary they enter Iran's likelihood: that chain too
    no_isr = [c for c in mapping.contexts if c.actor != "ISR"]
    pooled = DecisionModelFit(scenario, tendency_prior_sd=0.7)
    pooled.model_ = compile_model(scenario, {"tendency.ISR.none": 0.03})
    pre_p = precompute(pooled.model_, no_isr)
    pooled._layout(pre_p)
    pooled.tendency_prior_sd_ = 0.7
    assert "ISR" in pooled.pooled_actors_ and "ISR" not in pooled.tendency_actors_
    th = pooled._z0 + np.random.default_rng(4).normal(0, 0.3, pooled._dim)
    _, g = pooled._objective_grad(th, pre_p)
    num = [(pooled._objective(th + e, pre_p) - pooled._objective(th - e, pre_p)) / 2e-6
           for e in np.eye(pooled._dim) * 1e-6]
    assert np.allclose(g, num, rtol=1e-5, atol=1e-5)
    # tendencies fixed in utility units (not fitted) scale with λ in logit units: the λ derivative says so
    fixed = DecisionModelFit(scenario, fit_tendencies=False, tendency_prior_sd=1.0)
    fixed.model_ = compile_model(scenario, {"tendency.ISR.none": 0.03, "tendency.IRN.proxy_attack": -0.02})
    fixed._layout(precompute(fixed.model_, mapping.contexts))
    fixed.tendency_prior_sd_ = 1.0
    pre_f = precompute(fixed.model_, mapping.contexts)
    th = fixed._z0 + np.random.default_rng(3).normal(0, 0.3, fixed._dim)
    _, g = fixed._objective_grad(th, pre_f)
    e0 = np.eye(fixed._dim)[0] * 1e-6
    assert g[0] == pytest.approx((fixed._objective(th + e0, pre_f) - fixed._objective(th - e0, pre_f)) / 2e-6,
                                 rel=1e-5, abs=1e-5)
    # the raw log-likelihood gradient, for an actor whose tendencies are fixed in utility units
    W, T, L = model_parameters(compile_model(scenario, {"tendency.ISR.none": 0.02, "lambda": 9.0}))
    ll, gr = log_likelihood_grad(pre, W, T, L)
    assert ll == pytest.approx(log_likelihood(pre, W, T, L))
    eps = 1e-6
    T2 = dict(T)
    T2["ISR"] = T["ISR"] + eps * np.eye(len(T["ISR"]))[0] / L["ISR"]   # +eps on β of ISR's first action
    assert (log_likelihood(pre, W, T2, L) - ll) / eps == pytest.approx(gr.beta["ISR"][0], rel=1e-3, abs=1e-6)


def test_tendencies_nest_the_base_rate(scenario, mapping):
    """The ASC property: with every weight at zero and a flat prior, the fitted tendencies make each
    actor's predicted category probabilities, summed over its training contexts, equal its observed
    counts (the moment condition of the alternative-specific constants)."""
    zero = {f"weight.{a.id}.{c.id}": 0.0 for a in scenario.actors for c in a.concerns}
    model = compile_model(scenario, zero)
    fit = DecisionModelFit(scenario, fit_weights=False, fit_lambda=False, tendency_prior_sd=1e4)
    fit.model_ = model
    fit.fit(mapping.contexts)
    assert fit.converged_ and fit.fitted_actors_ == ()
    P = fit.predict_proba(mapping.contexts)
    actors = sorted({c.actor for c in mapping.contexts})
    assert set(fit.tendency_actors_) == set(actors)
    for actor in actors:
        rows = [i for i, c in enumerate(mapping.contexts) if c.actor == actor]
        predicted = P.iloc[rows].sum(axis=0)
        observed = pd.Series([mapping.contexts[i].observed for i in rows]).value_counts()
        for cat in P.columns:
            assert predicted[cat] == pytest.approx(observed.get(cat, 0), abs=2e-3), (actor, cat)


def test_the_tendencies_prior_sd_is_chosen_by_cross_validation_inside_the_training_set(scenario, mapping):
    from brink.fit.estimate import TENDENCY_GRID

    ctx = mapping.contexts
    a = DecisionModelFit(scenario).fit(ctx)
    assert a.tendency_prior_sd_ in TENDENCY_GRID and set(a.cv_scores_) == set(TENDENCY_GRID)
    assert a.cv_scores_[a.tendency_prior_sd_] == max(a.cv_scores_.values())
    assert a.to_dict()["prior"]["tendency_sd_chosen_by"] == "cross-validation"
    b = DecisionModelFit(scenario).fit(ctx)
    assert b.tendency_prior_sd_ == a.tendency_prior_sd_ and b.cv_scores_ == a.cv_scores_   # fixed folds
    # a tighter prior keeps the tendencies nearer zero
    tight = DecisionModelFit(scenario, tendency_prior_sd=0.01).fit(ctx)
    loose = DecisionModelFit(scenario, tendency_prior_sd=4.0).fit(ctx)
    t = lambda f: np.abs([v for k, v in f.overrides_.items() if k.startswith("tendency.")]).max()  # noqa: E731
    assert t(tight) < 0.1 * t(loose)
    assert tight.cv_scores_ == {}


def test_fit_reports_convergence_and_bounds_honestly(scenario, mapping, monkeypatch):
    fit = DecisionModelFit(scenario, tendency_prior_sd=1.0, bootstrap=3, seed=1).fit(mapping.contexts)
    assert fit.converged_ is True and fit.convergence_message_
    rec = fit.to_dict()
    assert rec["converged"] is True and rec["warnings"] == fit.warnings_
    assert rec["bootstrap"]["nonconverged"] == fit.bootstrap_nonconverged_ == 0
    assert any("HTH decides in only 1 training episode" in w for w in fit.warnings_)
    est = fit.estimates_
    tend = est[est["parameter"].str.startswith("tendency.")]
    assert len(tend) and tend["se"].notna().all() and (tend["ci_low"] <= tend["ci_high"]).all()
    assert fit.bootstrap_samples_.shape == (3, len(est))
    # stopped after one iteration: the optimiser's own verdict is reported, not assumed
    import scipy.optimize

    full = scipy.optimize.minimize
    monkeypatch.setattr(scipy.optimize, "minimize", lambda *a, **kw: full(*a, **(kw | {"options": {"maxiter": 1}})))
    short = DecisionModelFit(scenario, tendency_prior_sd=1.0, bootstrap=2).fit(mapping.contexts)
    assert short.converged_ is False and short.bootstrap_nonconverged_ == 2
    assert any("did not converge" in w for w in short.warnings_)
    assert any("2 of 2 bootstrap refits did not converge" in w for w in short.warnings_)
    # a flat prior pushes the tendency of a category never chosen as far as the bounds allow: said so
    monkeypatch.setattr(scipy.optimize, "minimize", full)
    monkeypatch.setattr("brink.fit.estimate.TENDENCY_BOUND", 1.0)
    flat = DecisionModelFit(scenario, tendency_prior_sd=1e4).fit(mapping.contexts)
    assert any(w.startswith("tendency.") and "lower bound" in w for w in flat.warnings_)
    assert not any("bound" in w for w in fit.warnings_)


def test_an_actor_without_episodes_gets_the_pooled_tendencies(scenario, mapping):
    """The hierarchical prior's prediction for an actor the training set never saw decide: each of its
    categories gets the posterior mean of the pooled μ_c, Σ(b − b0)/(n_c + 1) over the fitted actors
    that have c, on top of its scenario value (0 here) — not the bare scenario value."""
    no_isr = [c for c in mapping.contexts if c.actor != "ISR"]
    fit = DecisionModelFit(scenario, tendency_prior_sd=1.0).fit(no_isr)
    assert "ISR" in fit.pooled_actors_ and fit.n_by_actor_.get("ISR", 0) == 0
    est = fit.estimates_.set_index("parameter")
    lam = fit.lambdas_["ISR"]
    for c in fit._pcats["ISR"]:
        members = [a for a in fit.tendency_actors_ if c in fit._cats[a]]
        b = [est.loc[f"tendency.{a}.{c}", "estimate"] * fit.lambdas_[a] for a in members]
        assert est.loc[f"tendency.ISR.{c}", "estimate"] == pytest.approx(sum(b) / (len(b) + 1) / lam)
        assert est.loc[f"tendency.ISR.{c}", "episodes"] == 0
        assert fit.overrides_[f"tendency.ISR.{c}"] == pytest.approx(est.loc[f"tendency.ISR.{c}", "estimate"])
    cats = fit.model_.actors["ISR"].categories
    assert fit.tendencies_["ISR"][cats.index("limited_precision_strike")] == pytest.approx(
        est.loc["tendency.ISR.limited_precision_strike", "estimate"])
    # and its predictions use them: Israel's forecast differs from the same fit with its bare prior
    isr = [c for c in mapping.contexts if c.actor == "ISR"]
    pre = precompute(fit.model_, isr)
    T = dict(fit.tendencies_) | {"ISR": fit.base_tendencies_["ISR"]}
    assert np.allclose(fit.predict_proba(isr).to_numpy(),
                       category_probabilities(pre, fit.weights_, fit.tendencies_, fit.lambdas_))
    assert not np.allclose(fit.predict_proba(isr).to_numpy(), category_probabilities(pre, fit.weights_, T, fit.lambdas_))


def test_tendency_prior_sd_option():
    from brink.errors import BrinkError
    from brink.fit.estimate import tendency_prior_sd_option

    assert tendency_prior_sd_option("cv") == "cv" and tendency_prior_sd_option(" CV ") == "cv"
    assert tendency_prior_sd_option("0.5") == 0.5 and tendency_prior_sd_option(2) == 2.0
    for bad in ("x", "0", "-1", "inf", float("nan"), -2):
        with pytest.raises(BrinkError, match="positive number or 'cv'"):
            tendency_prior_sd_option(bad)
