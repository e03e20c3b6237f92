"""The forecast question file: a public YAML format, read with file/line/field errors.

A question file holds an optional ``scenario`` (the id the questions were
written for) and a ``questions:`` list. Each question has

* ``id``, ``text``;
* ``as_of``: the forecast origin (the timeline is replayed up to it);
* ``window``: ``{days: N}`` or ``{until: DATE}``, counted from ``as_of``;
* ``event``: what must happen inside the window, one of

  - ``action: {actor, target, front, category, rung, warning}``: a catalogue
    action matching every attribute given (a list means any of them);
  - ``outcome: ID``: an episode of the scenario (a war, a crisis, a deal) starts;
  - ``state: "FORMULA"``: a formula over state variables and parameters is true
    at the end of a round (numbers may be written in it: they are the question's);
  - ``any: [EVENTS]`` / ``all: [EVENTS]``: at least one / every one of them;
  - ``before: {first: EVENT, then: EVENT}``: an ordering. ``first`` happens
    inside the window, and ``then`` either does not happen inside the window
    or first happens in a strictly later round than ``first`` does. The
    simulation dates events by round, so two events in the same round are
    *not* one before the other: the question resolves no on a tie. (A mapping
    with named roles rather than a two-element list: which event must come
    first is then written, not implied by position.)

* ``given`` (optional): the id of another question with the same origin and
  window; the probability is then conditional on that question's event;
* ``resolved`` (optional): ``yes``/``no`` (``true``/``false``), ``resolved_on``
  (the date of the event), and the free fields ``evidence`` and ``note``.

:func:`load_questions` reads a file (a path, or the name of a file a scenario
ships in its ``questions/`` folder) and, given the scenario, cross-checks it:
unknown actors, targets, fronts, categories, rungs, outcomes and formula
symbols, an action spec no catalogue action matches, empty windows, an origin
after the scenario's ``as_of``, duplicate ids, unknown or cyclic ``given``.
Every problem names the file, line and field, all of them at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag, TypeAdapter, ValidationError, model_validator

from brink.errors import BrinkError, InputError, Problem
from brink.scenario.expr import ExprError, parse
from brink.scenario.schema import ID_RE, Action, Scenario, Strict
from brink.scenario.validate import SeeFirst

QUESTIONS_DIR = "questions"
MAX_WINDOW_DAYS = 3653   # ten years: the longest window a question may have

_YES = {"yes": True, "true": True, "no": False, "false": False}


def _yes_no(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, str) and v.strip().lower() in _YES:
        return _YES[v.strip().lower()]
    raise ValueError(f"{v!r}: expected yes or no (or true / false)")


YesNo = Annotated[bool, BeforeValidator(_yes_no)]


def _question_formula(v: str) -> str:
    try:
        parse(v, literals=True)
    except ExprError as exc:
        raise ValueError(str(exc)) from None
    return v


# A question's own formula: unlike a scenario's, it may hold numbers (``front.IRN_ISR >= 0.9``):
# the number is the question's, stated in its file.
QuestionFormula = Annotated[str, AfterValidator(_question_formula)]

Str = str | list[str]
Int = int | list[int]
Bool = bool | list[bool]


class ActionSpec(Strict):
    """Catalogue actions matching every attribute given; a list means any of its values."""

    actor: Str | None = None
    target: Str | None = None
    front: Str | None = None
    category: Str | None = None
    rung: Int | None = None
    warning: Bool | None = None

    @model_validator(mode="after")
    def _something(self):
        if not self.given():
            raise ValueError("give at least one of actor, target, front, category, rung, warning")
        return self

    def given(self) -> dict[str, tuple[Any, ...]]:
        """The attributes given, each as a tuple of the values allowed."""
        out = {}
        for name in ACTION_ATTRIBUTES:
            v = getattr(self, name)
            if v is not None:
                out[name] = tuple(v) if isinstance(v, list) else (v,)
        return out

    def matches(self, action: Action) -> bool:
        return all(getattr(action, k) in vals for k, vals in self.given().items())


ACTION_ATTRIBUTES = ("actor", "target", "front", "category", "rung", "warning")


class ActionEvent(Strict):
    action: ActionSpec


class OutcomeEvent(Strict):
    outcome: str = Field(pattern=ID_RE)


class StateEvent(Strict):
    state: QuestionFormula


class AnyEvent(Strict):
    any: list[Event] = Field(min_length=1)


class AllEvent(Strict):
    all: list[Event] = Field(min_length=1)


class Ordering(Strict):
    """The two events of a ``before``: ``first`` must happen, in a round strictly before any of ``then``."""

    first: Event
    then: Event

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, v):
        if not isinstance(v, dict):
            raise ValueError("`before` is a mapping {first: EVENT, then: EVENT} (the event that must come "
                             f"first is named, not placed), not {type(v).__name__}")
        return v


class BeforeEvent(Strict):
    """``before: {first: A, then: B}``: A happens inside the window, and B either does not, or first
    happens in a strictly later round than A first does (the same round is not before)."""

    before: Ordering


EVENT_KINDS = ("action", "outcome", "state", "any", "all", "before")


def _event_kind(v: Any) -> str | None:
    if isinstance(v, dict):
        kinds = [k for k in EVENT_KINDS if k in v]
        if len(kinds) == 1:
            return f"<{kinds[0]}>"
        return "<bad>"
    return f"<{event_kind(v)}>" if isinstance(v, Strict) else "<bad>"


class _BadEvent(Strict):
    """Stands for a mapping with no (or several) event kinds, so the error says what is expected."""

    @model_validator(mode="before")
    @classmethod
    def _bad(cls, v):
        raise ValueError(f"an event is one of {', '.join(EVENT_KINDS)} (exactly one)")


Event = Annotated[
    Union[Annotated[ActionEvent, Tag("<action>")], Annotated[OutcomeEvent, Tag("<outcome>")],
          Annotated[StateEvent, Tag("<state>")], Annotated[AnyEvent, Tag("<any>")],
          Annotated[AllEvent, Tag("<all>")], Annotated[BeforeEvent, Tag("<before>")],
          Annotated[_BadEvent, Tag("<bad>")]],
    Discriminator(_event_kind),
]
AnyEvent.model_rebuild()
AllEvent.model_rebuild()
Ordering.model_rebuild()
BeforeEvent.model_rebuild()


def event_kind(event: Any) -> str:
    """``action``, ``outcome``, ``state``, ``any``, ``all`` or ``before``."""
    return next(k for k in EVENT_KINDS if k in type(event).model_fields)


class Window(Strict):
    """``{days: N}`` or ``{until: DATE}``, counted from the question's ``as_of``."""

    days: int | None = None
    until: dt.date | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.days is None) == (self.until is None):
            raise ValueError("a window is {days: N} or {until: DATE} (exactly one)")
        return self

    def length(self, as_of: dt.date) -> int:
        """The window's length in days after ``as_of``."""
        return self.days if self.days is not None else (self.until - as_of).days


