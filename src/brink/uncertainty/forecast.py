"""``brink forecast --uncertainty K``: the forecast over K draws of the judgements, with two intervals.

K parameter sets are drawn from the judgements' spreads (``UncertainProblem.sample``: scrambled
Sobol' or Latin hypercube, seeded) and each runs the question file on common random numbers
(``evaluate``). Per question:

* ``probability`` — pooled over the sets, Σ hits / Σ runs (for a conditional question, among the
  runs meeting its condition): the forecast with the judgements integrated out;
* ``lo95_judgement``, ``hi95_judgement`` — the 2.5 % and 97.5 % quantiles of the per-set
  probabilities: how far the answer moves over what the judgements could be;
* ``lo95``, ``hi95`` — the Monte Carlo interval of the pooled probability (Wilson, on the pooled
  counts), as for a plain forecast;
* ``median_days`` — the median over the sets of each set's median time to the event.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from brink.forecast.forecast import COLUMNS, ForecastResult
from brink.sim.results import wilson

EXTRA = ("lo95_judgement", "hi95_judgement", "sets")


def combine(long: pd.DataFrame, qs, meta: dict) -> ForecastResult:
    """The question rows of ``evaluate``'s long table folded into one forecast (see the module docs)."""
    from brink.forecast.timing import last_round

    q = long[long["kind"] == "question"]
    by_id = {x.id: x for x in qs}
    rows = []
    for qid in qs.ids:
        g = q[q["id"] == qid]
        p_set = g["probability"].to_numpy(float)
        n_set = g["runs"].to_numpy(np.int64)
        k = int(np.round(np.nan_to_num(p_set) * n_set).sum())
        n = int(n_set.sum())
        if n:
            lo, hi = (float(v[0]) for v in wilson(np.array([k]), n))
            p = k / n
        else:
            p = lo = hi = math.nan
        finite = p_set[np.isfinite(p_set)]
        jlo, jhi = (np.quantile(finite, [0.025, 0.975]) if finite.size else (math.nan, math.nan))
        med = g["median_days"].to_numpy(float)
        med = float(np.median(med[np.isfinite(med)])) if np.isfinite(med).any() else math.nan
        x = by_id[qid]
        rows.append({"id": qid, "text": x.text, "as_of": x.as_of, "window_days": x.days, "given": x.given or "",
                     "probability": p, "lo95": lo, "hi95": hi, "median_days": med, "runs": n,
                     "last_round": last_round(x.days, meta["round_days"]),
                     "lo95_judgement": float(jlo), "hi95_judgement": float(jhi), "sets": int(len(g))})
    return ForecastResult(pd.DataFrame(rows, columns=list(COLUMNS) + list(EXTRA)), meta)


def uncertain_forecast(scenario_ref, sc, qs, sets: int, runs: int, seed: int, *, design: str = "sobol",
                       params: str = "all", workers: int = 1, cluster=None, backend: str = "auto",
                       progress=None) -> ForecastResult:
    """Draw ``sets`` parameter sets and forecast ``qs`` at each (see the module docstring)."""
    from brink.forecast.forecast import TIME_RULE
    from brink.uncertainty.evaluation import evaluate
    from brink.uncertainty.problem import assumption_problem

    problem = assumption_problem(sc, params)
    X = problem.sample(sets, design=design, seed=seed)
    long = evaluate(scenario_ref, problem, X, qs, runs, seed, workers=workers, cluster=cluster, backend=backend,
                    progress=progress, long=True)
    meta = {"scenario": sc.meta.id, "questions_file": qs.file, "runs": int(runs) * int(sets), "seed": int(seed),
            "round_days": sc.round_days, "time_rule": TIME_RULE,
            "uncertainty": {"sets": int(sets), "runs_per_set": int(runs), "design": design, "params": params,
                            "judgements": problem.d,
                            "intervals": "lo95/hi95: Monte Carlo (Wilson, pooled runs); lo95_judgement/"
                                         "hi95_judgement: 2.5-97.5 % of the per-set probabilities"}}
    return ForecastResult(combine(long, qs, meta).rows, meta)
