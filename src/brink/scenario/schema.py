"""The typed scenario schema (pydantic v2).

A scenario is the analyst-editable description of a strategic system: who the
actors are, what they care about, what they can do, what happened, and which
futures count as outcomes. The schema only checks the *shape* of each part;
cross-references between parts (an action naming an unknown actor, an effect
on an undefined variable) are checked in ``validate.py`` so that every problem
in a file is reported at once.

Provenance is part of the shape: every number is a ``Param`` that carries the
source lines supporting it (``evidence``) and/or the ``assumption`` behind it,
and every fact (actor, relation, action, event...) carries evidence or an
assumption too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from brink.scenario.expr import ExprError, parse

CITATION_RE = re.compile(r"^(?P<file>[A-Za-z0-9_.\-]+):L(?P<start>\d+)(?:-L?(?P<end>\d+))?$")
ID_RE = r"^[A-Za-z][A-Za-z0-9_]*$"


class Strict(BaseModel):
    """Base for all schema models: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_citations(values: list[str]) -> list[str]:
    for v in values:
        if not CITATION_RE.match(v):
            raise ValueError(f"citation {v!r} is not of the form FILE:L12 or FILE:L12-L14")
    return values


class Sourced(Strict):
    """A fact that must say where it comes from: evidence lines, an assumption, or both."""

    evidence: list[str] = Field(default_factory=list)
    assumption: str | None = None

    _check_ev = field_validator("evidence")(_check_citations)

    @model_validator(mode="after")
    def _needs_provenance(self):
        if not self.evidence and not (self.assumption and self.assumption.strip()):
            raise ValueError("needs `evidence` (FILE:Lnn) or an `assumption` with its rationale")
        return self


class Spread(Strict):
    """How sure a judgement is, as a distribution on the parameter's scale (``brink.uncertainty.spread``):
    uniform/triangular/beta on [low, high] (default the range), lognormal by median and sigma."""

    dist: Literal["uniform", "triangular", "beta", "lognormal"]
    low: float | None = None
    high: float | None = None
    mode: float | None = Field(None, description="triangular: the most likely value (default the value)")
    a: float | None = Field(None, gt=0, description="beta: first shape")
    b: float | None = Field(None, gt=0, description="beta: second shape")
    median: float | None = Field(None, description="lognormal: the median (default the value)")
    sigma: float | None = Field(None, gt=0, description="lognormal: standard deviation of the logarithm")
    rationale: str | None = Field(None, description="why this spread (the sources' own, or a judgement)")

    @model_validator(mode="after")
    def _complete(self):
        for name in ("low", "high", "mode", "a", "b", "median", "sigma"):
            v = getattr(self, name)
            if v is not None and not math.isfinite(v):
                raise ValueError(f"{name} {v} is not a finite number")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        need = {"beta": ("a", "b"), "lognormal": ("sigma",)}.get(self.dist, ())
        missing = [n for n in need if getattr(self, n) is None]
        if missing:
            raise ValueError(f"a {self.dist} spread needs {' and '.join(missing)}")
        return self


class Param(Sourced):
    """A number with its provenance. ``range`` bounds sweeps and sanity checks (not a belief);
    ``uncertainty`` says how sure the value is (a grade or a ``Spread``; see ``brink.uncertainty``)."""

    value: float
    label: str | None = None
    range: tuple[float, float] | None = None
    uncertainty: Literal["high", "medium", "low"] | Spread | None = Field(
        None, description="confidence grade (high | medium | low) or a distribution {dist: ...}")

    @model_validator(mode="after")
    def _in_range(self):
        if not math.isfinite(self.value):
            raise ValueError(f"value {self.value} is not a finite number")
        if self.range is not None and not all(math.isfinite(x) for x in self.range):
            raise ValueError(f"range {list(self.range)} has a bound that is not a finite number")
        if self.range is not None:
            lo, hi = self.range
            if lo > hi:
                raise ValueError(f"range [{lo}, {hi}] is reversed")
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value} outside its range [{lo}, {hi}]")
        if isinstance(self.uncertainty, Spread):
            from brink.uncertainty.spread import resolve

            why = resolve(self, self.range)[1]
            if why is not None:
                raise ValueError(f"uncertainty: {why}")
        return self


def _formula(v: str) -> str:
    try:
        parse(v)
    except ExprError as exc:
        raise ValueError(str(exc)) from None
    return v


