"""The one compiled form of a scenario, which every evaluator reads.

The scenario is a readable description; ``Model`` is its executable form, built
once: state variables get fixed indices into a state array of shape ``(..., V)``,
each formula is parsed once (``brink.scenario.expr.parse``) into a
:class:`Formula` that holds its parsed tree, the state indices it reads and a
NumPy closure, random quantities get their uniform slots, and an intervention's
changes become data (pinned indices, a disabled-action set, forced moves).

Three evaluators are generated from this one representation and from nothing
else:

* the NumPy decision rule (``brink.model.choice``), vectorised over any leading
  axes of the state;
* the compiled round kernel (``brink.sim.kernel``), which translates each
  ``Formula``'s parsed tree into Numba source;
* the likelihood of observed choices (``brink.fit.likelihood``), which calls the
  decision rule's own tensor functions.

Everything here is pure: a ``Model`` is not changed after construction, and
every method returns new arrays.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from brink.errors import BrinkError, InputError, Problem
from brink.model.intervention import Intervention
from brink.scenario.expr import Expr, parse
from brink.scenario.schema import Scenario

Fn = Callable[[np.ndarray, Mapping[str, Any]], Any]


def _quiet() -> np.errstate:
    """NumPy's division and overflow warnings off: the model checks its own results for values
    that are not finite and refuses them naming the formula (``Model.check_finite``)."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")

_NO_DRAWS: Mapping[str, Any] = {}


@dataclass(frozen=True)
class Formula:
    """A scenario formula, parsed once: its text, tree, what it reads, and its NumPy closure."""

    text: str
    expr: Expr
    reads: frozenset[int]   # state-variable indices the formula reads
    fn: Fn
    loc: tuple[Any, ...] = ()  # where the scenario holds it, as a data path: ("actions", 3, "effects", "IRN.unrest")

    def __call__(self, S: np.ndarray, R: Mapping[str, Any] = _NO_DRAWS) -> Any:
        return self.fn(S, R)


@dataclass(frozen=True)
class RandomSlot:
    """One random quantity of an action; its draw comes from uniform row ``1 + slot``."""

    name: str
    slot: int
    dist: str
    mean: Formula
    concentration: Formula | None


@dataclass(frozen=True)
class CompiledAction:
    """One catalogue action: precondition, effects (target index, formula) and random quantities."""

    id: str
    actor: str
    label: str
    category: str
    precondition: Formula | None
    effects: tuple[tuple[int, Formula], ...]
    random: tuple[RandomSlot, ...]

    @property
    def targets(self) -> frozenset[int]:
        """State indices this action changes."""
        return frozenset(i for i, _ in self.effects)

    @property
    def random_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.random)


@dataclass(frozen=True)
class ActorModel:
    """What one actor decides with: its actions, concerns, weights, tendencies and precision."""

    id: str
    actions: tuple[str, ...]
    concern_ids: tuple[str, ...]
    concern_labels: tuple[str, ...]
    weights: np.ndarray
    measures: tuple[Formula, ...]
    precision: float
    adversary: str | None
    tendency: np.ndarray             # (A,) the tendency of each action's response category (0 where none)
    categories: tuple[str, ...]      # (A,) each action's response category


@dataclass(frozen=True)
class CompiledOutcome:
    """An episode: its start predicate, its end predicate and whether it is absorbing.

    ``when`` is None for the default outcome (the state in which no episode is
    under way). ``ends_when`` None means the episode ends when ``when`` stops
    holding; an absorbing episode never ends.
    """

    id: str
    label: str
    when: Formula | None
    ends_when: Formula | None = None
    absorbing: bool = False
    partial: bool = False  # under way, it does not end the default state (a front-by-front settlement)


