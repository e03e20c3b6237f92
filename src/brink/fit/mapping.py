"""From a coded episode to a decision of the scenario's model.

An episode says who decided (free text such as "United States" or "Kataib
Hezbollah"), after what trigger, and which response category they chose. The
decision model knows a handful of deciding actors, each with a catalogue of
actions that carry a ``category`` in the same vocabulary. ``map_episodes``
turns every episode it can into a ``DecisionContext``:

* **deciding actor** — the episode's ``decision_actor`` matched against the
  scenario actors' ids, names and aliases (case-insensitive, text in brackets
  ignored), plus the scenario's ``joint_actors`` rules for joint decisions led
  by one actor. The actor must have catalogue actions.
* **choice set** — the categories of the actor's catalogue actions that are
  feasible in the decision state. The model's probability of a category is the
  sum of the probabilities of the actor's actions in it.
* **decision state**, by the first rule that applies:

  1. ``decision_point`` — a scenario decision point that cites this episode's
     line (``FILE:L28``, FILE the episodes file's name or the source id the
     rules give as ``cited_as``) and has the same actor: the state the model
     itself computes there (timeline replayed to the trigger).
  2. ``timeline`` — a scenario timeline event on the trigger date by the
     trigger's scenario actor: the state right after that event.
  3. ``replayed`` — the trigger date is on or after the timeline's first event:
     the state on the trigger date as ``brink.model.history.state_on`` gives it
     (every timeline event dated on or before it replayed, the dynamics run for
     the whole rounds since the last one, ``world.week`` set), then the trigger
     applied as described below.
  4. ``constructed`` — the trigger date is before the timeline starts: the
     scenario's start state (the world just before its first event, an
     approximation for episodes years older) with ``world.week`` set from the
     trigger date, then the trigger applied.

  The trigger is applied as a catalogue action of the trigger's category: the
  trigger actor's own action where it has one, else a stand-in — another actor's
  action of that category, aimed at the decider where one is — and nothing where
  the catalogue has no action of that category. Each context's ``source`` says
  which rule gave its state (``decision_point:ID``, ``timeline:ID``,
  ``replayed``, ``constructed``) and its ``note`` what was applied.

Episodes that cannot be mapped (unknown or non-deciding actor, a category the
actor's catalogue lacks or cannot take in that state, a response after the
scenario's ``as_of`` date) are returned in ``unmapped`` with the reason.

What is particular to a scenario is data in its folder, ``fit/mapping.yaml``
(read by :func:`read_rules`; a scenario without one has no extra rules)::

    cited_as: SOURCE_ID                   # a source id: decision points cite episode lines as SOURCE_ID:Lnn
    joint_actors:                         # joint decisions that one scenario actor led
      - {name: "A+B", actor: A, note: "joint strikes led by A: coded as A's decision"}

:func:`map_scenario_episodes` reads a scenario's episodes and rules and maps them
in one call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from brink.errors import InputError, Problem
from brink.fit.episodes import Episode, read_episodes
from brink.model.compiled import Model

RULES_FILE = ("fit", "mapping.yaml")
STATE_SOURCES = ("decision_point", "timeline", "replayed", "constructed")  # the rules of decision_state, in order


@dataclass(frozen=True)
class MappingRules:
    """A scenario's own mapping rules (``fit/mapping.yaml``); empty for a scenario without one."""

    joint_actors: dict[str, tuple[str, str]] = field(default_factory=dict)  # joint key -> (actor, note)
    cited_as: str | None = None
    file: str | None = None


def _joint_key(name: str) -> str:
    return _norm(name).replace(" ", "")


