"""The decision rule: expected concern changes with one step of anticipation,
utilities, and logit (quantal response) choice probabilities.

For a deciding actor *i* in state *s* with feasible actions *a*:

* *s_a* = the expected state after *a* (``Model.apply``).
* Its principal adversary *j* answers by its own logit choice in *s_a*, scoring
  each feasible response *b* by its immediate utility
  ``U_j(b) = w_j · (m_j(s_ab) − m_j(s_a)) + t_j[cat(b)]`` (no further look-ahead).
* *i*'s expected change in each concern is
  ``Δ_i(a) = Σ_b P_j(b | s_a) · m_i(s_ab) − m_i(s)``.
* ``U_i(a) = w_i · Δ_i(a) + t_i[cat(a)]`` and ``P_i(a) ∝ exp(λ_i · U_i(a))``
  over feasible *a*.

``t_i[c]`` is actor *i*'s *tendency* towards response category *c* (the
alternative-specific constant of discrete-choice models): a constant, in the
same utility units as the concern contributions, added to every action of that
category whatever the state. It is where habit lives — what an actor does
more or less often than its concerns alone would say; with all weights at zero
the rule is a base-rate model of the categories. Absent tendencies are 0.

The rule is split in two, and this module is the one place it is written:

* :func:`anticipate` computes everything that depends on the state — the
  concern values after each action and each anticipated answer, the
  adversary's concern changes, the feasibility masks (an :class:`Anticipation`);
* :func:`choose` turns those tensors, the weights, the tendencies and the
  precisions into utilities and probabilities.

``evaluate`` is the two in a row (the NumPy simulation backend and ``brink
explain`` call it); the likelihood (``brink.fit.likelihood``) calls
``anticipate`` once per decision context and ``choose`` for every trial of λ,
the weights and the tendencies. The compiled kernel (``brink.sim.kernel``)
writes the same rule out as straight-line code and is tested against ``evaluate``.

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


@dataclass(frozen=True)
class Anticipation:
    """The state-dependent tensors of one actor's decision (leading axes ``...`` kept).

    Without an adversary the answer axis B has length 1 and holds the state
    after the actor's own action.
    """

    actor: str
    actions: tuple[str, ...]
    adversary: str | None
    feasible: np.ndarray      # (..., A) bool
    m0: np.ndarray            # (..., C) the decider's concerns now
    M: np.ndarray             # (..., A, B, C) the decider's concerns after a, then b
    adv_feasible: np.ndarray  # (..., A, B) bool
    D: np.ndarray             # (..., A, B, Cj) the adversary's concern change from b after a


def anticipate(model: Model, S: np.ndarray, actor: str, with_adversary: bool = True) -> Anticipation:
    """The state-dependent half of the rule for ``actor`` in state(s) ``S``.

    ``with_adversary=False`` scores actions by their immediate effect only.
    """
    am = model.actors[actor]
    adversary = am.adversary if with_adversary else None
    shape = S.shape[:-1]
    A, C = len(am.actions), len(am.concern_ids)
    answers = model.actors[adversary].actions if adversary else (None,)
    Cj = len(model.actors[adversary].concern_ids) if adversary else 1
    M = np.empty(shape + (A, len(answers), C))
    D = np.zeros(shape + (A, len(answers), Cj))
    AF = np.ones(shape + (A, len(answers)), dtype=bool)
    for ja, a in enumerate(am.actions):
        Sa = model.apply(S, a)
        if adversary is None:
            model.concern_values(Sa, actor, out=M[..., ja, 0, :])
            continue
        mj0 = model.concern_values(Sa, adversary)
        for jb, b in enumerate(answers):
            Sab = model.apply(Sa, b)
            model.concern_values(Sab, actor, out=M[..., ja, jb, :])
            np.subtract(model.concern_values(Sab, adversary), mj0, out=D[..., ja, jb, :])
        AF[..., ja, :] = model.feasible_mask(Sa, adversary)
    return Anticipation(
        actor=actor, actions=am.actions, adversary=adversary,
        feasible=model.feasible_mask(S, actor), m0=model.concern_values(S, actor),
        M=M, adv_feasible=AF, D=D,
    )


@dataclass(frozen=True)
class Choice:
    """The weight-dependent half of the rule: what ``choose`` returns."""

    concern_change: np.ndarray               # (..., A, C) expected change per concern
    utility: np.ndarray                      # (..., A) w · Δ + tendency
    probability: np.ndarray                  # (..., A)
    adversary_probability: np.ndarray | None  # (..., A, B) anticipated answers


def choose(ant: Anticipation, w: np.ndarray, t: np.ndarray, lam: float,
           w_adv: np.ndarray | None = None, t_adv: np.ndarray | None = None,
           lam_adv: float | None = None) -> Choice:
    """Utilities and logit probabilities from the tensors of :func:`anticipate`.

    ``w``/``t``/``lam``: the decider's weights (C,), tendency per action (A,)
    and precision; ``w_adv``/``t_adv``/``lam_adv`` the adversary's (its
    tendency per answer, (B,)). Where the adversary has no feasible answer the expectation over answers is
    empty (zero), so the expected change is ``−m_i(s)``; the compiled kernel
    reproduces that case.
    """
    if ant.adversary is None:
        expected = ant.M[..., 0, :]
        pj = None
    else:
        uj = ant.D @ np.asarray(w_adv, dtype=float) + np.asarray(t_adv, dtype=float)  # (..., A, B)
        pj = logit(uj, lam_adv, ant.adv_feasible)
        expected = pj[..., 0, None] * ant.M[..., 0, :]
        for b in range(1, ant.M.shape[-2]):
            expected = expected + pj[..., b, None] * ant.M[..., b, :]
    dC = expected - ant.m0[..., None, :]
    U = dC @ np.asarray(w, dtype=float) + np.asarray(t, dtype=float)
    return Choice(dC, U, logit(U, lam, ant.feasible), pj)


@dataclass(frozen=True)
class Evaluation:
    """Everything the decision rule computed for one actor (arrays keep leading axes)."""

    actor: str
    actions: tuple[str, ...]
    feasible: np.ndarray          # (..., A) bool
    concern_change: np.ndarray    # (..., A, C) expected change per concern
    utility: np.ndarray           # (..., A) Σ concern contributions + tendency
    tendency: np.ndarray          # (A,) the tendency term of each action
    probability: np.ndarray       # (..., A)
    adversary: str | None
    adversary_probability: np.ndarray | None  # (..., A, B) anticipated responses


def evaluate(model: Model, S: np.ndarray, actor: str, with_adversary: bool = True) -> Evaluation:
    """Score every action of ``actor`` in state(s) ``S`` and turn scores into choice probabilities."""
    ant = anticipate(model, S, actor, with_adversary)
    am = model.actors[actor]
    adv = model.actors[ant.adversary] if ant.adversary else None
    ch = choose(ant, am.weights, am.tendency, am.precision,
                adv.weights if adv else None, adv.tendency if adv else None, adv.precision if adv else None)
    return Evaluation(
        actor=actor,
        actions=am.actions,
        feasible=ant.feasible,
        concern_change=ch.concern_change,
        utility=ch.utility,
        tendency=am.tendency,
        probability=ch.probability,
        adversary=ant.adversary,
        adversary_probability=ch.adversary_probability,
    )


def choice_probabilities(model: Model, S: np.ndarray, actor: str) -> np.ndarray:
    """P(action) (..., A) for ``actor``: the quantity the simulation samples from."""
    return evaluate(model, S, actor).probability
