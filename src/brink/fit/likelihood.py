"""The likelihood of observed response categories under the decision model.

Only λ and the concern weights are estimated, and neither moves a state: action
effects depend on the scenario's other parameters and the state alone. So
everything state-dependent is computed once per decision context
(``precompute``): the decider's concern values after each of its actions *a*
and each anticipated adversary answer *b*, the adversary's own concern changes,
and the feasibility masks. Evaluating the model for new λ and weights is then a
few array operations (``category_probabilities``), the same computation as
``brink.model.choice.evaluate`` (one step of anticipation, logit choice),
checked against it in ``tests/fit``:

    P_j(b | a)  = logit(λ_j · D_j[a, b] · w_j)          adversary's answer
    Δ_i(a)      = Σ_b P_j(b | a) · M_i[a, b] − m_i       expected concern change
    P_i(a)      = logit(λ_i · Δ_i(a) · w_i)              the decider's choice
    P_i(c)      = Σ_{a in category c} P_i(a)

and the log-likelihood is Σ_n log P_{i_n}(c_n | s_n).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from brink.fit.mapping import DecisionContext, category_order
from brink.model.choice import logit
from brink.model.compiled import Model

TINY = 1e-300


@dataclass(frozen=True)
class ActorBlock:
    """The precomputed arrays of the contexts decided by one actor."""

    actor: str
    rows: np.ndarray          # (N,) positions of these contexts in the full list
    feasible: np.ndarray      # (N, A)
    m0: np.ndarray            # (N, C) decider's concerns in the decision state
    M: np.ndarray             # (N, A, B, C) decider's concerns after a, then b
    adversary: str | None
    adv_feasible: np.ndarray  # (N, A, B)
    D: np.ndarray             # (N, A, B, Cj) adversary's concern change from b after a
    G: np.ndarray             # (A, K) action -> category membership
    y: np.ndarray             # (N,) observed category index into K


@dataclass(frozen=True)
class Precomputed:
    categories: tuple[str, ...]
    blocks: tuple[ActorBlock, ...]
    n: int
    episode_ids: tuple[str, ...]

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(b.actor for b in self.blocks)

    def adversaries(self) -> tuple[str, ...]:
        return tuple(b.adversary for b in self.blocks if b.adversary)


def precompute(model: Model, contexts: Sequence[DecisionContext]) -> Precomputed:
    """Compute every state-dependent array of the likelihood once."""
    cats = category_order(model)
    kidx = {c: k for k, c in enumerate(cats)}
    blocks = []
    by_actor: dict[str, list[int]] = {}
    for i, c in enumerate(contexts):
        by_actor.setdefault(c.actor, []).append(i)
    for actor, rows in by_actor.items():
        am = model.actors[actor]
        S = np.stack([contexts[i].state for i in rows])  # (N, V)
        feas = model.feasible_mask(S, actor)
        m0 = model.concern_values(S, actor)
        adv = am.adversary
        Ms, Ds, AFs = [], [], []
        for a in am.actions:
            Sa = model.apply(S, a)
            if adv is None:
                Ms.append(model.concern_values(Sa, actor)[:, None, :])
                Ds.append(np.zeros((len(rows), 1, 1)))
                AFs.append(np.ones((len(rows), 1), dtype=bool))
                continue
            mj0 = model.concern_values(Sa, adv)
            Mb, Db = [], []
            for b in model.actors[adv].actions:
                Sab = model.apply(Sa, b)
                Mb.append(model.concern_values(Sab, actor))
                Db.append(model.concern_values(Sab, adv) - mj0)
            Ms.append(np.stack(Mb, axis=1))
            Ds.append(np.stack(Db, axis=1))
            AFs.append(model.feasible_mask(Sa, adv))
        G = np.zeros((len(am.actions), len(cats)))
        for j, a in enumerate(am.actions):
            G[j, kidx[model.scenario.action(a).category]] = 1.0
        blocks.append(ActorBlock(
            actor=actor, rows=np.asarray(rows), feasible=feas, m0=m0,
            M=np.stack(Ms, axis=1), adversary=adv, adv_feasible=np.stack(AFs, axis=1),
            D=np.stack(Ds, axis=1), G=G,
            y=np.asarray([kidx[contexts[i].observed] for i in rows]),
        ))
    return Precomputed(cats, tuple(blocks), len(contexts), tuple(c.episode_id for c in contexts))


def category_probabilities(pre: Precomputed, weights: Mapping[str, np.ndarray],
                           lams: Mapping[str, float]) -> np.ndarray:
    """(N, K) probability of each response category for each context, in context order."""
    out = np.zeros((pre.n, len(pre.categories)))
    for b in pre.blocks:
        w = np.asarray(weights[b.actor], dtype=float)
        if b.adversary is None:
            expected = b.M[:, :, 0, :]
        else:
            wj = np.asarray(weights[b.adversary], dtype=float)
            pj = logit(b.D @ wj, lams[b.adversary], b.adv_feasible)           # (N, A, B)
            expected = np.einsum("nab,nabc->nac", pj, b.M)
        U = (expected - b.m0[:, None, :]) @ w                                  # (N, A)
        P = logit(U, lams[b.actor], b.feasible)
        out[b.rows] = P @ b.G
    return out


def observed_index(pre: Precomputed) -> np.ndarray:
    y = np.zeros(pre.n, dtype=int)
    for b in pre.blocks:
        y[b.rows] = b.y
    return y


def log_likelihood(pre: Precomputed, weights: Mapping[str, np.ndarray], lams: Mapping[str, float],
                   sample_weight: np.ndarray | None = None) -> float:
    """Σ_n log P(observed category_n); ``sample_weight`` counts contexts (bootstrap)."""
    P = category_probabilities(pre, weights, lams)
    lp = np.log(np.maximum(P[np.arange(pre.n), observed_index(pre)], TINY))
    return float(lp.sum() if sample_weight is None else lp @ sample_weight)


def model_parameters(model: Model) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The weights and precisions a compiled model uses, by actor."""
    return ({a: m.weights.copy() for a, m in model.actors.items()},
            {a: float(m.precision) for a, m in model.actors.items()})
