"""Logit quantal response equilibrium (QRE) and its correspondence over λ.

A logit QRE with precision λ is a profile in which every choice is made with
probability proportional to ``exp(λ · value)``: λ = 0 is uniform noise, λ → ∞
approaches a Nash equilibrium. Two forms are provided:

* **Normal form** (:func:`logit_qre` on a :class:`NormalFormGame`): mixed
  strategies, value = expected payoff of each pure strategy.
* **Agent form** on a tree (:func:`logit_qre` on an :class:`ExtensiveGame`):
  one logit agent per information set, value = the action's expected payoff
  conditional on the information set being reached (the agent QRE of
  McKelvey and Palfrey 1998, the one Gambit's ``logit`` computes on trees).

On a perfect-information tree the agent QRE is unique and is found exactly by
one backward sweep (:func:`agent_qre_pi`), for many λ at once. Elsewhere the
principal branch — the one that starts at the uniform profile at λ = 0 — is
traced by predictor–corrector continuation in the log-probabilities
(pseudo-arclength, so the branch may bend back in λ); values of λ asked for
are hit exactly by a Newton solve at fixed λ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brink.errors import BrinkError
from brink.games.tree import CHANCE, TERMINAL, ExtensiveGame, NormalFormGame


# --------------------------------------------------------- perfect information
def agent_qre_pi(game: ExtensiveGame, lams) -> tuple[np.ndarray, np.ndarray]:
    """Agent logit QRE of a perfect-information tree for each λ in ``lams``.

    Returns ``(profiles, values)``: behaviour profiles of shape (L, actions)
    and root payoff vectors of shape (L, players).
    """
    if not game.is_perfect_information:
        raise BrinkError("agent_qre_pi needs a perfect-information tree")
    lam = np.atleast_1d(np.asarray(lams, dtype=float))
    L, n, N = len(lam), game.num_nodes, game.num_players
    val = np.zeros((L, n, N))
    val[:, game.terminals] = game.payoff[game.terminals]
    cm = game.child_matrix
    edge = np.zeros((L, n, cm.shape[1]))
    for lev in reversed(game.levels):
        inner = lev[game.node_player[lev] != TERMINAL]
        if len(inner) == 0:
            continue
        kids = cm[inner]
        valid = kids >= 0
        cv = val[:, np.where(valid, kids, 0)]  # (L, k, mc, N)
        is_ch = game.node_player[inner] == CHANCE
        if is_ch.any():
            w = game.chance_prob[inner[is_ch]]
            val[:, inner[is_ch]] = np.einsum("km,lkmn->lkn", w, cv[:, is_ch])
        dec = ~is_ch
        if dec.any():
            nodes = inner[dec]
            mover = game.node_player[nodes]
            own = np.take_along_axis(cv[:, dec], mover[None, :, None, None], axis=3)[..., 0]  # (L,k,mc)
            own = np.where(valid[dec][None], own, -np.inf)
            x = lam[:, None, None] * np.where(valid[dec][None], own - own.max(axis=2, keepdims=True), 0.0)
            e = np.where(valid[dec][None], np.exp(x), 0.0)
            p = e / e.sum(axis=2, keepdims=True)
            edge[:, nodes] = p
            val[:, nodes] = np.einsum("lkm,lkmn->lkn", p, cv[:, dec])
    prof = np.zeros((L, game.num_actions))
    for k, info in enumerate(game.infosets):
        m = len(info.actions)
        prof[:, game.action_offset[k] : game.action_offset[k] + m] = edge[:, info.nodes[0], :m]
    return prof, val[:, 0]


# ------------------------------------------------------------ general systems
class _NormalSystem:
    """Logit equations of a strategic game, blocks = players."""

    def __init__(self, game: NormalFormGame) -> None:
        self.g = game
        self.sizes = list(game.shape)
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])
        self.n = int(self.offsets[-1])
        self.scale = float(np.ptp(game.payoffs)) if game.payoffs.size else 1.0
        N = len(self.sizes)
        letters = "abcdefghijklmnop"[:N]
        self._vspec = []
        for i in range(N):
            others = [j for j in range(N) if j != i]
            self._vspec.append((others, letters + "," + ",".join(letters[j] for j in others) + "->" + letters[i]))
        self._jspec = {}
        for i in range(N):
            for k in range(N):
                if k != i:
                    others = [j for j in range(N) if j not in (i, k)]
                    spec = ",".join([letters] + [letters[j] for j in others]) + "->" + letters[i] + letters[k]
                    self._jspec[(i, k)] = (others, spec)

    def split(self, p: np.ndarray) -> list[np.ndarray]:
        return [p[self.offsets[i] : self.offsets[i + 1]] for i in range(len(self.sizes))]

    def values(self, p: np.ndarray) -> np.ndarray:
        prof = self.split(p)
        pay = self.g.payoffs
        return np.concatenate([np.einsum(spec, pay[i], *[prof[j] for j in others])
                               for i, (others, spec) in enumerate(self._vspec)])

    def dvalues(self, p: np.ndarray) -> np.ndarray:
        """d values / d probabilities, (n, n)."""
        prof, off, pay = self.split(p), self.offsets, self.g.payoffs
        J = np.zeros((self.n, self.n))
        for (i, k), (others, spec) in self._jspec.items():
            J[off[i] : off[i + 1], off[k] : off[k + 1]] = np.einsum(spec, pay[i], *[prof[j] for j in others])
        return J

    def values_and_dvalues(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both at once: values are multilinear, so v_i = (dv_i/dp_k) · p_k for any k ≠ i."""
        J = self.dvalues(p)
        N, off = len(self.sizes), self.offsets
        if N == 1:
            return self.values(p), J
        v = np.empty(self.n)
        for i in range(N):
            k = 1 if i == 0 else 0
            v[off[i] : off[i + 1]] = J[off[i] : off[i + 1], off[k] : off[k + 1]] @ p[off[k] : off[k + 1]]
        return v, J


