"""Penalised maximum-likelihood fit of λ, the concern weights and the tendencies.

``DecisionModelFit`` is a scikit-learn-like estimator: the scenario (a built-in
name, a path or a loaded ``Scenario``) and plain keyword arguments,
``fit(contexts)``, ``predict_proba(contexts)`` (a DataFrame, one row per
episode, one column per response category), ``score(contexts)`` (mean log
score). A fitted estimator is its own result: ``to_frame()`` (the estimates,
one row per parameter) and ``to_dict()`` (JSON-able, what ``brink fit --json``
prints). Free parameters:

* ``log λ`` — one precision shared by every actor that has no precision of its
  own in the scenario, with a Gaussian prior ``N(log λ0, lambda_prior_sd²)``
  around the scenario's ``lambda`` and bounds from its ``range``;
* for every actor that decides in at least ``min_episodes`` training contexts,
  its concern weights on the simplex, ``w = total · softmax(z)`` (``total`` =
  the scenario's sum of that actor's weights, so only the mix changes), with a
  prior ``z ~ N(log(w0/total), weight_prior_sd²)`` that keeps them near the
  scenario's values. A prior sd of 0.5 lets a weight move by a factor of about
  1.6 for one sd of evidence;
* for the same actors, one *tendency* per response category of its catalogue
  (the alternative-specific constant: ``U(a) = w · Δ(a) + t[cat(a)]``), fitted
  in logit units ``b = λ·t`` (reported, and written, as ``t = b/λ`` in utility
  units). The prior is hierarchical: ``b_{i,c} − b0_{i,c} ~ N(μ_c, s²)`` with a
  pooled ``μ_c ~ N(0, s²)`` shared by the actors that have category *c*
  (``b0`` = the scenario's tendencies, 0 where it declares none), integrated
  out — so an actor with few episodes borrows the other actors' habit towards
  a category, and every tendency shrinks towards the scenario's value. An actor
  with no training episode of its own (``pooled_actors_``) gets, for each of its
  categories that fitted actors share, the posterior mean of the pooled ``μ_c``
  on top of its scenario value: the hierarchical model's forecast for a member
  it has not seen decide (listed in the estimates with 0 episodes).
  ``s`` is ``tendency_prior_sd``: a number, or ``"cv"`` (the default) to
  choose it from the grid ``TENDENCY_GRID`` by K-fold cross-validation inside
  the training contexts only (fixed folds: context *n* is in fold ``n mod K``,
  K = min(5, N); the s with the highest held-out log-likelihood wins, ties to
  the smaller); the choice is ``tendency_prior_sd_``.

The objective is the log-likelihood of the observed categories plus the log
prior (a MAP estimate); L-BFGS-B from the scenario values with the exact
gradient (``brink.fit.likelihood.log_likelihood_grad``). ``converged_`` is the
optimiser's own verdict (its message in ``convergence_message_``);
``warnings_`` lists, in plain sentences, estimates on or near their bounds,
actors whose estimates are mostly the prior's (one or two episodes) and
non-convergence. Standard errors come from the inverse of the Hessian of the
penalised objective (finite differences of the exact gradient), carried to λ,
the weights and the tendencies by the delta method; ``bootstrap > 0`` adds
percentile intervals from refits (at the chosen ``s``) on episodes resampled
with a seeded ``numpy.random.Generator`` (reproducible for a given seed);
``bootstrap_nonconverged_`` counts the refits the optimiser did not finish.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from brink.errors import BrinkError
from brink.frames import records
from brink.fit.likelihood import (Precomputed, category_probabilities, log_likelihood, log_likelihood_grad,
                                  model_parameters, precompute)
from brink.fit.mapping import DecisionContext
from brink.model.compiled import Model, compile_model

TENDENCY_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)  # candidate prior sds of the tendencies (logit units) for "cv"
TENDENCY_BOUND = 15.0                       # |b − b0| bound, logit units
CV_FOLDS = 5


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def tendency_prior_sd_option(value) -> float | str:
    """``tendency_prior_sd`` as given by a user: a positive number or ``"cv"`` (else BrinkError)."""
    if isinstance(value, str):
        if value.strip().lower() == "cv":
            return "cv"
        try:
            value = float(value)
        except ValueError:
            raise BrinkError(f"tendency prior sd {value!r}: expected a positive number or 'cv'") from None
    if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
        raise BrinkError(f"tendency prior sd {value!r}: expected a positive number or 'cv'")
    return float(value)


class DecisionModelFit:
    """Fit the decision model's λ, concern weights and tendencies to decision contexts (see module doc)."""

    def __init__(self, scenario, *, fit_lambda: bool = True, fit_weights: bool = True,
                 fit_tendencies: bool = True, lambda_prior_sd: float = 1.0, weight_prior_sd: float = 0.5,
                 tendency_prior_sd: float | str = "cv", min_episodes: int = 1, bootstrap: int = 0, seed: int = 0):
        self.scenario = scenario
        self.fit_lambda = fit_lambda
        self.fit_weights = fit_weights
        self.fit_tendencies = fit_tendencies
        self.lambda_prior_sd = lambda_prior_sd
        self.weight_prior_sd = weight_prior_sd
        self.tendency_prior_sd = tendency_prior_sd
        self.min_episodes = min_episodes
        self.bootstrap = bootstrap
        self.seed = seed

    # ----------------------------------------------------------- set-up
    def _model(self) -> Model:
        if not hasattr(self, "model_"):
            from brink.scenario import load_scenario
            from brink.scenario.schema import Scenario

            sc = self.scenario if isinstance(self.scenario, Scenario) else load_scenario(self.scenario)
            self.model_ = compile_model(sc)
        return self.model_

    def _layout(self, pre: Precomputed) -> None:
        model = self._model()
        W0, T0, L0 = model_parameters(model)
        self.base_weights_, self.base_tendencies_, self.base_lambdas_ = W0, T0, L0
        sc = model.scenario
        self.lambda0_ = float(model.params.get("lambda", 1.0))
        lam_param = sc.parameters.get("lambda")
        lo, hi = lam_param.range if lam_param is not None and lam_param.range else (1e-3, 1e4)
        self.lambda_bounds_ = (max(lo, 1e-6), hi)
        self.shared_lambda_actors_ = tuple(a.id for a in sc.actors if a.id in model.actors and a.precision is None)
        counts: dict[str, int] = {}
        for b in pre.blocks:
            counts[b.actor] = len(b.rows)
        self.n_by_actor_ = counts
        deciding = tuple(a for a in model.actors if counts.get(a, 0) >= self.min_episodes)
        self.fitted_actors_ = tuple(a for a in deciding if len(W0[a]) > 1) if self.fit_weights else ()
        self.tendency_actors_ = deciding if self.fit_tendencies else ()
        self._slices, self._bslices, self._cats, self._G = {}, {}, {}, {}
        k = 1 if self.fit_lambda else 0
        for a in self.fitted_actors_:
            self._slices[a] = slice(k, k + len(W0[a]))
            k += len(W0[a])
        for a in self.tendency_actors_:
            cats = tuple(dict.fromkeys(c for c in pre.categories if c in model.actors[a].categories))
            self._cats[a] = cats
            self._G[a] = np.asarray([[float(ac == c) for c in cats] for ac in model.actors[a].categories])
            self._bslices[a] = slice(k, k + len(cats))
            k += len(cats)
        self._dim = k
        self._totals = {a: float(W0[a].sum()) for a in self.fitted_actors_}
        self._z0 = np.zeros(k)
        if self.fit_lambda:
            self._z0[0] = np.log(self.lambda0_)
        for a in self.fitted_actors_:
            self._z0[self._slices[a]] = np.log(np.maximum(W0[a] / self._totals[a], 1e-6))
        for a in self.tendency_actors_:  # b0 = λ0 t0, one value per category (the scenario's tendency)
            cats = model.actors[a].categories
            self._z0[self._bslices[a]] = [L0[a] * T0[a][cats.index(c)] for c in self._cats[a]]
        # the pooled prior: per category, the tendency actors having it (indices into theta)
        groups: dict[str, list[int]] = {}
        for a in self.tendency_actors_:
            for q, c in enumerate(self._cats[a]):
                groups.setdefault(c, []).append(self._bslices[a].start + q)
        self._groups = [np.asarray(ix) for ix in groups.values()]
        # actors with no training episode of their own get the pooled mean of each category they have
        # (the hierarchical prior's prediction for a new member of the population), not the bare prior
        self._group_of = {c: np.asarray(ix) for c, ix in groups.items()}
        self._pcats, self._pb0, self._pmask = {}, {}, {}
        for a in model.actors if self.tendency_actors_ else ():
            if a in self._bslices:
                continue
            cats = model.actors[a].categories
            pc = tuple(c for c in dict.fromkeys(cats) if c in groups)
            if pc:
                self._pcats[a] = pc
                self._pb0[a] = np.asarray([L0[a] * T0[a][cats.index(c)] for c in pc])
                self._pmask[a] = np.asarray([c in groups for c in cats])
        self.pooled_actors_ = tuple(self._pcats)
        self._bmask = np.zeros(k, dtype=bool)
        for a in self.tendency_actors_:
            self._bmask[self._bslices[a]] = True

    def _lams(self, theta) -> dict[str, float]:
        L = dict(self.base_lambdas_)
        if self.fit_lambda:
            lam = float(np.exp(theta[0]))
            for a in self.shared_lambda_actors_:
                L[a] = lam
        return L

    def _unpack(self, theta: np.ndarray):
        """(weights, tendencies per action in utility units, precisions) by actor."""
        W = dict(self.base_weights_)
        L = self._lams(theta)
        T = dict(self.base_tendencies_)
        for a in self.fitted_actors_:
            W[a] = self._totals[a] * _softmax(theta[self._slices[a]])
        for a in self.tendency_actors_:
            T[a] = (self._G[a] @ theta[self._bslices[a]]) / L[a]
        for a in self.pooled_actors_:
            cats = self.model_.actors[a].categories
            b = dict(zip(self._pcats[a], self._pooled_b(theta, a)))
            T[a] = np.asarray([b[c] / L[a] if c in b else t for c, t in zip(cats, self.base_tendencies_[a])])
        return W, T, L

    def _pooled_mean(self, theta, c: str) -> float:
        """The posterior mean of the pooled μ_c given the fitted actors' b − b0 (logit units)."""
        ix = self._group_of[c]
        return float((theta[ix] - self._z0[ix]).sum() / (1 + len(ix)))

    def _pooled_b(self, theta, a: str) -> np.ndarray:
        """A pooled actor's tendency per pooled category, logit units: its scenario value + μ_c."""
        return self._pb0[a] + np.asarray([self._pooled_mean(theta, c) for c in self._pcats[a]])

    def _penalty_grad(self, theta: np.ndarray, s: float) -> tuple[float, np.ndarray]:
        d = theta - self._z0
        sd = np.full(self._dim, float(self.weight_prior_sd))
        if self.fit_lambda:
            sd[0] = self.lambda_prior_sd
        plain = ~self._bmask
        val = 0.5 * float(np.sum((d[plain] / sd[plain]) ** 2))
        grad = np.where(plain, d / sd ** 2, 0.0)
        for ix in self._groups:  # b − b0 ~ N(0, s²(I + 11ᵀ)): precision (I − 11ᵀ/(1+n)) / s²
            x = d[ix]
            tot = x.sum() / (1 + len(ix))
            val += 0.5 * float(x @ x - x.sum() * tot) / s ** 2
            grad[ix] = (x - tot) / s ** 2
        return val, grad

    def _objective_grad(self, theta, pre, sw=None, s=None) -> tuple[float, np.ndarray]:
        s = self.tendency_prior_sd_ if s is None else s
        W, T, L = self._unpack(theta)
        ll, g = log_likelihood_grad(pre, W, T, L, sw)
        grad = np.zeros(self._dim)
        if self.fit_lambda:
            for a in self.shared_lambda_actors_:
                grad[0] += g.log_lambda.get(a, 0.0)
                if a not in self._bslices and a in g.beta:  # a tendency fixed in utility units: β = λt
                    fixed = ~self._pmask[a] if a in self._pmask else slice(None)
                    grad[0] += float(g.beta[a][fixed] @ (L[a] * T[a])[fixed])
        for a in self.fitted_actors_:
            sm = _softmax(theta[self._slices[a]])
            J = self._totals[a] * (np.diag(sm) - np.outer(sm, sm))
            grad[self._slices[a]] += J.T @ g.weights.get(a, np.zeros(len(sm)))
        for a in self.tendency_actors_:
            grad[self._bslices[a]] += self._G[a].T @ g.beta.get(a, np.zeros(len(T[a])))
        for a in self.pooled_actors_:  # β = b0 + μ_c(θ) on its pooled actions
            if a in g.beta:
                cats = self.model_.actors[a].categories
                for c in self._pcats[a]:
                    ix = self._group_of[c]
                    grad[ix] += sum(float(v) for v, k in zip(g.beta[a], cats) if k == c) / (1 + len(ix))
        pen, pgrad = self._penalty_grad(theta, s)
        return -ll + pen, -grad + pgrad

    def _objective(self, theta, pre, sw=None, s=None) -> float:
        return self._objective_grad(theta, pre, sw, s)[0]

    def _bounds(self):
        b = [(z - 10.0, z + 10.0) for z in self._z0]
        for i in np.flatnonzero(self._bmask):
            b[i] = (self._z0[i] - TENDENCY_BOUND, self._z0[i] + TENDENCY_BOUND)
        if self.fit_lambda:
            b[0] = (np.log(self.lambda_bounds_[0]), np.log(self.lambda_bounds_[1]))
        return b

    def _optimise(self, pre, start, sw=None, s=None):
        """(theta, scipy result or None when there is nothing to fit)."""
        if self._dim == 0:
            return start, None
        from scipy.optimize import minimize  # here, so that importing brink.fit stays light

        res = minimize(self._objective_grad, start, args=(pre, sw, s), jac=True, method="L-BFGS-B",
                       bounds=self._bounds(), options={"maxiter": 5000})
        return res.x, res

    def _choose_prior_sd(self, pre, n: int) -> None:
        """Set ``tendency_prior_sd_`` (and ``cv_scores_``: held-out log-likelihood per grid value)."""
        self.cv_scores_ = {}
        if not self.tendency_actors_:
            self.tendency_prior_sd_ = 1.0 if self.tendency_prior_sd == "cv" else float(self.tendency_prior_sd)
            return
        if self.tendency_prior_sd != "cv":
            self.tendency_prior_sd_ = float(tendency_prior_sd_option(self.tendency_prior_sd))
            return
        K = min(CV_FOLDS, n)
        if K < 2:
            self.tendency_prior_sd_ = 1.0
            self._notes.append("one training episode: the tendencies' prior sd could not be cross-validated "
                               "and is 1.0")
            return
        fold = np.arange(n) % K
        starts = [self._z0.copy() for _ in range(K)]
        for s in TENDENCY_GRID:  # ascending, each fold warm-started from the previous value's solution
            total = 0.0
            for k in range(K):
                held = (fold == k).astype(float)
                theta, _ = self._optimise(pre, starts[k], 1.0 - held, s)
                starts[k] = theta
                total += log_likelihood(pre, *self._unpack(theta), held)
            self.cv_scores_[s] = total
        self.tendency_prior_sd_ = max(TENDENCY_GRID, key=lambda s: (self.cv_scores_[s], -s))

    # --------------------------------------------------------------- API
    def fit(self, contexts: Sequence[DecisionContext]) -> "DecisionModelFit":
        """Estimate on ``contexts``; returns self (the results are the trailing-underscore attributes).

        The optimiser's arrays are small (tens of parameters, a few dozen contexts): threaded
        BLAS only adds contention there, so BLAS runs on one thread while fitting
        (``threadpoolctl``; the caller's setting is restored afterwards).
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(contexts)

    def _check_settings(self) -> None:
        """Refuse settings that would give nonsense (a zero prior sd divides by zero)."""
        for name in ("lambda_prior_sd", "weight_prior_sd"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise BrinkError(f"--{name.replace('_', '-')} {v}: must be a positive number")
        if not isinstance(self.bootstrap, int) or self.bootstrap < 0:
            raise BrinkError(f"--bootstrap {self.bootstrap}: must be a whole number >= 0")

    def _fit(self, contexts: Sequence[DecisionContext]) -> "DecisionModelFit":
        self._check_settings()
        if not contexts:
            raise BrinkError("nothing to fit: no mapped episodes in the training set")
        if self.tendency_prior_sd != "cv":
            tendency_prior_sd_option(self.tendency_prior_sd)
        model = self._model()
        pre = precompute(model, contexts)
        self._layout(pre)
        self._notes: list[str] = []
        self._choose_prior_sd(pre, len(contexts))
        theta, res = self._optimise(pre, self._z0.copy())
        self.theta_ = theta
        W, T, L = self._unpack(theta)
        self.weights_, self.tendencies_, self.lambdas_ = W, T, L
        self.loglik_ = log_likelihood(pre, W, T, L)
        self.penalised_loglik_ = -self._objective(theta, pre)
        self.loglik_unfitted_ = log_likelihood(pre, self.base_weights_, self.base_tendencies_, self.base_lambdas_)
        self.n_train_ = len(contexts)
        self.episodes_ = tuple(c.episode_id for c in contexts)
        self.episode_files_ = tuple(sorted({Path(c.episode.file).name for c in contexts if c.episode.file}))
        self.converged_ = True if res is None else bool(res.success)
        self.convergence_message_ = "nothing to fit" if res is None else str(res.message)
        self._standard_errors(pre, theta)
        self._bootstrap(pre, contexts, theta)
        self.warnings_ = self._warnings()
        return self

    @property
    def tendency_prior_sd_source_(self) -> str:
        """How ``tendency_prior_sd_`` was set: 'given', 'cross-validation' or 'default' (nothing to validate)."""
        if self.tendency_prior_sd != "cv":
            return "given"
        return "cross-validation" if self.cv_scores_ else "default"

    def _warnings(self) -> list[str]:
        out = list(self._notes)
        if not self.converged_:
            out.append(f"the optimiser did not converge ({self.convergence_message_}); the estimates are "
                       "where it stopped")
        if self.bootstrap_nonconverged_:
            out.append(f"{self.bootstrap_nonconverged_} of {len(self.bootstrap_samples_)} bootstrap refits "
                       "did not converge")
        names = self._theta_names()
        for i, (lo, hi) in enumerate(self._bounds()):
            tol = 0.01 * (hi - lo)
            if self.theta_[i] <= lo + tol or self.theta_[i] >= hi - tol:
                side = "lower" if self.theta_[i] <= lo + tol else "upper"
                out.append(f"{names[i]} is at (or within 1 % of) its {side} bound: the data push it as far "
                           "as allowed, so its value and interval mean little")
        for a in dict.fromkeys(self.fitted_actors_ + self.tendency_actors_):
            n = self.n_by_actor_.get(a, 0)
            if n <= 2:
                out.append(f"{a} decides in only {n} training episode{'s' if n != 1 else ''}: its weights and "
                           "tendencies are mostly the prior's")
        return out

    def _theta_names(self) -> list[str]:
        names = ["lambda"] if self.fit_lambda else []
        for a in self.fitted_actors_:
            names += [f"weight.{a}.{c}" for c in self.model_.actors[a].concern_ids]
        for a in self.tendency_actors_:
            names += [f"tendency.{a}.{c}" for c in self._cats[a]]
        return names

    def predict_proba(self, contexts: Sequence[DecisionContext], fitted: bool = True):
        """DataFrame (episode × category) of predicted probabilities."""
        import pandas as pd

        pre = precompute(self._model(), contexts)
        if fitted:
            self._check_fitted()
            P = category_probabilities(pre, self.weights_, self.tendencies_, self.lambdas_)
        else:
            P = category_probabilities(pre, *model_parameters(self._model()))
        return pd.DataFrame(P, index=pd.Index(pre.episode_ids, name="episode_id"), columns=list(pre.categories))

    def score(self, contexts: Sequence[DecisionContext]) -> float:
        """Mean log score (mean log probability of the observed category)."""
        from brink.fit.scores import log_score

        return log_score(self.predict_proba(contexts), [c.observed for c in contexts])

    @property
    def overrides_(self) -> dict[str, float]:
        """The fitted values as ``compile_model`` overrides."""
        self._check_fitted()
        out: dict[str, float] = {}
        if self.fit_lambda:
            out["lambda"] = float(np.exp(self.theta_[0]))
        for name, value in zip(self._names(), self._natural(self.theta_)):
            if not name == "lambda":
                out[name] = float(value)
        return out

    def _check_fitted(self):
        if not hasattr(self, "theta_"):
            raise BrinkError("call fit() first")

    # ------------------------------------------------------ uncertainty
    def _names(self) -> list[str]:
        """The natural parameters: lambda, weight.ACTOR.CONCERN, tendency.ACTOR.CATEGORY (the fitted
        actors', then the pooled ones of actors without training episodes)."""
        return self._theta_names() + [f"tendency.{a}.{c}" for a in self.pooled_actors_ for c in self._pcats[a]]

    def _natural(self, theta) -> np.ndarray:
        vals = [np.exp(theta[0])] if self.fit_lambda else []
        for a in self.fitted_actors_:
            vals += list(self._totals[a] * _softmax(theta[self._slices[a]]))
        L = self._lams(theta)
        for a in self.tendency_actors_:
            vals += list(theta[self._bslices[a]] / L[a])
        for a in self.pooled_actors_:
            vals += list(self._pooled_b(theta, a) / L[a])
        return np.asarray(vals)

    def _jacobian(self, theta) -> np.ndarray:
        """∂ natural parameters / ∂ theta (the delta method's J)."""
        n = self._dim
        J = np.zeros((len(self._names()), n))
        if self.fit_lambda:
            J[0, 0] = np.exp(theta[0])
        r = 1 if self.fit_lambda else 0
        for a in self.fitted_actors_:
            sl = self._slices[a]
            sm = _softmax(theta[sl])
            k = len(sm)
            J[r:r + k, sl] = self._totals[a] * (np.diag(sm) - np.outer(sm, sm))
            r += k
        L = self._lams(theta)
        for a in self.tendency_actors_:
            sl = self._bslices[a]
            b = theta[sl]
            k = len(b)
            J[r:r + k, sl] = np.eye(k) / L[a]
            if self.fit_lambda and a in self.shared_lambda_actors_:
                J[r:r + k, 0] = -b / L[a]   # t = b / exp(theta_0)
            r += k
        for a in self.pooled_actors_:
            b = self._pooled_b(theta, a)
            for q, c in enumerate(self._pcats[a]):
                ix = self._group_of[c]
                J[r + q, ix] = 1.0 / ((1 + len(ix)) * L[a])
                if self.fit_lambda and a in self.shared_lambda_actors_:
                    J[r + q, 0] = -b[q] / L[a]
            r += len(b)
        return J

    def _standard_errors(self, pre, theta) -> None:
        """Hessian of the penalised objective by central differences of its exact gradient."""
        n = self._dim
        self.hessian_ = np.zeros((n, n))
        se = np.full(len(self._names()), np.nan)
        cov = np.zeros((0, 0))
        if n:
            h = 1e-4
            for i in range(n):
                e = np.zeros(n)
                e[i] = h
                self.hessian_[:, i] = (self._objective_grad(theta + e, pre)[1]
                                       - self._objective_grad(theta - e, pre)[1]) / (2 * h)
            self.hessian_ = 0.5 * (self.hessian_ + self.hessian_.T)
            try:
                cov = np.linalg.inv(self.hessian_)
            except np.linalg.LinAlgError:
                cov = np.linalg.pinv(self.hessian_)
            J = self._jacobian(theta)
            var = np.einsum("ij,jk,ik->i", J, cov, J)
            se = np.sqrt(np.maximum(var, 0.0))
        self.cov_ = cov
        self.se_ = se

    def _bootstrap(self, pre, contexts, theta) -> None:
        self.bootstrap_samples_ = np.zeros((0, len(self._names())))
        self.bootstrap_nonconverged_ = 0
        if self.bootstrap <= 0 or self._dim == 0:
            return
        rng = np.random.default_rng(self.seed)
        n = len(contexts)
        draws = []
        for _ in range(self.bootstrap):
            sw = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
            th, res = self._optimise(pre, theta.copy(), sw)
            self.bootstrap_nonconverged_ += int(res is not None and not res.success)
            draws.append(self._natural(th))
        self.bootstrap_samples_ = np.asarray(draws)

    def to_frame(self):
        """The estimates (see ``estimates_``)."""
        return self.estimates_

    @property
    def estimates_(self):
        """DataFrame: parameter, scenario value, estimate, standard error, 95 % interval."""
        import pandas as pd

        self._check_fitted()
        names = self._names()
        est = self._natural(self.theta_)
        start = self._natural(self._z0)
        rows = []
        for i, name in enumerate(names):
            if len(self.bootstrap_samples_):
                lo, hi = np.percentile(self.bootstrap_samples_[:, i], [2.5, 97.5])
                how = f"bootstrap ({len(self.bootstrap_samples_)}, seed {self.seed})"
            else:
                lo, hi = est[i] - 1.96 * self.se_[i], est[i] + 1.96 * self.se_[i]
                how = "±1.96 se"
            actor = name.split(".")[1] if name.startswith(("weight.", "tendency.")) else "shared"
            rows.append({"parameter": name, "scenario": start[i], "estimate": est[i], "se": self.se_[i],
                         "ci_low": lo, "ci_high": hi, "interval": how,
                         "episodes": self.n_by_actor_.get(actor, 0) if actor != "shared"
                         else self.n_train_})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """A JSON-able record of the fit (NaN as None)."""
        self._check_fitted()
        return {
            "scenario": self.model_.scenario.meta.id,
            "episodes": list(self.episodes_),
            "episode_files": list(self.episode_files_),
            "n_episodes": self.n_train_,
            "log_likelihood": float(self.loglik_),
            "log_likelihood_unfitted": float(self.loglik_unfitted_),
            "penalised_log_likelihood": float(self.penalised_loglik_),
            "prior": {"lambda_sd_log": self.lambda_prior_sd, "weight_sd_logit": self.weight_prior_sd,
                      "tendency_sd_logit": self.tendency_prior_sd_,
                      "tendency_sd_chosen_by": self.tendency_prior_sd_source_,
                      "tendency_cv_scores": {str(k): v for k, v in self.cv_scores_.items()}},
            "converged": self.converged_,
            "convergence_message": self.convergence_message_,
            "warnings": list(self.warnings_),
            "bootstrap": {"n": self.bootstrap, "seed": self.seed, "nonconverged": self.bootstrap_nonconverged_},
            "estimates": records(self.estimates_),
        }

    def write_scenario(self, out: str | Path, *, force: bool = False, today=None) -> Path:
        """Write the scenario with fitted values to ``out`` (see ``brink.fit.writer``)."""
        from brink.fit.writer import write_fitted_scenario

        self._check_fitted()
        return write_fitted_scenario(self, out, force=force, today=today)
