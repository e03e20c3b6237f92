"""What the bargaining step costs inside the simulation round.

    .venv/bin/python benchmarks/bargain_step.py [--scenario iran-2024] [--runs 4096] [--horizon 26]
                                                [--repeat 3] [--models compromise,median,exchange,eu]
                                                [--json FILE]

The engine runs the same batch (same seed, compiled kernel) twice: as the
scenario says (a bargaining step after every ``negotiation.every`` rounds) and
with the step switched off (``model.negotiation = None``: the round as it was
before the link). Throughput is trajectory-rounds per second; the figure the
issue asks for is the ratio ``step cost / rest of the round`` =
``(t_with - t_without) / t_without`` (at most 1 is the goal). Then each
bargaining model is timed on its own in the step, on the states the batch
visits. Takes the best of ``--repeat`` runs; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def _best(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2024")
    ap.add_argument("--runs", type=int, default=4096)
    ap.add_argument("--horizon", type=int, default=26)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--models", default="compromise,median,exchange,eu")
    ap.add_argument("--step-states", type=int, default=256, help="states per timing of a non-compromise model")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    from brink.model.history import state_after
    from brink.scenario.loader import load_scenario
    from brink.sim.engine import Engine
    from brink.sim.rng import BLOCK

    sc = load_scenario(a.scenario)
    eng = Engine(sc, horizon=a.horizon, backend="numba")
    blocks = max(1, a.runs // BLOCK)
    runs = blocks * BLOCK
    nego = eng.model.negotiation
    if nego is None or not nego.linked:
        raise SystemExit(f"{a.scenario} has no settled bargaining issues: nothing to time")
    eng.run_batch(seed=1, first_block=0, n_blocks=1)  # warm-up
    t_with = _best(lambda: eng.run_batch(seed=7, first_block=0, n_blocks=blocks), a.repeat)
    eng.model.negotiation = None
    t_without = _best(lambda: eng.run_batch(seed=7, first_block=0, n_blocks=blocks), a.repeat)
    eng.model.negotiation = nego
    tr = runs * a.horizon
    out = {
        "scenario": a.scenario, "runs": runs, "horizon": a.horizon, "model": nego.model_name,
        "every": nego.every, "settled_issues": len(nego.linked),
        "traj_rounds_per_s_with_step": tr / t_with,
        "traj_rounds_per_s_without_step": tr / t_without,
        "step_cost_over_rest_of_round": (t_with - t_without) / t_without,
    }
    # each model on its own, on states spread like the simulation's (random points of the ranges)
    m = eng.model
    S0, _ = state_after(m, None)
    rng = np.random.default_rng(0)
    per_model = {}
    for name in a.models.split(","):
        n = runs if name == "compromise" else min(runs, a.step_states)
        S = np.tile(S0, (n, 1))
        fronts = [i for k, i in m.var_index.items() if k.startswith("front.")]
        S[:, fronts] = rng.random((n, len(fronts)))
        nego.model_name = name
        t = _best(lambda: nego.step(S, every_issue=False), a.repeat)  # as the engine calls it
        per_model[name] = {"states": n, "seconds": t, "states_per_s": n / t,
                           "step_over_round": (t / n) / (t_without / tr)}
    nego.model_name = out["model"]
    out["models"] = per_model
    print(json.dumps(out, indent=2))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=2)


if __name__ == "__main__":
    main()
