"""``backend="auto"`` after a structural edit: a small run does not wait for a first compile.

Where the kernel for the scenario's structure is not in the cache yet and the run is small
(``SMALL_RUN`` trajectory-rounds), the run takes the NumPy path, says so, and starts one detached
compile for the next run; a large run compiles first. Nothing here compiles a kernel: the cache is
an empty temporary folder and the detached process is replaced by a recorder.
"""

from __future__ import annotations

import pickle
import sys

import pytest

from brink.scenario.loader import load_scenario
from brink.sim import engine as engine_mod
from brink.sim import kernel, precompile
from brink.sim.engine import SMALL_RUN, Engine

NAME = "synthetic-standoff"


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path / "kernels"))
    monkeypatch.delenv("BRINK_NO_BACKGROUND_COMPILE", raising=False)
    kernel._LOADED.clear()
    started = []

    class Recorder:
        def __init__(self, argv, **kw):
            started.append(argv)

    monkeypatch.setattr("subprocess.Popen", Recorder)
    yield tmp_path / "kernels", started
    kernel._LOADED.clear()


def test_a_small_run_without_a_compiled_kernel_takes_numpy_and_compiles_for_next_time(empty_cache):
    cache, started = empty_cache
    eng = Engine(load_scenario(NAME), horizon=12, runs=200)
    assert eng.backend == "numpy"
    assert "not built yet" in eng.backend_note and "compiling in the background" in eng.backend_note
    assert len(started) == 1 and started[0][:3] == [sys.executable, "-m", "brink.sim.precompile"]
    job = started[0][3]
    scenario, horizon, round_weeks, as_of = pickle.loads(open(job, "rb").read())
    assert scenario.meta.id == NAME and horizon == 12
    assert kernel.compiling_marker(eng._kernel).exists()
    # a second small run while the first compile is under way starts no second one, and says so
    again = Engine(load_scenario(NAME), horizon=12, runs=200)
    assert again.backend == "numpy" and len(started) == 1 and "not being compiled now" in again.backend_note


def test_the_numpy_path_it_takes_gives_the_numbers_of_the_numpy_backend(empty_cache):
    sc = load_scenario(NAME)
    auto = Engine(sc, horizon=8, runs=100).run_batch(seed=4, first_block=0, n_blocks=1, n=100)
    ref = Engine(sc, horizon=8, backend="numpy").run_batch(seed=4, first_block=0, n_blocks=1, n=100)
    assert (auto.history.first == ref.history.first).all()


def test_a_large_run_or_an_unknown_size_compiles_first(empty_cache, monkeypatch):
    _, started = empty_cache
    warmed = []
    monkeypatch.setattr(Engine, "_warm_up", lambda self: warmed.append(self.runs))
    big = SMALL_RUN // 12 + 1
    assert Engine(load_scenario(NAME), horizon=12, runs=big).backend == "numba"
    assert Engine(load_scenario(NAME), horizon=12).backend == "numba"   # the Python API without a size
    assert warmed == [big, None] and started == []


def test_background_compiling_can_be_switched_off(empty_cache, monkeypatch):
    _, started = empty_cache
    monkeypatch.setenv("BRINK_NO_BACKGROUND_COMPILE", "1")
    eng = Engine(load_scenario(NAME), horizon=12, runs=50)
    assert eng.backend == "numpy" and started == [] and "--backend numba compiles it first" in eng.backend_note


def test_the_detached_process_deletes_its_job_and_its_marker(empty_cache, monkeypatch):
    eng = Engine(load_scenario(NAME), horizon=12, runs=200)
    _, started = empty_cache
    job = started[0][3]
    marker = kernel.compiling_marker(eng._kernel)
    built = []

    class FakeEngine:  # stands in for the compile itself
        def __init__(self, scenario, **kw):
            built.append(kw)
            self._kernel = eng._kernel

    monkeypatch.setattr(engine_mod, "Engine", FakeEngine)
    assert precompile.main(job) == 0
    assert built == [{"horizon": 12, "round_weeks": eng.round_weeks, "backend": "numba", "as_of": None}]
    assert not marker.exists() and not __import__("os").path.exists(job)
