"""Compile a scenario's simulation kernel in a background process, for the next run.

``python -m brink.sim.precompile FILE`` reads the pickled ``(scenario, horizon,
round_weeks, as_of)`` that ``brink.sim.kernel.compile_in_background`` wrote,
deletes the file, builds the compiled engine (which compiles the kernel into
Numba's on-disk cache) and removes the kernel's "compiling" marker. It prints
nothing: the run that started it has long moved on, on the NumPy path.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path


def main(path: str) -> int:
    from brink.sim import kernel
    from brink.sim.engine import Engine

    file = Path(path)
    try:
        scenario, horizon, round_weeks, as_of = pickle.loads(file.read_bytes())
    finally:
        file.unlink(missing_ok=True)
    eng = None
    try:
        eng = Engine(scenario, horizon=horizon, round_weeks=round_weeks, backend="numba", as_of=as_of)
    finally:
        if eng is not None and getattr(eng, "_kernel", None) is not None:
            kernel.compiling_marker(eng._kernel).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a detached process
    sys.exit(main(sys.argv[1]))