class Question(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    text: str
    as_of: dt.date
    window: Window
    event: Event
    given: str | None = None
    resolved: YesNo | None = None
    resolved_on: dt.date | None = None
    evidence: list[str] = Field(default_factory=list)
    note: str | None = None

    @property
    def days(self) -> int:
        return self.window.length(self.as_of)


class QuestionFile(Strict):
    """The top level of a question file."""

    scenario: str | None = None
    questions: list[Question] = Field(min_length=1)


@dataclass
class QuestionSet:
    """The questions of one file, checked; ``scenario`` is the scenario they were checked against."""

    questions: list[Question]
    file: str
    scenario_id: str | None = None
    scenario: Scenario | None = field(default=None, repr=False)
    scenario_ref: str | Path | None = None   # the name or path the scenario was loaded from
    lines: dict[str, int] = field(default_factory=dict)   # question id -> its line in ``file``

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]


def shipped_questions(scenario: str | Path) -> dict[str, Path]:
    """Question files shipped with a scenario (its folder's ``questions/*.yaml``)."""
    from brink.scenario.folder import companion_files

    return companion_files(scenario, QUESTIONS_DIR)


def resolve_questions(spec: str | Path, scenario: str | Path) -> Path:
    """A path, or the name of a question file shipped with the scenario."""
    from brink.scenario.folder import resolve_companion

    return resolve_companion(spec, scenario, QUESTIONS_DIR, "a question file", "QUESTIONS")


