"""Explanations: "why does this actor choose this?" as data.

An ``Explanation`` lists, for every action of the deciding actor, its choice
probability, its utility and how each concern contributes (weight × expected
change), plus the adversary's anticipated response. The CLI renders it as a
table; ``to_dict`` gives the same content as JSON for machines.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from brink.model.choice import evaluate
from brink.model.compiled import Model
from brink.model.history import state_at


@dataclass(frozen=True)
class ActionExplanation:
    action: str
    label: str
    category: str
    feasible: bool
    probability: float
    utility: float
    contributions: dict[str, float]      # concern -> weight x expected change
    concern_changes: dict[str, float]    # concern -> expected change
    adversary_response: dict[str, float]  # adversary action -> probability


@dataclass(frozen=True)
class Explanation:
    actor: str
    actor_name: str
    decision_point: str | None
    date: str | None
    precision: float
    adversary: str | None
    concerns: list[dict]
    actions: list[ActionExplanation]
    state: dict[str, float]
    taken: str | None = None

    def probability_of(self, action_id: str) -> float:
        for a in self.actions:
            if a.action == action_id:
                return a.probability
        raise KeyError(action_id)

    def ranked(self) -> list[ActionExplanation]:
        return sorted(self.actions, key=lambda a: (-a.probability, -a.utility))

    def to_dict(self) -> dict:
        return asdict(self)


def explain(model: Model, S: np.ndarray, actor: str, decision_point: str | None = None) -> Explanation:
    """Evaluate ``actor``'s decision in the single state ``S`` and package the reasons."""
    ev = evaluate(model, S, actor)
    am = model.actors[actor]
    sc = model.scenario
    adv_actions = model.actors[ev.adversary].actions if ev.adversary else ()
    rows = []
    for j, aid in enumerate(ev.actions):
        act = sc.action(aid)
        dc = ev.concern_change[j]
        rows.append(ActionExplanation(
            action=aid,
            label=act.label,
            category=act.category,
            feasible=bool(ev.feasible[j]),
            probability=float(ev.probability[j]),
            utility=float(ev.utility[j]),
            contributions={c: float(w * d) for c, w, d in zip(am.concern_ids, am.weights, dc)},
            concern_changes={c: float(d) for c, d in zip(am.concern_ids, dc)},
            adversary_response=(
                {b: float(p) for b, p in zip(adv_actions, ev.adversary_probability[j])}
                if ev.adversary_probability is not None else {}
            ),
        ))
    dp = sc.decision_point(decision_point) if decision_point else None
    return Explanation(
        actor=actor,
        actor_name=sc.actor(actor).name,
        decision_point=decision_point,
        date=dp.date.isoformat() if dp else None,
        precision=am.precision,
        adversary=ev.adversary,
        concerns=[{"id": c, "label": lab, "weight": float(w)}
                  for c, lab, w in zip(am.concern_ids, am.concern_labels, am.weights)],
        actions=rows,
        state={n: float(S[i]) for i, n in enumerate(model.var_names)},
        taken=dp.taken if dp else None,
    )


def explain_at(model: Model, decision_point: str, actor: str | None = None) -> Explanation:
    """Explain the decision at a named decision point (its own actor unless given)."""
    dp = model.scenario.decision_point(decision_point)
    return explain(model, state_at(model, decision_point), actor or dp.actor, decision_point)


@dataclass(frozen=True)
class ReplayRow:
    decision_point: str
    date: str
    actor: str
    taken: str
    p_taken: float
    rank_taken: int
    top_action: str
    p_top: float


def replay(model: Model) -> list[ReplayRow]:
    """For each dated decision point with a known choice: the model's probability of it."""
    rows = []
    for dp in sorted(model.scenario.decision_points, key=lambda d: d.date):
        if dp.taken is None:
            continue
        ex = explain_at(model, dp.id)
        ranked = ex.ranked()
        rank = next(i for i, a in enumerate(ranked, 1) if a.action == dp.taken)
        rows.append(ReplayRow(dp.id, dp.date.isoformat(), dp.actor, dp.taken,
                              ex.probability_of(dp.taken), rank, ranked[0].action, ranked[0].probability))
    return rows


def log_score(rows: list[ReplayRow]) -> float:
    """Sum of log probabilities of the choices actually made (higher is better)."""
    return float(sum(math.log(max(r.p_taken, 1e-300)) for r in rows))
