"""Stokman's exchange model: actors trade voting positions across issues.

After Stokman & Van Oosten (1994, in Bueno de Mesquita & Stokman, eds.,
*European Community Decision Making*) and Stokman & Van den Bos (1994). An
actor cares about some issues more than others; two actors who stand on
opposite sides of the expected outcome on two issues, and who weigh those
issues differently, can both gain if each gives ground on the issue it cares
less about. The model here:

* **Expected outcome** of issue ``d``: the compromise (power-weighted mean)
  of the current *voting* positions ``v``, ``O_d = Σ c·s·v / Σ c·s``.
  An actor's *ideal* position ``x`` never changes; its voting position does.
* **An exchange** between ``i`` and ``j`` over issues ``(d, e)``: ``i`` shifts
  its vote on ``d`` towards ``j``'s side, ``j`` shifts on ``e`` towards ``i``'s
  side. It is possible when on both issues the two ideal positions lie on
  opposite sides of the outcome (and each mover's vote still lies on its own
  side), and when ``s_ie/s_id > s_je/s_jd`` (``i`` cares relatively more about
  ``e`` than ``j`` does).
* **Terms.** A vote shift ``δ`` by ``i`` on ``d`` moves the outcome by
  ``a_id·δ`` with ``a_id = c_id·s_id / Σ_k c_kd·s_kd``. Utility is linear loss
  weighted by salience, so ``i`` gains ``s_ie·ΔO_e − s_id·ΔO_d`` and ``j``
  gains ``s_jd·ΔO_d − s_je·ΔO_e``. The two gain equally when
  ``ΔO_d/ΔO_e = (s_ie + s_je)/(s_id + s_jd)``. No one shifts its vote past the
  current outcome, which bounds the size of the exchange: the actor that
  reaches its bound first limits it.
* **Rounds.** All feasible exchanges are computed against the round's outcomes
  and carried out in order of gain, each actor-issue vote at most once per
  round. Outcomes are recomputed and the next round starts, until no exchange
  gains more than ``min_gain``, no outcome moves more than ``tol`` × the
  spread of positions on its issue in a round, or ``max_rounds`` is reached.

The forecast of issue ``d`` is its final expected outcome. On a single issue
there is nothing to trade: :func:`exchange_model` raises
:class:`NotApplicable`, and callers should say so rather than print a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class NotApplicable(ValueError):
    """The exchange model needs at least two issues."""


@dataclass(frozen=True)
class Exchange:
    round: int
    i: int  # shifts on issue d
    j: int  # shifts on issue e
    d: int
    e: int
    shift_d: float  # change of the outcome of d (towards j)
    shift_e: float  # change of the outcome of e (towards i)
    gain: float  # utility gain of each of the two actors


@dataclass
class ExchangeResult:
    forecast: np.ndarray  # (m,) final expected outcomes
    outcome_path: np.ndarray  # (rounds + 1, m)
    votes: np.ndarray  # (n, m) final voting positions
    exchanges: list[Exchange] = field(default_factory=list)
    rounds: int = 0
    converged: bool = False


def _outcomes(v, w, mask):
    ww = np.where(mask, w, 0.0)
    return np.nansum(np.where(mask, v, 0.0) * ww, axis=0) / ww.sum(axis=0)


def exchange_model(
    position,
    capability,
    salience,
    *,
    max_rounds: int = 50,
    min_gain: float = 1e-9,
    tol: float = 1e-3,
    mask=None,
) -> ExchangeResult:
    """Run the exchange model on ``(n, m)`` arrays (NaN or ``mask`` False where an actor is absent)."""
    X = np.asarray(position, float)
    C = np.asarray(capability, float)
    S = np.asarray(salience, float)
    if X.ndim != 2:
        raise ValueError("the exchange model takes (actors, issues) arrays")
    n, m = X.shape
    if m < 2:
        raise NotApplicable("the exchange model trades across issues and needs at least two; this case has one")
    M = ~np.isnan(X) if mask is None else np.asarray(mask, bool) & ~np.isnan(X)
    W = np.where(M, C * S, 0.0)
    Sm = np.where(M, S, 0.0)
    V = np.where(M, X, 0.0)
    O = _outcomes(V, W, M)
    width = np.array([np.ptp(X[M[:, d], d]) if M[:, d].any() else 1.0 for d in range(m)])
    width[width <= 0] = 1.0
    path = [O.copy()]
    done: list[Exchange] = []
    converged = False
    rounds = 0
    iu, ju = np.triu_indices(n, k=1)
    for rnd in range(1, max_rounds + 1):
        A = W / W.sum(axis=0)  # leverage of a vote shift on the outcome
        side_x = np.sign(X - O) * M  # side of the ideal point
        side_v = np.sign(V - O) * M  # side of the current vote
        room = np.abs(V - O) * A * (side_v == side_x)  # largest outcome shift each vote can still give
        cands = []
        for d in range(m):
            for e in range(m):
                if d == e:
                    continue
                # i concedes on d, j concedes on e
                for i, j in ((iu, ju), (ju, iu)):
                    ok = (side_x[i, d] != 0) & (side_x[i, d] == -side_x[j, d])
                    ok &= (side_x[j, e] != 0) & (side_x[j, e] == -side_x[i, e])
                    ok &= (room[i, d] > 0) & (room[j, e] > 0)
                    ok &= Sm[i, e] * Sm[j, d] > Sm[i, d] * Sm[j, e]
                    if not ok.any():
                        continue
                    ii, jj = i[ok], j[ok]
                    ratio = (Sm[ii, e] + Sm[jj, e]) / (Sm[ii, d] + Sm[jj, d])  # ΔO_d / ΔO_e
                    de = np.minimum(room[jj, e], room[ii, d] / ratio)
                    dd = ratio * de
                    gain = Sm[ii, e] * de - Sm[ii, d] * dd
                    for k in np.flatnonzero(gain > min_gain):
                        cands.append((float(gain[k]), int(ii[k]), int(jj[k]), d, e, float(dd[k]), float(de[k])))
        if not cands:
            converged = True
            break
        cands.sort(key=lambda z: (-z[0], z[1], z[2], z[3], z[4]))
        used = np.zeros((n, m), bool)
        for gain, i, j, d, e, dd, de in cands:
            if used[i, d] or used[j, e]:
                continue
            used[i, d] = used[j, e] = True
            # move the votes so that the outcomes shift by dd and de
            V[i, d] -= side_x[i, d] * dd / A[i, d]
            V[j, e] -= side_x[j, e] * de / A[j, e]
            done.append(Exchange(rnd, i, j, d, e, float(-side_x[i, d] * dd), float(-side_x[j, e] * de), gain))
        O_new = _outcomes(V, W, M)
        moved = np.abs(O_new - O) / width
        O = O_new
        path.append(O.copy())
        rounds = rnd
        if moved.max() < tol:
            converged = True
            break
    return ExchangeResult(
        forecast=O, outcome_path=np.array(path), votes=np.where(M, V, np.nan), exchanges=done,
        rounds=rounds, converged=converged,
    )