# A string holding a formula of ``brink.scenario.expr``, checked where it stands
# (so an error's location names the exact key, e.g. effects.IRN.unrest).
FormulaStr = Annotated[str, AfterValidator(_formula)]


class Source(Strict):
    id: str = Field(description="file name as cited, e.g. 003_233ca7f52302906b.txt")
    title: str
    publisher: str
    date: dt.date
    author: str | None = None
    kind: Literal["document", "dataset", "table"] = "document"
    note: str | None = None
    location: str | None = Field(None, description="where the file lives relative to shared/")


class Meta(Strict):
    id: str
    title: str
    as_of: dt.date
    description: str = ""


class Variable(Strict):
    """A state variable, owned by an actor (``IRN.unrest``) or the world (``world.deal_progress``)."""

    label: str
    initial: Param
    range: tuple[float, float] = (0.0, 1.0)

    @field_validator("range")
    @classmethod
    def _bounds(cls, v: tuple[float, float]) -> tuple[float, float]:
        lo, hi = v
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"range [{lo}, {hi}] has a bound that is not a finite number")
        if lo >= hi:
            raise ValueError(f"range [{lo:g}, {hi:g}] is {'reversed' if lo > hi else 'a single point'}: "
                             "a variable's range runs from its lowest to its highest value")
        return v


class Concern(Sourced):
    id: str = Field(pattern=ID_RE)
    label: str
    weight: Param
    measure: FormulaStr = Field(description="formula over state: higher is better for the actor")


ActorKind = Literal["state", "proxy", "mediator", "international_body", "domestic_audience"]


class Actor(Sourced):
    id: str = Field(pattern=ID_RE)
    name: str
    kind: ActorKind
    aliases: list[str] = Field(default_factory=list)
    adversary: str | None = Field(None, description="principal adversary anticipated one step ahead")
    precision: Param | None = Field(None, description="logit precision lambda for this actor")
    capabilities: dict[str, Param] = Field(default_factory=dict)
    concerns: list[Concern] = Field(default_factory=list)
    tendencies: dict[str, Param] = Field(
        default_factory=dict,
        description="response category -> tendency: a constant added to the utility of every action of "
                    "that category (utility units, as the concern contributions); absent = 0")
    state: dict[str, Variable] = Field(default_factory=dict)


class Relation(Sourced):
    source: str
    target: str
    kind: Literal["sponsors", "allied", "hostile", "mediates", "member_of"]
    strength: Param


class Front(Sourced):
    id: str = Field(pattern=ID_RE)
    label: str
    initial: Param = Field(description="escalation level on [0, 1] at the scenario start")


class Channel(Sourced):
    id: str = Field(pattern=ID_RE)
    label: str
    mediator: str
    parties: list[str]
    status: Literal["open", "suspended", "closed"] = "open"


class Plover(Strict):
    type: str
    mode: str | None = None
    context: str | None = None


class RandomQuantity(Strict):
    """A chance element of an action: its mean is used by the decision model,
    a draw by the simulation, a chance node by the game builder."""

    dist: Literal["bernoulli", "beta"]
    mean: FormulaStr
    concentration: FormulaStr | None = None
    label: str = ""


class Action(Sourced):
    id: str = Field(pattern=ID_RE)
    label: str
    actor: str
    target: str | None = None
    front: str | None = None
    category: str = Field(description="response category, e.g. none, rhetoric, proxy_attack")
    plover: Plover | None = Field(None, description="PLOVER coding; none for a non-event such as restraint")
    cameo: str | None = Field(None, pattern=r"^\d{2,4}$")
    intensity: Param = Field(description="conflict-cooperation score on the Goldstein scale")
    rung: int = Field(ge=0, description="step on the scenario's escalation ladder")
    warning: bool = False
    precondition: FormulaStr | None = None
    effects: dict[str, FormulaStr] = Field(default_factory=dict)
    random: dict[str, RandomQuantity] = Field(default_factory=dict)


class Rung(Sourced):
    level: int = Field(ge=0)
    label: str