class _AgentSystem:
    """Logit equations of a tree's agent form, blocks = information sets."""

    def __init__(self, game: ExtensiveGame) -> None:
        self.g = game
        self.sizes = [len(info.actions) for info in game.infosets]
        self.offsets = game.action_offset
        self.n = game.num_actions
        self.scale = float(np.ptp(game.payoff[game.terminals])) if len(game.terminals) else 1.0

    def values(self, p: np.ndarray) -> np.ndarray:
        return self.g.action_values(p)

    def dvalues(self, p: np.ndarray) -> np.ndarray:
        h = 1e-7
        base = self.values(p)
        J = np.empty((self.n, self.n))
        for c in range(self.n):
            q = p.copy()
            q[c] += h
            J[:, c] = (self.values(q) - base) / h
        return J


def _system(game):
    if isinstance(game, NormalFormGame):
        return _NormalSystem(game)
    if isinstance(game, ExtensiveGame):
        return _AgentSystem(game)
    raise BrinkError(f"not a game: {type(game).__name__}")


def _layout(sys):
    """Index arrays of the logit system: first action of each block, the other rows and their base."""
    if not hasattr(sys, "_lay"):
        firsts = np.asarray(sys.offsets[: len(sys.sizes)], dtype=np.int64)
        rows, base = [], []
        for o, m in zip(firsts, sys.sizes):
            rows.extend(range(o + 1, o + m))
            base.extend([o] * (m - 1))
        block = np.repeat(np.arange(len(sys.sizes)), sys.sizes)
        sys._lay = (firsts, np.asarray(rows, dtype=np.int64), np.asarray(base, dtype=np.int64), block)
    return sys._lay


def _residual(sys, z: np.ndarray, lam: float, v: np.ndarray | None = None) -> np.ndarray:
    firsts, rows, base, block = _layout(sys)
    p = np.exp(z)
    if v is None:
        v = sys.values(p)
    F = np.empty(sys.n)
    F[firsts] = np.bincount(block, weights=p, minlength=len(firsts)) - 1.0
    F[rows] = z[rows] - z[base] - lam * (v[rows] - v[base])
    return F


