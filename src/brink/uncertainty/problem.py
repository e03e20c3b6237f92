"""The scenario's uncertain judgements as one problem: names, spreads, and the map from the unit cube.

The judgements are the values ``--set`` can change without pinning the state: the parameters
(``parameters.yaml``), each actor's concern weights (``weight.A.C``), tendencies (``tendency.A.CAT``)
and own logit precision (``precision.A``) — the numbers the compiled kernel takes as arguments, so a
new set of them never recompiles anything. Each has a spread (``brink.uncertainty.spread``) inside
its declared range (``brink.model.ranges``).

``UncertainProblem`` follows SALib's problem dictionary (``to_salib()``), but samples are drawn in
the unit cube and mapped through each spread's quantiles (``transform``), so any spread, not only
SALib's few, enters the same way. Variance-based indices are unchanged by that map (it is monotone,
one input at a time); Morris effects are then per unit of quantile, comparable across judgements.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

import numpy as np
import pandas as pd

from brink.errors import BrinkError
from brink.model.ranges import judgement_range
from brink.uncertainty.spread import Dist, resolve

Loc = tuple


def judgements(sc) -> list[tuple[str, str, object, Loc]]:
    """Every settable judgement of ``sc``: ``(name, kind, Param, data path in the scenario)``, in file order."""
    out = [(name, "param", p, ("parameters", name)) for name, p in sc.parameters.items()]
    for i, a in enumerate(sc.actors):
        for j, c in enumerate(a.concerns):
            out.append((f"weight.{a.id}.{c.id}", "weight", c.weight, ("actors", i, "concerns", j, "weight")))
        for cat, t in a.tendencies.items():
            out.append((f"tendency.{a.id}.{cat}", "tendency", t, ("actors", i, "tendencies", cat)))
        if a.precision is not None:
            out.append((f"precision.{a.id}", "precision", a.precision, ("actors", i, "precision")))
    return out


def _range(sc, kind: str, name: str) -> tuple[float, float] | None:
    r = judgement_range(sc, kind, name)
    return None if r is None else (r[0], r[1])


def spread_problems(sc) -> list[tuple[Loc, str]]:
    """A spread that leaves its judgement's declared range or misses its value, at its place (for validate)."""
    out = []
    for name, kind, p, loc in judgements(sc):
        if p.uncertainty is None or isinstance(p.uncertainty, str):
            continue  # a grade is cut to the range by definition
        why = resolve(p, _range(sc, kind, name))[1]
        if why is not None:
            out.append((loc + ("uncertainty",), why))
    return out


def spreads(sc) -> dict[str, tuple[str, Dist]]:
    """``provenance.walk`` path -> (name, resolved spread) of each judgement with a usable spread
    (what ``brink show --assumptions`` prints beside the value)."""
    from brink.scenario.provenance import path_of

    out = {}
    for name, kind, p, loc in judgements(sc):
        dist, why = resolve(p, _range(sc, kind, name))
        if dist is not None:
            out[path_of(sc, loc)] = (name, dist)
    return out


@dataclass(frozen=True)
class UncertainProblem:
    """The judgements a run varies: their ``--set`` names, point values and spreads."""

    names: tuple[str, ...]
    values: np.ndarray          # (d,) the scenario's point values
    dists: tuple[Dist, ...]

    @property
    def d(self) -> int:
        return len(self.names)

    def to_salib(self) -> dict:
        """SALib's problem dictionary over the unit cube (samples are quantiles; ``transform`` maps them)."""
        return {"num_vars": self.d, "names": list(self.names), "bounds": [[0.0, 1.0]] * self.d}

    def transform(self, U: np.ndarray) -> np.ndarray:
        """Values (n, d) of unit-cube samples ``U`` (n, d): column k through spread k's quantile function."""
        U = np.atleast_2d(np.asarray(U, float))
        if U.shape[1] != self.d:
            raise BrinkError(f"samples have {U.shape[1]} columns, the problem {self.d} judgements")
        return np.column_stack([dist.ppf(U[:, k]) for k, dist in enumerate(self.dists)]) if self.d else U

    def sample(self, n: int, *, design: str = "sobol", seed: int = 0) -> np.ndarray:
        """``n`` parameter sets (values, (n, d)) from a seeded scrambled Sobol or Latin hypercube design."""
        import warnings

        from scipy.stats import qmc

        if n < 1:
            raise BrinkError(f"--uncertainty {n}: must be at least 1 parameter set")
        if design == "sobol":
            with warnings.catch_warnings():  # balance needs a power of 2; any n is still a valid design
                warnings.simplefilter("ignore", UserWarning)
                U = qmc.Sobol(self.d, scramble=True, seed=seed).random(n)
        elif design == "lhs":
            U = qmc.LatinHypercube(self.d, seed=seed).random(n)
        else:
            raise BrinkError(f"--design {design}: expected sobol or lhs")
        return self.transform(U)

    def to_frame(self) -> pd.DataFrame:
        """One row per judgement: name, value, the spread's ends and its description and source."""
        return pd.DataFrame({
            "name": list(self.names), "value": self.values,
            "low": [d.lo for d in self.dists], "high": [d.hi for d in self.dists],
            "spread": [d.describe() for d in self.dists], "source": [d.source for d in self.dists],
        })


def select(names: list[str], params: str | list[str] | None) -> list[str]:
    """The names matching ``params``: ``all`` (or None), or comma-separated globs (``weight.IRN.*``)."""
    if params is None or params == "all":
        return list(names)
    pats = [p.strip() for p in (params.split(",") if isinstance(params, str) else params) if p.strip()]
    chosen = [n for n in names if any(fnmatch.fnmatchcase(n, p) for p in pats)]
    for p in pats:
        if not any(fnmatch.fnmatchcase(n, p) for n in names):
            import difflib

            close = difflib.get_close_matches(p, names, n=3, cutoff=0.6)
            raise BrinkError(f"--params {p!r}: matches no judgement of the scenario"
                             + (f"; did you mean {' or '.join(close)}?" if close else
                                " (names as in --set: a parameter, weight.A.C, tendency.A.CAT, precision.A)"))
    return chosen


def assumption_problem(sc, params: str | list[str] | None = "all") -> UncertainProblem:
    """The problem over ``sc``'s judgements matching ``params`` (see ``select``), each with its spread."""
    rows = judgements(sc)
    keep = set(select([r[0] for r in rows], params))
    names, values, dists = [], [], []
    for name, kind, p, loc in rows:
        if name not in keep:
            continue
        dist, why = resolve(p, _range(sc, kind, name))
        if why is not None:
            raise BrinkError(f"{name}: uncertainty: {why}")
        if dist.hi <= dist.lo:
            continue  # no spread at all (a value pinned at both ends of its range): nothing to vary
        names.append(name)
        values.append(float(p.value))
        dists.append(dist)
    if not names:
        raise BrinkError("no judgement to vary (each selected one has no spread)")
    return UncertainProblem(tuple(names), np.array(values), tuple(dists))