class TimelineEvent(Sourced):
    id: str = Field(pattern=ID_RE)
    date: dt.date
    end_date: dt.date | None = None
    label: str
    actor: str
    target: str | None = None
    front: str | None = None
    action: str | None = Field(None, description="catalogue action this event instantiates")
    observed: dict[str, Param] = Field(default_factory=dict, description="observed random draws")
    set: dict[str, Param] = Field(default_factory=dict, description="state observed after the event")
    figures: dict[str, Param] = Field(default_factory=dict, description="reported scale numbers")

    @model_validator(mode="after")
    def _dates(self):
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self


class DecisionPoint(Sourced):
    id: str = Field(pattern=ID_RE)
    label: str
    date: dt.date
    trigger: str
    actor: str
    feasible: list[str] | None = None
    taken: str | None = None


class Outcome(Sourced):
    """An episode of the world (a war, a crisis, a deal), or the default state in which none is under way.

    An episode starts in the first round whose end-of-round state satisfies
    ``when`` and is then under way until ``ends_when`` holds (when that is not
    given: until ``when`` no longer holds); it can start again later, any number
    of times. ``absorbing: true`` says that, once started, it never ends (a
    nuclear test cannot be undone). The ``default`` outcome has no predicate: it
    is the state "no episode under way" (mutual deterrence), measured at any round.
    """

    id: str = Field(pattern=ID_RE)
    label: str
    when: FormulaStr | None = None
    ends_when: FormulaStr | None = None
    absorbing: bool = False
    default: bool = False
    partial: bool = Field(False, description="while under way it does not end the default state: a "
                                             "front-by-front settlement is reported as such, not as the end "
                                             "of mutual deterrence")

    @model_validator(mode="after")
    def _when_or_default(self):
        if (self.when is None) == (not self.default):
            raise ValueError("an outcome has either a `when` predicate or `default: true`, not both")
        if self.default and (self.ends_when is not None or self.absorbing or self.partial):
            raise ValueError("the default outcome is a state, not an episode: it takes no `ends_when`, "
                             "`absorbing` or `partial`")
        if self.absorbing and self.ends_when is not None:
            raise ValueError("an absorbing outcome never ends: give `ends_when` or `absorbing: true`, not both")
        return self


class Schedule(Strict):
    """Who decides each round, in order, and how long a round is."""

    order: list[str]
    round_weeks: Param

    @field_validator("round_weeks")
    @classmethod
    def _round_length(cls, v: Param) -> Param:
        if not 0 < v.value <= MAX_ROUND_WEEKS:
            raise ValueError(f"a round of {v.value:g} weeks: a round lasts more than 0 and at most "
                             f"{MAX_ROUND_WEEKS} weeks (a year)")
        return v


MAX_ROUND_WEEKS = 52


class StanceMoves(Strict):
    """How the simulation state moves an actor's stance on an issue.

    Each formula gives a shift; the stance in a state ``s`` is the scenario value
    plus ``f(s) - f(start)`` (``start``: the scenario's start state, before the
    timeline), clipped to the field's range. So the stance equals the stated value
    wherever the formula's inputs stand where they started, and ``brink bargain``
    on the scenario itself is unchanged by any formula written here.
    """

    position: FormulaStr | None = None
    salience: FormulaStr | None = None
    capability: FormulaStr | None = None


class Acceptance(Sourced):
    """A veto actor's acceptance range, relative to its current position on the issue:
    it accepts a predicted settlement ``x`` when ``position - below <= x <= position + above``."""

    below: float = Field(ge=0)
    above: float = Field(ge=0)


class BargainPosition(Strict):
    actor: str
    position: Param
    salience: Param
    capability: Param
    moves: StanceMoves | None = Field(None, description="formulas of the state that shift this stance")
    accepts: Acceptance | None = Field(None, description="present: the actor holds a veto over a settlement")


class Settlement(Sourced):
    """What it takes to settle an issue inside the simulation, and what a settlement does.

    A settlement is reached, at a bargaining step, when the bargaining model's
    forecast lies inside every veto actor's acceptance range, one of ``channels``
    is open and ``requires`` (when given) holds; it then holds until
    ``breaks_when`` holds. ``effects`` are applied once, when it is reached, as an
    action's are (evaluated on the state before, added, clipped).
    """

    label: str
    status_quo: Param = Field(description="the point of the 0-100 scale that no settlement leaves in place")
    channels: list[str] = Field(min_length=1, description="channels through which it can be reached")
    requires: FormulaStr | None = None
    breaks_when: FormulaStr
    effects: dict[str, FormulaStr] = Field(default_factory=dict)


