"""Bueno de Mesquita's expected-utility ("challenge") model of group decisions.

This follows the reconstruction by Scholz, Calbert & Smith (2011,
*Unravelling Bueno De Mesquita's group decision model*, J. Theoretical
Politics 23(4)), which rebuilt the model from Bueno de Mesquita's papers and
checked it on his 1994 EC car-emissions case. One issue, ``n`` actors with
position ``x``, capability ``c`` and salience ``s`` (in [0, 1]). Each round:

1. **Median.** The position that beats every other actor position in a
   pairwise vote where actor ``k`` casts ``c_k·s_k·(|x_k − x_b| − |x_k − x_a|)``
   for ``a`` over ``b`` — on one dimension the power-weighted median.
2. **Risk exponents.** With every exponent at 1, actor ``i``'s *danger* is the
   sum of the expected utilities the others would get from challenging it
   (step 5 below). ``R_i = (2·danger_i − max − min)/(max − min)`` and
   ``r_i = (1 − R_i/3)/(1 + R_i/3)``, so ``r`` runs from 0.5 (the most
   threatened actor, who becomes risk-acceptant) to 2 (the safest).
3. **Probability of success** of ``a`` against ``b``: the votes for ``a`` over
   ``b`` (each voter ``k`` valuing distance with its own exponent,
   ``c_k·s_k·(d_kb^r_k − d_ka^r_k)``, ``d`` = distance / position range) that
   are positive, divided by the sum of the absolute votes over *all* pairs
   of actor positions. That large normaliser is what makes the reconstruction
   reproduce Bueno de Mesquita's numbers (``probability="scholz"``; it keeps
   challengers' chances small); ``probability="pairwise"`` divides by the
   votes on the ``(a, b)`` pair only, so that ``P_ab + P_ba = 1``.
4. **Utilities** of the challenger, with ``d = |x_i − x_j| / range``:
   success ``2 − 4(½ − ½d)^r``, failure ``2 − 4(½ + ½d)^r``, status quo
   ``2 − 4(½)^r``, and, if the status quo would change anyway, better
   ``2 − 4(½ − ¼(|x_i−μ| + |x_i−x_j|)/range)^r`` or worse
   ``2 − 4(½ + ¼(...))^r`` (weights ``Q`` and ``T``; the reconstruction uses
   ``Q = 1`` so those two terms vanish).
5. **Expected utility of a challenge** by ``i`` on ``j``:
   ``EU = s_j(P·U_s + (1−P)·U_f) + (1 − s_j)·U_s − Q·U_sq − (1−Q)(T·U_b + (1−T)·U_w)``:
   ``j`` resists with probability equal to its salience.
6. **Offers.** Every actor ``i`` looks at every ``j`` through its own eyes
   (both expected utilities with ``i``'s exponent): with ``own = EU_i(i→j)``
   and ``other = EU_i(j→i)``:

   * ``other > own > 0`` — *conflict* that ``i`` expects to lose: ``i`` moves to ``x_j``;
   * ``other > 0 > own`` and ``other > |own|`` — *compromise*: ``i`` moves the
     fraction ``|own/other|`` of the way to ``x_j``;
   * ``other > 0 > own`` and ``other ≤ |own|`` — *capitulation*: ``i`` moves to ``x_j``.

   An actor takes a conflict offer if it has one (the nearest), else a
   compromise, else a capitulation. Among compromises the reconstruction
   picks the one whose utility-weighted point between the two positions,
   ``(|own|·x_i + |other|·x_j)/(|own| + |other|)``, is lowest
   (``offer_rule="scholz"``; it favours the low end of the scale);
   ``offer_rule="least_move"`` takes the one that moves ``i`` least, as
   Bueno de Mesquita describes it. All moves of a round happen at once.

The forecast is the median after the last round: the process stops when no
actor moves more than ``tol`` × range, or after ``max_rounds`` (8, the horizon
Scholz et al. report). The model need not converge: on the EC case it cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from brink.bargain.compromise import weighted_median

CONFLICT, COMPROMISE, CAPITULATION = "conflict", "compromise", "capitulation"


@dataclass(frozen=True)
class Move:
    round: int
    actor: int
    kind: str  # conflict | compromise | capitulation
    toward: int  # the actor whose offer was taken
    old: float
    new: float


@dataclass
class EUResult:
    forecast: float
    median_path: list[float]  # median before round 1, then after each round
    mean_path: list[float]
    positions: np.ndarray  # (rounds + 1, n)
    risk: np.ndarray  # (rounds, n) exponents used in each round
    moves: list[Move] = field(default_factory=list)
    converged: bool = False
    rounds: int = 0  # rounds run

    def counts(self) -> dict[str, int]:
        out = {CONFLICT: 0, COMPROMISE: 0, CAPITULATION: 0}
        for m in self.moves:
            out[m.kind] += 1
        return out


def _probabilities(x, w, r, span, mode):
    """P[a, b]: probability that actor a's position beats actor b's."""
    D = (np.abs(x[:, None] - x[None, :]) / span) ** r[:, None]  # D[k, a]
    V = w[:, None, None] * (D[:, None, :] - D[:, :, None])  # V[k, a, b]: k's vote for a over b
    num = np.maximum(V, 0.0).sum(axis=0)
    if mode == "scholz":
        den = np.abs(V).sum()
        P = num / den if den > 0 else np.zeros_like(num)
    elif mode == "pairwise":
        den = np.abs(V).sum(axis=0)
        P = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    else:
        raise ValueError(f"unknown probability mode {mode!r}")
    P[x[:, None] == x[None, :]] = 0.0
    return P


def _eu_pair(x, s, P, rho, span, mu, q, t):
    """own[i, j] = EU of i challenging j, other[i, j] = EU of j challenging i, both with exponent rho[i]."""
    d = np.minimum(np.abs(x[:, None] - x[None, :]) / span, 1.0)
    rr = rho[:, None]
    us = 2 - 4 * (0.5 - 0.5 * d) ** rr
    uf = 2 - 4 * (0.5 + 0.5 * d) ** rr
    usq = 2 - 4 * 0.5**rr
    dmu = np.minimum(np.abs(x - mu) / span, 1.0)

    def sq_term(challenger_dmu):
        if q == 1.0:
            return q * usq
        ub = 2 - 4 * (0.5 - 0.25 * (challenger_dmu + d)) ** rr
        uw = 2 - 4 * (0.5 + 0.25 * (challenger_dmu + d)) ** rr
        return q * usq + (1 - q) * (t * ub + (1 - t) * uw)

    sj = s[None, :]
    own = sj * (P * us + (1 - P) * uf) + (1 - sj) * us - sq_term(dmu[:, None])
    si = s[:, None]
    Pt = P.T  # P[j, i] at [i, j]
    other = si * (Pt * us + (1 - Pt) * uf) + (1 - si) * us - sq_term(dmu[None, :])
    np.fill_diagonal(own, 0.0)
    np.fill_diagonal(other, 0.0)
    return own, other


def risk_exponents(x, c, s, span=None, *, q=1.0, t=1.0, probability="scholz") -> np.ndarray:
    """Risk exponents r_i in [0.5, 2] from each actor's danger at its current position."""
    x, c, s = (np.asarray(a, float) for a in (x, c, s))
    span = float(x.max() - x.min()) if span is None else float(span)
    n = len(x)
    ones = np.ones(n)
    w = c * s
    mu = weighted_median(x, c, s)
    P = _probabilities(x, w, ones, span, probability)
    _, other = _eu_pair(x, s, P, ones, span, mu, q, t)
    danger = other.sum(axis=1)  # Σ_j EU(j challenges i)
    lo, hi = danger.min(), danger.max()
    if hi - lo <= 1e-15:
        return ones
    R = (2 * danger - hi - lo) / (hi - lo)
    return (1 - R / 3) / (1 + R / 3)


