"""From a question's event to the event-history columns it reads, and to a per-run first round.

A question's ``event`` becomes a small tree (:func:`compile_event`): an
``action`` spec becomes the catalogue actions it matches; ``outcome: X`` the
history's ``outcome:X``; ``state: "F"`` the history's ``state:NAME`` for a
formula the simulation is asked to watch (``watches``); ``any`` / ``all``
their children; ``before`` its ``first`` and ``then``. :func:`first_round`
reads an ``EventHistory`` with it, per run:

* an action spec: the first round any matching action was taken;
* ``any``: the earliest of its children's first rounds (ignoring never);
* ``all``: the latest of them if every child happened, else never (-1);
* ``before``: ``first``'s first round if ``first`` happened and ``then``
  either never did or first did in a strictly later round; else never (-1).
  The same round is not before. The history runs to the group's horizon, at
  least the question's window: a ``then`` after the window is after ``first``
  too, so "``then`` not inside the window" needs no separate test.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from brink.forecast.questions import event_kind
from brink.scenario.schema import Scenario
from brink.sim.event_history import NEVER, OUTCOME, STATE, EventHistory, earliest


@dataclass(frozen=True)
class Leaf:
    """Happens when any of ``ids`` (event-history ids) happens."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class AnyOf:
    children: tuple[Leaf | AnyOf | AllOf | Before, ...]


@dataclass(frozen=True)
class AllOf:
    children: tuple[Leaf | AnyOf | AllOf | Before, ...]


@dataclass(frozen=True)
class Before:
    """``first`` happens in a round strictly before ``then`` first does (or ``then`` never does)."""

    first: Leaf | AnyOf | AllOf | Before
    then: Leaf | AnyOf | AllOf | Before

    @property
    def children(self) -> tuple:
        return (self.first, self.then)


Node = Leaf | AnyOf | AllOf | Before


def watch_name(formula: str) -> str:
    """The name a watched formula gets (``state:<name>`` in the history): the same for the same text."""
    return "w_" + hashlib.sha1(" ".join(formula.split()).encode()).hexdigest()[:12]


def compile_event(event, scenario: Scenario) -> Node:
    """The event tree of a (checked) question event."""
    kind = event_kind(event)
    if kind == "action":
        return Leaf(tuple(a.id for a in scenario.actions if event.action.matches(a)))
    if kind == "outcome":
        return Leaf((OUTCOME + event.outcome,))
    if kind == "state":
        return Leaf((STATE + watch_name(event.state),))
    if kind == "before":
        return Before(compile_event(event.before.first, scenario), compile_event(event.before.then, scenario))
    kids = tuple(compile_event(e, scenario) for e in getattr(event, kind))
    return AnyOf(kids) if kind == "any" else AllOf(kids)


def event_ids(node: Node) -> list[str]:
    """Every event-history id the tree reads, in order, once each."""
    out: dict[str, None] = {}
    if isinstance(node, Leaf):
        out.update(dict.fromkeys(node.ids))
    else:
        for c in node.children:
            out.update(dict.fromkeys(event_ids(c)))
    return list(out)


def watches(event) -> dict[str, str]:
    """``{name: formula}`` of the ``state:`` events in a question event (what the simulation must watch)."""
    kind = event_kind(event)
    if kind == "state":
        return {watch_name(event.state): event.state}
    if kind in ("any", "all", "before"):
        out: dict[str, str] = {}
        for e in (event.before.first, event.before.then) if kind == "before" else getattr(event, kind):
            out.update(watches(e))
        return out
    return {}


def first_round(node: Node, history: EventHistory) -> np.ndarray:
    """Per run, the first round (1..H) in which the event happened; -1 if it never did."""
    if isinstance(node, Leaf):
        return history.first_of(node.ids).astype(np.int32)
    if isinstance(node, Before):
        a, b = first_round(node.first, history), first_round(node.then, history)
        return np.where((a >= 0) & ((b < 0) | (b > a)), a, NEVER).astype(np.int32)
    parts = np.stack([first_round(c, history) for c in node.children])
    if isinstance(node, AnyOf):
        return earliest(parts, axis=0).astype(np.int32)
    return np.where((parts >= 0).all(axis=0), parts.max(axis=0), NEVER).astype(np.int32)
