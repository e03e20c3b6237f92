"""The likelihood of observed response categories under the decision model.

Only λ and the concern weights are estimated, and neither moves a state: action
effects depend on the scenario's other parameters and the state alone. So the
state-dependent half of the decision rule (``brink.model.choice.anticipate``)
is computed once per decision context (``precompute``), and every trial of λ
and the weights runs only its weight-dependent half (``brink.model.choice.choose``)
— the same two functions ``brink.model.choice.evaluate`` is made of, so the
likelihood cannot drift from the rule the explanations and simulations use:

    P_i(c)  = Σ_{a in category c} P_i(a)      (P_i(a) from ``choose``)

and the log-likelihood is Σ_n log P_{i_n}(c_n | s_n).
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
                           lams: Mapping[str, float]) -> np.ndarray:
    """(N, K) probability of each response category for each context, in context order."""
    out = np.zeros((pre.n, len(pre.categories)))
    for b in pre.blocks:
        adv = b.adversary
        ch = choose(b.tensors, weights[b.actor], lams[b.actor],
                    weights[adv] if adv else None, lams[adv] if adv else None)
        out[b.rows] = ch.probability @ b.G
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
