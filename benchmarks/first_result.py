"""How long the first result takes after a structural edit of a scenario (issue 15, "Waiting").

    .venv/bin/python benchmarks/first_result.py [--scenario iran-2024] [--runs 2000] [--skip-compile]

A structural edit changes the generated kernel, so its first run finds nothing in the kernel
cache. Each command below runs as a whole process with its own empty ``BRINK_CACHE_DIR``, which
is what the first run after an edit sees:

* ``auto``  — ``brink simulate SCEN --runs N`` as a user types it (the NumPy path for a small run,
  background compiling off so the figure is the run alone);
* ``numba`` — ``brink simulate SCEN --runs N --backend numba`` (the compile first, the old default).

Prints the wall-clock seconds of each and their ratio; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(argv: list[str]) -> float:
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, BRINK_CACHE_DIR=cache, BRINK_NO_BACKGROUND_COMPILE="1")
        t = time.perf_counter()
        subprocess.run(argv + ["--out", str(Path(out) / "r")], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="iran-2024")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--skip-compile", action="store_true", help="time the auto path only")
    a = ap.parse_args()
    brink = str(Path(sys.executable).with_name("brink"))
    base = [brink, "simulate", a.scenario, "--runs", str(a.runs), "--seed", "7"]
    out = {"scenario": a.scenario, "runs": a.runs, "auto_s": _timed(base)}
    if not a.skip_compile:
        out["numba_s"] = _timed(base + ["--backend", "numba"])
        out["numba_over_auto"] = out["numba_s"] / out["auto_s"]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