def read_rules(scenario: str | Path, sc=None) -> MappingRules:
    """Read the scenario's ``fit/mapping.yaml``; ``InputError`` names file, line and field.

    ``sc`` (the loaded ``Scenario``) lets actor and source ids be checked.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from brink.scenario.folder import companion
    from brink.scenario.loader import _read_yaml

    path = companion(scenario, *RULES_FILE)
    if path is None:
        return MappingRules()
    display = str(path)
    problems: list[Problem] = []
    doc = _read_yaml(path, display, problems)
    if problems:
        raise InputError(problems)
    if doc is None:
        return MappingRules(file=display)
    if not isinstance(doc, CommentedMap):
        raise InputError([Problem(display, 1, "(file)", "must be a mapping with cited_as and joint_actors")])

    def line(node, key=None) -> int | None:
        try:
            return (node.lc.key(key)[0] if key is not None else node.lc.line) + 1
        except (AttributeError, KeyError, TypeError):
            return None

    for key in doc:
        if key not in ("cited_as", "joint_actors"):
            problems.append(Problem(display, line(doc, key), str(key), "unknown key; expected cited_as, joint_actors"))
    cited = doc.get("cited_as")
    if cited is not None and not isinstance(cited, str):
        problems.append(Problem(display, line(doc, "cited_as"), "cited_as", "must be a source id"))
        cited = None
    elif cited is not None and sc is not None and cited not in {s.id for s in sc.sources}:
        problems.append(Problem(display, line(doc, "cited_as"), "cited_as",
                                f"{cited!r} is not a source of scenario {sc.meta.id}"))
    joint: dict[str, tuple[str, str]] = {}
    rules = doc.get("joint_actors") or []
    if not isinstance(rules, CommentedSeq):
        problems.append(Problem(display, line(doc, "joint_actors"), "joint_actors",
                                "must be a list of {name, actor, note}"))
        rules = []
    actor_ids = {a.id for a in sc.actors} if sc is not None else None
    for i, r in enumerate(rules):
        fld = f"joint_actors[{i}]"
        ln = rules.lc.item(i)[0] + 1
        if not isinstance(r, CommentedMap) or not isinstance(r.get("name"), str) or not isinstance(r.get("actor"), str):
            problems.append(Problem(display, ln, fld, "needs name and actor (and a note saying why)"))
            continue
        for key in r:
            if key not in ("name", "actor", "note"):
                problems.append(Problem(display, line(r, key), f"{fld}.{key}", "unknown key; expected name, actor, note"))
        if actor_ids is not None and r["actor"] not in actor_ids:
            problems.append(Problem(display, line(r, "actor"), f"{fld}.actor",
                                    f"{r['actor']!r} is not an actor of scenario {sc.meta.id}"))
        key = _joint_key(r["name"])
        if key in joint:
            problems.append(Problem(display, line(r, "name"), f"{fld}.name", f"{r['name']!r} is listed twice"))
        joint[key] = (r["actor"], str(r.get("note") or f"joint decision coded as {r['actor']}'s"))
    if problems:
        raise InputError(problems)
    return MappingRules(joint_actors=joint, cited_as=cited, file=display)


@dataclass(frozen=True)
class DecisionContext:
    """One episode as a decision of the model: who, in what state, choosing among what."""

    episode: Episode
    actor: str
    state: np.ndarray
    source: str
    categories: tuple[str, ...]
    observed: str
    trigger_category: str | None
    note: str = ""

    @property
    def episode_id(self) -> str:
        return self.episode.episode_id


@dataclass(frozen=True)
class Unmapped:
    episode: Episode
    reason: str


@dataclass
class MappingResult:
    contexts: list[DecisionContext] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    def to_frame(self):
        """One row per episode: mapped or not, actor, state source, reason or note."""
        import pandas as pd

        rows = [{"episode_id": c.episode_id, "date": c.episode.trigger_date, "decision_actor": c.episode.decision_actor,
                 "mapped": True, "actor": c.actor, "observed": c.observed, "state": c.source,
                 "choices": len(c.categories), "detail": c.note} for c in self.contexts]
        rows += [{"episode_id": u.episode.episode_id, "date": u.episode.trigger_date,
                  "decision_actor": u.episode.decision_actor, "mapped": False, "actor": None,
                  "observed": u.episode.response_category, "state": None, "choices": 0, "detail": u.reason}
                 for u in self.unmapped]
        return pd.DataFrame(rows).sort_values("episode_id", kind="stable").reset_index(drop=True)

    def state_sources(self) -> dict[str, int]:
        """How many mapped decision states each rule gave: ``decision_point``, ``timeline``,
        ``replayed``, ``constructed`` (in that order, every rule listed)."""
        counts = dict.fromkeys(STATE_SOURCES, 0)
        for c in self.contexts:
            counts[c.source.split(":")[0]] += 1
        return counts

    def to_dict(self) -> dict:
        """JSON-able: how many episodes were mapped, and each episode's row of ``to_frame()``."""
        from brink.frames import records

        return {"mapped": len(self.contexts), "unmapped": len(self.unmapped), "state_sources": self.state_sources(),
                "episodes": records(self.to_frame())}


