"""Rolling-origin question backtest: forecast questions unfitted and with a fit made before each question.

``question_backtest(scenario, questions, runs, seed)`` forecasts every question
of a question file twice, with :func:`brink.forecast.forecast.forecast`:

* **unfitted** — the scenario's own parameter values;
* **fitted** — the decision model fitted (``DecisionModelFit``) only on the
  mapped episodes whose response came *before* the question's posing date D
  (its ``as_of``; the same rule as ``backtest(split=D)``'s training set), one
  fit per distinct D; the fit's ``overrides_`` go to the simulation as
  ``set=`` — the path ``brink simulate --set`` takes — and nothing else changes
  (same origin, runs and seed, so the two forecasts share their random numbers).
  With no episode answered before D there is nothing to fit: the fitted
  forecast is the unfitted one and the row says 0 episodes.

Both forecasts are scored by :func:`brink.forecast.score.score` (Brier, log
score, and its 50 % and base-rate references) on the same questions: a question
either forecast leaves undefined (a condition no run met) is left out of both.

The result: ``to_frame()`` (one row per question: posed date, episodes in the
fit, P unfitted, P fitted, outcome and each one's Brier and log score),
``totals()`` (one row per forecaster) and ``to_dict()`` (JSON-able, what
``brink backtest --questions FILE --json`` prints).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brink.frames import records

UNFITTED = "scenario (unfitted)"
FITTED = "fitted before each date"
COLUMNS = ("id", "text", "as_of", "fit_episodes", "p_unfitted", "p_fitted", "resolved",
           "brier_unfitted", "brier_fitted", "log_unfitted", "log_fitted")


@dataclass
class QuestionBacktestResult:
    rows: pd.DataFrame
    unfitted: object           # brink.forecast.score.ScoreResult
    fitted: object             # brink.forecast.score.ScoreResult
    fits: dict = field(default_factory=dict)      # posing date -> DecisionModelFit (None: nothing to fit)
    meta: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    @property
    def unscored(self) -> list[dict]:
        return self.fitted.unresolved

    def totals(self) -> pd.DataFrame:
        """Brier and log score of the unfitted and the fitted forecasts and of ``brink score``'s references."""
        b = self.unfitted.baselines
        return pd.DataFrame([
            {"forecaster": UNFITTED, "questions": self.unfitted.n, "brier": self.unfitted.brier,
             "log_score": self.unfitted.log_score},
            {"forecaster": FITTED, "questions": self.fitted.n, "brier": self.fitted.brier,
             "log_score": self.fitted.log_score},
            {"forecaster": "50 %", "questions": self.unfitted.n, "brier": b["half"]["brier"],
             "log_score": b["half"]["log_score"]},
            {"forecaster": "base rate", "questions": self.unfitted.n, "brier": b["base_rate"]["brier"],
             "log_score": b["base_rate"]["log_score"]},
        ])

    def to_dict(self) -> dict:
        return {**self.meta, "questions": records(self.rows), "totals": records(self.totals()),
                "unscored": self.unscored,
                "fits": {d.isoformat(): (None if f is None else {"episodes": list(f.episodes_),
                                                                 "overrides": f.overrides_})
                         for d, f in self.fits.items()}}


def fit_before(model, contexts, date: dt.date, **fit_kwargs):
    """``DecisionModelFit`` on the contexts answered before ``date`` (None when there are none)."""
    from brink.fit.backtest import split_at
    from brink.fit.estimate import DecisionModelFit

    train, _ = split_at(contexts, date)
    if not train:
        return None
    f = DecisionModelFit(model.scenario, **fit_kwargs)
    f.model_ = model
    return f.fit(train)


def question_backtest(scenario, questions, runs: int = 2000, seed: int = 0, *, episodes=None, resolutions=None,
                      workers: int = 1, backend: str = "auto", progress: Callable[[int], None] | None = None,
                      simulate_fn=None, **fit_kwargs) -> QuestionBacktestResult:
    """Forecast ``questions`` unfitted and fitted before each posing date (see the module doc).

    ``scenario`` is a built-in name or a path (its episodes are ``episodes`` or
    its own ``fit/episodes.csv``); ``questions`` a ``QuestionSet`` or a question
    file (loaded against ``scenario``); ``resolutions`` as ``score()`` takes them.
    ``fit_kwargs`` go to ``DecisionModelFit`` (priors, ...); ``simulate_fn`` to
    ``forecast`` (tests).
    """
    from brink.fit.mapping import map_scenario_episodes
    from brink.forecast.forecast import forecast
    from brink.forecast.questions import QuestionSet, load_questions
    from brink.forecast.score import score

    qs = questions if isinstance(questions, QuestionSet) else load_questions(questions, scenario)
    model, eps, mapping = map_scenario_episodes(scenario, episodes)
    sc = model.scenario
    kw = {"workers": workers, "backend": backend, "progress": progress, "simulate_fn": simulate_fn}
    unfitted = forecast(sc, qs, runs, seed, **kw).to_frame()
    fitted_parts, fits = [], {}
    for date in sorted({q.as_of for q in qs}):
        fit = fit_before(model, mapping.contexts, date, **fit_kwargs)
        fits[date] = fit
        if fit is None:
            part = unfitted[unfitted["as_of"] == date].copy()
            if progress:
                progress(runs)
        else:
            sub = dataclasses.replace(qs, questions=[q for q in qs if q.as_of == date])
            part = forecast(sc, sub, runs, seed, set=fit.overrides_, **kw).to_frame()
        fitted_parts.append(part)
    fitted = pd.concat(fitted_parts).set_index("id").loc[unfitted["id"]].reset_index()
    # the same questions for both: one left undefined by either is scored by neither
    undefined = unfitted["probability"].isna().to_numpy() | fitted["probability"].isna().to_numpy()
    for f in (unfitted, fitted):
        f.loc[undefined, "probability"] = math.nan
    s_unf = score(qs, unfitted, resolutions)
    s_fit = score(qs, fitted, resolutions)
    su, sf = s_unf.questions.set_index("id"), s_fit.questions.set_index("id")
    rows = []
    for q, pu, pf in zip(qs, unfitted["probability"], fitted["probability"]):
        fit = fits[q.as_of]
        scored = q.id in su.index
        rows.append({"id": q.id, "text": q.text, "as_of": q.as_of, "fit_episodes": 0 if fit is None else fit.n_train_,
                     "p_unfitted": float(pu), "p_fitted": float(pf),
                     "resolved": bool(su.loc[q.id, "resolved"]) if scored else None,
                     "brier_unfitted": float(su.loc[q.id, "brier"]) if scored else np.nan,
                     "brier_fitted": float(sf.loc[q.id, "brier"]) if scored else np.nan,
                     "log_unfitted": float(su.loc[q.id, "log_score"]) if scored else np.nan,
                     "log_fitted": float(sf.loc[q.id, "log_score"]) if scored else np.nan})
    meta = {"scenario": sc.meta.id, "questions_file": qs.file, "runs": int(runs), "seed": int(seed),
            "episodes_mapped": len(mapping.contexts), "episodes_read": len(eps), "scored": s_fit.n,
            "notes": [*s_unf.meta.get("notes", []),
                      "fitted: DecisionModelFit on the mapped episodes whose response came before the "
                      "question's as_of date, applied as simulate's set= overrides; same runs and seed"]}
    return QuestionBacktestResult(pd.DataFrame(rows, columns=list(COLUMNS)), s_unf, s_fit, fits, meta)
