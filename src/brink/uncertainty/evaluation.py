"""``evaluate``: the forecast of a question file at many parameter sets, one row per set.

The SALib-style entry point: ``evaluate(scenario, problem, X, questions, runs=..., seed=...)`` takes
a problem (an ``UncertainProblem``, SALib's dictionary with ``names``, or a list of names) and a
matrix ``X`` of values (one column per name, in the names' units, as ``--set`` takes them) and
returns a DataFrame with one row per row of ``X``: the values, then each question's probability
(column = question id) and each scenario outcome's (``outcome:ID``, within the latest origin's
longest window). SALib, EMA Workbench or a notebook can drive it directly.

Every set runs on common random numbers: the same ``seed``, so the same random streams, for every
row; differences between rows are the judgements' doing, not noise. A row's numbers depend only on
the scenario, its values, the questions, ``runs``, ``seed`` and the backend's choice (both backends
give identical numbers), so they are bit-identical whatever the executor, worker count or chunking
(``brink.uncertainty.execute``). Values are checked before anything runs, by the model's one rule
for what-if values (``Model.value_problem``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from brink.errors import BrinkError
from brink.uncertainty.execute import ChunkStore, executor, run_chunks

LONG = ["row", "kind", "id", "as_of", "probability", "runs", "median_days"]


def _names(problem) -> tuple[str, ...]:
    if hasattr(problem, "names") and not isinstance(problem, dict):
        return tuple(problem.names)
    if isinstance(problem, dict):
        if "names" not in problem:
            raise BrinkError("problem: a SALib problem dictionary needs 'names'")
        return tuple(problem["names"])
    return tuple(problem)


def check_values(model, names: tuple[str, ...], X: np.ndarray) -> None:
    """Refuse ``X`` before any run: wrong shape, or a value the model's rule refuses (named, with its row)."""
    if X.ndim != 2 or X.shape[1] != len(names):
        raise BrinkError(f"X has shape {X.shape}, expected (sets, {len(names)}) for the problem's names")
    if X.shape[0] == 0:
        raise BrinkError("X has no rows: nothing to evaluate")
    bad = []
    for k, name in enumerate(names):
        col = X[:, k]
        # a range is an interval: the column's least and greatest values (or its first non-finite) decide
        rows = [int(np.flatnonzero(~np.isfinite(col))[0])] if not np.isfinite(col).all() else \
            [int(np.argmin(col)), int(np.argmax(col))]
        for row in rows:
            why = model.value_problem(name, float(col[row]))
            if why is not None:
                bad.append(f"row {row}: {name}={float(col[row]):g}: {why}")
                break
    if bad:
        raise BrinkError("; ".join(bad[:5]) + (f" (and {len(bad) - 5} more judgements)" if len(bad) > 5 else ""))


def _chunk(payload: dict) -> pd.DataFrame:
    """One task: the forecasts of a few parameter sets, in long form (``LONG``)."""
    from brink.forecast.forecast import forecast
    from brink.sim import kernel

    sc, qs, names = payload["scenario"], payload["questions"], payload["names"]
    out = []
    with kernel.same_structure():
        for row, values in payload["rows"]:
            res = forecast(sc, qs, payload["runs"], payload["seed"], backend=payload["backend"],
                           set=dict(zip(names, map(float, values))))
            for r in res.rows.itertuples():
                out.append((row, "question", r.id, r.as_of.isoformat(), float(r.probability), int(r.runs),
                            float(r.median_days)))
            for r in res.outcomes.itertuples():
                out.append((row, "outcome", r.outcome, r.as_of.isoformat(), float(r.probability), int(r.runs),
                            float("nan")))
    return pd.DataFrame(out, columns=LONG)


def resolve_backend(sc, qs, backend: str, total_runs: int) -> str:
    """The one backend every set uses: ``auto`` resolved once, for the whole run's size (so the
    kernel is compiled here, before any worker starts, when the run is big enough to pay for it)."""
    from brink.forecast.timing import last_round
    from brink.sim.engine import Engine

    horizon = max(last_round(q.days, sc.round_days) for q in qs)
    return Engine(sc, horizon=horizon, backend=backend, runs=total_runs).backend


