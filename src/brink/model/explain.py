"""Explanations: "why does this actor choose this?" as data.

An ``Explanation`` lists, for every action of the deciding actor, its choice
probability, its utility and how each concern contributes (weight × expected
change) next to the actor's tendency towards the action's category (utility =
Σ contributions + tendency), plus the adversary's anticipated response. The CLI renders it as a
table; ``to_dict`` gives the same content as JSON for machines and
``to_frame`` one row per action for notebooks. ``replay`` walks every dated
decision point and returns a ``Replay`` (one row per decision point).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from brink.model.choice import evaluate
from brink.model.compiled import Model
from brink.model.history import deciding_actor, latest_decision_point, state_after, state_at


@dataclass(frozen=True)
class ActionExplanation:
    action: str
    label: str
    category: str
    feasible: bool
    probability: float
    utility: float                       # Σ contributions + tendency
    tendency: float                      # the actor's tendency towards this action's category
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
    what_if: dict[str, float] = field(default_factory=dict)  # the model's overrides (resolved names)
    settlements: list[dict] = field(default_factory=list)  # Negotiation.on_table: the deals on the table

    def probability_of(self, action_id: str) -> float:
        for a in self.actions:
            if a.action == action_id:
                return a.probability
        raise KeyError(action_id)

    def ranked(self) -> list[ActionExplanation]:
        return sorted(self.actions, key=lambda a: (-a.probability, -a.utility))

    def to_dict(self) -> dict:
        """Every field as JSON-able data (what ``brink explain --json`` prints)."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per action: probability, utility, tendency, then ``contribution.C`` (weight ×
        expected change) and ``change.C`` (expected change) for each concern C, in the concerns' order."""
        concerns = [c["id"] for c in self.concerns]
        rows = []
        for a in self.actions:
            row = {"action": a.action, "label": a.label, "category": a.category, "feasible": a.feasible,
                   "probability": a.probability, "utility": a.utility, "tendency": a.tendency}
            row.update({f"contribution.{c}": a.contributions[c] for c in concerns})
            row.update({f"change.{c}": a.concern_changes[c] for c in concerns})
            rows.append(row)
        return pd.DataFrame(rows)


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
            tendency=float(ev.tendency[j]),
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
        taken=dp.taken if dp is not None and dp.actor == actor else None,  # another actor's choice is not this one's
        what_if=dict(model.overrides),
        settlements=model.negotiation.on_table(S, actor) if model.negotiation is not None else [],
    )


def explain_at(model: Model, decision_point: str, actor: str | None = None) -> Explanation:
    """Explain the decision at a named decision point (its own actor unless given)."""
    dp = model.scenario.decision_point(decision_point)
    return explain(model, state_at(model, decision_point), actor or dp.actor, decision_point)


def explain_default(model: Model, actor: str | None = None) -> Explanation:
    """The decision to show when none is named: ``deciding_actor(model, actor)``'s latest
    decision point, or its choice in the state at the as_of date if it has none."""
    actor = deciding_actor(model, actor)
    if any(d.actor == actor for d in model.scenario.decision_points):
        return explain_at(model, latest_decision_point(model, actor), actor)
    S, _ = state_after(model, None)
    return explain(model, S, actor)


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


@dataclass(frozen=True)
class Replay:
    """The model's probability of each choice actually made; iterates over its rows."""

    rows: tuple[ReplayRow, ...]
    what_if: dict[str, float] = field(default_factory=dict)

    def __iter__(self) -> Iterator[ReplayRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> ReplayRow:
        return self.rows[i]

    @property
    def log_score(self) -> float:
        return log_score(self.rows)

    def to_dict(self) -> dict:
        """Rows, log score and what-if as JSON-able data (what ``brink explain --replay --json`` prints)."""
        return {"rows": [asdict(r) for r in self.rows], "log_score": self.log_score, "what_if": dict(self.what_if)}

    def to_frame(self) -> pd.DataFrame:
        """One row per decision point, the columns of ``ReplayRow``."""
        return pd.DataFrame([asdict(r) for r in self.rows], columns=list(ReplayRow.__dataclass_fields__))


def replay(model: Model) -> Replay:
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
    return Replay(tuple(rows), dict(model.overrides))


def log_score(rows) -> float:
    """Sum of log probabilities of the choices actually made (higher is better)."""
    return float(sum(math.log(max(r.p_taken, 1e-300)) for r in rows))