def category_order(model: Model) -> tuple[str, ...]:
    """All categories of the catalogue, in order of first appearance (a stable column order)."""
    seen: dict[str, None] = {}
    for a in model.scenario.actions:
        seen.setdefault(a.category, None)
    return tuple(seen)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", text)).strip().lower()


def resolve_actor(model: Model, name: str, rules: MappingRules | None = None) -> tuple[str | None, str]:
    """(scenario actor id or None, note or reason) for an episode's free-text actor."""
    joint = (rules or MappingRules()).joint_actors
    key = _joint_key(name)
    if key in joint:
        return joint[key]
    if "+" in name or "/" in name:
        return None, f"joint or alternative actors {name!r}: no single scenario actor decided"
    n = _norm(name)
    for a in model.scenario.actors:
        if n in {a.id.lower(), _norm(a.name), *(_norm(x) for x in a.aliases)}:
            return a.id, ""
    return None, f"{name!r} is not a scenario actor"


def citations(ep: Episode, rules: MappingRules | None = None) -> tuple[str, ...]:
    """How scenario evidence may cite this episode: ``FILE:Lnn`` by file name and by ``cited_as``."""
    names = [Path(ep.file).name]
    if rules is not None and rules.cited_as and rules.cited_as not in names:
        names.append(rules.cited_as)
    return tuple(f"{n}:L{ep.line}" for n in names)


def map_episode(model: Model, ep: Episode, categories: tuple[str, ...] | None = None,
                rules: MappingRules | None = None) -> DecisionContext | Unmapped:
    """Map one episode (see the module docstring for the rules)."""
    sc = model.scenario
    if ep.response_date > sc.meta.as_of:
        return Unmapped(ep, f"response on {ep.response_date} is after the scenario's as_of date {sc.meta.as_of}")
    actor, note = resolve_actor(model, ep.decision_actor, rules)
    if actor is None:
        return Unmapped(ep, note)
    if actor not in model.actors:
        return Unmapped(ep, f"{actor} has no catalogue actions in {sc.meta.id}: the model does not decide for it")
    cats = categories or category_order(model)
    acts = model.actors[actor].actions
    act_cats = {a: sc.action(a).category for a in acts}
    if ep.response_category not in act_cats.values():
        have = ", ".join(sorted(set(act_cats.values())))
        return Unmapped(ep, f"{actor} has no catalogue action of category {ep.response_category!r} (has: {have})")

    S, source, how = decision_state(model, ep, actor, rules)
    feas = dict(zip(acts, model.feasible_mask(S, actor)))
    avail = tuple(c for c in cats if any(feas[a] for a in acts if act_cats[a] == c))
    if ep.response_category not in avail:
        pre = "; ".join(f"{a}: {sc.action(a).precondition}" for a in acts if act_cats[a] == ep.response_category)
        return Unmapped(ep, f"{actor}'s actions of category {ep.response_category!r} are infeasible in the "
                            f"mapped state ({source}; preconditions {pre})")
    return DecisionContext(
        episode=ep, actor=actor, state=S, source=source, categories=avail, observed=ep.response_category,
        trigger_category=ep.trigger_category, note="; ".join(x for x in (note, how) if x),
    )


