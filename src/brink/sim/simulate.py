"""``simulate``: run the engine over many trajectories in batches (optionally in worker processes)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from brink.errors import BrinkError
from brink.scenario.schema import Scenario
from brink.sim.engine import FRONT_BINS, BatchResult, Engine
from brink.sim.interventions import Intervention
from brink.sim.results import Comparison, SimulationResult
from brink.sim.rng import BLOCK, n_blocks

_worker_engine: Engine | None = None


def _init_worker(scenario, intervention, horizon, round_weeks, backend):
    global _worker_engine
    _worker_engine = Engine(scenario, intervention, horizon, round_weeks, backend)


def _run_in_worker(args):
    return _worker_engine.run_batch(*args)


def _batches(runs: int, batch_size: int):
    per = max(1, -(-int(batch_size) // BLOCK))
    total = n_blocks(runs)
    for first in range(0, total, per):
        count = min(per, total - first)
        n = min(count * BLOCK, runs - first * BLOCK)
        yield first, count, n


def _quantiles_from_hist(hist: np.ndarray, qs=(0.05, 0.25, 0.5, 0.75, 0.95)) -> np.ndarray:
    """Quantiles (..., len(qs)) of values binned on [0, 1] (bin mid-points)."""
    c = np.cumsum(hist, axis=-1)
    tot = c[..., -1:]
    mids = (np.arange(hist.shape[-1]) + 0.5) / hist.shape[-1]
    out = np.empty(hist.shape[:-1] + (len(qs),))
    for k, q in enumerate(qs):
        j = np.argmax(c >= q * tot, axis=-1)
        out[..., k] = mids[j]
    return out


def simulate(
    scenario: Scenario | str,
    runs: int = 10_000,
    horizon: int = 26,
    seed: int = 0,
    intervention: Intervention | None = None,
    *,
    round_weeks: float | None = None,
    batch_size: int = 4 * BLOCK,
    workers: int = 1,
    backend: str = "auto",
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate ``runs`` trajectories of ``horizon`` rounds; see ``brink.sim.engine``.

    The result is identical, bit for bit, for any ``batch_size`` and ``workers``
    (``brink.sim.rng``). ``backend`` is ``"numba"`` (the compiled kernel,
    ``brink.sim.kernel``), ``"numpy"`` (the decision model itself, the reference)
    or ``"auto"`` (the kernel wherever it is exact). ``progress(k)`` is called
    with the number of runs done.
    """
    if isinstance(scenario, str):
        from brink.scenario.loader import load_scenario

        scenario = load_scenario(scenario)
    if runs < 1:
        raise BrinkError("--runs must be at least 1")
    iv = intervention or Intervention()
    eng = Engine(scenario, iv, horizon, round_weeks, backend)
    jobs = list(_batches(runs, batch_size))
    parts: list[BatchResult] = []
    if workers <= 1 or len(jobs) == 1:
        for first, count, n in jobs:
            parts.append(eng.run_batch(seed, first, count, n))
            if progress:
                progress(n)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(scenario, iv, horizon, round_weeks, eng.backend)) as ex:
            for (first, count, n), res in zip(jobs, ex.map(_run_in_worker, [(seed, f, c, k) for f, c, k in jobs])):
                parts.append(res)
                if progress:
                    progress(n)
    return assemble(eng, parts, seed)


def assemble(eng: Engine, parts: list[BatchResult], seed: int) -> SimulationResult:
    sc, m, H = eng.scenario, eng.model, eng.horizon
    outcome = np.concatenate([p.outcome for p in parts])
    rnd = np.concatenate([p.round for p in parts])
    ids = np.array(eng.outcome_ids)
    runs = pd.DataFrame({"run": np.arange(len(outcome), dtype=np.int64),
                         "outcome": pd.Categorical(ids[outcome], categories=list(eng.outcome_ids)),
                         "round": rnd})
    counts = sum(p.action_counts for p in parts)
    actor_of = {a: m.actions[a].actor for a in eng.action_ids}
    ac = pd.DataFrame([(r + 1, actor_of[a], a, int(counts[r, j]))
                       for r in range(H) for j, a in enumerate(eng.action_ids)],
                      columns=["round", "actor", "action", "count"])
    hist = sum(p.front_hist for p in parts)
    q = _quantiles_from_hist(hist)
    ssum = np.zeros(parts[0].state_sum.shape[1:])
    for p in parts:  # block by block, in order: the same sum for any batching
        for blk in p.state_sum:
            ssum += blk
    means = ssum / len(outcome)
    fcols = eng.front_cols
    rows = []
    for r in range(H + 1):
        for f, fid in enumerate(eng.front_ids):
            rows.append((r, r * eng.round_weeks, fid, *q[r, f], means[r, fcols[f]]))
    fronts = pd.DataFrame(rows, columns=["round", "week", "front", "q05", "q25", "q50", "q75", "q95", "mean"])
    sm = pd.DataFrame(means, columns=list(m.var_names))
    sm.insert(0, "round", np.arange(H + 1))
    labels = {o.id: o.label for o in sc.outcomes}
    return SimulationResult(
        scenario_id=sc.meta.id, intervention=eng.intervention.id, seed=int(seed), horizon=H,
        round_weeks=float(eng.round_weeks), outcome_ids=eng.outcome_ids,
        outcome_labels=tuple(labels[o] for o in eng.outcome_ids),
        runs=runs, action_counts=ac, fronts=fronts, state_means=sm,
        meta={"as_of": str(sc.meta.as_of), "intervention_detail": eng.intervention.describe(),
              "forced_moves_infeasible": int(sum(p.forced_skipped for p in parts)),
              "front_bins": FRONT_BINS, "block": BLOCK, "backend": eng.backend,
              "backend_note": eng.backend_note},
    )


def compare(scenario: Scenario | str, intervention: Intervention, runs: int = 10_000, horizon: int = 26,
            seed: int = 0, **kw) -> Comparison:
    """Baseline and intervention on common random numbers (same seed, same uniforms per run)."""
    if isinstance(scenario, str):
        from brink.scenario.loader import load_scenario

        scenario = load_scenario(scenario)
    base = simulate(scenario, runs, horizon, seed, None, **kw)
    var = simulate(scenario, runs, horizon, seed, intervention, **kw)
    return Comparison(base, var)
