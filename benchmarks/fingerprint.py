"""Fingerprints of what a scenario computes, to show that a restructuring changed nothing.

    PYTHONPATH=src .venv/bin/python benchmarks/fingerprint.py OUT.json

Hashes (sha1, 16 hex digits) of: the generated kernel source for the baseline
and two shipped interventions of iran-2024; every table of ``simulate`` (seed 7,
26 rounds; 8,192 runs on the compiled kernel, 2,048 on the NumPy backend) for
each; and the choice probabilities and utilities at every decision point. Run it
in a worktree of an older commit (``git worktree add /tmp/old COMMIT``, with
``PYTHONPATH=/tmp/old/src``) and on HEAD, and compare the two files: equal
hashes are bit-identical results. It only uses API that existed before issue 10.
Not part of the test run.
"""
import hashlib, json, sys
import numpy as np, pandas as pd
from brink.scenario.loader import load_scenario
from brink.sim import simulate
from brink.sim.interventions import resolve_intervention
from brink.sim.engine import Engine
from brink.sim import kernel
from brink.model.compiled import compile_model
from brink.model.choice import evaluate
from brink.model.history import state_at

def h(obj):
    m = hashlib.sha1()
    if isinstance(obj, pd.DataFrame):
        m.update(pd.util.hash_pandas_object(obj, index=True).values.tobytes()); m.update(str(list(obj.columns)).encode())
    elif isinstance(obj, np.ndarray):
        m.update(np.ascontiguousarray(obj).tobytes())
    else:
        m.update(repr(obj).encode())
    return m.hexdigest()[:16]

out = {}
sc = load_scenario("iran-2024")
ivs = {"baseline": None, "us-max-pressure": resolve_intervention("us-max-pressure", "iran-2024"),
       "iran-no-warning": resolve_intervention("iran-no-warning", "iran-2024")}
for name, iv in ivs.items():
    eng = Engine(sc, iv or __import__("brink.sim.interventions", fromlist=["Intervention"]).Intervention(), 26, None, "numpy")
    text = kernel.KernelSource(eng.model, eng.order).text()
    out[f"kernel_text/{name}"] = hashlib.sha1(text.encode()).hexdigest()[:16]
    for backend, runs in (("numba", 8192), ("numpy", 2048)):
        res = simulate(sc, runs=runs, horizon=26, seed=7, intervention=iv, backend=backend)
        for k, v in vars(res).items():
            if isinstance(v, (pd.DataFrame, np.ndarray)):
                out[f"sim/{name}/{backend}/{k}"] = h(v)
m = compile_model(sc)
for dp in sc.decision_points:
    S = state_at(m, dp.id)
    ev = evaluate(m, S, dp.actor)
    out[f"eval/{dp.id}"] = h(ev.probability) + ":" + h(ev.utility)
json.dump(out, open(sys.argv[1], "w"), indent=1, sort_keys=True)
print(len(out), "entries")
