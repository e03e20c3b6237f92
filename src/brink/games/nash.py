"""Nash equilibria of strategic-form games (and of trees, through their reduced strategic form).

Methods, and when each is used:

* :func:`pure_equilibria` — every pure-strategy equilibrium, any number of
  players, by marking best replies in the payoff tensor. Exact.
* :func:`enum_mixed_2p` — every *extreme* equilibrium of a two-player game by
  enumerating the vertices of the two best-response polytopes and keeping the
  completely labelled pairs (Mangasarian 1964; what Gambit's ``enummixed``
  does). Exact up to floating point, and correct for degenerate games, where
  equilibria come in convex components: the extreme points of each component
  are listed.
* :func:`enum_support` — games with three or more players. For every support
  profile that survives two prunes (no strategy in a support may be strictly
  dominated against the others' supports; nobody may need more indifference
  conditions than the others have free probabilities) the indifference
  equations — polynomial, multilinear — are solved by batched Newton from many
  starting points, and every solution is checked against all deviations.
  This is a numerical method: it finds isolated equilibria reliably on small
  games but, unlike Gambit's ``enumpoly`` (a polynomial system solver), it
  cannot prove that none was missed. Where pygambit is installed,
  ``backend="gambit"`` hands the game to ``enumpoly`` instead; the tests check
  that both give the same equilibria on the games brink builds.
"""

from __future__ import annotations

import itertools

import numpy as np

from brink.errors import BrinkError
from brink.games.equilibrium import Equilibrium, dedupe
from brink.games.tree import ExtensiveGame, NormalFormGame, reduced_normal_form


def _make(game: NormalFormGame, prof: list[np.ndarray]) -> Equilibrium:
    """An equilibrium from a numerical solution: tiny negative round-off clipped, each strategy renormalised."""
    prof = [np.clip(p, 0.0, None) / np.clip(p, 0.0, None).sum() for p in prof]
    return Equilibrium.of(game, prof)


def pure_equilibria(game: NormalFormGame, tol: float = 1e-9) -> list[Equilibrium]:
    """All pure-strategy Nash equilibria."""
    ok = np.ones(game.shape, dtype=bool)
    for i in range(game.num_players):
        u = game.payoffs[i]
        ok &= u >= u.max(axis=i, keepdims=True) - tol
    out = []
    for idx in zip(*np.nonzero(ok)):
        prof = [np.eye(m)[s] for m, s in zip(game.shape, idx)]
        out.append(_make(game, prof))
    return out


# ------------------------------------------------------------------ two players
def _vertices(M: np.ndarray, max_combos: int) -> list[tuple[np.ndarray, frozenset]]:
    """Vertices of {x >= 0, M x <= 1} (excluding 0) with their labels.

    Label j < d means x_j = 0; label d + r means row r of M is tight.
    """
    r, d = M.shape
    A = np.vstack([np.eye(d), M])  # constraints: x_j >= 0 written as e_j·x = 0 when tight
    b = np.concatenate([np.zeros(d), np.ones(r)])
    total = 0
    seen: dict[tuple, tuple[np.ndarray, frozenset]] = {}
    for rows in itertools.combinations(range(d + r), d):
        total += 1
        if total > max_combos:
            raise BrinkError(
                f"vertex enumeration needs more than {max_combos:,} bases for a {d}x{r} polytope; "
                "use backend='gambit' or a smaller game"
            )
        sub = A[list(rows)]
        try:
            x = np.linalg.solve(sub, b[list(rows)])
        except np.linalg.LinAlgError:
            continue
        if (x < -1e-9).any() or (M @ x > 1 + 1e-9).any() or np.all(np.abs(x) < 1e-12):
            continue
        x = np.where(np.abs(x) < 1e-12, 0.0, x)
        key = tuple(np.round(x, 9))
        if key in seen:
            continue
        labels = frozenset(np.flatnonzero(np.abs(x) < 1e-9).tolist()) | frozenset(
            (d + np.flatnonzero(np.abs(M @ x - 1) < 1e-9)).tolist()
        )
        seen[key] = (x, labels)
    return list(seen.values())