class BargainingIssue(Sourced):
    id: str = Field(pattern=ID_RE)
    label: str
    scale: dict[str, str] = Field(description="meaning of the ends of the 0-100 scale: low, high")
    positions: list[BargainPosition]
    settlement: Settlement | None = Field(None, description="present: the issue can be settled in the simulation")

    @field_validator("scale")
    @classmethod
    def _scale(cls, v: dict[str, str]) -> dict[str, str]:
        if set(v) != {"low", "high"}:
            raise ValueError("scale needs exactly `low` and `high`")
        return v


class Collective(Sourced):
    """The collective deal: the episode in which the settlements of ``issues`` all hold at once."""

    id: str = Field(pattern=ID_RE)
    label: str
    issues: list[str] = Field(min_length=2)


class Negotiation(Sourced):
    """The bargaining phase of the simulation round (see ``brink.model.negotiation``)."""

    model: Literal["compromise", "median", "exchange", "eu"] = Field(
        "compromise", description="the bargaining model that forecasts each open issue's settlement")
    every: int = Field(1, ge=1, description="rounds between bargaining steps")
    collective: Collective | None = None


def _number_or_sourced(v: object) -> str:
    return "<sourced>" if isinstance(v, dict) else "<number>"


# A what-if value: a bare number, or a number with its provenance ({value, evidence|assumption}).
SetValue = Annotated[
    Annotated[float, Tag("<number>")] | Annotated[Param, Tag("<sourced>")],
    Discriminator(_number_or_sourced),
]

ROUNDS_RE = r"^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$"


def parse_rounds(spec: str | int, what: str) -> tuple[int, ...]:
    """``3``, ``"3-6"`` or ``"2,4,6"`` -> the rounds, in order (``ValueError`` naming ``what``).

    The one reader of round lists: intervention files (``ForceSpec``) and ``--force``.
    """
    out: list[int] = []
    for part in str(spec).split(","):
        lo, dash, hi = part.strip().partition("-")
        try:
            a = int(lo)
            b = int(hi) if dash else a
        except ValueError:
            raise ValueError(f"{what}: rounds {spec!r} must be like 3, 3-6 or 2,4,6") from None
        if b < a:
            raise ValueError(f"{what}: round range {part.strip()!r} is reversed")
        from brink.model.intervention import MAX_ROUND  # the one bound (--force checks it too)

        if b > MAX_ROUND:
            raise ValueError(f"{what}: round {b:,} is beyond any horizon (at most {MAX_ROUND:,})")
        out.extend(range(a, b + 1))
    return tuple(out)


class ForceSpec(Strict):
    """A forced move: in the given rounds (from 1) the actor takes the action wherever feasible."""

    actor: str
    action: str
    round: int | None = Field(None, ge=1)
    rounds: Annotated[str, Field(pattern=ROUNDS_RE)] | int | None = Field(
        None, description="rounds like 3, '3-6' or '2,4,6'")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.round is None) == (self.rounds is None):
            raise ValueError("needs exactly one of `round` or `rounds` ('6-9')")
        spec = self.rounds if self.rounds is not None else self.round
        rounds = parse_rounds(spec, "rounds")
        if min(rounds) < 1:
            raise ValueError("rounds count from 1")
        return self


