"""Compile a scenario into arrays and closures the decision model can evaluate fast.

The scenario is a readable description; ``Model`` is its executable form:
state variables get fixed indices into a state array of shape ``(..., V)``,
formulas become closures over that array, and concern weights become vectors.
Everything here is pure: a ``Model`` is immutable, every method returns new
arrays, and the leading ``...`` axes let one call evaluate one state or a batch
of simulated trajectories at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from brink.errors import BrinkError
from brink.scenario.expr import parse
from brink.scenario.schema import Scenario

Fn = Callable[[np.ndarray, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class CompiledAction:
    """One catalogue action as closures: precondition, effects and random means."""

    id: str
    actor: str
    label: str
    precondition: Fn | None
    effects: tuple[tuple[int, Fn], ...]
    random_means: tuple[tuple[str, Fn], ...]


@dataclass(frozen=True)
class ActorModel:
    """What one actor decides with: its actions, concerns, weights and precision."""

    id: str
    actions: tuple[str, ...]
    concern_ids: tuple[str, ...]
    concern_labels: tuple[str, ...]
    weights: np.ndarray
    measures: tuple[Fn, ...]
    precision: float
    adversary: str | None


class Model:
    """The executable form of a scenario (see module docstring)."""

    def __init__(self, scenario: Scenario, overrides: Mapping[str, float] | None = None):
        self.scenario = scenario
        self.var_names: tuple[str, ...] = tuple(scenario.variable_names())
        self.var_index: dict[str, int] = {n: i for i, n in enumerate(self.var_names)}
        self.overrides: dict[str, float] = {}
        self.params: dict[str, float] = {k: p.value for k, p in scenario.parameters.items()}
        weight_over: dict[tuple[str, str], float] = {}
        precision_over: dict[str, float] = {}
        self.pinned: dict[int, float] = {}
        for key, value in (overrides or {}).items():
            kind, name = self.resolve_name(key)
            self.overrides[name] = float(value)
            if kind == "param":
                self.params[name] = float(value)
            elif kind == "var":
                self.pinned[self.var_index[name]] = float(value)
            elif kind == "weight":
                actor_id, concern = name.split(".", 2)[1:]
                weight_over[(actor_id, concern)] = float(value)
            else:  # precision
                precision_over[name.split(".", 1)[1]] = float(value)

        lo, hi, init = [], [], []
        for a in scenario.actors:
            for v in a.state.values():
                lo.append(v.range[0]); hi.append(v.range[1]); init.append(v.initial.value)
        for v in scenario.world.values():
            lo.append(v.range[0]); hi.append(v.range[1]); init.append(v.initial.value)
        for f in scenario.fronts:
            lo.append(0.0); hi.append(1.0); init.append(f.initial.value)
        for c in scenario.channels:
            lo.append(0.0); hi.append(1.0); init.append(1.0 if c.status == "open" else 0.0)
        self.lo = np.asarray(lo, dtype=float)
        self.hi = np.asarray(hi, dtype=float)
        self._initial = np.asarray(init, dtype=float)

        self.actions: dict[str, CompiledAction] = {}
        for act in scenario.actions:
            rnames = set(act.random)
            self.actions[act.id] = CompiledAction(
                id=act.id,
                actor=act.actor,
                label=act.label,
                precondition=self._bind(act.precondition, rnames) if act.precondition else None,
                effects=tuple((self.var_index[t], self._bind(f, rnames)) for t, f in act.effects.items()),
                random_means=tuple((n, self._bind(rq.mean)) for n, rq in act.random.items()),
            )
        self.dynamics: tuple[tuple[int, Fn], ...] = tuple(
            (self.var_index[t], self._bind(f)) for t, f in scenario.dynamics.items()
        )
        self.actors: dict[str, ActorModel] = {}
        default_lambda = self.params.get("lambda", 1.0)
        for a in scenario.actors:
            acts = tuple(x.id for x in scenario.actions if x.actor == a.id)
            if not acts:
                continue
            w = np.asarray([weight_over.get((a.id, c.id), c.weight.value) for c in a.concerns], dtype=float)
            prec = precision_over.get(a.id, a.precision.value if a.precision else default_lambda)
            self.actors[a.id] = ActorModel(
                id=a.id,
                actions=acts,
                concern_ids=tuple(c.id for c in a.concerns),
                concern_labels=tuple(c.label for c in a.concerns),
                weights=w,
                measures=tuple(self._bind(c.measure) for c in a.concerns),
                precision=float(prec),
                adversary=a.adversary if a.adversary in {x.actor for x in scenario.actions} else None,
            )
        self.outcomes = tuple(
            (o.id, None if o.default else self._bind(o.when)) for o in scenario.outcomes
        )

    # ------------------------------------------------------------------ names
    def resolve_name(self, key: str) -> tuple[str, str]:
        """Map a user-facing name to ('param'|'var'|'weight'|'precision', full name).

        Accepts parameter names, full variable names (``IRN.legitimacy``), an
        unambiguous variable suffix (``legitimacy``), ``weight.IRN.us_entry`` and
        ``precision.IRN``.
        """
        sc = self.scenario
        if key in sc.parameters:
            return "param", key
        if key in self.var_index:
            return "var", key
        parts = key.split(".")
        if parts[0] == "weight" and len(parts) == 3:
            try:
                actor = sc.actor(parts[1])
            except KeyError:
                raise BrinkError(f"{key}: unknown actor {parts[1]!r}") from None
            if parts[2] not in {c.id for c in actor.concerns}:
                raise BrinkError(f"{key}: {parts[1]} has no concern {parts[2]!r} "
                                 f"(has: {', '.join(c.id for c in actor.concerns)})")
            return "weight", key
        if parts[0] == "precision" and len(parts) == 2:
            if parts[1] not in {a.id for a in sc.actors}:
                raise BrinkError(f"{key}: unknown actor {parts[1]!r}")
            return "precision", key
        matches = [n for n in self.var_index if n.split(".", 1)[1] == key]
        if len(matches) == 1:
            return "var", matches[0]
        if matches:
            raise BrinkError(f"{key!r} is ambiguous: {', '.join(matches)}")
        raise BrinkError(f"unknown name {key!r}: not a parameter, a state variable, "
                         "weight.ACTOR.CONCERN or precision.ACTOR")

    def _bind(self, text: str, random_names: set[str] = frozenset()) -> Fn:
        index, params = self.var_index, self.params

        def resolve(sym: str) -> Fn:
            if sym in random_names:
                return lambda S, R: R[sym]
            if sym in index:
                i = index[sym]
                return lambda S, R: S[..., i]
            if sym in params:
                value = params[sym]
                return lambda S, R: value
            raise BrinkError(f"formula {text!r}: unknown name {sym!r}")

        return parse(text).bind(resolve)

    # ------------------------------------------------------------------ state
    def initial_state(self) -> np.ndarray:
        """The start state (before the timeline), with pinned overrides applied."""
        return self.pin(self._initial.copy())

    def pin(self, S: np.ndarray) -> np.ndarray:
        """Apply state-variable overrides (what-if values) in place and return S."""
        for i, v in self.pinned.items():
            S[..., i] = v
        return S

    def value(self, S: np.ndarray, name: str) -> np.ndarray:
        return S[..., self.var_index[name]]

    def week_of(self, date: dt.date) -> float:
        return (date - self.scenario.meta.as_of).days / 7.0

    def state_at(self, decision_point_id: str) -> np.ndarray:
        """The state at a decision point (replays the timeline; see ``history``)."""
        from brink.model.history import state_at

        return state_at(self, decision_point_id)

    def decide(self, S: np.ndarray, actor: str, decision_point: str | None = None):
        """The explanation of ``actor``'s choice in state S (see ``explain``)."""
        from brink.model.explain import explain

        return explain(self, S, actor, decision_point=decision_point)

    # ---------------------------------------------------------------- actions
    def feasible_mask(self, S: np.ndarray, actor: str) -> np.ndarray:
        """Boolean array (..., A) over the actor's catalogue actions."""
        acts = self.actors[actor].actions
        shape = S.shape[:-1]
        out = np.ones(shape + (len(acts),), dtype=bool)
        for j, aid in enumerate(acts):
            pre = self.actions[aid].precondition
            if pre is not None:
                out[..., j] = np.broadcast_to(np.asarray(pre(S, {}), dtype=bool), shape)
        return out

    def feasible(self, S: np.ndarray, actor: str) -> list[str]:
        """Feasible action ids for one state (1-D S)."""
        mask = self.feasible_mask(S, actor)
        return [a for a, ok in zip(self.actors[actor].actions, mask) if ok]

    def random_means(self, S: np.ndarray, action_id: str) -> dict[str, Any]:
        return {n: fn(S, {}) for n, fn in self.actions[action_id].random_means}

    def apply(self, S: np.ndarray, action_id: str, draws: Mapping[str, Any] | None = None) -> np.ndarray:
        """The state after an action: effects evaluated on the prior state, added, clipped.

        Random quantities take ``draws`` where given, else their mean (so the
        result is the expected next state, effects being linear in the draws).
        """
        act = self.actions[action_id]
        R = self.random_means(S, action_id)
        if draws:
            R.update(draws)
        deltas = [(i, fn(S, R)) for i, fn in act.effects]
        out = S.copy()
        for i, d in deltas:
            out[..., i] = out[..., i] + d
        np.clip(out, self.lo, self.hi, out=out)
        return out

    def step_dynamics(self, S: np.ndarray, rounds: int = 1) -> np.ndarray:
        """Apply the scenario's per-round drift ``rounds`` times."""
        out = S
        for _ in range(rounds):
            deltas = [(i, fn(out, {})) for i, fn in self.dynamics]
            out = out.copy()
            for i, d in deltas:
                out[..., i] = out[..., i] + d
            np.clip(out, self.lo, self.hi, out=out)
        return out

    # --------------------------------------------------------------- concerns
    def concern_ids(self, actor: str) -> tuple[str, ...]:
        return self.actors[actor].concern_ids

    def weights(self, actor: str) -> np.ndarray:
        return self.actors[actor].weights

    def lam(self, actor: str) -> float:
        return self.actors[actor].precision

    def concern_values(self, S: np.ndarray, actor: str) -> np.ndarray:
        """Concern measures (..., C) of an actor in state(s) S."""
        shape = S.shape[:-1]
        cols = [np.broadcast_to(np.asarray(m(S, {}), dtype=float), shape) for m in self.actors[actor].measures]
        return np.stack(cols, axis=-1)

    def utility(self, S0: np.ndarray, S1: np.ndarray, actor: str) -> np.ndarray:
        """Weighted change in the actor's concerns from S0 to S1."""
        return (self.concern_values(S1, actor) - self.concern_values(S0, actor)) @ self.weights(actor)

    def outcome_of(self, S: np.ndarray) -> np.ndarray:
        """Index into ``self.outcomes`` of the first outcome whose predicate holds
        (the default outcome's index where none does), shape S.shape[:-1]."""
        shape = S.shape[:-1]
        default = next(i for i, (_, fn) in enumerate(self.outcomes) if fn is None)
        out = np.full(shape, default, dtype=np.int64)
        decided = np.zeros(shape, dtype=bool)
        for i, (_, fn) in enumerate(self.outcomes):
            if fn is None:
                continue
            hit = np.broadcast_to(np.asarray(fn(S, {}), dtype=bool), shape) & ~decided
            out = np.where(hit, i, out)
            decided |= hit
        return out


def compile_model(scenario: Scenario, overrides: Mapping[str, float] | None = None) -> Model:
    """Compile a validated scenario (with optional what-if overrides) into a ``Model``."""
    return Model(scenario, overrides)

