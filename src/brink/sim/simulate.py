"""``simulate``: run the engine over many trajectories in batches (optionally in worker processes).

``simulate`` and ``compare`` take the CLI's what-if shorthands as keywords
(``set={"ACTOR.VARIABLE": 0.3}``, ``disable=[...]``, ``force=["ACTOR:ACTION@2-4"]``,
``close_channel=[...]``); ``what_if`` turns them into the ``Intervention`` the
``--set``/``--disable``/``--force``/``--close-channel`` options build.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from brink.errors import BrinkError
from brink.scenario.schema import Scenario
from brink.sim.engine import FRONT_BINS, BatchResult, Engine
from brink.sim.event_history import EventHistory
from brink.sim.interventions import Intervention, from_options, resolve_intervention
from brink.sim.results import Comparison, SimulationResult
from brink.sim.rng import BLOCK, n_blocks

_worker_engine: Engine | None = None


def _init_worker(scenario, intervention, horizon, round_weeks, backend, as_of, watch):
    global _worker_engine
    _worker_engine = Engine(scenario, intervention, horizon, round_weeks, backend, as_of, watch)


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


MAX_HORIZON = 32_767  # the event history stores first rounds as 16-bit integers (int16)
MEMORY_ENV = "BRINK_MEMORY_LIMIT"


def check_settings(runs: int, horizon: int, seed: int = 0, round_weeks: float | None = None,
                   batch_size: int = 4 * BLOCK, workers: int = 1, backend: str = "auto") -> None:
    """Refuse run settings that cannot give a meaningful result, each with one line naming the option.

    The one check of ``--runs``, ``--horizon``, ``--seed``, ``--round-weeks``, ``--batch-size``,
    ``--workers`` and ``--backend`` for every command that simulates (``simulate`` calls it; the
    commands call it before they check their output folder)."""
    from brink.scenario.schema import MAX_ROUND_WEEKS

    def whole(value, option: str, least: int) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise BrinkError(f"{option} {value!r}: expected a whole number")
        if value < least:
            raise BrinkError(f"{option} {value}: must be at least {least}")

    whole(runs, "--runs", 1)
    whole(horizon, "--horizon", 1)
    if horizon > MAX_HORIZON:
        raise BrinkError(f"--horizon {horizon}: at most {MAX_HORIZON:,} rounds (the event history stores "
                         "rounds as 16-bit numbers); simulate fewer rounds, or longer ones with --round-weeks")
    whole(workers, "--workers", 1)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise BrinkError(f"--seed {seed}: must be a whole number >= 0")
    whole(batch_size, "--batch-size", 1)
    if round_weeks is not None:
        try:
            w = float(round_weeks)
        except (TypeError, ValueError):
            raise BrinkError(f"--round-weeks {round_weeks!r}: expected a number of weeks") from None
        if not (math.isfinite(w) and 0 < w <= MAX_ROUND_WEEKS):
            raise BrinkError(f"--round-weeks {w:g}: a round lasts more than 0 and at most "
                             f"{MAX_ROUND_WEEKS} weeks (a year), as in a scenario's schedule")
    if backend not in ("auto", "numba", "numpy"):
        raise BrinkError(f"--backend {backend}: expected auto, numba or numpy")


def check_forced_rounds(iv: Intervention, horizon: int) -> None:
    """Refuse a forced move in a round the run never reaches: it would silently do nothing."""
    for f in iv.force:
        beyond = [r for r in f.rounds if r > horizon]
        if beyond:
            where = f"{iv.source}: force {f.actor}:{f.action}" if iv.source else f"--force {f.actor}:{f.action}"
            raise BrinkError(f"{where}: round {beyond[0]} is beyond the horizon of {horizon} round"
                             f"{'s' if horizon != 1 else ''} (--horizon {horizon}); the move would never be "
                             "taken: give a longer --horizon or earlier rounds")


def memory_limit() -> int:
    """Bytes one simulation may plan to use: ``$BRINK_MEMORY_LIMIT`` (a number of bytes, or with
    a K, M, G or T suffix: ``8G``), else half of the machine's physical memory."""
    text = os.environ.get(MEMORY_ENV, "").strip()
    if text:
        units = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", text, flags=re.IGNORECASE)
        if not m or float(m.group(1)) <= 0:
            raise BrinkError(f"${MEMORY_ENV}={text!r}: expected a positive size such as 8G, 500M or 2000000000")
        return int(float(m.group(1)) * units[m.group(2).upper()])
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) // 2
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def estimate_bytes(model, runs: int, horizon: int, batch_size: int = 4 * BLOCK, workers: int = 1,
                   n_watch: int = 0) -> int:
    """A generous estimate of the memory a simulation needs: the batch arrays (per worker), the
    per-batch sums every batch keeps until the end, the event history, and the result tables."""
    return sum(_memory_parts(model, runs, horizon, batch_size, workers, n_watch).values())


