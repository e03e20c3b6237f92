"""Backtests: fit on earlier episodes, score forecasts of later ones, next to baselines.

Two designs:

* ``split=DATE`` — train on the mapped episodes whose response came before DATE
  (so nothing learnt from the test period), test on the rest (trigger on or
  after DATE, or response still pending at DATE);
* ``loo=True`` — leave-one-out: each mapped episode is forecast by a fit on all
  the others (ignores time order; more test points, weaker honesty about
  hindsight).

Every forecaster — the fitted model, the unfitted scenario, the base rate,
tit-for-tat and uniform — is fitted on the same training episodes and scored
on the same test episodes with the same choice sets. A ``BacktestResult`` gives
the scores as ``to_frame()`` (one row per forecaster), ``by_actor()`` (one row
per forecaster and deciding actor), ``differences()`` (the fitted model against
each other forecaster, with a paired bootstrap interval) and ``to_dict()``
(JSON-able, what ``brink backtest --json`` prints).

``differences(n_boot, seed)``: for each test episode ``i`` the paired
difference ``d_i = score_model(i) - score_other(i)`` (log score and Brier score
alike); the table gives the mean of ``d`` and a 95 % percentile interval of the
mean over ``n_boot`` resamples of the test episodes with replacement (the same
resampled episodes for every forecaster, from a ``numpy.random.Generator``
seeded with ``seed``, so the table is reproducible). Overall and for every
deciding actor with at least ``min_episodes`` test episodes. The verdict is
"inside the noise" when the interval contains 0, otherwise "better" or "worse"
for the fitted model (a higher log score, a lower Brier score is better).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brink.errors import BrinkError
from brink.fit.baselines import standard_baselines
from brink.fit.estimate import DecisionModelFit
from brink.frames import records
from brink.fit.mapping import DecisionContext, MappingResult
from brink.fit.scores import brier_score, brier_scores, log_score, log_scores, reliability

MODEL_NAME = "model (fitted)"
NOISE = "inside the noise"
ALL = "all"


def verdict(lo: float, hi: float, higher_is_better: bool) -> str:
    """"better" / "worse" for the fitted model from the interval of its difference, NOISE when the
    interval holds 0, "no interval" without one (no resamples)."""
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "no interval"
    if lo <= 0.0 <= hi:
        return NOISE
    return "better" if (lo > 0.0) == higher_is_better else "worse"


def paired_bootstrap(d: np.ndarray, idx: np.ndarray | None) -> tuple[float, float, float]:
    """Mean of the paired differences ``d`` and the 2.5/97.5 percentiles of its mean over the
    resamples ``idx`` (rows of episode indices); NaN bounds without resamples."""
    mean = float(d.mean())
    if idx is None or not len(idx):
        return mean, float("nan"), float("nan")
    lo, hi = np.percentile(d[idx].mean(axis=1), [2.5, 97.5])
    return mean, float(lo), float(hi)


@dataclass
class BacktestResult:
    design: str
    train_ids: list[str]
    test_ids: list[str]
    observed: list[str]
    predictions: dict[str, pd.DataFrame]
    mapping: MappingResult
    fits: list[DecisionModelFit] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Mean log score and Brier score of each forecaster over the test episodes."""
        rows = []
        for name, P in self.predictions.items():
            rows.append({"forecaster": name, "episodes": len(P), "log_score": log_score(P, self.observed),
                         "brier": brier_score(P, self.observed)})
        return pd.DataFrame(rows)

    def per_episode(self) -> pd.DataFrame:
        """The deciding actor, the observed category and each forecaster's log and Brier score, per test episode."""
        actor_of = {c.episode_id: c.actor for c in self.mapping.contexts}
        out = pd.DataFrame({"actor": [actor_of.get(i) for i in self.test_ids], "observed": self.observed},
                           index=pd.Index(self.test_ids, name="episode_id"))
        for name, P in self.predictions.items():
            out[name] = log_scores(P, self.observed)
            out[f"{name} brier"] = brier_scores(P, self.observed)
        return out

    def versus(self, against: str) -> pd.DataFrame:
        """Per test episode, the fitted model against one forecaster: actor, observed category, decision
        state source, each one's probability of what happened, the model's most likely category (and its
        probability) and Δ log (model minus ``against``; < 0 where the model did worse), worst first."""
        ctx = {c.episode_id: c for c in self.mapping.contexts}
        P, Q = self.predictions[MODEL_NAME], self.predictions[against]
        d_log = log_scores(P, self.observed) - log_scores(Q, self.observed)
        rows = []
        for eid, obs, d in zip(self.test_ids, self.observed, d_log):
            top = P.loc[eid].idxmax()
            rows.append({"episode_id": eid, "actor": ctx[eid].actor, "observed": obs, "state": ctx[eid].source,
                         "p_model": float(P.loc[eid, obs]), "against": against, "p_against": float(Q.loc[eid, obs]),
                         "model_top": top, "p_top": float(P.loc[eid, top]), "d_log": float(d)})
        return pd.DataFrame(rows).sort_values(["d_log", "episode_id"], kind="stable").reset_index(drop=True)

    def by_actor(self) -> pd.DataFrame:
        """Mean log and Brier score of each forecaster per deciding actor: actor, forecaster, episodes,
        log_score, brier (actors sorted by id)."""
        per = self.per_episode()
        rows = []
        for actor, g in per.groupby("actor", sort=True):
            for name in self.predictions:
                rows.append({"actor": actor, "forecaster": name, "episodes": len(g),
                             "log_score": float(g[name].mean()), "brier": float(g[f"{name} brier"].mean())})
        return pd.DataFrame(rows, columns=["actor", "forecaster", "episodes", "log_score", "brier"])

    def differences(self, n_boot: int = 2000, seed: int = 0, min_episodes: int = 5) -> pd.DataFrame:
        """The fitted model minus each other forecaster, overall and per actor with at least
        ``min_episodes`` test episodes, with paired bootstrap intervals (see the module doc)."""
        if n_boot < 0:
            raise BrinkError(f"the number of bootstrap resamples must be >= 0, not {n_boot}")
        per = self.per_episode()
        rng = np.random.default_rng(seed)
        scopes = [(ALL, np.ones(len(per), dtype=bool))]
        for actor, n in per["actor"].value_counts(sort=False).items():
            if n >= min_episodes:
                scopes.append((actor, (per["actor"] == actor).to_numpy()))
        others = [n for n in self.predictions if n != MODEL_NAME]
        rows = []
        for scope, mask in scopes:
            g = per[mask]
            n = len(g)
            idx = rng.integers(0, n, (n_boot, n)) if n_boot and n else None
            for other in others:
                dl = (g[MODEL_NAME] - g[other]).to_numpy(dtype=float)
                db = (g[f"{MODEL_NAME} brier"] - g[f"{other} brier"]).to_numpy(dtype=float)
                ml, ll, hl = paired_bootstrap(dl, idx)
                mb, lb, hb = paired_bootstrap(db, idx)
                rows.append({"scope": scope, "against": other, "episodes": n,
                             "d_log": ml, "d_log_lo": ll, "d_log_hi": hl, "log_verdict": verdict(ll, hl, True),
                             "d_brier": mb, "d_brier_lo": lb, "d_brier_hi": hb,
                             "brier_verdict": verdict(lb, hb, False)})
        return pd.DataFrame(rows)

    def reliability(self, name: str, bins: int = 5) -> pd.DataFrame:
        return reliability(self.predictions[name], self.observed, bins)

    def to_dict(self, n_boot: int = 2000, seed: int = 0) -> dict:
        """JSON-able: the design, the episodes, the scores (overall, per actor, the model's differences
        with ``n_boot`` bootstrap resamples from ``seed``) and every forecaster's probabilities."""
        return {
            "design": self.design,
            "train_episodes": list(self.train_ids),
            "test_episodes": list(self.test_ids),
            "observed": dict(zip(self.test_ids, self.observed)),
            "table": records(self.to_frame()),
            "by_actor": records(self.by_actor()),
            "differences": records(self.differences(n_boot, seed)),
            "bootstrap": {"n": int(n_boot), "seed": int(seed)},
            "predictions": {name: {eid: {c: float(p) for c, p in row.items() if p > 0}
                                   for eid, row in P.iterrows()} for name, P in self.predictions.items()},
        }


