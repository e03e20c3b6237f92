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
the scores as ``to_frame()`` (one row per forecaster) and ``to_dict()``
(JSON-able, what ``brink backtest --json`` prints).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from brink.errors import BrinkError
from brink.fit.baselines import standard_baselines
from brink.fit.estimate import DecisionModelFit
from brink.frames import records
from brink.fit.mapping import DecisionContext, MappingResult
from brink.fit.scores import brier_score, brier_scores, log_score, log_scores, reliability

MODEL_NAME = "model (fitted)"


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

    def reliability(self, name: str, bins: int = 5) -> pd.DataFrame:
        return reliability(self.predictions[name], self.observed, bins)

    def to_dict(self) -> dict:
        """JSON-able: the design, the episodes, the scores and every forecaster's probabilities."""
        return {
            "design": self.design,
            "train_episodes": list(self.train_ids),
            "test_episodes": list(self.test_ids),
            "observed": dict(zip(self.test_ids, self.observed)),
            "table": records(self.to_frame()),
            "predictions": {name: {eid: {c: float(p) for c, p in row.items() if p > 0}
                                   for eid, row in P.iterrows()} for name, P in self.predictions.items()},
        }


def _split(contexts: Sequence[DecisionContext], split: dt.date):
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
        train, test = _split(contexts, split)
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