def _memory_parts(model, runs, horizon, batch_size, workers, n_watch) -> dict[str, int]:
    V = len(model.var_names)
    A = sum(len(model.actors[a].actions) for a in model.order)
    K = len(model.episodes)
    F = len(model.front_ids)
    D = len(model.order)
    slots = max((len(act.random) for act in model.actions.values()), default=0)
    E = A + K + n_watch
    H1 = horizon + 1
    total = n_blocks(runs)
    per = max(1, -(-int(batch_size) // BLOCK))
    parts = -(-total // per)
    B = min(per, total) * BLOCK
    batch = B * (4 * 8 * V + 2 * E + 2 * 8 * D * (1 + slots) + 64)      # states, history, uniforms
    kept = total * H1 * V * 8 + parts * (H1 * F * FRONT_BINS * 8 + horizon * A * 8 + 2 * H1 * K * 8)
    history = runs * (12 * E + 96)                                     # concatenated, wide table, runs
    tables = horizon * A * 240 + H1 * F * 320 + H1 * (V + K) * 32 + H1 * (K + 1) * 200
    overhead = 256 * 2**20                                             # the interpreter, libraries, report
    return {"batch": int(min(workers, parts) * batch), "rest": int(kept + history + tables + overhead)}


def check_memory(model, runs: int, horizon: int, batch_size: int, workers: int, n_watch: int = 0) -> None:
    """Refuse, before it starts, a simulation whose arrays and tables would not fit (``memory_limit``)."""
    parts = _memory_parts(model, runs, horizon, batch_size, workers, n_watch)
    need = sum(parts.values())
    limit = memory_limit()
    if need > limit:
        source = f"${MEMORY_ENV}" if os.environ.get(MEMORY_ENV, "").strip() else "half of this machine's memory"
        fix = ("a smaller --batch-size or fewer --workers" if parts["batch"] > parts["rest"]
               else "fewer --runs or a shorter --horizon")
        raise BrinkError(f"{runs:,} runs × {horizon:,} rounds would need about {_size(need)} of memory, more than "
                         f"the limit of {_size(limit)} ({source}); give {fix} (or raise ${MEMORY_ENV})")


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} TiB"


def parse_origin(as_of: dt.date | str | None) -> dt.date | None:
    """A forecast origin from a date or ``YYYY-MM-DD`` text (None: the scenario's as_of)."""
    if as_of is None or isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of))
    except ValueError:
        raise BrinkError(f"--as-of {as_of!r}: expected a date YYYY-MM-DD") from None


def check_origin(scenario: Scenario, origin: dt.date | None) -> None:
    """Refuse a forecast origin before what the scenario describes: its start state is the world
    just before its first timeline event (or at its as_of date when it has no timeline), so an
    earlier date would start from that state under a date it does not hold on."""
    if origin is None:
        return
    first = min((e.date for e in scenario.timeline), default=scenario.meta.as_of)
    if origin < first:
        what = "first timeline event" if scenario.timeline else "as_of date (it has no timeline)"
        raise BrinkError(f"--as-of {origin}: before the scenario's {what} {first}; its start state "
                         f"describes the world just before then, so give a date from {first} on")


def what_if(
    scenario: Scenario | str | Path,
    intervention: Intervention | str | Path | None = None,
    *,
    set: Mapping[str, float] | Iterable[str] | None = None,  # noqa: A002 - the name of the CLI option
    disable: Iterable[str] | None = None,
    force: Iterable[str] | None = None,
    close_channel: Iterable[str] | None = None,
) -> Intervention:
    """The intervention that ``brink simulate``/``compare`` options describe.

    ``intervention`` is an ``Intervention``, a YAML file or the name of one shipped
    with ``scenario`` (``--intervention``); the shorthands are added to it exactly as
    the CLI adds its options: ``set`` is ``{NAME: VALUE}`` or ``["NAME=VALUE", ...]``
    (``--set``), ``force`` strings are ``ACTOR:ACTION@ROUNDS`` (``--force``), ``disable``
    and ``close_channel`` are action and channel ids. Nothing given: the baseline.
    """
    if isinstance(intervention, (str, Path)):
        name = str(scenario) if isinstance(scenario, (str, Path)) else scenario.meta.id
        intervention = resolve_intervention(str(intervention), name)
    sets = set if isinstance(set, Mapping) else list(set or ())
    flags = from_options(sets, list(force or ()), list(close_channel or ()), list(disable or ()))
    base = intervention or Intervention()
    return base if flags.is_baseline() else base.merged(flags)