def split_at(contexts: Sequence[DecisionContext], split: dt.date):
    """(train, test): the contexts answered before ``split``, and the rest (the split design's rule)."""
    train = [c for c in contexts if c.episode.response_date < split]
    test = [c for c in contexts if c.episode.response_date >= split]
    return train, test


def backtest(model, mapping: MappingResult, *, split: dt.date | None = None, loo: bool = False,
             tft_epsilon: float = 0.1, **fit_kwargs) -> BacktestResult:
    """Run a split or leave-one-out backtest on mapped episodes (see module doc)."""
    contexts = mapping.contexts
    if (split is None) == (not loo):
        raise BrinkError("give exactly one of --split DATE or --loo")
    names = [MODEL_NAME] + [b.name for b in standard_baselines(model, tft_epsilon)]
    if split is not None:
        train, test = split_at(contexts, split)
        if not train:
            raise BrinkError(f"no mapped episode has its response before {split}: nothing to fit")
        if not test:
            raise BrinkError(f"no mapped episode on or after {split}: nothing to test")
        folds = [(train, test)]
        design = f"split at {split}: train on {len(train)} episodes answered before it, test on {len(test)}"
    else:
        if len(contexts) < 2:
            raise BrinkError("leave-one-out needs at least two mapped episodes")
        folds = [([c for c in contexts if c is not t], [t]) for t in contexts]
        design = f"leave-one-out over {len(contexts)} episodes"
    preds: dict[str, list[pd.DataFrame]] = {n: [] for n in names}
    fits = []
    for train, test in folds:
        f = DecisionModelFit(model.scenario, **fit_kwargs)
        f.model_ = model
        f.fit(train)
        fits.append(f)
        preds[MODEL_NAME].append(f.predict_proba(test))
        for b in standard_baselines(model, tft_epsilon):
            preds[b.name].append(b.fit(train).predict_proba(test))
    test_all = [t for _, test in folds for t in test]
    train_ids = sorted({c.episode_id for train, _ in folds for c in train})
    return BacktestResult(
        design=design, train_ids=train_ids, test_ids=[c.episode_id for c in test_all],
        observed=[c.observed for c in test_all], predictions={n: pd.concat(v) for n, v in preds.items()},
        mapping=mapping, fits=fits,
    )
