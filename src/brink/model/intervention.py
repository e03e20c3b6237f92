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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from brink.errors import BrinkError
from brink.scenario.schema import parse_rounds


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
def parse_set(items: list[str] | None) -> dict[str, float]:
    """``["NAME=VALUE", ...]`` -> ``{NAME: VALUE}``: the one parser of ``--set`` for every command."""
    out: dict[str, float] = {}
    for item in items or []:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise BrinkError(f"--set {item!r}: expected NAME=VALUE")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise BrinkError(f"--set {item!r}: {value!r} is not a number") from None
    return out


def parse_force(items: list[str]) -> tuple[Force, ...]:
    """``["ACTOR:ACTION@ROUNDS", ...]`` (ROUNDS like 3, 3-6 or 2,4,6)."""
    out = []
    for item in items:
        head, at, rounds = item.partition("@")
        actor, colon, action = head.partition(":")
        if not (at and colon and actor and action):
            raise BrinkError(f"--force {item!r}: expected ACTOR:ACTION@ROUND")
        try:
            out.append(Force(actor.strip(), action.strip(), parse_rounds(rounds, f"--force {item}")))
        except ValueError as exc:
            raise BrinkError(str(exc)) from None
    return tuple(out)


def from_options(set_items: list[str] | Mapping[str, float] | None = None, force_items: list[str] | None = None,
                 close: list[str] | None = None, disable: list[str] | None = None) -> Intervention:
    """The intervention that command-line options (or the same shorthands in Python) describe.

    ``set_items`` is ``["NAME=VALUE", ...]`` as typed, or already a ``{NAME: VALUE}`` mapping.
    """
    sets = ({k: float(v) for k, v in set_items.items()} if isinstance(set_items, Mapping)
            else parse_set(set_items or []))
    iv = Intervention(
        set=sets, force=parse_force(force_items or []),
        close_channels=tuple(close or ()), disable=tuple(disable or ()),
    )
    if iv.is_baseline():
        return iv
    return Intervention(id="custom", label=iv.describe(), set=iv.set, force=iv.force,
                        close_channels=iv.close_channels, disable=iv.disable)