def evaluate(scenario, problem, X, questions, runs: int = 500, seed: int = 0, *, workers: int = 1,
             cluster=None, out: str | Path | None = None, resume: bool = False, overwrite: bool = False,
             chunk_size: int | None = None, backend: str = "auto",
             progress: Callable[[int], None] | None = None,
             on_retry: Callable[[int, BaseException], None] | None = None,
             long: bool = False) -> pd.DataFrame:
    """One row of forecasts per row of ``X`` (see the module docstring).

    ``workers`` local processes, or ``cluster`` (a Dask scheduler address or ``distributed.Client``);
    ``out``: a folder where finished chunks are kept (``resume`` goes on with an interrupted run
    there); ``progress(k)`` is called with the number of sets just finished. ``long``: return the
    long table (row, kind, id, as_of, probability, runs) instead of the wide one.
    """
    from brink.forecast.questions import QuestionSet, load_questions
    from brink.model import compile_model
    from brink.scenario.loader import load_scenario
    from brink.sim.simulate import check_settings

    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    ref = scenario if isinstance(scenario, (str, Path)) else sc  # by name: its shipped question files too
    qs = questions if isinstance(questions, QuestionSet) else load_questions(questions, ref)
    names = _names(problem)
    X = np.atleast_2d(np.asarray(X, dtype=float))
    check_settings(runs, 1, seed, workers=workers, backend=backend)
    check_values(compile_model(sc), names, X)
    n = X.shape[0]
    if chunk_size is not None and chunk_size < 1:
        raise BrinkError(f"chunk_size {chunk_size}: must be at least 1")
    size = chunk_size or max(1, min(16, math.ceil(n / (4 * max(workers, 1)))))
    chunks = {k: [(row, X[row]) for row in range(k * size, min(n, (k + 1) * size))]
              for k in range(math.ceil(n / size))}
    store = None
    if out is not None:
        from brink.sim.outdir import run_hash, scenario_digest

        key = run_hash(kind="evaluate", scenario=scenario_digest(sc), names=list(names),
                       X=X.tobytes().hex(), questions=[(q.id, q.as_of.isoformat(), q.days, repr(q.event), q.given)
                                                       for q in qs],
                       runs=int(runs), seed=int(seed), chunk=int(size))
        store = ChunkStore(Path(out), key, {"scenario": sc.meta.id, "sets": n, "names": list(names),
                                            "runs": int(runs), "seed": int(seed), "chunk": int(size)},
                           resume=resume, overwrite=overwrite)
    parts: dict[int, pd.DataFrame] = {}
    if store is not None:
        for k in sorted(store.done() & set(chunks)):
            parts[k] = store.read(k)
            if progress:
                progress(len(chunks[k]))
    todo = {k: c for k, c in chunks.items() if k not in parts}
    from brink.sim import kernel

    with kernel.same_structure():  # one kernel text for the backend check and the sets run here
        _run(todo, chunks, parts, store, sc, qs, names, runs, seed, backend, workers, cluster, progress, on_retry)
    frame = pd.concat([parts[k] for k in sorted(parts)], ignore_index=True)
    return frame if long else wide(frame, names, X)


def _run(todo, chunks, parts, store, sc, qs, names, runs, seed, backend, workers, cluster, progress, on_retry):
    """Run the chunks not yet done, keeping each as it arrives."""
    if todo:
        chosen = resolve_backend(sc, qs, backend, runs * sum(len(c) for c in todo.values()))
        payloads = {k: {"scenario": sc, "questions": qs, "names": names, "rows": c, "runs": int(runs),
                        "seed": int(seed), "backend": chosen} for k, c in todo.items()}

        def done(k: int, frame: pd.DataFrame) -> None:
            if store is not None:
                store.write(k, frame)
            parts[k] = frame
            if progress:
                progress(len(chunks[k]))

        with executor(workers, cluster) as ex:
            run_chunks(_chunk, payloads, ex, done, on_retry)


def wide(frame: pd.DataFrame, names: tuple[str, ...], X: np.ndarray) -> pd.DataFrame:
    """The long table as one row per parameter set: the values, each question, each outcome
    (``outcome:ID``, of the latest origin)."""
    q = frame[frame["kind"] == "question"].pivot(index="row", columns="id", values="probability")
    q = q[list(dict.fromkeys(frame.loc[frame["kind"] == "question", "id"]))]
    o = frame[frame["kind"] == "outcome"]
    if len(o):
        o = o[o["as_of"] == o["as_of"].max()].pivot(index="row", columns="id", values="probability")
        o.columns = [f"outcome:{c}" for c in o.columns]
        q = q.join(o)
    values = pd.DataFrame(X, columns=list(names))
    values.index.name = "row"
    return values.join(q).reset_index(drop=True)
