"""Baseline forecasters, with the same ``fit`` / ``predict_proba`` as the model.

Each predicts, for a decision context, a distribution over the response
categories *available to that actor in that state* (``context.categories``),
as a DataFrame with one column per category of the scenario's catalogue (zero
outside the choice set), so that every forecaster is scored on exactly the
same episodes and the same choice sets.

* ``BaseRate`` — frequencies of the observed categories in the training
  episodes (all actors pooled), add-one smoothed, restricted to the actor's
  choice set and renormalised.
* ``TitForTat`` — respond in kind: the trigger's own category when the actor
  has it, else the actor's category whose rung on the scenario's escalation
  ladder is nearest the trigger's (ties to the lower rung); probability
  ``1 − epsilon`` on it and ``epsilon`` spread evenly over the whole choice set
  (so the log score stays finite). No trigger category: uniform.
* ``Uniform`` — every available category equally likely (a floor).
* ``ScenarioModel`` — the decision model with the scenario's own (unfitted)
  parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from brink.errors import BrinkError
from brink.fit.mapping import DecisionContext, category_order
from brink.model.compiled import Model


def _frame(rows: list[np.ndarray], contexts: Sequence[DecisionContext], categories: Sequence[str]):
    import pandas as pd

    P = np.asarray(rows).reshape(len(contexts), len(categories))
    return pd.DataFrame(P, index=pd.Index([c.episode_id for c in contexts], name="episode_id"),
                        columns=list(categories))


class Uniform:
    name = "uniform"

    def __init__(self, categories: Sequence[str]):
        self.categories = tuple(categories)

    def fit(self, contexts: Sequence[DecisionContext]) -> "Uniform":
        return self

    def predict_proba(self, contexts: Sequence[DecisionContext]):
        rows = []
        for c in contexts:
            p = np.array([1.0 if k in c.categories else 0.0 for k in self.categories])
            rows.append(p / p.sum())
        return _frame(rows, contexts, self.categories)


class BaseRate:
    name = "base rate"

    def __init__(self, categories: Sequence[str], smoothing: float = 1.0):
        self.categories = tuple(categories)
        self.smoothing = smoothing

    def fit(self, contexts: Sequence[DecisionContext]) -> "BaseRate":
        self.counts_ = {k: 0 for k in self.categories}
        for c in contexts:
            self.counts_[c.observed] += 1
        return self

    def predict_proba(self, contexts: Sequence[DecisionContext]):
        rows = []
        for c in contexts:
            p = np.array([self.counts_[k] + self.smoothing if k in c.categories else 0.0 for k in self.categories])
            rows.append(p / p.sum())
        return _frame(rows, contexts, self.categories)


class TitForTat:
    name = "tit-for-tat"

    def __init__(self, categories: Sequence[str], rungs: dict[str, int], epsilon: float = 0.1):
        if not 0.0 < epsilon <= 1.0:  # nan fails too; 0 would give log(0) on every miss
            raise BrinkError(f"--epsilon {epsilon}: tit-for-tat's smoothing must be in (0, 1]")
        self.categories = tuple(categories)
        self.rungs = dict(rungs)
        self.epsilon = epsilon

    def fit(self, contexts: Sequence[DecisionContext]) -> "TitForTat":
        return self

    def response(self, ctx: DecisionContext) -> str | None:
        """The category tit-for-tat answers with (None: no trigger category)."""
        t = ctx.trigger_category
        if t is None:
            return None
        if t in ctx.categories:
            return t
        if t not in self.rungs:
            return None
        r = self.rungs[t]
        return min(ctx.categories, key=lambda k: (abs(self.rungs[k] - r), self.rungs[k]))

    def predict_proba(self, contexts: Sequence[DecisionContext]):
        rows = []
        for c in contexts:
            avail = np.array([1.0 if k in c.categories else 0.0 for k in self.categories])
            target = self.response(c)
            if target is None:
                rows.append(avail / avail.sum())
                continue
            p = self.epsilon * avail / avail.sum()
            p[self.categories.index(target)] += 1.0 - self.epsilon
            rows.append(p)
        return _frame(rows, contexts, self.categories)


class ScenarioModel:
    """The decision model with the scenario's own parameter values (nothing fitted)."""

    name = "scenario (unfitted)"

    def __init__(self, model: Model):
        self.model = model

    def fit(self, contexts: Sequence[DecisionContext]) -> "ScenarioModel":
        return self

    def predict_proba(self, contexts: Sequence[DecisionContext]):
        import pandas as pd

        from brink.fit.likelihood import category_probabilities, model_parameters, precompute

        pre = precompute(self.model, contexts)
        return pd.DataFrame(category_probabilities(pre, *model_parameters(self.model)),
                            index=pd.Index(pre.episode_ids, name="episode_id"), columns=list(pre.categories))


def category_rungs(model: Model) -> dict[str, int]:
    """Each category's rung on the escalation ladder: the lowest rung of its catalogue actions."""
    out: dict[str, int] = {}
    for a in model.scenario.actions:
        out[a.category] = min(out.get(a.category, a.rung), a.rung)
    return out


def standard_baselines(model: Model, tft_epsilon: float = 0.1) -> list:
    cats = category_order(model)
    return [BaseRate(cats), TitForTat(cats, category_rungs(model), tft_epsilon), Uniform(cats),
            ScenarioModel(model)]
