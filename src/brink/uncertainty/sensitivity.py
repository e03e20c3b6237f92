"""Which judgements drive each forecast: SALib's samplers and analysers over ``evaluate``'s rows.

Plain functions over arrays, as SALib's own: ``sample(problem, method, n, seed)`` gives unit-cube
points (SALib's Sobol' or Morris design over ``problem.to_salib()``) and their values
(``problem.transform``); ``analyze(problem, method, U, Y, seed)`` gives one row per output and
judgement — first-order and total Sobol' indices with their 95 % bootstrap intervals, or Morris
μ*, its interval and σ — with the rank of each judgement within its output (1 = most influential:
largest total index, or largest μ*). Outputs are ``evaluate``'s probability columns (questions and
``outcome:ID``); an output that never varies over the design has no indices (NaN) and a note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from brink.errors import BrinkError

METHODS = ("sobol", "morris")
MORRIS_LEVELS = 4


def design_size(method: str, n: int, d: int, second_order: bool = True) -> int:
    """How many parameter sets a design of base size ``n`` over ``d`` judgements takes."""
    if method == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    return n * (d + 1)


def sample(problem, method: str, n: int, seed: int = 0, second_order: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``(U, X)``: the design's unit-cube points and the judgement values they stand for."""
    if method not in METHODS:
        raise BrinkError(f"--method {method}: expected sobol or morris")
    if n < 2:
        raise BrinkError(f"--n {n}: must be at least 2")
    sp = problem.to_salib()
    if method == "sobol":
        if n & (n - 1):
            raise BrinkError(f"--n {n}: a Sobol' design needs a power of 2 (e.g. {1 << (n.bit_length() - 1)} "
                             f"or {1 << n.bit_length()})")
        from SALib.sample import sobol as sobol_sample

        U = sobol_sample.sample(sp, n, calc_second_order=second_order, scramble=True, seed=seed)
    else:
        from SALib.sample import morris as morris_sample

        U = morris_sample.sample(sp, n, num_levels=MORRIS_LEVELS, seed=seed)
    return U, problem.transform(U)


def outputs(frame: pd.DataFrame, names) -> list[str]:
    """The probability columns of an ``evaluate`` table (everything but the judgement values)."""
    return [c for c in frame.columns if c not in set(names)]


def analyze(problem, method: str, U: np.ndarray, Y: pd.DataFrame, seed: int = 0,
            second_order: bool = True) -> pd.DataFrame:
    """One row per (output, judgement): the indices (see the module docstring)."""
    sp = problem.to_salib()
    rows = []
    for col in Y.columns:
        y = Y[col].to_numpy(dtype=float)
        base = {"output": col}
        if not np.isfinite(y).all() or np.ptp(y) == 0:
            note = "undefined in some sets (a conditional question)" if not np.isfinite(y).all() else \
                "the same in every set"
            for name in problem.names:
                rows.append({**base, "name": name, "note": note})
            continue
        if method == "sobol":
            from SALib.analyze import sobol as sobol_analyze

            res = sobol_analyze.analyze(sp, y, calc_second_order=second_order, num_resamples=200,
                                        conf_level=0.95, seed=seed)
            for k, name in enumerate(problem.names):
                rows.append({**base, "name": name, "S1": res["S1"][k], "S1_conf": res["S1_conf"][k],
                             "ST": res["ST"][k], "ST_conf": res["ST_conf"][k], "note": ""})
        else:
            from SALib.analyze import morris as morris_analyze

            res = morris_analyze.analyze(sp, U, y, num_resamples=200, conf_level=0.95,
                                         num_levels=MORRIS_LEVELS, seed=seed)
            for k, name in enumerate(problem.names):
                rows.append({**base, "name": name, "mu_star": res["mu_star"][k],
                             "mu_star_conf": res["mu_star_conf"][k], "sigma": res["sigma"][k], "note": ""})
    out = pd.DataFrame(rows)
    key = "ST" if method == "sobol" else "mu_star"
    if key not in out:
        out[key] = np.nan
    out["rank"] = out.groupby("output")[key].rank(ascending=False, method="first")
    return out


def top(indices: pd.DataFrame, method: str, k: int = 5) -> pd.DataFrame:
    """The ``k`` most influential judgements of each output."""
    return indices[indices["rank"] <= k].sort_values(["output", "rank"]).reset_index(drop=True)
