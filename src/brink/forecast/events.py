"""From a question's event to the event-history columns it reads, and to a per-run first round.

A question's ``event`` becomes a small tree (:func:`compile_event`): an
``action`` spec becomes the catalogue actions it matches; ``outcome: X`` the
history's ``outcome:X``; ``state: "F"`` the history's ``state:NAME`` for a
formula the simulation is asked to watch (``watches``); ``any`` / ``all``
their children. :func:`first_round` reads an ``EventHistory`` with it, per run:

* an action spec: the first round any matching action was taken;
* ``any``: the earliest of its children's first rounds (ignoring never);
* ``all``: the latest of them if every child happened, else never (-1).
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
    children: tuple[Leaf | AnyOf | AllOf, ...]


@dataclass(frozen=True)
class AllOf:
    children: tuple[Leaf | AnyOf | AllOf, ...]


Node = Leaf | AnyOf | AllOf


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
    if kind in ("any", "all"):
        out: dict[str, str] = {}
        for e in getattr(event, kind):
            out.update(watches(e))
        return out
    return {}


def first_round(node: Node, history: EventHistory) -> np.ndarray:
    """Per run, the first round (1..H) in which the event happened; -1 if it never did."""
    if isinstance(node, Leaf):
        return history.first_of(node.ids).astype(np.int32)
    parts = np.stack([first_round(c, history) for c in node.children])
    if isinstance(node, AnyOf):
        return earliest(parts, axis=0).astype(np.int32)
    return np.where((parts >= 0).all(axis=0), parts.max(axis=0), NEVER).astype(np.int32)