def enum_mixed_2p(game: NormalFormGame, max_combos: int = 2_000_000) -> list[Equilibrium]:
    """All extreme Nash equilibria of a two-player game (vertex enumeration)."""
    if game.num_players != 2:
        raise BrinkError("enum_mixed_2p needs a two-player game")
    A, B = game.payoffs
    m, n = A.shape
    A1 = A - A.min() + 1.0
    B1 = B - B.min() + 1.0
    # P = {x in R^m: x >= 0, B1^T x <= 1}: labels 0..m-1 (x_i = 0), m..m+n-1 (column j tight)
    P = _vertices(B1.T, max_combos)
    # Q = {y in R^n: y >= 0, A1 y <= 1}: own labels are y_j = 0 -> m + j; row i tight -> i
    Qraw = _vertices(A1, max_combos)
    Q = []
    for y, lab in Qraw:
        mapped = frozenset((m + j) if j < n else (j - n) for j in lab)
        Q.append((y, mapped))
    full = frozenset(range(m + n))
    out = []
    for x, lx in P:
        for y, ly in Q:
            if lx | ly == full:
                out.append(_make(game, [x / x.sum(), y / y.sum()]))
    return dedupe(out)


# ------------------------------------------------------------------ N players
def _support_value_fn(game: NormalFormGame, supports: list[np.ndarray]):
    """Batched residual and Jacobian of the indifference system on given supports."""
    N = game.num_players
    sizes = [len(s) for s in supports]
    off = np.concatenate([[0], np.cumsum(sizes)])
    nvar = int(off[-1])
    sub = game.payoffs[np.ix_(range(N), *supports)]  # (N, k1, ..., kN)
    letters = "abcdefghijklmnop"[:N]

    def unpack(x):  # x: (B, nvar + N)
        return [x[:, off[i] : off[i + 1]] for i in range(N)], x[:, nvar:]

    def resid_jac(x):
        Bn = x.shape[0]
        probs, v = unpack(x)
        F = np.zeros((Bn, nvar + N))
        J = np.zeros((Bn, nvar + N, nvar + N))
        for i in range(N):
            # u_i(s, p_-i) for s in S_i
            ops = [sub[i]]
            subs = [letters]
            for j in range(N):
                if j != i:
                    ops.append(probs[j])
                    subs.append("z" + letters[j])
            u = np.einsum(",".join(subs) + "->z" + letters[i], *ops)
            F[:, off[i] : off[i + 1]] = u - v[:, i : i + 1]
            F[:, nvar + i] = probs[i].sum(axis=1) - 1.0
            J[:, off[i] : off[i + 1], nvar + i] = -1.0
            J[:, nvar + i, off[i] : off[i + 1]] = 1.0
            for k in range(N):
                if k == i:
                    continue
                ops2 = [sub[i]]
                subs2 = [letters]
                for j in range(N):
                    if j not in (i, k):
                        ops2.append(probs[j])
                        subs2.append("z" + letters[j])
                d = np.einsum(",".join(subs2) + "->z" + letters[i] + letters[k], *ops2)
                J[:, off[i] : off[i + 1], off[k] : off[k + 1]] = d
        return F, J

    return resid_jac, off, nvar


def _dominated_in_support(game: NormalFormGame, supports: list[np.ndarray], tol: float = 1e-12) -> bool:
    """True if some supported strategy is strictly dominated by a pure strategy against the others' supports."""
    N = game.num_players
    for i in range(N):
        idx = [supports[j] if j != i else np.arange(game.shape[i]) for j in range(N)]
        u = np.moveaxis(game.payoffs[i][np.ix_(*idx)], i, 0).reshape(game.shape[i], -1)
        for s in supports[i]:
            if (u > u[s][None, :] + tol).all(axis=1).any():
                return True
    return False


def undominated(game: NormalFormGame, tol: float = 1e-12) -> list[np.ndarray]:
    """Strategies that survive iterated elimination of strategies strictly dominated by a pure one.

    Every Nash equilibrium uses only surviving strategies, so the search can start here.
    """
    keep = [np.arange(m) for m in game.shape]
    changed = True
    while changed:
        changed = False
        for i in range(game.num_players):
            idx = [keep[j] if j != i else keep[i] for j in range(game.num_players)]
            u = np.moveaxis(game.payoffs[i][np.ix_(*idx)], i, 0).reshape(len(keep[i]), -1)
            dominated = (u[None, :, :] > u[:, None, :] + tol).all(axis=2).any(axis=1)
            if dominated.any() and not dominated.all():
                keep[i] = keep[i][~dominated]
                changed = True
    return keep


