"""What-if changes as plain data: the part of a ``Model`` that differs from its scenario.

An intervention has four kinds of change, all optional:

* ``set``: ``{NAME: VALUE}`` — a parameter, a state variable (pinned: it keeps
  the value at every round and after every timeline event),
  ``weight.ACTOR.CONCERN``, ``tendency.ACTOR.CATEGORY`` or ``precision.ACTOR``; names are resolved by
  ``Model.resolve_name``.
* ``close_channels``: channel ids whose state is pinned at 0 (closed) throughout.
* ``disable``: action ids removed from their actor's choice set. Removal acts
  through ``Model.feasible_mask``, so the actor's own choice *and* every other
  actor's anticipation of it see the smaller set.
* ``force``: in the given rounds (counted from 1) the actor takes that action
  wherever it is feasible (elsewhere it chooses by the decision rule).

``brink.model.compiled.Model`` turns these into indices and masks once; the
NumPy rule, the generated kernel and the engine all read them from there.
Command-line shorthands (``--set NAME=VALUE``, ``--force ACTOR:ACTION@ROUNDS``)
are parsed here, once, for every command; files of interventions are read by
the scenario loader and turned into this type by ``brink.sim.interventions``.

What is checked where: the parsers here refuse what no scenario could accept (a value that is
not a finite number, a name given twice with two values, round 0, a round beyond
``MAX_ROUND``); ``brink.model.compiled.Model`` refuses what this scenario does not declare
(unknown names, with the near miss; a value outside its declared range, ``Model.value_problem``),
for options in one line and for files at each entry's line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from brink.errors import BrinkError
from brink.scenario.schema import parse_rounds

MAX_ROUND = 10_000  # a forced round beyond any horizon is a typo (3-300000 would list 300,000)


@dataclass(frozen=True)
class Force:
    actor: str
    action: str
    rounds: tuple[int, ...]


@dataclass(frozen=True)
class Intervention:
    """A what-if change (see module docstring). The empty one is the baseline."""

    id: str = "baseline"
    label: str = "baseline"
    description: str = ""
    set: Mapping[str, float] = field(default_factory=dict)
    close_channels: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    force: tuple[Force, ...] = ()
    source: str | None = None  # file it was read from

    def is_baseline(self) -> bool:
        return not (self.set or self.close_channels or self.disable or self.force)

    def overrides(self) -> dict[str, float]:
        """``set`` plus each closed channel as ``channel.ID = 0``."""
        out = dict(self.set)
        for c in self.close_channels:
            out[f"channel.{c}"] = 0.0
        return out

    def merged(self, other: Intervention) -> Intervention:
        """This intervention with ``other``'s changes added (used for CLI flags)."""
        return Intervention(
            id=self.id if not self.is_baseline() else other.id,
            label=self.label if not self.is_baseline() else other.label,
            description=self.description or other.description,
            set={**self.set, **other.set},
            close_channels=tuple(dict.fromkeys(self.close_channels + other.close_channels)),
            disable=tuple(dict.fromkeys(self.disable + other.disable)),
            force=self.force + other.force,
            source=self.source or other.source,
        )

    def describe(self) -> str:
        parts = [f"{k}={v:g}" for k, v in self.set.items()]
        parts += [f"close {c}" for c in self.close_channels]
        parts += [f"disable {a}" for a in self.disable]
        parts += [f"force {f.actor}:{f.action}@{','.join(map(str, f.rounds))}" for f in self.force]
        return "; ".join(parts) or "no change"


# ------------------------------------------------------------------ parsing
def parse_value(text: str, what: str) -> float:
    """One what-if number as typed: a finite decimal (``0.3``, ``-2``, ``4e-3``), else a
    ``BrinkError`` naming ``what`` (NaN, infinity and ``1e999`` are refused: they would run)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise BrinkError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise BrinkError(f"{what}: {text.strip()!r} is not a finite number"
                         + (" (too large for a float)" if "nan" not in text.lower()
                            and "inf" not in text.lower() else ""))
    return value


def parse_set(items: list[str] | None) -> dict[str, float]:
    """``["NAME=VALUE", ...]`` -> ``{NAME: VALUE}``: the one parser of ``--set`` for every command.

    A name given twice with different values is refused (the last one would win silently);
    the value's range is checked against the scenario by ``Model`` (``Model.value_problem``).
    """
    out: dict[str, float] = {}
    for item in items or []:
        if not isinstance(item, str):
            raise BrinkError(f"--set {item!r}: expected NAME=VALUE text")
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name or not value.strip():
            raise BrinkError(f"--set {item!r}: expected NAME=VALUE, e.g. --set IRN.legitimacy=0.5")
        if "=" in value:
            raise BrinkError(f"--set {item!r}: one NAME=VALUE per --set (repeat --set for more)")
        if any(c.isspace() for c in name):
            raise BrinkError(f"--set {item!r}: the name {name!r} has a space in it")
        number = parse_value(value, f"--set {item}")
        if name in out and out[name] != number:
            raise BrinkError(f"--set {name}: given twice, as {out[name]:g} and {number:g}; give it once")
        out[name] = number
    return out


def parse_force(items: list[str] | None) -> tuple[Force, ...]:
    """``["ACTOR:ACTION@ROUNDS", ...]`` (ROUNDS like 3, 3-6 or 2,4,6; rounds count from 1)."""
    out = []
    for item in items or []:
        if not isinstance(item, str):
            raise BrinkError(f"--force {item!r}: expected ACTOR:ACTION@ROUND text")
        head, at, rounds = item.partition("@")
        actor, colon, action = head.partition(":")
        actor, action = actor.strip(), action.strip()
        if not (at and colon and actor and action and rounds.strip()):
            raise BrinkError(f"--force {item!r}: expected ACTOR:ACTION@ROUND, e.g. USA:USA_max_pressure@6-9")
        big = [int(d) for d in re.findall(r"\d+", rounds) if len(d) > 6 or int(d) > MAX_ROUND]
        if big:
            raise BrinkError(f"--force {item}: round {big[0]:,} is beyond any horizon (at most {MAX_ROUND:,})")
        try:
            rs = parse_rounds(rounds, f"--force {item}")
        except ValueError as exc:
            raise BrinkError(str(exc)) from None
        if min(rs) < 1:
            raise BrinkError(f"--force {item}: rounds count from 1 (round 1 is the first simulated round)")
        out.append(Force(actor, action, rs))
    return tuple(out)


def from_options(set_items: list[str] | Mapping[str, float] | None = None, force_items: list[str] | None = None,
                 close: list[str] | None = None, disable: list[str] | None = None) -> Intervention:
    """The intervention that command-line options (or the same shorthands in Python) describe.

    ``set_items`` is ``["NAME=VALUE", ...]`` as typed, or already a ``{NAME: VALUE}`` mapping.
    """
    if isinstance(set_items, Mapping):
        sets = {}
        for k, v in set_items.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, str)):
                raise BrinkError(f"set {k}: {v!r} is not a number")
            sets[str(k)] = parse_value(str(v), f"set {k}")
    else:
        sets = parse_set(set_items or [])
    iv = Intervention(
        set=sets, force=parse_force(force_items or []),
        close_channels=tuple(close or ()), disable=tuple(disable or ()),
    )
    if iv.is_baseline():
        return iv
    return Intervention(id="custom", label=iv.describe(), set=iv.set, force=iv.force,
                        close_channels=iv.close_channels, disable=iv.disable)
