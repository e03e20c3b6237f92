"""Comparative statics: how the equilibria move as one scenario parameter changes.

:func:`sweep` rebuilds the sequential game at a decision point for each value
of a parameter or state variable (anything ``compile_model`` accepts as an
override: a parameter, ``ACTOR.variable``, ``weight.ACTOR.concern``, a
precision...), and records the first mover's subgame-perfect
move, its agent-QRE probabilities at the scenario's λ, and the outcome-class
probabilities under the QRE.

:func:`thresholds` finds where the first mover's best response flips: between
two grid values with different SPE moves, bisection on the parameter narrows
the switch point down to ``tol``. Where the same move is chosen everywhere no
threshold is reported; a flip narrower than a grid step can be missed, which
is why the grid is the user's to choose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brink.errors import BrinkError
from brink.games.builder import build_game, first_move_probs, outcome_distribution
from brink.games.qre import agent_qre_pi
from brink.games.spe import subgame_perfect


MAX_POINTS = 1000  # grid values a sweep may ask for (each is a game solved; bisection adds more per flip)


def parse_range(text: str, scenario=None, base: dict | None = None, option: str = "--sweep",
                max_points: int = MAX_POINTS) -> tuple[str, np.ndarray]:
    """``name=lo:hi:n`` (n points, inclusive) or ``name=v1,v2,...`` → (name, values).

    Numbers must be finite, LO < HI, 2 <= N <= ``MAX_POINTS``. With ``scenario`` (and the
    ``--set`` overrides ``base``) the name is resolved and every value must lie in its declared
    range, by the model's own rule (``Model.value_problem``), before any game is solved.
    """
    if not isinstance(text, str) or "=" not in text:
        raise BrinkError(f"{option} {text!r}: expected NAME=LO:HI:N, e.g. legitimacy=0.2:0.8:31")
    name, spec = text.split("=", 1)
    name = name.strip()
    if not name:
        raise BrinkError(f"{option} {text!r}: no name before '='; expected NAME=LO:HI:N, e.g. legitimacy=0.2:0.8:31")
    example = "expected NAME=LO:HI:N with numbers, e.g. legitimacy=0.2:0.8:31, or NAME=V1,V2,..."
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise BrinkError(f"{option} {text!r}: {example}")
        lo, hi = (_number(x, text, example, option) for x in parts[:2])
        try:
            n = int(parts[2].strip())
        except ValueError:
            raise BrinkError(f"{option} {text!r}: N = {parts[2].strip()!r} must be a whole number of points") from None
        if not hi > lo:
            raise BrinkError(f"{option} {text!r}: need LO < HI (got {lo:g} and {hi:g})")
        if n < 2:
            raise BrinkError(f"{option} {text!r}: need N >= 2 points (got {n})")
        if n > max_points:
            raise BrinkError(f"{option} {text!r}: {n:,} points; at most {max_points:,}"
                             f"{' (each point solves a game)' if option == '--sweep' else ''}")
        values = np.linspace(lo, hi, n)
    else:
        items = spec.split(",")
        if len(items) > max_points:
            raise BrinkError(f"{option} {text!r}: {len(items):,} values; at most {max_points:,}")
        values = np.array([_number(x, text, example, option) for x in items])
    if scenario is not None:
        from brink.model.compiled import compile_model

        model = compile_model(scenario, base or {})
        try:
            model.resolve_name(name)
        except BrinkError as exc:
            raise BrinkError(f"{option} {text}: {exc}") from None
        for v in (values.min(), values.max()):
            why = model.value_problem(name, float(v))
            if why is not None:
                raise BrinkError(f"{option} {text}: {name} = {v:g}: {why}")
    return name, values


def _number(x: str, text: str, example: str, option: str = "--sweep") -> float:
    try:
        v = float(x)
    except ValueError:
        raise BrinkError(f"{option} {text!r}: {x.strip()!r} is not a number; {example}") from None
    if not np.isfinite(v):
        raise BrinkError(f"{option} {text!r}: {x.strip()!r} is not a finite number")
    return v


@dataclass
class Point:
    value: float
    spe_move: str
    spe_payoff: np.ndarray
    qre: dict[str, float]
    outcomes: dict[str, float]


def _solve(scenario, decision_point: str, name: str, value: float, base: dict, moves) -> Point:
    from brink.model.compiled import compile_model

    model = compile_model(scenario, {**base, name: float(value)})
    dg = build_game(model, decision_point, "sequential", moves=moves)
    spe = subgame_perfect(dg.game)
    k = int(dg.game.node_infoset[0])
    move = dg.game.infosets[k].actions[int(spe.choice[k])]
    q = agent_qre_pi(dg.scaled(), [dg.lam])[0][0]
    return Point(float(value), move, spe.payoff, first_move_probs(dg, q), outcome_distribution(dg, q))


@dataclass
class SweepResult:
    name: str
    decision_point: str
    points: list[Point]
    thresholds: list[dict]

    @property
    def moves(self) -> list[str]:
        seen: list[str] = []
        for p in self.points:
            for m in p.qre:
                if m not in seen:
                    seen.append(m)
        return seen

    def to_frame(self):
        """One row per grid value: the SPE move, then ``qre:MOVE`` and ``outcome:CLASS`` probabilities."""
        import pandas as pd

        outcomes: list[str] = []
        for p in self.points:
            outcomes.extend(o for o in p.outcomes if o not in outcomes)
        rows = [{self.name: p.value, "spe_move": p.spe_move,
                 **{f"qre:{m}": p.qre.get(m, 0.0) for m in self.moves},
                 **{f"outcome:{o}": p.outcomes.get(o, 0.0) for o in outcomes}} for p in self.points]
        return pd.DataFrame(rows, columns=[self.name, "spe_move", *(f"qre:{m}" for m in self.moves),
                                           *(f"outcome:{o}" for o in outcomes)])

    def to_dict(self) -> dict:
        return {
            "parameter": self.name,
            "decision_point": self.decision_point,
            "points": [{"value": p.value, "spe_move": p.spe_move, "qre": p.qre, "outcomes": p.outcomes}
                       for p in self.points],
            "thresholds": self.thresholds,
        }


def sweep(scenario, decision_point: str, name: str, values, base: dict | None = None, moves=None,
          tol: float = 1e-6) -> SweepResult:
    """Solve the game at each value and locate the flips of the SPE first move."""
    base = dict(base or {})
    pts = [_solve(scenario, decision_point, name, v, base, moves) for v in values]
    thr = thresholds(scenario, decision_point, name, pts, base, moves, tol)
    return SweepResult(name, decision_point, pts, thr)


def thresholds(scenario, decision_point, name, pts: list[Point], base, moves, tol: float) -> list[dict]:
    out = []
    for a, b in zip(pts, pts[1:]):
        if a.spe_move == b.spe_move:
            continue
        lo, hi = a, b
        while hi.value - lo.value > tol:
            mid = _solve(scenario, decision_point, name, 0.5 * (lo.value + hi.value), base, moves)
            if mid.spe_move == lo.spe_move:
                lo = mid
            else:
                hi = mid
        out.append({"at": 0.5 * (lo.value + hi.value), "from": lo.spe_move, "to": hi.spe_move,
                    "bracket": [lo.value, hi.value]})
    # where the most likely QRE move changes (grid resolution)
    for a, b in zip(pts, pts[1:]):
        ma, mb = max(a.qre, key=a.qre.get), max(b.qre, key=b.qre.get)
        if ma != mb:
            out.append({"at": None, "from": ma, "to": mb, "bracket": [a.value, b.value], "kind": "qre_mode"})
    return out


def plot(result: SweepResult, ax=None):
    """QRE probabilities of the first mover's moves against the parameter, SPE flips marked.

    Draws on ``ax`` if given (else on a new figure) and returns the Figure;
    the caller saves or shows it. The matplotlib backend is left alone.
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    own = ax is None
    if own:
        fig = Figure(figsize=(8, 4.5), dpi=120)
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    xs = np.array([p.value for p in result.points])
    for m in result.moves:
        ax.plot(xs, [p.qre.get(m, 0.0) for p in result.points], label=f"QRE: {m}", lw=2)
    # SPE move as a band along the top
    moves = result.moves
    cmap = colormaps["tab10"]
    for p0, p1 in zip(result.points, result.points[1:] + [result.points[-1]]):
        c = cmap(moves.index(p0.spe_move) % 10) if p0.spe_move in moves else "grey"
        ax.axvspan(p0.value, p1.value if p1 is not p0 else p0.value, ymin=0.96, ymax=1.0, color=c, lw=0)
    for t in result.thresholds:
        if t.get("kind") == "qre_mode" or t["at"] is None:
            continue
        ax.axvline(t["at"], color="k", ls="--", lw=1)
        ax.text(t["at"], 0.9, f" {t['from']} → {t['to']}\n {result.name} = {t['at']:.4f}", fontsize=8, va="top")
    ax.set_xlabel(result.name)
    ax.set_ylabel("probability of the first mover's move (logit QRE)")
    ax.set_ylim(0, 1.0)
    ax.set_title(f"{result.decision_point}: equilibrium as {result.name} changes\n"
                 "(lines: agent QRE at the scenario's λ; top band: subgame-perfect move; dashed: SPE flip)",
                 fontsize=9)
    ax.legend(fontsize=8, loc="center right")
    if own:
        fig.tight_layout()
    return fig
