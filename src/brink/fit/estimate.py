"""Penalised maximum-likelihood fit of λ and the concern weights.

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
  1.6 for one sd of evidence.

The objective is the log-likelihood of the observed categories plus the log
prior (a MAP estimate); L-BFGS-B from the scenario values. Standard errors come
from the inverse of the numerical Hessian of the penalised objective, carried
to λ and the weights by the delta method; ``bootstrap > 0`` adds percentile
intervals from refits on episodes resampled with a seeded
``numpy.random.Generator`` (reproducible for a given seed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from brink.errors import BrinkError
from brink.frames import records
from brink.fit.likelihood import Precomputed, category_probabilities, log_likelihood, model_parameters, precompute
from brink.fit.mapping import DecisionContext
from brink.model.compiled import Model, compile_model


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


class DecisionModelFit:
    """Fit the decision model's λ and concern weights to decision contexts (see module doc)."""

    def __init__(self, scenario, *, fit_lambda: bool = True, fit_weights: bool = True,
                 lambda_prior_sd: float = 1.0, weight_prior_sd: float = 0.5, min_episodes: int = 1,
                 bootstrap: int = 0, seed: int = 0):
        self.scenario = scenario
        self.fit_lambda = fit_lambda
        self.fit_weights = fit_weights
        self.lambda_prior_sd = lambda_prior_sd
        self.weight_prior_sd = weight_prior_sd
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
        W0, L0 = model_parameters(model)
        self.base_weights_, self.base_lambdas_ = W0, L0
        sc = model.scenario
        self.lambda0_ = float(model.params.get("lambda", 1.0))
        lam_param = sc.parameters.get("lambda")
        lo, hi = lam_param.range if lam_param is not None and lam_param.range else (1e-3, 1e4)
        self.lambda_bounds_ = (max(lo, 1e-6), hi)
        self.shared_lambda_actors_ = tuple(a.id for a in sc.actors if a.id in model.actors and a.precision is None)
        counts: dict[str, int] = {}
        for b in pre.blocks:
            counts[b.actor] = len(b.rows)
        self.fitted_actors_ = tuple(a for a in model.actors if counts.get(a, 0) >= self.min_episodes
                                    and len(W0[a]) > 1) if self.fit_weights else ()
        self.n_by_actor_ = counts
        self._slices = {}
        k = 1 if self.fit_lambda else 0
        for a in self.fitted_actors_:
            self._slices[a] = slice(k, k + len(W0[a]))
            k += len(W0[a])
        self._dim = k
        self._totals = {a: float(W0[a].sum()) for a in self.fitted_actors_}
        self._z0 = np.zeros(k)
        if self.fit_lambda:
            self._z0[0] = np.log(self.lambda0_)
        for a in self.fitted_actors_:
            self._z0[self._slices[a]] = np.log(np.maximum(W0[a] / self._totals[a], 1e-6))

    def _unpack(self, theta: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        W = dict(self.base_weights_)
        L = dict(self.base_lambdas_)
        if self.fit_lambda:
            lam = float(np.exp(theta[0]))
            for a in self.shared_lambda_actors_:
                L[a] = lam
        for a in self.fitted_actors_:
            W[a] = self._totals[a] * _softmax(theta[self._slices[a]])
        return W, L

    def _penalty(self, theta: np.ndarray) -> float:
        d = theta - self._z0
        sd = np.full(self._dim, self.weight_prior_sd)
        if self.fit_lambda:
            sd[0] = self.lambda_prior_sd
        return float(0.5 * np.sum((d / sd) ** 2))

    def _objective(self, theta, pre, sw=None) -> float:
        W, L = self._unpack(theta)
        return -log_likelihood(pre, W, L, sw) + self._penalty(theta)

    def _bounds(self):
        b = [(z - 10.0, z + 10.0) for z in self._z0]
        if self.fit_lambda:
            b[0] = (np.log(self.lambda_bounds_[0]), np.log(self.lambda_bounds_[1]))
        return b

    def _optimise(self, pre, start, sw=None) -> np.ndarray:
        if self._dim == 0:
            return start
        from scipy.optimize import minimize  # here, so that importing brink.fit stays light

        res = minimize(self._objective, start, args=(pre, sw), method="L-BFGS-B", bounds=self._bounds(),
                       options={"maxiter": 2000})
        return res.x

    # --------------------------------------------------------------- API
    def fit(self, contexts: Sequence[DecisionContext]) -> "DecisionModelFit":
        if not contexts:
            raise BrinkError("nothing to fit: no mapped episodes in the training set")
        model = self._model()
        pre = precompute(model, contexts)
        self._layout(pre)
        theta = self._optimise(pre, self._z0.copy())
        self.theta_ = theta
        W, L = self._unpack(theta)
        self.weights_, self.lambdas_ = W, L
        self.loglik_ = log_likelihood(pre, W, L)
        self.penalised_loglik_ = -self._objective(theta, pre)
        self.loglik_unfitted_ = log_likelihood(pre, self.base_weights_, self.base_lambdas_)
        self.n_train_ = len(contexts)
        self.episodes_ = tuple(c.episode_id for c in contexts)
        self.episode_files_ = tuple(sorted({Path(c.episode.file).name for c in contexts if c.episode.file}))
        self.converged_ = True
        self._standard_errors(pre, theta)
        self._bootstrap(pre, contexts, theta)
        return self

    def predict_proba(self, contexts: Sequence[DecisionContext], fitted: bool = True):
        """DataFrame (episode × category) of predicted probabilities."""
        import pandas as pd

        pre = precompute(self._model(), contexts)
        if fitted:
            self._check_fitted()
            P = category_probabilities(pre, self.weights_, self.lambdas_)
        else:
            W, L = model_parameters(self._model())
            P = category_probabilities(pre, W, L)
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
        for a in self.fitted_actors_:
            for cid, w in zip(self.model_.actors[a].concern_ids, self.weights_[a]):
                out[f"weight.{a}.{cid}"] = float(w)
        return out

    def _check_fitted(self):
        if not hasattr(self, "theta_"):
            raise BrinkError("call fit() first")

    # ------------------------------------------------------ uncertainty
    def _names(self) -> list[str]:
        names = ["lambda"] if self.fit_lambda else []
        for a in self.fitted_actors_:
            names += [f"weight.{a}.{c}" for c in self.model_.actors[a].concern_ids]
        return names

    def _natural(self, theta) -> np.ndarray:
        vals = [np.exp(theta[0])] if self.fit_lambda else []
        for a in self.fitted_actors_:
            vals += list(self._totals[a] * _softmax(theta[self._slices[a]]))
        return np.asarray(vals)

    def _standard_errors(self, pre, theta) -> None:
        n = self._dim
        self.hessian_ = np.zeros((n, n))
        se = np.full(len(self._names()), np.nan)
        if n:
            h = 1e-3
            f = lambda t: self._objective(t, pre)  # noqa: E731
            E = np.eye(n) * h
            for i in range(n):
                for j in range(i, n):
                    v = (f(theta + E[i] + E[j]) - f(theta + E[i] - E[j])
                         - f(theta - E[i] + E[j]) + f(theta - E[i] - E[j])) / (4 * h * h)
                    self.hessian_[i, j] = self.hessian_[j, i] = v
            try:
                cov = np.linalg.inv(self.hessian_)
            except np.linalg.LinAlgError:
                cov = np.linalg.pinv(self.hessian_)
            # delta method: Jacobian of natural parameters w.r.t. theta
            J = np.zeros((len(se), n))
            if self.fit_lambda:
                J[0, 0] = np.exp(theta[0])
            r = 1 if self.fit_lambda else 0
            for a in self.fitted_actors_:
                sl = self._slices[a]
                s = _softmax(theta[sl])
                k = len(s)
                J[r:r + k, sl] = self._totals[a] * (np.diag(s) - np.outer(s, s))
                r += k
            var = np.einsum("ij,jk,ik->i", J, cov, J)
            se = np.sqrt(np.maximum(var, 0.0))
        self.cov_ = cov if n else np.zeros((0, 0))
        self.se_ = se

    def _bootstrap(self, pre, contexts, theta) -> None:
        self.bootstrap_samples_ = np.zeros((0, len(self._names())))
        if self.bootstrap <= 0 or self._dim == 0:
            return
        rng = np.random.default_rng(self.seed)
        n = len(contexts)
        draws = []
        for _ in range(self.bootstrap):
            sw = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
            draws.append(self._natural(self._optimise(pre, theta.copy(), sw)))
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
            actor = name.split(".")[1] if name.startswith("weight.") else "shared"
            rows.append({"parameter": name, "scenario": start[i], "estimate": est[i], "se": self.se_[i],
                         "ci_low": lo, "ci_high": hi, "interval": how,
                         "episodes": self.n_by_actor_.get(actor, self.n_train_) if actor != "shared"
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
            "prior": {"lambda_sd_log": self.lambda_prior_sd, "weight_sd_logit": self.weight_prior_sd},
            "bootstrap": {"n": self.bootstrap, "seed": self.seed},
            "estimates": records(self.estimates_),
        }

    def write_scenario(self, out: str | Path, *, force: bool = False, today=None) -> Path:
        """Write the scenario with fitted values to ``out`` (see ``brink.fit.writer``)."""
        from brink.fit.writer import write_fitted_scenario

        self._check_fitted()
        return write_fitted_scenario(self, out, force=force, today=today)
