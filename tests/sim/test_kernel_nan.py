"""A non-finite state from the compiled kernel ends like one from the NumPy path.

The generated kernel does not check formulas as it evaluates them (that would cost a branch per
formula); the engine checks the state after each compiled round and, where a value is not
finite, runs the batch again on the NumPy path, which stops at the formula that caused it. The
kernel is stood in for here (no compile): it leaves NaN in the state, as it would.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from brink.errors import BrinkError
from brink.scenario.folder import resolve_path
from brink.scenario.loader import load_scenario
from brink.sim.engine import Engine


def _nan_kernel(eng):
    def fake(S, idx, U, r):
        S[:, 0] = np.nan
        return np.full((idx.size, len(eng.order)), -1, dtype=np.int64), 0
    return fake


def _as_if_compiled(sc) -> Engine:
    eng = Engine(sc, horizon=4, backend="numpy")
    eng.backend = "numba"
    eng._round_compiled = _nan_kernel(eng)
    return eng


def test_the_numpy_rerun_names_the_formula(tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(resolve_path("synthetic-standoff"), folder)
    text = (folder / "actions.yaml").read_text()
    assert '"-inaction_cost * NRT.grievance"' in text
    (folder / "actions.yaml").write_text(text.replace(
        '"-inaction_cost * NRT.grievance"', '"(NRT.grievance - NRT.grievance) / (NRT.grievance - NRT.grievance)"', 1))
    eng = _as_if_compiled(load_scenario(folder))   # the start state is fine: the effect is met in a round
    with pytest.raises(BrinkError, match="effects.NRT.credibility: formula .* gave nan"):
        eng.run_batch(seed=1, first_block=0, n_blocks=1, n=20)
    assert eng.backend == "numba"


def test_a_kernel_only_nan_is_reported_as_a_bug():
    eng = _as_if_compiled(load_scenario("synthetic-standoff"))
    with pytest.raises(BrinkError, match="this is a bug in brink"):
        eng.run_batch(seed=1, first_block=0, n_blocks=1, n=20)


def test_a_division_by_zero_in_the_compiled_kernel_is_named_not_clipped(tmp_path):
    """The real kernel: an effect that divides by zero gives inf; the kernel used to clip it to the
    variable's range end (a confident number from nonsense). Now it leaves NaN, the engine's check
    after the round sees it, and the NumPy path names the formula and its file:line."""
    folder = tmp_path / "s"
    shutil.copytree(resolve_path("synthetic-standoff"), folder)
    text = (folder / "actions.yaml").read_text()
    (folder / "actions.yaml").write_text(text.replace(
        '"-inaction_cost * NRT.grievance"', '"inaction_cost / (NRT.grievance - NRT.grievance)"', 1))
    eng = Engine(load_scenario(folder), horizon=4, backend="numba")
    with pytest.raises(BrinkError, match=r"effects\.NRT\.credibility: formula .* gave inf"):
        eng.run_batch(seed=1, first_block=0, n_blocks=1, n=64)
