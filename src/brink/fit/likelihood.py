"""The likelihood of observed response categories under the decision model.

Only λ, the concern weights and the tendencies are estimated, and none of them
moves a state: action effects depend on the scenario's other parameters and the
state alone. So the state-dependent half of the decision rule
(``brink.model.choice.anticipate``) is computed once per decision context
(``precompute``), and every trial of the parameters runs only its
weight-dependent half (``brink.model.choice.choose``) — the same two functions
``brink.model.choice.evaluate`` is made of, so the likelihood cannot drift from
the rule the explanations and simulations use:

    P_i(c)  = Σ_{a in category c} P_i(a)      (P_i(a) from ``choose``)

and the log-likelihood is Σ_n log P_{i_n}(c_n | s_n).

``log_likelihood_grad`` adds its exact gradient (the chain rule back through
``choose``'s outputs: the decider's logit, the anticipated answers' logit and
the weights), which is what keeps the fit, its cross-validation and its
bootstrap fast; a test holds it to finite differences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from brink.fit.mapping import DecisionContext, category_order
from brink.model.choice import Anticipation, anticipate, choose
from brink.model.compiled import Model

TINY = 1e-300


@dataclass(frozen=True)
class ActorBlock:
    """The precomputed tensors of the contexts decided by one actor."""

    actor: str
    rows: np.ndarray          # (N,) positions of these contexts in the full list
    tensors: Anticipation     # the rule's state-dependent half, stacked over the N contexts
    G: np.ndarray             # (A, K) action -> category membership
    y: np.ndarray             # (N,) observed category index into K

    @property
    def adversary(self) -> str | None:
        return self.tensors.adversary


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
    """Compute the state-dependent half of the rule once for every context."""
    cats = category_order(model)
    kidx = {c: k for k, c in enumerate(cats)}
    blocks = []
    by_actor: dict[str, list[int]] = {}
    for i, c in enumerate(contexts):
        by_actor.setdefault(c.actor, []).append(i)
    for actor, rows in by_actor.items():
        am = model.actors[actor]
        S = np.stack([contexts[i].state for i in rows])  # (N, V)
        G = np.zeros((len(am.actions), len(cats)))
        for j, a in enumerate(am.actions):
            G[j, kidx[model.actions[a].category]] = 1.0
        blocks.append(ActorBlock(
            actor=actor, rows=np.asarray(rows), tensors=anticipate(model, S, actor), G=G,
            y=np.asarray([kidx[contexts[i].observed] for i in rows]),
        ))
    return Precomputed(cats, tuple(blocks), len(contexts), tuple(c.episode_id for c in contexts))


def category_probabilities(pre: Precomputed, weights: Mapping[str, np.ndarray],
                           tendencies: Mapping[str, np.ndarray], lams: Mapping[str, float]) -> np.ndarray:
    """(N, K) probability of each response category for each context, in context order.

    ``tendencies[actor]`` is the (A,) tendency of each of its actions (utility units)."""
    out = np.zeros((pre.n, len(pre.categories)))
    for b in pre.blocks:
        out[b.rows] = _choose(b, weights, tendencies, lams).probability @ b.G
    return out


def _choose(b: ActorBlock, weights, tendencies, lams):
    adv = b.adversary
    return choose(b.tensors, weights[b.actor], tendencies[b.actor], lams[b.actor],
                  weights[adv] if adv else None, tendencies[adv] if adv else None, lams[adv] if adv else None)


def observed_index(pre: Precomputed) -> np.ndarray:
    y = np.zeros(pre.n, dtype=int)
    for b in pre.blocks:
        y[b.rows] = b.y
    return y


def log_likelihood(pre: Precomputed, weights: Mapping[str, np.ndarray], tendencies: Mapping[str, np.ndarray],
                   lams: Mapping[str, float], sample_weight: np.ndarray | None = None) -> float:
    """Σ_n log P(observed category_n); ``sample_weight`` counts contexts (bootstrap, cross-validation)."""
    P = category_probabilities(pre, weights, tendencies, lams)
    lp = np.log(np.maximum(P[np.arange(pre.n), observed_index(pre)], TINY))
    return float(lp.sum() if sample_weight is None else lp @ sample_weight)


@dataclass
class Gradient:
    """∂ log-likelihood, by actor: w.r.t. its weights (C,), its logit-unit tendency
    β = λ·t per action (A,), and log λ with β held fixed."""

    weights: dict[str, np.ndarray]
    beta: dict[str, np.ndarray]
    log_lambda: dict[str, float]


def log_likelihood_grad(pre: Precomputed, weights: Mapping[str, np.ndarray],
                        tendencies: Mapping[str, np.ndarray], lams: Mapping[str, float],
                        sample_weight: np.ndarray | None = None) -> tuple[float, Gradient]:
    """The log-likelihood and its gradient (see :class:`Gradient`).

    With v = λ_i (w_i · Δ_i) + β_i the decider's logits and v_j = λ_j (w_j · D) + β_j
    the anticipated adversary's, ∂ log P(y)/∂v = 1[a ∈ y] P(a)/P(y) − P(a); the
    adversary's answer probabilities enter Δ_i linearly, and their own logit is
    differentiated the same way.
    """
    g = Gradient({}, {}, {})

    def add(store, actor, value):
        store[actor] = store.get(actor, 0.0) + value

    ll = 0.0
    for b in pre.blocks:
        i, j = b.actor, b.adversary
        sw = np.ones(len(b.rows)) if sample_weight is None else np.asarray(sample_weight, float)[b.rows]
        ch = _choose(b, weights, tendencies, lams)
        P = ch.probability                                             # (N, A)
        inY = b.G[:, b.y].T                                            # (N, A) 1[a in observed category]
        py = np.maximum((P * inY).sum(axis=1), TINY)
        ll += float(np.log(py) @ sw)
        r = (inY * P / py[:, None] - P) * sw[:, None]                  # ∂ll/∂v
        lam_i, w_i = float(lams[i]), np.asarray(weights[i], float)
        add(g.beta, i, r.sum(axis=0))
        add(g.weights, i, lam_i * np.einsum("na,nac->c", r, ch.concern_change))
        add(g.log_lambda, i, lam_i * float(np.sum(r * (ch.concern_change @ w_i))))
        if j is None:
            continue
        pj, D = ch.adversary_probability, b.tensors.D                  # (N, A, B), (N, A, B, Cj)
        gp = lam_i * r[..., None] * (b.tensors.M @ w_i)                # ∂ll/∂pj
        gv = pj * (gp - (pj * gp).sum(axis=-1, keepdims=True))         # ∂ll/∂v_j
        lam_j, w_j = float(lams[j]), np.asarray(weights[j], float)
        add(g.beta, j, gv.sum(axis=(0, 1)))
        add(g.weights, j, lam_j * np.einsum("nab,nabc->c", gv, D))
        add(g.log_lambda, j, lam_j * float(np.sum(gv * (D @ w_j))))
    return ll, g


def model_parameters(model: Model) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, float]]:
    """The weights, per-action tendencies and precisions a compiled model uses, by actor."""
    return ({a: m.weights.copy() for a, m in model.actors.items()},
            {a: m.tendency.copy() for a, m in model.actors.items()},
            {a: float(m.precision) for a, m in model.actors.items()})