def simulate(
    scenario: Scenario | str,
    runs: int = 10_000,
    horizon: int = 26,
    seed: int = 0,
    intervention: Intervention | str | None = None,
    *,
    set: Mapping[str, float] | Iterable[str] | None = None,  # noqa: A002 - the name of the CLI option
    disable: Iterable[str] | None = None,
    force: Iterable[str] | None = None,
    close_channel: Iterable[str] | None = None,
    round_weeks: float | None = None,
    batch_size: int = 4 * BLOCK,
    workers: int = 1,
    backend: str = "auto",
    as_of: dt.date | str | None = None,
    watch: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate ``runs`` trajectories of ``horizon`` rounds; see ``brink.sim.engine``.

    The result is identical, bit for bit, for any ``batch_size`` and ``workers``
    (``brink.sim.rng``). ``backend`` is ``"numba"`` (the compiled kernel,
    ``brink.sim.kernel``), ``"numpy"`` (the decision model itself, the reference)
    or ``"auto"`` (the kernel wherever it is exact). ``progress(k)`` is called
    with the number of runs done. ``intervention`` and the shorthands ``set``,
    ``disable``, ``force``, ``close_channel``: see ``what_if``.

    ``as_of`` (a date or ``YYYY-MM-DD``) is the forecast origin: the scenario's
    timeline is replayed up to that date (``brink.model.history.state_on``) and the
    runs start there; default the scenario's own as_of date. ``watch`` maps names to
    formulas whose first round of truth the event history records (``state:<name>``).
    """
    iv = what_if(scenario, intervention, set=set, disable=disable, force=force, close_channel=close_channel)
    if isinstance(scenario, (str, Path)):
        from brink.scenario.loader import load_scenario

        scenario = load_scenario(scenario)
    check_settings(runs, horizon, seed, round_weeks, batch_size, workers, backend)
    check_forced_rounds(iv, horizon)
    origin = parse_origin(as_of)
    check_origin(scenario, origin)
    from brink.model.compiled import Model

    check_memory(Model(scenario, iv), runs, horizon, batch_size, workers, len(watch or {}))
    eng = Engine(scenario, iv, horizon, round_weeks, backend, origin, watch, runs=runs)
    jobs = list(_batches(runs, batch_size))
    workers = min(workers, len(jobs))  # more workers than batches would only sit idle
    parts: list[BatchResult] = []
    if workers <= 1 or len(jobs) == 1:
        for first, count, n in jobs:
            parts.append(eng.run_batch(seed, first, count, n))
            if progress:
                progress(n)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(scenario, iv, horizon, round_weeks, eng.backend, origin, watch)) as ex:
            for (first, count, n), res in zip(jobs, ex.map(_run_in_worker, [(seed, f, c, k) for f, c, k in jobs])):
                parts.append(res)
                if progress:
                    progress(n)
    return assemble(eng, parts, seed)


def assemble(eng: Engine, parts: list[BatchResult], seed: int) -> SimulationResult:
    sc, m, H = eng.scenario, eng.model, eng.horizon
    history = EventHistory.concat([p.history for p in parts])
    end_active = np.concatenate([p.end_active for p in parts])
    n, K, A = history.n, len(eng.episode_ids), len(eng.action_ids)
    # The first episode each run saw (ties within a round in file order) and the one under way at
    # the end (the first in file order), each with the default state as a last column that wins
    # only where no episode qualifies.
    index = np.array([i for i, o in enumerate(m.outcomes) if o.when is not None] + [eng.default_outcome])
    F = history.first[:, A:A + K].astype(np.int32)
    F = np.column_stack([np.where(F < 0, H + 2, F), np.full(n, H + 1)])
    first_k = np.argmin(F, axis=1)
    first_r = F[np.arange(n), first_k]
    first_outcome = index[first_k]
    ending = end_active & ~m.partial_mask  # a partial episode (a front's settlement) is no end state
    end_state = index[np.argmax(np.column_stack([ending, np.ones(n, dtype=bool)]), axis=1)]
    ids = np.array(eng.outcome_ids)
    cats = list(eng.outcome_ids)
    runs = pd.DataFrame({"run": np.arange(n, dtype=np.int64),
                         "first_outcome": pd.Categorical(ids[first_outcome], categories=cats),
                         "first_round": np.where(first_r <= H, first_r, -1).astype(np.int16),
                         "episodes": history.count[:, A:A + K].sum(axis=1).astype(np.int32),
                         "end_state": pd.Categorical(ids[end_state], categories=cats)})
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
    means = ssum / n
    fcols = eng.front_cols
    rows = []
    for r in range(H + 1):
        for f, fid in enumerate(eng.front_ids):
            rows.append((r, r * eng.round_weeks, fid, *q[r, f], means[r, fcols[f]]))
    fronts = pd.DataFrame(rows, columns=["round", "week", "front", "q05", "q25", "q50", "q75", "q95", "mean"])
    sm = pd.DataFrame(means, columns=list(m.var_names))
    sm.insert(0, "round", np.arange(H + 1))
    act = sum(p.active_counts for p in parts)
    quiet = sum(p.quiet_counts for p in parts)
    under_way = pd.DataFrame(act / n, columns=list(eng.episode_ids))
    under_way.insert(0, eng.outcome_ids[eng.default_outcome], quiet / n)
    under_way.insert(0, "round", np.arange(H + 1))
    labels = {o.id: o.label for o in sc.all_outcomes()}
    return SimulationResult(
        scenario_id=sc.meta.id, intervention=eng.intervention.id, seed=int(seed), horizon=H,
        round_weeks=float(eng.round_weeks), outcome_ids=eng.outcome_ids,
        outcome_labels=tuple(labels[o] for o in eng.outcome_ids),
        runs=runs, action_counts=ac, fronts=fronts, state_means=sm,
        history=history, under_way=under_way, default_outcome=eng.outcome_ids[eng.default_outcome],
        action_attributes=_action_attributes(m, eng.action_ids),
        meta={"as_of": str(sc.meta.as_of), "origin": str(eng.origin),
              "intervention_detail": eng.intervention.describe(),
              "watch": dict(eng.watch),
              "forced_moves_infeasible": int(sum(p.forced_skipped for p in parts)),
              "front_bins": FRONT_BINS, "block": BLOCK, "backend": eng.backend,
              "backend_note": eng.backend_note},
    )


def _action_attributes(m, action_ids) -> pd.DataFrame:
    """Catalogue attributes of the simulated actions (to group events by actor and category)."""
    rows = []
    for a in action_ids:
        spec = m.scenario.action(a)
        rows.append({"action": a, "actor": spec.actor, "category": spec.category, "target": spec.target,
                     "front": spec.front, "rung": spec.rung, "warning": spec.warning})
    return pd.DataFrame(rows)


def compare(scenario: Scenario | str, intervention: Intervention | str | None = None, runs: int = 10_000,
            horizon: int = 26, seed: int = 0, *,
            set: Mapping[str, float] | Iterable[str] | None = None,  # noqa: A002 - the name of the CLI option
            disable: Iterable[str] | None = None, force: Iterable[str] | None = None,
            close_channel: Iterable[str] | None = None, **kw) -> Comparison:
    """Baseline and intervention on common random numbers (same seed, same uniforms per run).

    The intervention is ``what_if(scenario, intervention, set=..., disable=..., force=...,
    close_channel=...)``, as ``brink compare`` builds it from its options; ``kw`` go to ``simulate``.
    """
    intervention = what_if(scenario, intervention, set=set, disable=disable, force=force,
                           close_channel=close_channel)
    if intervention.is_baseline():
        raise BrinkError("nothing to compare: give an intervention or one of set=, disable=, force=, close_channel=")
    if isinstance(scenario, (str, Path)):
        from brink.scenario.loader import load_scenario

        scenario = load_scenario(scenario)
    base = simulate(scenario, runs, horizon, seed, None, **kw)
    var = simulate(scenario, runs, horizon, seed, intervention, **kw)
    return Comparison(base, var)