class Model:
    """The executable form of a scenario with one intervention (see module docstring).

    ``intervention`` is an :class:`Intervention` or a plain mapping of ``set``
    overrides (``{"IRN.legitimacy": 0.3}``), as ``brink explain --set`` gives.
    """

    def __init__(self, scenario: Scenario, intervention: Intervention | Mapping[str, float] | None = None):
        if intervention is None:
            intervention = Intervention()
        elif not isinstance(intervention, Intervention):
            intervention = Intervention(id="custom", label="what-if", set=dict(intervention))
        self.scenario = scenario
        self.scenario_id = scenario.meta.id
        self.intervention = intervention
        self.var_names: tuple[str, ...] = tuple(scenario.variable_names())
        self.var_index: dict[str, int] = {n: i for i, n in enumerate(self.var_names)}
        try:
            self._check_intervention(scenario, intervention)
            id_problems: list[Problem] = []
        except InputError as exc:  # reported with the unknown set names below, all at once
            id_problems = exc.problems

        self.overrides: dict[str, float] = {}
        self.params: dict[str, float] = {k: p.value for k, p in scenario.parameters.items()}
        weight_over: dict[tuple[str, str], float] = {}
        precision_over: dict[str, float] = {}
        tendency_over: dict[tuple[str, str], float] = {}
        self.pinned: dict[int, float] = {}
        resolved: list[tuple[str, str, str, float]] = []  # (key as given, kind, full name, value)
        unknown: list[tuple[str, float, str]] = []
        for key, value in intervention.overrides().items():
            try:
                kind, name = self.resolve_name(key)
            except BrinkError as exc:
                if key in intervention.set:  # an unknown closed channel is among id_problems already
                    unknown.append((key, value, str(exc)))
                continue
            resolved.append((key, kind, name, float(value)))
        self._report_values(intervention, unknown, id_problems)  # before anything is built: unknown names
        for key, kind, name, value in resolved:
            self.overrides[name] = float(value)
            if kind == "param":
                self.params[name] = float(value)
            elif kind == "var":
                self.pinned[self.var_index[name]] = float(value)
            elif kind == "weight":
                actor_id, concern = name.split(".", 2)[1:]
                weight_over[(actor_id, concern)] = float(value)
            elif kind == "tendency":
                actor_id, category = name.split(".", 2)[1:]
                tendency_over[(actor_id, category)] = float(value)
            else:  # precision
                precision_over[name.split(".", 1)[1]] = float(value)
        self.disabled: frozenset[str] = frozenset(intervention.disable)

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
        for _ in scenario.settled_issues():  # settlement.ISSUE: 1 while it holds
            lo.append(0.0); hi.append(1.0); init.append(0.0)
        n_settled = float(len(scenario.settled_issues()))
        for _ in scenario.offer_actors():  # offer.ACTOR: a sum of one value in [-1, 1] per settled issue
            lo.append(-n_settled); hi.append(n_settled); init.append(0.0)
        self.lo = np.asarray(lo, dtype=float)
        self.hi = np.asarray(hi, dtype=float)
        self._initial = np.asarray(init, dtype=float)
        self._report_values(intervention, [(key, value, msg) for key, _, _, value in resolved
                                           if (msg := self.value_problem(key, value)) is not None])

        self.actions: dict[str, CompiledAction] = {}
        for ai, act in enumerate(scenario.actions):
            rnames = frozenset(act.random)
            slots = []
            for k, (name, rq) in enumerate(act.random.items()):
                if rq.dist == "beta" and rq.concentration is None:
                    raise BrinkError(f"action {act.id}: beta quantity {name!r} needs a `concentration`")
                slots.append(RandomSlot(
                    name, k, rq.dist, self.formula(rq.mean, loc=("actions", ai, "random", name, "mean"), checked=True),
                    self.formula(rq.concentration, loc=("actions", ai, "random", name, "concentration"), checked=True)
                    if rq.concentration else None))
            self.actions[act.id] = CompiledAction(
                id=act.id,
                actor=act.actor,
                label=act.label,
                category=act.category,
                precondition=self.formula(act.precondition, rnames, loc=("actions", ai, "precondition"))
                if act.precondition else None,
                effects=tuple((self.var_index[t], self.formula(f, rnames, loc=("actions", ai, "effects", t)))
                              for t, f in act.effects.items()),
                random=tuple(slots),
            )
        self.dynamics: tuple[tuple[int, Formula], ...] = tuple(
            (self.var_index[t], self.formula(f, loc=("dynamics", t))) for t, f in scenario.dynamics.items()
        )
        self.actors: dict[str, ActorModel] = {}
        default_lambda = self.params.get("lambda", 1.0)
        for ia, a in enumerate(scenario.actors):
            acts = tuple(x.id for x in scenario.actions if x.actor == a.id)
            if not acts:
                continue
            w = np.asarray([weight_over.get((a.id, c.id), c.weight.value) for c in a.concerns], dtype=float)
            prec = precision_over.get(a.id, a.precision.value if a.precision else default_lambda)
            cats = tuple(self.actions[x].category for x in acts)
            tend = np.asarray([tendency_over.get((a.id, c), a.tendencies[c].value if c in a.tendencies else 0.0)
                               for c in cats], dtype=float)
            self.actors[a.id] = ActorModel(
                id=a.id,
                actions=acts,
                concern_ids=tuple(c.id for c in a.concerns),
                concern_labels=tuple(c.label for c in a.concerns),
                weights=w,
                measures=tuple(self.formula(c.measure, loc=("actors", ia, "concerns", j, "measure"))
                               for j, c in enumerate(a.concerns)),
                precision=float(prec),
                adversary=a.adversary if a.adversary in {x.actor for x in scenario.actions} else None,
                tendency=tend,
                categories=cats,
            )
        self.outcomes: tuple[CompiledOutcome, ...] = tuple(
            CompiledOutcome(o.id, o.label, None if o.default else self.formula(o.when),
                            self.formula(o.ends_when) if o.ends_when else None, o.absorbing, o.partial)
            for o in scenario.all_outcomes()
        )
        defaults = [i for i, o in enumerate(self.outcomes) if o.when is None]
        self.default_outcome: int | None = defaults[0] if defaults else None

        # The bargaining link (None: no bargaining issues); its phase runs where issues can be settled.
        from brink.model.negotiation import Negotiation

        self.negotiation: Negotiation | None = Negotiation(self) if scenario.bargaining else None

        # The schedule, in the form the engine and kernel use.
        sched = scenario.schedule
        self.order: tuple[str, ...] = tuple(a for a in sched.order if a in self.actors) if sched else ()
        self.round_weeks: float | None = float(sched.round_weeks.value) if sched else None
        self.front_ids: tuple[str, ...] = tuple(f.id for f in scenario.fronts)
        self.forced: dict[tuple[int, str], str] = {}
        for f in intervention.force:
            for r in f.rounds:
                self.forced[(r, f.actor)] = f.action

    # ------------------------------------------------------------- building
    @staticmethod
    def _check_intervention(scenario: Scenario, iv: Intervention) -> None:
        """Every id an intervention names must exist; one located problem per bad name (the field is
        the command-line flag and item for an intervention from options, ``iv.source`` None)."""
        where = iv.source or "intervention"
        cli = iv.source is None

        def near(name: str, known) -> str:
            close = difflib.get_close_matches(name, sorted(known), n=2, cutoff=0.7)
            return f"; did you mean {' or '.join(close)}?" if close else ""

        chan = {c.id for c in scenario.channels}
        problems: list[Problem] = []
        for j, c in enumerate(iv.close_channels):
            if c not in chan:
                problems.append(Problem(where, j, "--close-channel" if cli else "close_channels",
                                        f"unknown channel {c!r} (known: {', '.join(sorted(chan)) or 'none'})"))
        acts = {a.id: a for a in scenario.actions}
        for j, a in enumerate(iv.disable):
            if a not in acts:
                problems.append(Problem(where, j, "--disable" if cli else "disable",
                                        f"unknown action {a!r}{near(a, acts)}"))
        actors = {a.id for a in scenario.actors}
        deciding = list(scenario.schedule.order) if scenario.schedule else sorted({a.actor for a in acts.values()})
        for j, f in enumerate(iv.force):
            fld = f"--force {f.actor}:{f.action}@{','.join(map(str, f.rounds))}" if cli else "force"
            if f.actor not in actors:
                problems.append(Problem(where, j, fld, f"unknown actor {f.actor!r}{near(f.actor, actors)} "
                                                          f"(actors that decide: {', '.join(deciding)})"))
                continue
            own = sorted(a for a, x in acts.items() if x.actor == f.actor)
            if f.action not in acts:
                problems.append(Problem(where, j, fld, f"unknown action {f.action!r}{near(f.action, own or acts)}"))
            elif acts[f.action].actor != f.actor:
                problems.append(Problem(where, j, fld,
                                        f"action {f.action} belongs to {acts[f.action].actor}, not {f.actor}"))
            if scenario.schedule and f.actor not in scenario.schedule.order:
                problems.append(Problem(where, j, fld, f"{f.actor} does not decide in the schedule "
                                                          f"(those that do: {', '.join(deciding)})"))
            if any(r < 1 for r in f.rounds):
                problems.append(Problem(where, j, fld, "rounds count from 1"))
        if problems:  # the line field holds the entry's index until it is placed in the file
            placed = [Model._placed(iv, p) for p in problems]
            raise InputError(sorted(placed, key=lambda p: p.line or 0))

    @staticmethod
    def _placed(iv: Intervention, p: Problem) -> Problem:
        """``p`` (whose line holds the index of its entry in ``p.field``) at that entry's line of the
        intervention's file, where the file can be read again; else without a line."""
        if iv.source is None:
            return Problem(p.file, None, p.field, p.message)
        try:
            from brink.scenario.loader import read_document

            located = read_document(iv.source, "an intervention")[1]
            entries = (located.data.get("intervention") or {}).get(p.field)
            if isinstance(entries, list) and p.line is not None and p.line < len(entries):
                file, line, fld = located.locate(("intervention", p.field, p.line))
                return Problem(file, line, fld, p.message)
        except Exception:  # not a readable file any more (an Intervention built in Python): no line
            pass
        return Problem(p.file, None, p.field, p.message)

    @staticmethod
    def _report_values(iv: Intervention, bad: list[tuple[str, float, str]], first: list[Problem] = ()) -> None:
        """Refuse the what-if values in ``bad`` (key, value, why) and the problems ``first`` (unknown
        ids, placed already): one line for command-line options, else one located problem per entry
        of the intervention file, in file order."""
        if not bad and not first:
            return
        if iv.source is None:  # options (or a mapping given in Python): one line, the flag and item of each
            raise BrinkError("; ".join([f"{p.field}: {p.message}" for p in first]
                                       + [f"--set {key}={value:g}: {why}" for key, value, why in bad]))
        located = None
        try:  # the file's lines, to place each problem at its entry (the same reader as the loader's)
            from brink.scenario.loader import read_document

            located = read_document(iv.source, "an intervention")[1]
        except Exception:  # not a readable file any more (an Intervention built in Python): no lines
            pass
        problems = []
        for key, value, why in bad:
            where = (iv.source, None, f"set.{key}")
            if located is not None and key in (located.data.get("intervention") or {}).get("set", {}):
                where = located.locate(("intervention", "set", key))
            problems.append(Problem(where[0], where[1], where[2], f"{value:g}: {why}"))
        raise InputError(sorted(list(first) + problems, key=lambda p: p.line or 0))

    def declared_range(self, key: str) -> tuple[float, float, bool, str] | None:
        """The range a what-if value of ``key`` must lie in: ``(lo, hi, lo_open, what)``
        (None: any finite number). The scenario's own declarations: a parameter's ``range``,
        a state variable's ``range`` (fronts, channels and settlements 0..1), a concern weight's
        ``range`` else [0, 1] and a precision's ``range`` else the ``lambda`` parameter's, a
        precision always above 0 (the rules ``brink validate`` applies to the file's values)."""
        kind, name = self.resolve_name(key)
        if kind == "var":
            i = self.var_index[name]
            return float(self.lo[i]), float(self.hi[i]), False, f"the range of {name}"
        from brink.model.ranges import judgement_range

        return judgement_range(self.scenario, kind, name)

    def value_problem(self, key: str, value: float) -> str | None:
        """Why ``value`` cannot be given to ``key`` (unknown name, not finite, outside its declared
        range), or None: the one check of what-if values, for ``--set``, files and sweeps."""
        try:
            rng = self.declared_range(key)
        except BrinkError as exc:
            return str(exc)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            return "not a finite number"
        if rng is None:
            return None
        lo, hi, lo_open, what = rng
        if value > hi or value < lo or (lo_open and value == lo):
            return f"outside {what}, {'(' if lo_open else '['}{lo:g}, {hi:g}]"
        return None

    def known_names(self) -> list[str]:
        """Every name ``resolve_name`` accepts (for suggestions)."""
        sc = self.scenario
        out = list(sc.parameters) + list(self.var_names) + [n.split(".", 1)[1] for n in self.var_names]
        for a in sc.actors:
            out += [f"weight.{a.id}.{c.id}" for c in a.concerns]
            out += [f"tendency.{a.id}.{c}" for c in sorted({x.category for x in sc.actions if x.actor == a.id})]
            out.append(f"precision.{a.id}")
        return out

    def formula(self, text: str, random_names: frozenset[str] = frozenset(), literals: bool = False,
                loc: tuple[Any, ...] = (), checked: bool = False) -> Formula:
        """Compile one formula against this model's indices and parameter values
        (``literals``: admit number literals, for question formulas; see ``expr.parse``).

        ``loc`` is where the scenario holds it (a data path, for error messages); ``checked``:
        every result is checked to be finite (``check_finite``), for the formulas whose result
        no later check sees (a random quantity's mean feeds a draw)."""
        expr = parse(text, literals)
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

        reads = frozenset(index[s] for s in expr.symbols if s in index and s not in random_names)
        fn = expr.bind(resolve)
        if not checked:
            return Formula(expr.source, expr, reads, fn, tuple(loc))
        plain = Formula(expr.source, expr, reads, fn, tuple(loc))  # what the check re-evaluates

        def checked_fn(S, R, _raw=fn, _model=self):
            with _quiet():
                out = _raw(S, R)
            if not math.isfinite(np.sum(out)):
                _model.check_finite(((-1, plain),), S, R)
            return out
        return Formula(expr.source, expr, reads, checked_fn, tuple(loc))

    # ------------------------------------------------------------------ names
    def resolve_name(self, key: str) -> tuple[str, str]:
        """Map a user-facing name to ('param'|'var'|'weight'|'tendency'|'precision', full name).

        Accepts parameter names, full variable names (``IRN.legitimacy``), an
        unambiguous variable suffix (``legitimacy``), ``weight.IRN.us_entry``,
        ``tendency.IRN.CATEGORY`` (a response category of the actor's catalogue)
        and ``precision.IRN``.
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
        if parts[0] == "tendency" and len(parts) == 3:
            if parts[1] not in {a.id for a in sc.actors}:
                raise BrinkError(f"{key}: unknown actor {parts[1]!r}")
            own = sorted({x.category for x in sc.actions if x.actor == parts[1]})
            if parts[2] not in own:
                raise BrinkError(f"{key}: {parts[1]} has no catalogue action of category {parts[2]!r} "
                                 f"(has: {', '.join(own) or 'no actions'})")
            return "tendency", key
        if parts[0] == "precision" and len(parts) == 2:
            if parts[1] not in {a.id for a in sc.actors}:
                raise BrinkError(f"{key}: unknown actor {parts[1]!r}")
            return "precision", key
        matches = [n for n in self.var_index if n.split(".", 1)[1] == key]
        if len(matches) == 1:
            return "var", matches[0]
        if matches:
            raise BrinkError(f"{key!r} is ambiguous: {', '.join(matches)}")
        close = difflib.get_close_matches(key, self.known_names(), n=3, cutoff=0.75)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        prefixes = {n.split(".", 1)[0] for n in self.var_names}
        if len(parts) == 2 and parts[0] not in prefixes and not close:
            hint = f"; {parts[0]!r} is not an actor of the scenario (nor world, front, channel)"
        raise BrinkError(f"unknown name {key!r}: not a parameter, a state variable, "
                         f"weight.ACTOR.CONCERN, tendency.ACTOR.CATEGORY or precision.ACTOR{hint}")

    # ------------------------------------------------------------------ state
    def initial_state(self) -> np.ndarray:
        """The start state (before the timeline), with pinned overrides applied and the offers on
        the table computed from it (``with_offers``)."""
        return self.with_offers(self.pin(self._initial.copy()))

    def pin(self, S: np.ndarray) -> np.ndarray:
        """Apply state-variable overrides (what-if values) in place and return S."""
        for i, v in self.pinned.items():
            S[..., i] = v
        return S

    def with_offers(self, S: np.ndarray) -> np.ndarray:
        """S with the offers on the table (``offer.*``) recomputed from its stances, nothing
        settled or broken: how a replayed state gets them (see ``brink.model.negotiation``)."""
        if self.negotiation is None or not self.negotiation.linked:
            return S
        return self.pin(self.negotiation.refresh(S))

    def value(self, S: np.ndarray, name: str) -> np.ndarray:
        return S[..., self.var_index[name]]

    def week_of(self, date: dt.date) -> float:
        return (date - self.scenario.meta.as_of).days / 7.0

    # ---------------------------------------------------------------- actions
    def feasible_mask(self, S: np.ndarray, actor: str) -> np.ndarray:
        """Boolean array (..., A) over the actor's catalogue actions (disabled ones are never feasible)."""
        acts = self.actors[actor].actions
        shape = S.shape[:-1]
        out = np.ones(shape + (len(acts),), dtype=bool)
        for j, aid in enumerate(acts):
            if aid in self.disabled:
                out[..., j] = False
                continue
            pre = self.actions[aid].precondition
            if pre is not None:
                out[..., j] = np.broadcast_to(np.asarray(pre(S), dtype=bool), shape)
        return out

    def feasible(self, S: np.ndarray, actor: str) -> list[str]:
        """Feasible action ids for one state (1-D S)."""
        mask = self.feasible_mask(S, actor)
        return [a for a, ok in zip(self.actors[actor].actions, mask) if ok]

    def random_means(self, S: np.ndarray, action_id: str) -> dict[str, Any]:
        return {r.name: r.mean(S) for r in self.actions[action_id].random}

    def apply(self, S: np.ndarray, action_id: str, draws: Mapping[str, Any] | None = None) -> np.ndarray:
        """The state after an action: effects evaluated on the prior state, added, clipped.

        Random quantities take ``draws`` where given, else their mean (so the
        result is the expected next state, effects being linear in the draws).
        """
        R = self.random_means(S, action_id)
        if draws:
            R.update(draws)
        return self.apply_effects(S, self.actions[action_id].effects, R)

    def apply_effects(self, S: np.ndarray, effects: tuple[tuple[int, Formula], ...],
                      R: Mapping[str, Any] = _NO_DRAWS) -> np.ndarray:
        """The one rule for effects (an action's, a settlement's): each formula evaluated on the
        prior state S, added to its variable, the result clipped to the variables' ranges."""
        with _quiet():  # a value that is not finite is refused below, with its formula: no bare warning
            deltas = [(i, fn(S, R)) for i, fn in effects]
        out = S.copy()
        total = 0.0  # NaN or infinite when any delta is: one cheap pass instead of an isfinite each
        for i, d in deltas:
            out[..., i] = out[..., i] + d
            total += np.sum(d)
        if not math.isfinite(total):  # before the clip, which would hide an infinity at the bound
            self.check_finite(effects, S, R)
        np.clip(out, self.lo, self.hi, out=out)
        return out

    def step_dynamics(self, S: np.ndarray, rounds: int = 1) -> np.ndarray:
        """Apply the scenario's per-round drift ``rounds`` times."""
        out = S
        for _ in range(rounds):
            with _quiet():
                deltas = [(i, fn(out)) for i, fn in self.dynamics]
            prior, out = out, out.copy()
            total = 0.0
            for i, d in deltas:
                out[..., i] = out[..., i] + d
                total += np.sum(d)
            if not math.isfinite(total):
                self.check_finite(self.dynamics, prior)
            np.clip(out, self.lo, self.hi, out=out)
        return out

    # ------------------------------------------------------ run-time values
    def check_finite(self, formulas: tuple[tuple[int, Formula], ...], S: np.ndarray,
                     R: Mapping[str, Any] = _NO_DRAWS) -> None:
        """Raise ``BrinkError`` naming the first of ``formulas`` whose value in state(s) S is not a
        finite number (a division by zero, say): its text, where the scenario holds it (file:line
        where the scenario's files can be found) and the values it read in the first such state.
        A state that is itself not finite is named as such. Returns when every value is finite."""
        S = np.asarray(S, dtype=float)
        with np.errstate(all="ignore"):
            for _, f in formulas:
                v = np.broadcast_to(np.asarray(f.fn(S, R), dtype=float), S.shape[:-1])
                bad = ~np.isfinite(v)
                if not bad.any():
                    continue
                row = tuple(int(x[0]) for x in np.nonzero(bad)) if bad.ndim else ()
                state = S[row] if row else S.reshape(-1, S.shape[-1])[0] if S.ndim > 1 else S
                got = float(v[row] if row else v)
                reads = ", ".join(f"{self.var_names[i]} = {state[i]:.6g}" for i in sorted(f.reads))
                draws = ", ".join(f"{k} = {float(np.asarray(R[k])[row] if np.ndim(R[k]) else R[k]):.6g}"
                                  for k in sorted(f.expr.symbols & set(R)))
                params = ", ".join(f"{k} = {self.params[k]:g}" for k in sorted(f.expr.symbols & set(self.params)))
                values = "; ".join(x for x in (reads, draws, params) if x) or "no variables"
                raise BrinkError(f"{self.where(f)}formula {f.text!r} gave {got}, not a finite number (a division "
                                 f"by zero, or an operation without a value), where {values}")
        if not np.isfinite(S).all():
            cols = sorted({int(i) for i in np.nonzero(~np.isfinite(S))[-1]})
            raise BrinkError("a state that is not finite reached the model: "
                             + ", ".join(self.var_names[i] for i in cols[:5]))

    def where(self, f: Formula) -> str:
        """``file:line: field: `` of a scenario formula, as far as it can be found (else ``field: ``)."""
        if not f.loc:
            return ""
        field = ".".join(str(x) for x in f.loc)
        try:
            from brink.scenario.loader import read_located, resolve_path

            located, problems = read_located(resolve_path(self.scenario.meta.id))
            node: Any = located.data
            for k in f.loc:
                node = node[k]
            if problems or not isinstance(node, str) or node.strip() != f.text.strip():
                raise LookupError  # another scenario of the same id: no line to give
            file, line, field = located.locate(f.loc)
            return f"{file}:{line}: {field}: " if line is not None else f"{file}: {field}: "
        except Exception:  # the scenario came from a path the model does not know: the field alone
            return f"{field}: "

    # --------------------------------------------------------------- concerns
    def concern_ids(self, actor: str) -> tuple[str, ...]:
        return self.actors[actor].concern_ids

    def weights(self, actor: str) -> np.ndarray:
        return self.actors[actor].weights

    def tendency(self, actor: str) -> np.ndarray:
        """(A,) the tendency term of each of the actor's actions (its category's tendency)."""
        return self.actors[actor].tendency

    def lam(self, actor: str) -> float:
        return self.actors[actor].precision

    def concern_values(self, S: np.ndarray, actor: str, out: np.ndarray | None = None) -> np.ndarray:
        """Concern measures (..., C) of an actor in state(s) S (written into ``out`` when given)."""
        measures = self.actors[actor].measures
        if out is None:
            out = np.empty(S.shape[:-1] + (len(measures),))
        with _quiet():
            for k, m in enumerate(measures):
                out[..., k] = m.fn(S, _NO_DRAWS)
        if not math.isfinite(np.sum(out)):
            self.check_finite(tuple((-1, m) for m in measures), S)
        return out

    def utility(self, S0: np.ndarray, S1: np.ndarray, actor: str) -> np.ndarray:
        """Weighted change in the actor's concerns from S0 to S1."""
        return (self.concern_values(S1, actor) - self.concern_values(S0, actor)) @ self.weights(actor)

    def outcome_of(self, S: np.ndarray) -> np.ndarray:
        """Index into ``self.outcomes`` of the first outcome whose predicate holds
        (the default outcome's index where none does), shape S.shape[:-1]."""
        if self.default_outcome is None:
            raise BrinkError(f"scenario {self.scenario_id} has no default outcome (`default: true`)")
        shape = S.shape[:-1]
        out = np.full(shape, self.default_outcome, dtype=np.int64)
        decided = np.zeros(shape, dtype=bool)
        for i, o in enumerate(self.outcomes):
            if o.when is None or o.partial:
                continue
            hit = np.broadcast_to(np.asarray(o.when(S), dtype=bool), shape) & ~decided
            out = np.where(hit, i, out)
            decided |= hit
        return out


    # -------------------------------------------------------------- episodes
    @property
    def episodes(self) -> tuple[CompiledOutcome, ...]:
        """The outcomes that are episodes (every outcome but the default state), in file order."""
        return tuple(o for o in self.outcomes if o.when is not None)

    @property
    def partial_mask(self) -> np.ndarray:
        """(K,) bool over ``episodes``: those that do not end the default state while under way."""
        return np.array([o.partial for o in self.episodes], dtype=bool)

    def episode_holds(self, S: np.ndarray) -> np.ndarray:
        """(..., K) bool: whether each episode's start predicate holds in S."""
        shape = S.shape[:-1]
        eps = self.episodes
        out = np.empty(shape + (len(eps),), dtype=bool)
        for k, o in enumerate(eps):
            out[..., k] = np.broadcast_to(np.asarray(o.when(S), dtype=bool), shape)
        return out

    def episode_step(self, S: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The episodes under way after a round that ended in state S, and those that started.

        ``active`` (..., K) says which were under way before. An episode that is not
        under way starts when its ``when`` holds; one under way ends when its
        ``ends_when`` holds (or, without one, when ``when`` no longer holds), unless it
        is absorbing. An episode that ends cannot restart in the same round.
        Returns ``(active_after, started)``.
        """
        shape = S.shape[:-1]
        holds = self.episode_holds(S)
        ends = np.empty_like(holds)
        for k, o in enumerate(self.episodes):
            if o.absorbing:
                ends[..., k] = False
            elif o.ends_when is not None:
                ends[..., k] = np.broadcast_to(np.asarray(o.ends_when(S), dtype=bool), shape)
            else:
                ends[..., k] = ~holds[..., k]
        started = ~active & holds
        return (active & ~ends) | started, started


def compile_model(scenario: Scenario, intervention: Intervention | Mapping[str, float] | None = None) -> Model:
    """Compile a validated scenario (with an optional intervention or ``set`` overrides) into a ``Model``."""
    return Model(scenario, intervention)