def enum_support(game: NormalFormGame, starts: int = 24, seed: int = 0, tol: float = 1e-10,
                 max_supports: int = 200_000) -> list[Equilibrium]:
    """Nash equilibria of an N-player game by support enumeration and batched Newton.

    Strictly dominated strategies are removed first (iteratively); supports are
    drawn from what survives.
    """
    keep = undominated(game)
    if any(len(k) < m for k, m in zip(keep, game.shape)):
        sub = NormalFormGame(game.players, [[game.strategies[i][j] for j in keep[i]] for i in range(game.num_players)],
                             game.payoffs[np.ix_(range(game.num_players), *keep)])
        out = []
        for e in enum_support(sub, starts, seed, tol, max_supports):
            prof = []
            for i, s in enumerate(e.strategies):
                p = np.zeros(game.shape[i])
                p[keep[i]] = s
                prof.append(p)
            out.append(_make(game, prof))
        return dedupe(out)
    N = game.num_players
    rng = np.random.default_rng(seed)
    subsets = [
        [np.array(c) for k in range(1, m + 1) for c in itertools.combinations(range(m), k)] for m in game.shape
    ]
    count = int(np.prod([len(s) for s in subsets], dtype=np.float64))
    if count > max_supports:
        raise BrinkError(f"{count:,} support profiles is too many for support enumeration; use backend='gambit'")
    found = pure_equilibria(game)
    for supports in itertools.product(*subsets):
        sizes = [len(s) for s in supports]
        if max(sizes) == 1:
            continue
        free = [k - 1 for k in sizes]
        if any(free[i] > sum(free) - free[i] for i in range(N)):
            continue
        if _dominated_in_support(game, list(supports)):
            continue
        resid_jac, off, nvar = _support_value_fn(game, list(supports))
        # random interior starting points (probabilities), values from the residual
        x = np.zeros((starts, nvar + N))
        for i in range(N):
            x[:, off[i] : off[i + 1]] = rng.dirichlet(np.ones(sizes[i]), size=starts)
        x[0, :nvar] = np.concatenate([np.full(k, 1.0 / k) for k in sizes])
        for _ in range(60):
            F, J = resid_jac(x)
            # set v to the mean payoff so the start is consistent
            try:
                dx = np.linalg.solve(J, -F[..., None])[..., 0]
            except np.linalg.LinAlgError:
                dx = np.stack([np.linalg.lstsq(J[b], -F[b], rcond=None)[0] for b in range(len(x))])
            x = x + dx
            if np.abs(F).max() < tol:
                break
        F, _ = resid_jac(x)
        good = np.abs(F).max(axis=1) < 1e-9
        for b in np.flatnonzero(good):
            prof = []
            ok = True
            for i in range(N):
                p = np.zeros(game.shape[i])
                q = x[b, off[i] : off[i + 1]]
                if (q < -1e-9).any():
                    ok = False
                    break
                p[supports[i]] = q
                prof.append(np.clip(p, 0, None))
            if not ok:
                continue
            if game.max_regret(prof) < 1e-8 * max(1.0, float(np.ptp(game.payoffs))):
                found.append(_make(game, prof))
    return dedupe(found)


# ------------------------------------------------------------------ front door
def nash_equilibria(game, backend: str = "brink") -> list[Equilibrium]:
    """All Nash equilibria of a strategic game, or of a tree's reduced strategic form.

    ``backend="brink"`` uses :func:`enum_mixed_2p` for two players and
    :func:`enum_support` for more; ``backend="gambit"`` uses pygambit's
    ``enummixed`` (two players) or ``enumpoly`` (more).
    """
    if isinstance(game, ExtensiveGame):
        game = reduced_normal_form(game)[0]
    if backend == "gambit":
        from brink.games import gambit_bridge

        return gambit_bridge.nash_equilibria(game)
    if backend != "brink":
        raise BrinkError(f"unknown backend {backend!r} (brink or gambit)")
    if game.num_players == 1:
        return pure_equilibria(game)
    if game.num_players == 2:
        return enum_mixed_2p(game)
    return enum_support(game)
