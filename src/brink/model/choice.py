"""The decision rule: expected concern changes with one step of anticipation,
utilities, and logit (quantal response) choice probabilities.

For a deciding actor *i* in state *s* with feasible actions *a*:

* *s_a* = the expected state after *a* (``Model.apply``).
* Its principal adversary *j* answers by its own logit choice in *s_a*, scoring
  each feasible response *b* by its immediate utility
  ``U_j(b) = w_j · (m_j(s_ab) − m_j(s_a))`` (no further look-ahead).
* *i*'s expected change in each concern is
  ``Δ_i(a) = Σ_b P_j(b | s_a) · m_i(s_ab) − m_i(s)``.
* ``U_i(a) = w_i · Δ_i(a)`` and ``P_i(a) ∝ exp(λ_i · U_i(a))`` over feasible *a*.

All functions are pure and vectorised over leading axes of the state array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brink.model.compiled import Model


def logit(utilities: np.ndarray, lam: float, feasible: np.ndarray) -> np.ndarray:
    """Quantal-response probabilities over the last axis; infeasible actions get 0.

    Stable for any λ: utilities are shifted by their feasible maximum first.
    """
    u = np.where(feasible, lam * utilities, -np.inf)
    top = np.max(u, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.where(feasible, np.exp(u - top), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    return np.divide(e, total, out=np.zeros_like(e), where=total > 0)


def immediate_utilities(model: Model, S: np.ndarray, actor: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """Utilities (..., A) of each action with no anticipation, and the next states."""
    nexts = [model.apply(S, a) for a in model.actors[actor].actions]
    m0 = model.concern_values(S, actor)
    w = model.weights(actor)
    u = np.stack([(model.concern_values(n, actor) - m0) @ w for n in nexts], axis=-1)
    return u, nexts


def response_probabilities(model: Model, S: np.ndarray, actor: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """An actor's myopic logit response in S: probabilities (..., B) and next states."""
    u, nexts = immediate_utilities(model, S, actor)
    return logit(u, model.lam(actor), model.feasible_mask(S, actor)), nexts


@dataclass(frozen=True)
class Evaluation:
    """Everything the decision rule computed for one actor (arrays keep leading axes)."""

    actor: str
    actions: tuple[str, ...]
    feasible: np.ndarray          # (..., A) bool
    concern_change: np.ndarray    # (..., A, C) expected change per concern
    utility: np.ndarray           # (..., A)
    probability: np.ndarray       # (..., A)
    adversary: str | None
    adversary_probability: np.ndarray | None  # (..., A, B) anticipated responses


def evaluate(model: Model, S: np.ndarray, actor: str, anticipate: bool = True) -> Evaluation:
    """Score every action of ``actor`` in state(s) ``S`` and turn scores into choice probabilities."""
    am = model.actors[actor]
    adversary = am.adversary if anticipate else None
    m0 = model.concern_values(S, actor)
    changes, adv_probs = [], []
    for a in am.actions:
        Sa = model.apply(S, a)
        if adversary is not None:
            pb, Sab = response_probabilities(model, Sa, adversary)
            expected = sum(pb[..., k, None] * model.concern_values(sb, actor) for k, sb in enumerate(Sab))
            adv_probs.append(pb)
        else:
            expected = model.concern_values(Sa, actor)
        changes.append(expected - m0)
    dC = np.stack(changes, axis=-2)
    U = dC @ am.weights
    feas = model.feasible_mask(S, actor)
    P = logit(U, am.precision, feas)
    return Evaluation(
        actor=actor,
        actions=am.actions,
        feasible=feas,
        concern_change=dC,
        utility=U,
        probability=P,
        adversary=adversary,
        adversary_probability=np.stack(adv_probs, axis=-2) if adv_probs else None,
    )


def choice_probabilities(model: Model, S: np.ndarray, actor: str) -> np.ndarray:
    """P(action) (..., A) for ``actor``: the quantity the simulation samples from."""
    return evaluate(model, S, actor).probability