def expected_utility_model(
    position,
    capability,
    salience,
    *,
    max_rounds: int = 8,
    tol: float = 1e-6,
    q: float = 1.0,
    t: float = 1.0,
    probability: str = "scholz",
    offer_rule: str = "scholz",
    span: float | None = None,
) -> EUResult:
    """Run the challenge model on one issue; see the module docstring for each step."""
    x = np.asarray(position, float).copy()
    c = np.asarray(capability, float)
    s = np.asarray(salience, float)
    if np.any(s < 0) or np.any(s > 1):
        raise ValueError("salience must be in [0, 1] for the expected-utility model")
    if offer_rule not in ("scholz", "least_move"):
        raise ValueError(f"unknown offer rule {offer_rule!r}")
    n = len(x)
    w = c * s
    span = float(x.max() - x.min()) if span is None else float(span)
    medians = [weighted_median(x, c, s)]
    means = [float((w * x).sum() / w.sum())]
    history = [x.copy()]
    risks = []
    moves: list[Move] = []
    converged = False
    rounds = 0
    if span <= 0:  # everyone agrees already
        return EUResult(float(x[0]), medians, means, np.array(history), np.zeros((0, n)), [], True, 0)
    for rnd in range(1, max_rounds + 1):
        mu = weighted_median(x, c, s)
        r = risk_exponents(x, c, s, span, q=q, t=t, probability=probability)
        risks.append(r)
        P = _probabilities(x, w, r, span, probability)
        own, other = _eu_pair(x, s, P, r, span, mu, q, t)
        differ = x[:, None] != x[None, :]
        conf = differ & (other > own) & (own > 0)
        comp = differ & (other > 0) & (own < 0) & (other > np.abs(own))
        capit = differ & (other > 0) & (own < 0) & (other <= np.abs(own))
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(comp, np.abs(own) / np.where(other != 0, other, 1.0), 0.0)
        comp_pos = x[:, None] + (x[None, :] - x[:, None]) * frac
        dist = np.abs(x[None, :] - x[:, None])
        new = x.copy()
        for i in range(n):
            if conf[i].any():
                j = int(np.flatnonzero(conf[i])[np.argmin(dist[i, conf[i]])])
                kind, target = CONFLICT, x[j]
            elif comp[i].any():
                js = np.flatnonzero(comp[i])
                if offer_rule == "scholz":
                    a, b = np.abs(own[i, js]), np.abs(other[i, js])
                    key = (a * x[i] + b * x[js]) / (a + b)
                else:
                    key = np.abs(comp_pos[i, js] - x[i])
                j = int(js[np.argmin(key)])
                kind, target = COMPROMISE, comp_pos[i, j]
            elif capit[i].any():
                j = int(np.flatnonzero(capit[i])[np.argmin(dist[i, capit[i]])])
                kind, target = CAPITULATION, x[j]
            else:
                continue
            new[i] = target
            moves.append(Move(rnd, i, kind, j, float(x[i]), float(target)))
        rounds = rnd
        moved = np.max(np.abs(new - x))
        x = new
        history.append(x.copy())
        medians.append(weighted_median(x, c, s))
        means.append(float((w * x).sum() / w.sum()))
        if moved <= tol * span:
            converged = True
            break
    return EUResult(
        forecast=float(medians[-1]),
        median_path=[float(m) for m in medians],
        mean_path=means,
        positions=np.array(history),
        risk=np.array(risks) if risks else np.zeros((0, n)),
        moves=moves,
        converged=converged,
        rounds=rounds,
    )