class InterventionSpec(Sourced):
    """A what-if file's ``intervention:`` mapping (``brink.model.intervention`` is its run-time form)."""

    id: str | None = Field(None, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    label: str | None = None
    description: str = ""
    set: dict[str, SetValue] = Field(default_factory=dict)
    close_channels: list[str] = Field(default_factory=list)
    disable: list[str] = Field(default_factory=list)
    force: list[ForceSpec] = Field(default_factory=list)


class InterventionFile(Strict):
    """The top level of an intervention file."""

    intervention: InterventionSpec


class Scenario(Strict):
    """A whole scenario, merged from one or more YAML files."""

    meta: Meta
    sources: list[Source]
    parameters: dict[str, Param] = Field(default_factory=dict)
    world: dict[str, Variable] = Field(default_factory=dict)
    actors: list[Actor]
    relations: list[Relation] = Field(default_factory=list)
    fronts: list[Front] = Field(default_factory=list)
    channels: list[Channel] = Field(default_factory=list)
    rungs: list[Rung] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    dynamics: dict[str, FormulaStr] = Field(default_factory=dict, description="per-round drift of variables")
    timeline: list[TimelineEvent] = Field(default_factory=list)
    decision_points: list[DecisionPoint] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    schedule: Schedule | None = None
    bargaining: list[BargainingIssue] = Field(default_factory=list)
    negotiation: Negotiation | None = Field(None, description="how bargaining runs inside the simulation")
    games: Games | None = Field(None, description="players and moves of the game at a decision point")

    # --- convenient look-ups (the model compiles its own arrays from these) ---
    def actor(self, actor_id: str) -> Actor:
        for a in self.actors:
            if a.id == actor_id:
                return a
        raise KeyError(actor_id)

    def action(self, action_id: str) -> Action:
        for a in self.actions:
            if a.id == action_id:
                return a
        raise KeyError(action_id)

    @property
    def round_days(self) -> float:
        """Days per round of the schedule (14, the default two weeks, without one): the one
        conversion between dated events and simulated rounds."""
        return 7.0 * (self.schedule.round_weeks.value if self.schedule is not None else 2.0)

    def decision_point(self, dp_id: str) -> DecisionPoint:
        for d in self.decision_points:
            if d.id == dp_id:
                return d
        raise KeyError(dp_id)

    def event(self, event_id: str) -> TimelineEvent:
        for e in self.timeline:
            if e.id == event_id:
                return e
        raise KeyError(event_id)

    def variable_names(self) -> list[str]:
        """All state variables in a fixed order: actors', world, fronts, channels."""
        names = [f"{a.id}.{v}" for a in self.actors for v in a.state]
        names += [f"world.{v}" for v in self.world]
        names += [f"front.{f.id}" for f in self.fronts]
        names += [f"channel.{c.id}" for c in self.channels]
        names += [f"settlement.{i.id}" for i in self.settled_issues()]
        names += [f"offer.{a}" for a in self.offer_actors()]
        return names

    # --- settlements: issues the simulation can settle, and the episodes they give ---
    def settled_issues(self) -> list[BargainingIssue]:
        """The bargaining issues that carry a ``settlement`` (the simulation can settle them)."""
        return [i for i in self.bargaining if i.settlement is not None]

    def offer_actors(self) -> list[str]:
        """Actors with a stance on a settled issue, in order of first appearance: each gets a
        state variable ``offer.ACTOR``, the value to it of the settlements on the table."""
        out: list[str] = []
        for issue in self.settled_issues():
            for p in issue.positions:
                if p.actor not in out:
                    out.append(p.actor)
        return out

    def settlement_outcomes(self) -> list[Outcome]:
        """The episodes the settlements give: one per settled issue (``ISSUE_settlement``, under
        way while ``settlement.ISSUE`` is 1; ``partial``: it does not end the default state), and
        the collective deal when declared (which does)."""
        out = []
        for issue in self.settled_issues():
            st = issue.settlement
            out.append(Outcome(id=f"{issue.id}_settlement", label=f"settlement: {st.label}",
                               when=f"settlement.{issue.id}", evidence=list(st.evidence),
                               assumption=st.assumption, partial=True))
        col = self.negotiation.collective if self.negotiation else None
        if col is not None:
            out.append(Outcome(id=col.id, label=col.label,
                               when=" * ".join(f"settlement.{i}" for i in col.issues),
                               evidence=list(col.evidence), assumption=col.assumption))
        return out

    def all_outcomes(self) -> list[Outcome]:
        """The declared episodes, then the settlement episodes (``settlement_outcomes``), then the
        default state (no episode under way) last, as in a file that declared them all."""
        declared = [o for o in self.outcomes if not o.default]
        return declared + self.settlement_outcomes() + [o for o in self.outcomes if o.default]


class GameMove(Strict):
    """One move of a player in the game: a label and the catalogue actions it applies, in turn."""

    label: str
    actions: list[str] = Field(min_length=1)


class GamePlayer(Strict):
    """A player of the game and its moves (none listed: each of its catalogue actions is a move)."""

    actor: str
    moves: list[GameMove] = Field(default_factory=list)


class Games(Sourced):
    """Who plays the game at a decision point, in the order they move, and what each may do.

    Without this section the game builder derives players and moves from the
    schedule and the catalogue (see :mod:`brink.games.builder`).
    """

    players: list[GamePlayer] = Field(min_length=1)