def load_questions(spec: str | Path, scenario: Scenario | str | Path | None = None) -> QuestionSet:
    """Read a question file and, with ``scenario``, cross-check it; ``InputError`` lists every problem.

    ``spec`` is a path or, with ``scenario`` given by name or path, the name of a
    question file it ships. ``scenario`` is a loaded ``Scenario`` or a built-in
    name or path (loaded here).
    """
    from brink.scenario.loader import (load_scenario, located_problem, located_problems, ordered_problems,
                                       read_document)

    ref = scenario if isinstance(scenario, (str, Path)) else None
    path = resolve_questions(spec, ref) if ref is not None else Path(spec)
    sc = load_scenario(ref) if ref is not None else scenario
    _, located = read_document(path, "a question file")
    display = located.files[0]
    try:
        qfile = QuestionFile.model_validate(located.data)
        questions, problems = list(enumerate(qfile.questions)), []
        declared = qfile.scenario
    except ValidationError as exc:
        problems = located_problems(located, exc, model=QuestionFile)
        raw = located.data.get("questions")
        questions = []
        for i, item in enumerate(raw if isinstance(raw, list) else []):
            try:
                questions.append((i, TypeAdapter(Question).validate_python(item)))
            except ValidationError:
                pass
        declared = located.data.get("scenario") if isinstance(located.data.get("scenario"), str) else None
    indexed: list[tuple[int, Question]] = questions
    if sc is not None:
        for loc, msg in cross_check(indexed, sc, declared):
            problems.append(located_problem(located, loc, msg))
    if problems:
        raise InputError(ordered_problems(problems))
    lines = {}
    for i, q in indexed:
        lines[q.id] = located.locate(("questions", i))[1] or 0
    return QuestionSet([q for _, q in indexed], display, sc.meta.id if sc is not None else declared, sc, ref, lines)


Loc = tuple[Any, ...]


@dataclass(frozen=True)
class _Names:
    actors: frozenset[str]
    fronts: frozenset[str]
    categories: frozenset[str]
    rungs: frozenset[int]
    outcomes: frozenset[str]
    default: frozenset[str]
    symbols: frozenset[str]

    @classmethod
    def of(cls, sc: Scenario) -> _Names:
        rungs = {r.level for r in sc.rungs} or {a.rung for a in sc.actions}
        return cls(frozenset(a.id for a in sc.actors), frozenset(f.id for f in sc.fronts),
                   frozenset(a.category for a in sc.actions), frozenset(rungs),
                   frozenset(o.id for o in sc.all_outcomes()), frozenset(o.id for o in sc.outcomes if o.default),
                   frozenset(sc.variable_names()) | frozenset(sc.parameters))


