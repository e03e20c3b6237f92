"""Interventions: what-if changes to compare against the baseline.

An intervention is plain data with four kinds of change, all optional:

* ``set``: ``{NAME: VALUE}`` — a parameter, a state variable (pinned: it keeps
  the value at every round, as in ``brink explain --set``), ``weight.ACTOR.CONCERN``
  or ``precision.ACTOR``; names are resolved by ``Model.resolve_name``.
* ``close_channels``: channel ids whose state is pinned at 0 (closed) throughout.
* ``disable``: action ids removed from their actor's choice set (for example
  ``IRN_strike_warned``: Iran gives no advance warning). Removal acts through
  ``feasible_mask``, so the actor's own choice *and* every other actor's
  anticipation of it see the smaller set.
* ``force``: ``[{actor, action, round | rounds}]`` — in those rounds the actor
  takes that action in every running trajectory where it is feasible (elsewhere
  it chooses by the decision rule). Rounds count from 1.

A file holds one mapping ``intervention: {id, label, description, set, ...}``;
every number in ``set`` may carry its provenance the scenario way
(``{value: 0.3, assumption: "why"}``) or be a bare number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from brink.errors import BrinkError, InputError, Problem
from brink.model.compiled import Model
from brink.scenario.schema import Scenario


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


class InterventionModel(Model):
    """A ``Model`` whose feasibility also excludes the intervention's disabled actions."""

    def __init__(self, scenario: Scenario, overrides: Mapping[str, float] | None, disabled: tuple[str, ...]):
        super().__init__(scenario, overrides)
        self.disabled = frozenset(disabled)

    def feasible_mask(self, S: np.ndarray, actor: str) -> np.ndarray:
        out = super().feasible_mask(S, actor)
        for j, aid in enumerate(self.actors[actor].actions):
            if aid in self.disabled:
                out[..., j] = False
        return out


def build_model(scenario: Scenario, intervention: Intervention | None = None) -> Model:
    """Compile the scenario with the intervention's overrides; check every name it uses."""
    iv = intervention or Intervention()
    where = iv.source or "intervention"
    chan = {c.id for c in scenario.channels}
    problems: list[Problem] = []
    for c in iv.close_channels:
        if c not in chan:
            problems.append(Problem(where, None, "close_channels", f"unknown channel {c!r} (known: {', '.join(sorted(chan))})"))
    acts = {a.id: a for a in scenario.actions}
    for a in iv.disable:
        if a not in acts:
            problems.append(Problem(where, None, "disable", f"unknown action {a!r}"))
    for f in iv.force:
        if f.action not in acts:
            problems.append(Problem(where, None, "force", f"unknown action {f.action!r}"))
        elif acts[f.action].actor != f.actor:
            problems.append(Problem(where, None, "force", f"action {f.action} belongs to {acts[f.action].actor}, not {f.actor}"))
        if scenario.schedule and f.actor not in scenario.schedule.order:
            problems.append(Problem(where, None, "force", f"{f.actor} does not decide in the schedule"))
        if any(r < 1 for r in f.rounds):
            problems.append(Problem(where, None, "force", "rounds count from 1"))
    if problems:
        raise InputError(problems)
    try:
        if iv.disable:
            return InterventionModel(scenario, iv.overrides(), iv.disable)
        return Model(scenario, iv.overrides())
    except BrinkError as exc:
        raise InputError([Problem(where, None, "set", str(exc))]) from None


# ------------------------------------------------------------------ parsing
def parse_set(items: list[str]) -> dict[str, float]:
    """``["PATH=VALUE", ...]`` -> ``{PATH: VALUE}``."""
    out: dict[str, float] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise BrinkError(f"--set {item!r}: expected NAME=VALUE")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise BrinkError(f"--set {item!r}: {value!r} is not a number") from None
    return out