def decision_state(model: Model, ep: Episode, actor: str,
                   rules: MappingRules | None = None) -> tuple[np.ndarray, str, str]:
    """(state, source, how) for an episode decided by ``actor`` (rules in the module docstring)."""
    from brink.model.history import state_after, state_at, state_on

    sc = model.scenario
    for dp in sc.decision_points:
        cite = next((c for c in citations(ep, rules) if c in dp.evidence), None)
        if dp.actor == actor and cite is not None:
            return state_at(model, dp.id), f"decision_point:{dp.id}", f"scenario decision point {dp.id} cites {cite}"
    tl = sorted(sc.timeline, key=lambda e: e.date)
    if ep.trigger_scenario_actor:
        for e in tl:
            if e.date == ep.trigger_date and e.actor == ep.trigger_scenario_actor:
                S, _ = state_after(model, e.id)
                return S, f"timeline:{e.id}", f"state after timeline event {e.id}"
    if tl and ep.trigger_date >= tl[0].date:
        S, source = state_on(model, ep.trigger_date).copy(), "replayed"
        base = f"timeline replayed to {ep.trigger_date} (state_on)"
    else:
        S, source = model.initial_state(), "constructed"
        base = "scenario start state (the timeline starts later)"
        week = model.var_index.get("world.week")
        if week is not None:
            S[week] = np.clip(model.week_of(ep.trigger_date), model.lo[week], model.hi[week])
    trig = trigger_action(model, ep, actor, S)
    if trig is None:
        how = f"{base}; no catalogue action of trigger category {ep.trigger_category!r}: trigger not applied"
    else:
        S = model.with_offers(model.pin(model.apply(S, trig)))  # the offers of the state decided in
        stand = "" if sc.action(trig).actor == ep.trigger_scenario_actor else " as a stand-in"
        how = f"{base}; trigger applied as {trig}{stand}"
    return S, source, how


def trigger_action(model: Model, ep: Episode, decider: str, S: np.ndarray | None = None) -> str | None:
    """The catalogue action that stands for the episode's trigger (None: nothing fits).

    The trigger actor's own action of the trigger category comes first, even where the
    trigger actor is the decider (a group deciding after its own attack); a stand-in is
    never one of the decider's own actions. Within either, an action aimed at the decider
    comes first, then one feasible in the state ``S`` (the trigger did happen), then file
    order.
    """
    if not ep.trigger_category:
        return None
    sc = model.scenario
    of_cat = [a for a in sc.actions if a.category == ep.trigger_category]
    own = [a for a in of_cat if ep.trigger_scenario_actor and a.actor == ep.trigger_scenario_actor]
    cands = [a for a in of_cat if a.actor != decider]

    feasible = {} if S is None else {x: set(model.feasible(S, x)) for x in {a.actor for a in own + cands}}
    for pool in (own, cands):
        if pool:
            return min(pool, key=lambda a: (a.target != decider,
                                            S is not None and a.id not in feasible.get(a.actor, ()))).id
    return None


def map_episodes(model: Model, episodes: list[Episode], rules: MappingRules | None = None) -> MappingResult:
    """Map every episode; the unmappable ones are kept with their reason."""
    cats = category_order(model)
    res = MappingResult()
    for ep in episodes:
        m = map_episode(model, ep, cats, rules)
        (res.contexts if isinstance(m, DecisionContext) else res.unmapped).append(m)
    return res


def map_scenario_episodes(scenario, episodes: str | Path | None = None, *,
                          model: Model | None = None) -> tuple[Model, list[Episode], MappingResult]:
    """Read a scenario's episodes (or ``episodes``) and rules, map them: ``(model, episodes, mapping)``.

    ``scenario`` is a built-in name or a path; ``model`` (compiled from it) saves compiling it again.
    """
    from brink.model.compiled import compile_model
    from brink.scenario.loader import load_scenario

    if model is None:
        model = compile_model(load_scenario(scenario))
    eps = read_episodes(episodes, scenario=scenario)
    return model, eps, map_episodes(model, eps, read_rules(scenario, model.scenario))
