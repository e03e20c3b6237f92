"""The Sobol' analysis the uncertainty issue sizes: screen, then Sobol' over the top judgements.

    .venv/bin/python benchmarks/sobol_as_of.py [--scenario iran-2024] [--questions as_of_2024-11-15]
                                               [--screen-n 4] [--top 20] [--n 256] [--runs 500]
                                               [--workers 2] [--cluster] [--json FILE]

1. a Morris screen of every judgement (``--screen-n`` trajectories, ``--runs`` runs a set);
2. the ``--top`` judgements by their largest μ* on any question;
3. a Sobol' design over them with second-order terms, N = ``--n`` (N(2D+2) sets: 10,752 for
   D = 20, N = 256), ``--runs`` runs a set, on ``--workers`` local processes — and, with
   ``--cluster``, the same design again on a two-worker ``distributed.LocalCluster``.

Prints each stage's wall time, sets per second and trajectory-rounds per second. Asserts nothing
about time.
"""

from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2024")
    ap.add_argument("--questions", default="as_of_2024-11-15")
    ap.add_argument("--screen-n", type=int, default=4)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--n", type=int, default=256)
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cluster", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    import brink
    from brink.forecast.questions import load_questions
    from brink.forecast.timing import last_round
    from brink.sim.engine import Engine
    from brink.uncertainty import sensitivity as sa
    from brink.uncertainty.problem import assumption_problem

    sc = brink.load_scenario(a.scenario)
    qs = load_questions(a.questions, a.scenario)
    horizon = max(last_round(q.days, sc.round_days) for q in qs)
    Engine(sc, horizon=horizon, backend="numba")  # compile (or load) outside the clocks
    res = {"scenario": a.scenario, "questions": a.questions, "runs": a.runs, "horizon": horizon,
           "workers": a.workers}

    def timed(problem, method, n, **kw):
        U, X = sa.sample(problem, method, n, a.seed)
        t = time.perf_counter()
        frame = brink.evaluate(sc, problem, X, qs, a.runs, a.seed, backend="numba", **kw)
        dt = time.perf_counter() - t
        return U, frame, {"sets": len(X), "seconds": dt, "sets_per_s": len(X) / dt,
                          "traj_rounds_per_s": len(X) * a.runs * horizon / dt}

    full = assumption_problem(sc, "all")
    U, frame, res["screen"] = timed(full, "morris", a.screen_n, workers=a.workers)
    ind = sa.analyze(full, "morris", U, frame[sa.outputs(frame, full.names)], a.seed)
    on_q = ind[ind["output"].isin(qs.ids)]
    top = on_q.groupby("name")["mu_star"].max().sort_values(ascending=False).head(a.top).index.tolist()
    res["screen"]["judgements"], res["top"] = full.d, top
    problem = assumption_problem(sc, ",".join(top))
    print(json.dumps(res, indent=2), flush=True)
    _, _, res["sobol_local"] = timed(problem, "sobol", a.n, workers=a.workers)
    print(json.dumps(res["sobol_local"], indent=2), flush=True)
    if a.cluster:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as lc:
            _, _, res["sobol_localcluster"] = timed(problem, "sobol", a.n, cluster=lc.scheduler_address)
    print(json.dumps(res, indent=2))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=2)


if __name__ == "__main__":
    main()