def _system_eval(sys, z: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(F, dF/dz, dF/dλ) in one evaluation of the values."""
    firsts, rows, base, block = _layout(sys)
    p = np.exp(z)
    if hasattr(sys, "values_and_dvalues"):
        v, dv = sys.values_and_dvalues(p)
    else:
        v, dv = sys.values(p), sys.dvalues(p)
    dv = dv * p[None, :]  # d v / d z
    F = _residual(sys, z, lam, v)
    Jz = np.zeros((sys.n, sys.n))
    Jz[firsts[block], np.arange(sys.n)] = p
    Jz[rows] = -lam * (dv[rows] - dv[base])
    Jz[rows, rows] += 1.0
    Jz[rows, base] -= 1.0
    Jl = np.zeros(sys.n)
    Jl[rows] = -(v[rows] - v[base])
    return F, Jz, Jl


def _jacobian(sys, z: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(dF/dz, dF/dλ)."""
    _, Jz, Jl = _system_eval(sys, z, lam)
    return Jz, Jl


def _newton_fixed(sys, z: np.ndarray, lam: float, tol: float, maxit: int = 30) -> tuple[np.ndarray, bool, int]:
    for it in range(maxit):
        F, Jz, _ = _system_eval(sys, z, lam)
        if np.abs(F).max() < tol:
            return z, True, it
        try:
            dz = np.linalg.solve(Jz, -F)
        except np.linalg.LinAlgError:
            return z, False, it
        step = np.abs(dz).max()
        if step > 2.0:  # damp big jumps in log space
            dz *= 2.0 / step
        z = z + dz
    return z, np.abs(_residual(sys, z, lam)).max() < tol, maxit


def _uniform_z(sys) -> np.ndarray:
    z = np.empty(sys.n)
    for b, m in enumerate(sys.sizes):
        z[sys.offsets[b] : sys.offsets[b] + m] = -np.log(m)
    return z


@dataclass
class QRETrace:
    """Points on the principal logit QRE branch.

    ``lams[t]`` and ``profiles[t]`` (a flat probability vector: strategies
    player by player for a strategic game, actions infoset by infoset for a
    tree). ``requested`` marks the points computed at a λ that was asked for.
    """

    game: object
    lams: np.ndarray
    profiles: np.ndarray
    requested: np.ndarray

    def labels(self) -> list[str]:
        """A name for each profile entry: ``player:strategy``, or ``player:infoset:action`` on a tree."""
        g = self.game
        if isinstance(g, NormalFormGame):
            return [f"{p}:{s}" for p, ss in zip(g.players, g.strategies) for s in ss]
        return [f"{p}:{info}:{a}" for p, info, a in g.action_labels()]

    def to_dict(self) -> dict:
        """λ of every point, whether it was asked for, and the profiles (entries named by ``labels``)."""
        return {"labels": self.labels(), "lambda": self.lams.tolist(), "requested": self.requested.tolist(),
                "profiles": self.profiles.tolist()}

    def to_frame(self):
        """One row per point on the branch: ``lambda``, ``requested``, then one column per profile entry."""
        import pandas as pd

        df = pd.DataFrame(self.profiles, columns=self.labels())
        df.insert(0, "requested", self.requested)
        df.insert(0, "lambda", self.lams)
        return df

    def at(self, lam: float) -> np.ndarray:
        hit = np.flatnonzero(self.requested & np.isclose(self.lams, lam, rtol=0, atol=1e-12))
        if len(hit) == 0:
            raise BrinkError(f"λ = {lam} was not computed on this trace")
        return self.profiles[hit[-1]]


def logit_trace(game, lams=None, lam_max: float | None = None, tol: float = 1e-12,
                first_step: float = 0.5, max_step: float = 10.0, max_points: int = 20000) -> QRETrace:
    """Trace the principal logit QRE branch from λ = 0.

    Give ``lams`` (the λ values wanted; the branch is followed up to their
    maximum and each is solved exactly) or ``lam_max``. Steps are in units of
    arclength of (log-probabilities, λ · payoff range).
    """
    if isinstance(game, ExtensiveGame) and game.is_perfect_information:
        want = np.sort(np.asarray(lams if lams is not None else np.linspace(0, lam_max, 101), dtype=float))
        prof, _ = agent_qre_pi(game, want)
        return QRETrace(game, want, prof, np.ones(len(want), dtype=bool))
    sys = _system(game)
    if lams is None:
        if lam_max is None:
            raise BrinkError("give lams or lam_max")
        targets = np.array([float(lam_max)])
    else:
        targets = np.sort(np.unique(np.asarray(lams, dtype=float)))
    if (targets < 0).any():
        raise BrinkError("λ must be non-negative")
    # scale λ so that steps are comparable across payoff units
    s = max(sys.scale, 1e-12)  # μ = λ · payoff range is dimensionless
    z = _uniform_z(sys)
    lam = 0.0
    out_l, out_p, out_r = [], [], []
    ti = 0
    while ti < len(targets) and targets[ti] <= 0:
        out_l.append(0.0); out_p.append(np.exp(z)); out_r.append(True); ti += 1
    out_l.append(0.0); out_p.append(np.exp(z)); out_r.append(False)
    tangent = None
    h = first_step
    points = 0
    while ti < len(targets):
        points += 1
        if points > max_points:
            raise BrinkError(f"QRE trace did not reach λ = {targets[ti]} within {max_points} steps")
        Jz, Jl = _jacobian(sys, z, lam)
        A = np.hstack([Jz, (Jl / s)[:, None]])  # unknowns (z, μ = λ·s)
        # tangent: null vector of A
        _, _, vt = np.linalg.svd(A)
        t = vt[-1]
        if tangent is None:
            if t[-1] < 0:
                t = -t
        elif t @ tangent < 0:
            t = -t
        tangent = t
        y = np.concatenate([z, [lam * s]])
        accepted = False
        while not accepted:
            yp = y + h * t
            # would this step pass the next requested λ? then solve there exactly
            mu_target = targets[ti] * s
            if t[-1] > 0 and yp[-1] >= mu_target - 1e-15:
                frac = (mu_target - y[-1]) / (yp[-1] - y[-1]) if yp[-1] != y[-1] else 1.0
                zg = y[:-1] + frac * (yp[:-1] - y[:-1])
                zs, ok, _ = _newton_fixed(sys, zg, targets[ti], tol)
                if ok:
                    z, lam = zs, float(targets[ti])
                    out_l.append(lam); out_p.append(np.exp(z)); out_r.append(True)
                    ti += 1
                    accepted = True
                    continue
                h *= 0.5
                if h < 1e-10:
                    raise BrinkError(f"QRE trace failed near λ = {targets[ti]}")
                continue
            # pseudo-arclength corrector
            yc = yp.copy()
            ok = False
            for _ in range(8):
                zc, mc = yc[:-1], yc[-1] / s
                F, Jz2, Jl2 = _system_eval(sys, zc, mc)
                if np.abs(F).max() < 1e-10:
                    ok = True
                    break
                M = np.vstack([np.hstack([Jz2, (Jl2 / s)[:, None]]), t[None, :]])
                rhs = -np.concatenate([F, [(yc - yp) @ t]])
                try:
                    d = np.linalg.solve(M, rhs)
                except np.linalg.LinAlgError:
                    break
                yc = yc + d
            if ok and np.linalg.norm(yc - y) < 3 * h:
                z, lam = yc[:-1], float(yc[-1] / s)
                out_l.append(lam); out_p.append(np.exp(z)); out_r.append(False)
                accepted = True
                h = min(h * 2.0, max_step)
            else:
                h *= 0.5
                if h < 1e-10:
                    raise BrinkError(f"QRE trace stalled at λ = {lam:.6g}")
    return QRETrace(game, np.array(out_l), np.array(out_p), np.array(out_r))


def logit_qre(game, lam: float, tol: float = 1e-12) -> np.ndarray:
    """The logit QRE at precision ``lam`` on the principal branch (flat profile)."""
    return logit_trace(game, lams=[lam], tol=tol).at(lam)