def _rounds(spec: str, what: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in str(spec).split(","):
        lo, dash, hi = part.strip().partition("-")
        try:
            a = int(lo)
            b = int(hi) if dash else a
        except ValueError:
            raise BrinkError(f"{what}: rounds {spec!r} must be like 3, 3-6 or 2,4,6") from None
        if b < a:
            raise BrinkError(f"{what}: round range {part!r} is reversed")
        out.extend(range(a, b + 1))
    return tuple(out)


def parse_force(items: list[str]) -> tuple[Force, ...]:
    """``["ACTOR:ACTION@ROUNDS", ...]`` (ROUNDS like 3, 3-6 or 2,4,6)."""
    out = []
    for item in items:
        head, at, rounds = item.partition("@")
        actor, colon, action = head.partition(":")
        if not (at and colon and actor and action):
            raise BrinkError(f"--force {item!r}: expected ACTOR:ACTION@ROUND")
        out.append(Force(actor.strip(), action.strip(), _rounds(rounds, f"--force {item}")))
    return tuple(out)


def from_options(set_items: list[str] | None = None, force_items: list[str] | None = None,
                 close: list[str] | None = None, disable: list[str] | None = None) -> Intervention:
    iv = Intervention(
        set=parse_set(set_items or []), force=parse_force(force_items or []),
        close_channels=tuple(close or ()), disable=tuple(disable or ()),
    )
    if iv.is_baseline():
        return iv
    return Intervention(id="custom", label=iv.describe(), set=iv.set, force=iv.force,
                        close_channels=iv.close_channels, disable=iv.disable)


_KEYS = {"id", "label", "description", "set", "close_channels", "disable", "force", "evidence", "assumption"}


def load_intervention(path: str | Path) -> Intervention:
    """Read an intervention YAML file; every problem names the file, line and field."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.error import MarkedYAMLError

    p = Path(path)
    f = str(p)
    try:
        root = YAML(typ="rt", pure=True).load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError([Problem(f, None, "(file)", f"cannot read: {exc}")]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError([Problem(f, mark.line + 1 if mark else None, "(yaml)", str(exc.problem))]) from None
    if not isinstance(root, CommentedMap) or "intervention" not in root:
        raise InputError([Problem(f, 1, "intervention", "the file must hold a mapping `intervention:`")])
    node = root["intervention"]
    base_line = root.lc.key("intervention")[0] + 1
    if not isinstance(node, CommentedMap):
        raise InputError([Problem(f, base_line, "intervention", "must be a mapping")])

    def line(key: Any, parent: Any = node) -> int | None:
        try:
            return parent.lc.key(key)[0] + 1
        except Exception:
            return base_line

    problems: list[Problem] = []
    for k in node:
        if k not in _KEYS:
            problems.append(Problem(f, line(k), f"intervention.{k}", f"unknown key; expected one of {', '.join(sorted(_KEYS))}"))
    sets: dict[str, float] = {}
    raw = node.get("set") or {}
    if not isinstance(raw, CommentedMap) and raw:
        problems.append(Problem(f, line("set"), "intervention.set", "must be a mapping NAME: VALUE"))
        raw = {}
    for k, v in raw.items():
        val = v.get("value") if isinstance(v, dict) else v
        if isinstance(v, dict) and not (v.get("evidence") or v.get("assumption")):
            problems.append(Problem(f, line(k, raw), f"intervention.set.{k}", "needs `evidence` or an `assumption`"))
        if isinstance(val, bool) or not isinstance(val, (int, float)):
            problems.append(Problem(f, line(k, raw), f"intervention.set.{k}", f"value {val!r} is not a number"))
            continue
        sets[str(k)] = float(val)
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("close_channels", "disable"):
        v = node.get(key) or []
        if not isinstance(v, CommentedSeq) and v:
            problems.append(Problem(f, line(key), f"intervention.{key}", "must be a list of ids"))
            v = []
        lists[key] = tuple(str(x) for x in v)
    forces: list[Force] = []
    v = node.get("force") or []
    if not isinstance(v, CommentedSeq) and v:
        problems.append(Problem(f, line("force"), "intervention.force", "must be a list of {actor, action, rounds}"))
        v = []
    for i, item in enumerate(v):
        ln = v.lc.item(i)[0] + 1 if isinstance(v, CommentedSeq) else base_line
        fld = f"intervention.force[{i}]"
        if not isinstance(item, CommentedMap) or not {"actor", "action"} <= set(item) or not ({"round", "rounds"} & set(item)):
            problems.append(Problem(f, ln, fld, "needs actor, action and round (or rounds: '6-9')"))
            continue
        try:
            rounds = _rounds(item.get("rounds", item.get("round")), fld)
        except BrinkError as exc:
            problems.append(Problem(f, ln, fld, str(exc)))
            continue
        forces.append(Force(str(item["actor"]), str(item["action"]), rounds))
    if problems:
        raise InputError(problems)
    return Intervention(
        id=str(node.get("id", p.stem)), label=str(node.get("label", p.stem)),
        description=" ".join(str(node.get("description", "")).split()),
        set=sets, close_channels=lists["close_channels"], disable=lists["disable"],
        force=tuple(forces), source=f,
    )


def builtin_interventions(scenario_name: str) -> dict[str, Path]:
    """Intervention files shipped with a scenario (its folder's ``interventions/*.yaml``)."""
    from brink.scenario.folder import companion_files

    return companion_files(scenario_name, "interventions")


def resolve_intervention(spec: str, scenario_name: str) -> Intervention:
    """A path, or the name of an intervention shipped with the scenario."""
    p = Path(spec)
    if p.exists():
        return load_intervention(p)
    shipped = builtin_interventions(scenario_name)
    if spec in shipped:
        return load_intervention(shipped[spec])
    raise InputError([Problem(spec, None, "--intervention",
                              f"no such file, and not an intervention shipped with {scenario_name} "
                              f"(shipped: {', '.join(shipped) or 'none'})")])
