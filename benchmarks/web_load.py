"""A bounded load test of ``brink serve`` on localhost: N clients asking for explanations and cached
forecasts at once.

    .venv/bin/python benchmarks/web_load.py [--clients 8] [--requests 50] [--scenario iran-2024]
                                            [--distinct] [--json FILE]

Starts the app under uvicorn in this process (127.0.0.1, a free port), warms the forecast cache
with one job (a shipped question file, 500 runs), then each client sends ``--requests`` requests,
alternating: an explanation at a decision point with a what-if λ, and the cached forecast (the
same POST, then its job). The λ values are six (so explanations are mostly served from the
server's cache of them), or with ``--distinct`` a new one for every explanation (each computed).
Every response is checked against the answer computed beforehand (explanations by ``brink.web.views.decision_view``, the forecast by the first
job's result). Reports requests per second and the 50th/99th percentile latency per kind, and the
number of wrong or failed responses (0 is the only good answer). Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: tests.web.browser.serve


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--scenario", default="iran-2024")
    ap.add_argument("--questions", default="as_of_2024-11-15")
    ap.add_argument("--distinct", action="store_true",
                    help="a different λ for every explanation (none served from the cache)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    warnings.simplefilter("ignore")

    import httpx

    from brink.web.app import create_app
    from brink.web.views import decision_view, finite
    from tests.web.browser import serve

    app = create_app([a.scenario])
    sc = app.state.catalog.get(a.scenario)
    at = sc.decision_points[-1].id
    n_exp = a.clients * ((a.requests + 1) // 2)
    lams = list(np.round(np.linspace(10, 90, n_exp), 6)) if a.distinct else [10.0, 20.0, 30.0, 40.0, 60.0, 80.0]
    expected = {lam: [x["probability"] for x in finite(decision_view(sc, at, None, {"lambda": lam}))["actions"]]
                for lam in lams}
    body = {"questions": a.questions, "runs": 500, "seed": 0}
    lat: dict[str, list[float]] = {"explain": [], "forecast": []}
    wrong = []
    lock = threading.Lock()
    with serve(app) as base:
        with httpx.Client(base_url=base, timeout=300) as c:
            start = c.post(f"/api/v1/scenarios/{a.scenario}/forecast", json=body).json()
            while (done := c.get(start["url"]).json())["status"] == "running":
                time.sleep(0.2)
            reference = done["result"]

        def client(k: int) -> None:
            with httpx.Client(base_url=base, timeout=300) as c:
                for i in range(a.requests):
                    t = time.perf_counter()
                    if i % 2 == 0:
                        lam = lams[(k * ((a.requests + 1) // 2) + i // 2) % len(lams)]
                        r = c.get(f"/api/v1/scenarios/{a.scenario}/decision", params={"at": at, "set": f"lambda={lam}"})
                        ok = r.status_code == 200 and [x["probability"] for x in r.json()["actions"]] == expected[lam]
                        kind = "explain"
                    else:
                        s = c.post(f"/api/v1/scenarios/{a.scenario}/forecast", json=body).json()
                        r = c.get(s["url"])
                        ok = r.status_code == 200 and r.json().get("result") == reference
                        kind = "forecast"
                    dt = time.perf_counter() - t
                    with lock:
                        lat[kind].append(dt)
                        if not ok:
                            wrong.append((kind, r.status_code))

        t0 = time.perf_counter()
        with ThreadPoolExecutor(a.clients) as ex:
            list(ex.map(client, range(a.clients)))
        wall = time.perf_counter() - t0
    total = sum(len(v) for v in lat.values())
    res = {"scenario": a.scenario, "clients": a.clients, "requests": total, "seconds": wall,
           "distinct_explanations": len(lams),
           "requests_per_s": total / wall, "wrong_or_failed": len(wrong)}
    for kind, v in lat.items():
        res[kind] = {"n": len(v), "p50_ms": 1000 * float(np.percentile(v, 50)),
                     "p99_ms": 1000 * float(np.percentile(v, 99))}
    print(json.dumps(res, indent=2))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(res, fh, indent=2)


if __name__ == "__main__":
    main()
