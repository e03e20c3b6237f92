"""Parameter sets through the sweep path (``brink.evaluate``) against a plain ``simulate`` loop.

    .venv/bin/python benchmarks/sweep_path.py [--scenario iran-2024] [--questions as_of_2024-11-15]
                                              [--sets 32] [--runs 500] [--workers 1] [--repeat 2]
                                              [--cluster] [--json FILE]

Both sides run the same parameter sets (a scrambled Sobol' draw of every judgement's spread),
the same runs, seed and horizon (the question file's longest window), on the compiled kernel:

* reference — a loop of ``brink.simulate(scenario, runs, horizon, seed, as_of=..., set=values)``,
  one call per set: the engine's own throughput;
* sweep path — ``brink.evaluate(scenario, problem, X, questions, runs, seed)``: the same
  simulations plus answering every question, in chunks, through the executor.

Reported: parameter sets per second and trajectory-rounds per second of each, and the ratio
sweep / reference (the goal: at least 0.9). ``--cluster`` adds a two-worker
``distributed.LocalCluster`` run of the sweep path (and ``--workers`` the local pool) beside it.
Takes the best of ``--repeat``; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2024")
    ap.add_argument("--questions", default="as_of_2024-11-15")
    ap.add_argument("--sets", type=int, default=32)
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cluster", action="store_true", help="also time a two-worker LocalCluster")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    import brink
    from brink.forecast.questions import load_questions
    from brink.forecast.timing import last_round
    from brink.sim import kernel
    from brink.sim.engine import Engine

    sc = brink.load_scenario(a.scenario)
    qs = load_questions(a.questions, a.scenario)
    problem = brink.assumption_problem(sc, "all")
    X = problem.sample(a.sets, seed=a.seed)
    origins = sorted({q.as_of for q in qs})
    horizons = {o: max(last_round(q.days, sc.round_days) for q in qs if q.as_of == o) for o in origins}
    Engine(sc, horizon=max(horizons.values()), backend="numba")  # compile (or load) outside the clocks
    traj_rounds = a.sets * a.runs * sum(horizons.values())

    def reference():
        with kernel.same_structure():  # the loop gets the same kernel-text memo the sweep path uses
            for row in X:
                for o in origins:
                    brink.simulate(sc, a.runs, horizons[o], a.seed, as_of=o, backend="numba",
                                   set=dict(zip(problem.names, map(float, row))))

    def sweep(workers=1, cluster=None):
        return lambda: brink.evaluate(sc, problem, X, qs, a.runs, a.seed, backend="numba", workers=workers,
                                      cluster=cluster)

    def best(fn):
        out = float("inf")
        for _ in range(a.repeat):
            t = time.perf_counter()
            fn()
            out = min(out, time.perf_counter() - t)
        return out

    res = {"scenario": a.scenario, "questions": a.questions, "sets": a.sets, "runs": a.runs,
           "judgements": problem.d, "horizons": {o.isoformat(): h for o, h in horizons.items()},
           "trajectory_rounds": traj_rounds}
    t_ref = best(reference)
    t_sw = best(sweep())
    res["reference_s"], res["sweep_s"] = t_ref, t_sw
    for name, t in (("reference", t_ref), ("sweep", t_sw)):
        res[f"{name}_sets_per_s"] = a.sets / t
        res[f"{name}_traj_rounds_per_s"] = traj_rounds / t
    res["ratio_sweep_over_reference"] = t_ref / t_sw
    if a.workers > 1:
        res[f"sweep_{a.workers}_workers_s"] = best(sweep(workers=a.workers))
    if a.cluster:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
            res["sweep_localcluster_2_workers_s"] = best(sweep(cluster=lc.scheduler_address))
    print(json.dumps(res, indent=2))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=2)


if __name__ == "__main__":
    main()
