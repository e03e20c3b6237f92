"""How sure each judgement is, and what that does to the forecasts.

* :mod:`~brink.uncertainty.spread` — a spread (distribution or confidence grade) and its quantiles;
* :mod:`~brink.uncertainty.problem` — the scenario's uncertain assumptions as one problem (names,
  spreads, the unit-cube transform), SALib-style;
* :mod:`~brink.uncertainty.evaluation` — ``evaluate(scenario, problem, X, questions, ...)``: one row of
  question probabilities per parameter row, on common random numbers;
* :mod:`~brink.uncertainty.execute` — where the rows run: a local process pool or a Dask cluster,
  in chunks streamed to Parquet, resumable;
* :mod:`~brink.uncertainty.sensitivity` and :mod:`~brink.uncertainty.sweep` — Sobol/Morris (SALib)
  and grids over named values.
"""

from brink.uncertainty.evaluation import evaluate
from brink.uncertainty.problem import UncertainProblem, assumption_problem

__all__ = ["evaluate", "assumption_problem", "UncertainProblem"]