def cross_check(questions: list[tuple[int, Question]], sc: Scenario,
                declared: str | None = None) -> list[tuple[Loc, str]]:
    """Every problem of well-formed questions against the scenario, as ``(loc, message)``.

    ``questions`` are ``(index in the file, question)``; ``declared`` is the
    file's ``scenario:`` id.
    """
    from brink.forecast.timing import last_round
    from brink.sim.simulate import check_origin

    out: list[tuple[Loc, str]] = []
    names = _Names.of(sc)
    if declared is not None and declared != sc.meta.id:
        out.append((("scenario",), f"the questions are for scenario {declared!r}, not {sc.meta.id!r}"))
    by_id: dict[str, tuple[int, Question]] = {}
    d = sc.round_days
    for i, q in questions:
        base: Loc = ("questions", i)
        if q.id in by_id:
            out.append((base + ("id",), SeeFirst(f"duplicate id {q.id!r} ", f"(also question {by_id[q.id][0] + 1})",
                                                 ("questions", by_id[q.id][0], "id"))))
        else:
            by_id[q.id] = (i, q)
        if q.as_of > sc.meta.as_of:
            out.append((base + ("as_of",), f"{q.as_of} is after the scenario's as_of date {sc.meta.as_of}; "
                                           "a forecast starts from what the scenario knows"))
        try:
            check_origin(sc, q.as_of)  # the one rule for a forecast origin (before the scenario's start: no)
        except BrinkError as exc:
            out.append((base + ("as_of",), str(exc).removeprefix(f"--as-of {q.as_of}: ")))
        w = q.window
        key = "days" if w.days is not None else "until"
        window_ok = False
        if w.days is not None and w.days <= 0:
            out.append((base + ("window", "days"), f"empty window: {w.days} days"))
        elif w.until is not None and w.until <= q.as_of:
            out.append((base + ("window", "until"), f"empty window: {w.until} is not after as_of {q.as_of}"))
        elif q.days > MAX_WINDOW_DAYS:
            out.append((base + ("window", key), f"a window of {q.days:,} days: longer than the "
                                                f"{MAX_WINDOW_DAYS:,} days (ten years) a question may look ahead"))
        elif last_round(q.days, d) < 1:
            out.append((base + ("window", key), f"a window of {q.days} days counts no round: rounds are "
                                                f"{d:g} days and an event is dated at its round's midpoint"))
        else:
            window_ok = True
        if q.resolved is False and q.resolved_on is not None:
            out.append((base + ("resolved_on",), "a question resolved `no` has no resolution date"))
        if window_ok and q.resolved_on is not None and \
                not q.as_of <= q.resolved_on <= q.as_of + dt.timedelta(days=q.days):
            out.append((base + ("resolved_on",), f"{q.resolved_on} is outside the window "
                                                 f"({q.as_of} + {q.days} days)"))
        out.extend(_event_problems(q.event, base + ("event",), names, sc))
    # given: known, same origin and window, no cycles
    for i, q in questions:
        if q.given is None:
            continue
        loc = ("questions", i, "given")
        if q.given not in by_id:
            out.append((loc, f"unknown question {q.given!r}"))
            continue
        g = by_id[q.given][1]
        if g.as_of != q.as_of or g.days != q.days:
            out.append((loc, f"{q.given} has origin {g.as_of} and a window of {g.days} days; a conditional "
                             f"question needs the same (this one: {q.as_of}, {q.days} days)"))
        seen, cur = [q.id], g
        while cur is not None:
            if cur.id in seen:
                out.append((loc, f"cyclic given: {' -> '.join(seen + [cur.id])}"))
                break
            seen.append(cur.id)
            cur = by_id[cur.given][1] if cur.given in by_id else None
    return out


def _event_problems(ev: Any, loc: Loc, names: _Names, sc: Scenario) -> Iterator[tuple[Loc, str]]:
    kind = event_kind(ev)
    if kind == "action":
        spec: ActionSpec = ev.action
        known = {"actor": names.actors, "target": names.actors, "front": names.fronts,
                 "category": names.categories, "rung": names.rungs}
        bad = False
        for attr, allowed in known.items():
            value = getattr(spec, attr)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            for j, v in enumerate(values):
                if v not in allowed:
                    bad = True
                    where = loc + ("action", attr) + ((j,) if isinstance(value, list) else ())
                    what = "actor" if attr == "target" else attr
                    yield where, f"unknown {what} {v!r} (known: {', '.join(str(x) for x in sorted(allowed))})"
        if not bad and not any(spec.matches(a) for a in sc.actions):
            given = ", ".join(f"{k}={'|'.join(str(x) for x in v)}" for k, v in spec.given().items())
            yield loc + ("action",), f"no catalogue action matches {given}"
    elif kind == "outcome":
        if ev.outcome not in names.outcomes:
            yield loc + ("outcome",), (f"unknown outcome {ev.outcome!r} "
                                       f"(known: {', '.join(sorted(names.outcomes - names.default))})")
        elif ev.outcome in names.default:
            yield loc + ("outcome",), (f"{ev.outcome!r} is the default outcome, the state in which no episode "
                                       "is under way: it does not start (ask with a `state:` formula)")
    elif kind == "state":
        for sym in sorted(parse(ev.state, literals=True).symbols - names.symbols):
            yield loc + ("state",), f"{sym!r} is neither a state variable nor a parameter"
    elif kind == "before":
        for role in ("first", "then"):
            yield from _event_problems(getattr(ev.before, role), loc + ("before", role), names, sc)
    else:
        for j, sub in enumerate(getattr(ev, kind)):
            yield from _event_problems(sub, loc + (kind, j), names, sc)
