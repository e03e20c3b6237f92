"""Calibration and backtests: fit the decision model to coded episodes, score it honestly.

A scenario's coded decision episodes live in its folder (``fit/episodes.csv``,
with ``fit/episode_triggers.csv`` and the mapping rules ``fit/mapping.yaml``)::

    from brink.fit import DecisionModelFit, backtest, map_scenario_episodes

    name = ...                              # a built-in scenario name or a scenario folder
    model, episodes, mapping = map_scenario_episodes(name)   # or episodes=FILE
    fit = DecisionModelFit(name, bootstrap=100, seed=0)
    fit.model_ = model                      # optional: reuse the compiled model
    fit.fit(mapping.contexts)
    fit.to_frame()                          # estimates: parameter, scenario value, estimate, se, interval
    fit.to_dict()                           # the same, JSON-able (``brink fit --json``)

    res = backtest(model, mapping, split=datetime.date(2024, 1, 1))   # or loo=True
    res.to_frame()                          # mean log score and Brier score per forecaster
    res.by_actor()                          # the same per deciding actor
    res.differences(n_boot=2000, seed=0)    # fitted model minus each baseline, paired bootstrap interval
    res.to_dict()                           # ``brink backtest --json``

    from brink.fit.question_backtest import question_backtest
    qb = question_backtest(name, QUESTION_FILE, runs=2000, seed=0)   # each question unfitted and fitted
    qb.to_frame(); qb.totals(); qb.to_dict()                            # before its date (``--questions``)

    from brink.fit import BaseRate, TitForTat, Uniform, ScenarioModel, standard_baselines

The baselines have the estimator's ``fit(contexts)`` / ``predict_proba(contexts)``;
``log_score``, ``brier_score`` and ``reliability`` score any forecast frame.
``reliability_diagram(result, ax=None)`` draws a backtest and returns the Figure.

Importing ``brink.fit`` stays light: SciPy is imported when a fit first runs.
"""

from brink.fit.backtest import BacktestResult, backtest
from brink.fit.baselines import BaseRate, ScenarioModel, TitForTat, Uniform, standard_baselines
from brink.fit.episodes import Episode, episodes_path, read_episodes
from brink.fit.estimate import DecisionModelFit
from brink.fit.mapping import DecisionContext, MappingResult, map_episodes, map_scenario_episodes, read_rules
from brink.fit.plots import reliability_diagram
from brink.fit.scores import brier_score, log_score, reliability

__all__ = [
    "DecisionModelFit", "backtest", "BacktestResult",
    "BaseRate", "TitForTat", "Uniform", "ScenarioModel", "standard_baselines",
    "Episode", "read_episodes", "episodes_path",
    "DecisionContext", "MappingResult", "map_episodes", "map_scenario_episodes", "read_rules",
    "log_score", "brier_score", "reliability", "reliability_diagram",
]
