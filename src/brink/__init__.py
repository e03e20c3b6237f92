"""brink: turn a geopolitical deterrence system into a model an analyst can run,
question, change and check against what really happened.

The public Python API is re-exported here lazily so that ``import brink`` stays
cheap for the command line.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["load_scenario", "simulate", "compare", "forecast_questions", "score_questions", "evaluate",
           "assumption_problem", "__version__"]


def load_scenario(name_or_path):  # noqa: D401 - thin re-export
    """Load and validate a scenario by built-in name (``"iran-2024"``) or path."""
    from brink.scenario.loader import load_scenario as _load

    return _load(name_or_path)


def simulate(scenario, runs: int = 10_000, horizon: int = 26, seed: int = 0, intervention=None, **kw):
    """Monte Carlo forecast of a scenario (name, path or ``Scenario``): a ``SimulationResult``
    whose tables are pandas DataFrames. Takes the CLI's what-if shorthands
    (``set={"ACTOR.VARIABLE": 0.3}``, ``disable=``, ``force=``, ``close_channel=``).
    See ``brink.sim.simulate``."""
    from brink.sim import simulate as _simulate

    return _simulate(scenario, runs, horizon, seed, intervention, **kw)


def compare(scenario, intervention=None, runs: int = 10_000, horizon: int = 26, seed: int = 0, **kw):
    """An intervention against the baseline on common random numbers: a ``Comparison``.

    The intervention is an ``Intervention``, a YAML file or a name shipped with the
    scenario, and/or the CLI's shorthands: ``set={"ACTOR.VARIABLE": 0.3}``,
    ``disable=[ACTION, ...]``, ``force=["ACTOR:ACTION@ROUNDS"]`` (as ``--force``),
    ``close_channel=[CHANNEL, ...]``. See ``brink.sim.compare``."""
    from brink.sim import compare as _compare

    return _compare(scenario, intervention, runs, horizon, seed, **kw)


def forecast_questions(scenario, questions, runs: int = 10_000, seed: int = 0, **kw):
    """Answer a question file (a path, or the name of one the scenario ships): a ``ForecastResult``
    with one row per question (probability, 95 % interval, median days), as ``brink forecast``.
    See ``brink.forecast.forecast``."""
    from brink.forecast.forecast import forecast
    from brink.forecast.questions import load_questions

    return forecast(None, load_questions(questions, scenario), runs, seed, **kw)


def score_questions(scenario, questions, runs: int = 10_000, seed: int = 0, resolutions=None, **kw):
    """Forecast and score the resolved questions of a question file: a ``ScoreResult`` (Brier and
    log scores beside the 50 % and base-rate forecasters), as ``brink score``. See ``brink.forecast.score``."""
    from brink.forecast.forecast import forecast
    from brink.forecast.questions import load_questions
    from brink.forecast.score import score

    qs = load_questions(questions, scenario)
    return score(qs, forecast(None, qs, runs, seed, **kw), resolutions)


def evaluate(scenario, problem, X, questions, runs: int = 500, seed: int = 0, **kw):
    """The question file's forecasts at each row of ``X`` (values of ``problem``'s names: an
    ``UncertainProblem``, SALib's dictionary or a list of ``--set`` names), on common random numbers:
    one DataFrame row per parameter set, so SALib or a notebook can drive it. See
    ``brink.uncertainty.evaluation``."""
    from brink.uncertainty.evaluation import evaluate as _evaluate

    return _evaluate(scenario, problem, X, questions, runs, seed, **kw)


def assumption_problem(scenario, params="all"):
    """The scenario's uncertain judgements (all, or comma-separated globs of ``--set`` names) with
    their spreads, SALib-style (``to_salib()``, ``sample()``, ``transform()``). See
    ``brink.uncertainty.problem``."""
    from brink.scenario.loader import load_scenario as _load
    from brink.uncertainty.problem import assumption_problem as _problem

    sc = _load(scenario) if isinstance(scenario, str) or hasattr(scenario, "__fspath__") else scenario
    return _problem(sc, params)
