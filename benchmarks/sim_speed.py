"""Speed and memory of the vectorised engine against the Mesa reference.

    .venv/bin/python benchmarks/sim_speed.py [--runs 16384] [--mesa-runs 30] [--horizon 26] [--workers 1]
                                             [--numpy-runs 4096] [--skip-mesa] [--scenario NAME_OR_FOLDER]

Three implementations of the same simulation: the default compiled kernel
(``--backend numba``), the NumPy decision model vectorised over trajectories
(``--backend numpy``, the reference the kernel is tested against), and the
Mesa 3 reference stepping one trajectory at a time.

Each measurement runs in a fresh subprocess so that its peak memory (max RSS)
is its own. Throughput is counted in *trajectory-rounds actually simulated*,
the same unit for all three. Since episodes start and end, every trajectory
runs the whole horizon (so simulated = nominal runs x horizon), with the event
history (first round and count of every action and episode) recorded by all
three. Not part of the test run; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

ENGINE = """
import json, resource, sys, time
from brink.scenario.loader import load_scenario
from brink.sim import simulate
runs, horizon, workers, batch = map(int, sys.argv[1:5])
backend = sys.argv[5]
sc = load_scenario(sys.argv[6])
simulate(sc, runs=64, horizon=2, seed=1, backend=backend)  # warm-up (imports; kernel compiled or loaded from cache)
t = time.perf_counter()
res = simulate(sc, runs=runs, horizon=horizon, seed=7, workers=workers, batch_size=batch, backend=backend)
dt = time.perf_counter() - t
active = runs * horizon  # every run goes the whole horizon, event history on
assert res.history.first.shape == (runs, len(res.history.event_ids))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "active": active, "nominal": runs * horizon, "rss_mb": max(rss, child)}))
"""

MESA = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
from mesa_reference import run_reference
from brink.scenario.loader import load_scenario
from brink.model.compiled import Model
runs, horizon = map(int, sys.argv[1:3])
m = Model(load_scenario(sys.argv[4]))
run_reference(m, 1, 2, seed=1)
t = time.perf_counter()
events = tuple(a for actor in m.order for a in m.actors[actor].actions) + tuple("outcome:" + o.id for o in m.episodes)
first, count = run_reference(m, runs, horizon, seed=7, event_ids=events)
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "active": runs * horizon, "nominal": runs * horizon, "rss_mb": rss}))
"""


def measure(code: str, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=16384)
    ap.add_argument("--mesa-runs", type=int, default=30)
    ap.add_argument("--horizon", type=int, default=26)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16384)
    ap.add_argument("--skip-mesa", action="store_true")
    ap.add_argument("--numpy-runs", type=int, default=4096, help="runs for the NumPy backend (0: skip it)")
    ap.add_argument("--scenario", default="iran-2024", help="built-in name or folder (default iran-2024)")
    a = ap.parse_args()
    t0 = time.time()
    e = measure(ENGINE, a.runs, a.horizon, a.workers, a.batch_size, "numba", a.scenario)
    e_rate = e["active"] / e["seconds"]
    print(f"compiled kernel:   {a.runs:,} runs x {a.horizon} rounds ({e['active']:,} trajectory-rounds simulated, "
          f"nominal {e['nominal']:,}) in {e['seconds']:.2f} s = {e_rate:,.0f} trajectory-rounds/s "
          f"({e['nominal'] / e['seconds']:,.0f} nominal/s); peak RSS {e['rss_mb']:.0f} MB; workers {a.workers}")
    if a.numpy_runs:
        v = measure(ENGINE, a.numpy_runs, a.horizon, 1, a.batch_size, "numpy", a.scenario)
        v_rate = v["active"] / v["seconds"]
        print(f"NumPy backend:     {a.numpy_runs:,} runs ({v['active']:,} trajectory-rounds) in {v['seconds']:.1f} s "
              f"= {v_rate:,.0f} trajectory-rounds/s; peak RSS {v['rss_mb']:.0f} MB; workers 1")
        print(f"ratio kernel / NumPy backend: {e_rate / v_rate:,.1f}x")
    if not a.skip_mesa:
        m = measure(MESA, a.mesa_runs, a.horizon, HERE, a.scenario)
        m_rate = m["active"] / m["seconds"]
        print(f"Mesa reference:    {a.mesa_runs:,} runs ({m['active']:,} trajectory-rounds) in {m['seconds']:.1f} s "
              f"= {m_rate:,.1f} trajectory-rounds/s; peak RSS {m['rss_mb']:.0f} MB")
        print(f"ratio kernel / Mesa: {e_rate / m_rate:,.0f}x")
    print(f"(total wall time {time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
