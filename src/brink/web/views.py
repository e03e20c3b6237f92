"""What each page shows, as JSON-able data: pure functions of a scenario and validated inputs.

Each view is the computation of the CLI command of the same name (``brink show``, ``explain``,
``forecast``, ``simulate``, ``compare``, ``game``, ``bargain``), so the dashboard and the command
line never disagree. Every number of the scenario view carries its provenance: the cited source
lines' own text where the source files are at hand (``Catalog.sources``), else the citation, and
the assumption with its rationale.
"""

from __future__ import annotations

from collections.abc import Callable

from brink.errors import BrinkError


# ------------------------------------------------------------------ provenance
class Provenance:
    """Cited text by citation, looked up once (``provenance.resolve_citation``)."""

    def __init__(self, sources):
        self.sources = list(sources)
        self._text: dict[str, list[str] | None] = {}

    def text(self, cite: str) -> list[str] | None:
        from brink.scenario.provenance import resolve_citation

        if cite not in self._text:
            try:
                self._text[cite] = resolve_citation(cite, self.sources) if self.sources else None
            except ValueError:
                self._text[cite] = None
        return self._text[cite]

    def of(self, obj) -> dict:
        """``{evidence: [{cite, text}], assumption}`` of a sourced object."""
        return {"evidence": [{"cite": c, "text": self.text(c)} for c in getattr(obj, "evidence", [])],
                "assumption": getattr(obj, "assumption", None)}

    def number(self, p, where: str) -> dict | None:
        if p is None:
            return None
        return {"value": float(p.value), "where": where, **self.of(p)}


def scenario_view(sc, sources=()) -> dict:
    """Actors, relations, fronts, channels, the catalogue, the timeline, decision points and parameters."""
    pv = Provenance(sources)
    actors = []
    for a in sc.actors:
        actors.append({
            "id": a.id, "name": a.name, "kind": a.kind, "adversary": a.adversary, **pv.of(a),
            "precision": pv.number(a.precision, f"actors[{a.id}].precision"),
            "concerns": [{"id": c.id, "label": c.label, "measure": c.measure,
                          "weight": pv.number(c.weight, f"actors[{a.id}].concerns[{c.id}].weight")}
                         for c in a.concerns],
            "state": [{"name": f"{a.id}.{k}", "label": v.label, "range": list(v.range),
                       "initial": pv.number(v.initial, f"actors[{a.id}].state.{k}.initial")}
                      for k, v in a.state.items()],
        })
    return {
        "scenario": sc.meta.id, "title": sc.meta.title, "as_of": sc.meta.as_of.isoformat(),
        "description": sc.meta.description,
        "actors": actors,
        "relations": [{"source": r.source, "target": r.target, "kind": r.kind,
                       "strength": pv.number(r.strength, f"relations[{i}].strength"), **pv.of(r)}
                      for i, r in enumerate(sc.relations)],
        "fronts": [{"id": f.id, "label": f.label, "initial": pv.number(f.initial, f"fronts[{f.id}].initial"),
                    **pv.of(f)} for f in sc.fronts],
        "channels": [{"id": c.id, "label": c.label, "mediator": c.mediator, "parties": list(c.parties),
                      "status": c.status, **pv.of(c)} for c in sc.channels],
        "actions": [{"id": x.id, "label": x.label, "actor": x.actor, "target": x.target, "front": x.front,
                     "category": x.category, "rung": x.rung, "warning": x.warning,
                     "intensity": pv.number(x.intensity, f"actions[{x.id}].intensity"), **pv.of(x)}
                    for x in sc.actions],
        "timeline": [{"id": e.id, "date": e.date.isoformat(), "label": e.label, "actor": e.actor,
                      "target": e.target, "action": e.action, **pv.of(e)} for e in sc.timeline],
        "decision_points": [{"id": d.id, "label": d.label, "date": d.date.isoformat(), "actor": d.actor,
                             "taken": d.taken} for d in sc.decision_points],
        "parameters": [{"name": k, **pv.number(p, f"parameters.{k}"), "range": None if p.range is None
                        else list(p.range)} for k, p in sc.parameters.items()],
        "sources_at_hand": bool(pv.sources),
    }


# ------------------------------------------------------------------ decision
def decision_view(sc, at: str | None, actor: str | None, sets: dict[str, float], base=None) -> dict:
    """``brink explain``: the choice at a decision point (or as-of) with what-if values, and the
    sliders the page offers (the deciding actor's precision and concern weights, and the state
    variables its concerns read), each with its range and current value."""
    from brink.model import compile_model, deciding_actor, explain, explain_at, explain_default, state_after

    model = base if base is not None else compile_model(sc, {})
    for k, v in sets.items():  # every value by the model's one rule, named
        why = model.value_problem(k, v)
        if why is not None:
            raise BrinkError(f"set {k}={v:g}: {why}")
    model = compile_model(sc, sets) if sets else model
    if at in (None, ""):
        ex = explain_default(model, actor or None)
    elif at in ("as-of", "as_of", "now"):
        S, _ = state_after(model, None)
        ex = explain(model, S, deciding_actor(model, actor or None))
    else:
        if at not in {d.id for d in sc.decision_points}:
            known = ", ".join(d.id for d in sc.decision_points)
            raise BrinkError(f"at {at!r}: unknown decision point (known: {known + ', ' if known else ''}as-of)")
        ex = explain_at(model, at, None if not actor else deciding_actor(model, actor))
    out = ex.to_dict()
    out["sliders"] = sliders(model, ex, sets)
    out["decision_points"] = [{"id": d.id, "label": d.label, "actor": d.actor} for d in sc.decision_points]
    out["actors"] = sorted(model.actors)
    return out


def sliders(model, ex, sets: dict[str, float]) -> list[dict]:
    sc = model.scenario
    actor = ex.actor
    a = sc.actor(actor)
    rows = []
    lam_name = f"precision.{actor}" if a.precision is not None else "lambda"
    lam = a.precision.value if a.precision is not None else sc.parameters["lambda"].value if \
        "lambda" in sc.parameters else None
    if lam is not None:
        lo, hi, _, _ = model.declared_range(lam_name)
        rows.append({"name": lam_name, "label": "logit precision λ", "value": sets.get(lam_name, float(lam)),
                     "lo": max(lo, 0.1), "hi": min(hi, 4 * float(lam)), "kind": "precision"})
    for c in a.concerns:
        key = f"weight.{actor}.{c.id}"
        lo, hi, _, _ = model.declared_range(key)
        rows.append({"name": key, "label": f"weight: {c.label}", "value": sets.get(key, float(c.weight.value)),
                     "lo": lo, "hi": hi, "kind": "weight"})
    state = ex.state
    reads = [model.var_names[i] for f in model.actors[actor].measures for i in sorted(f.reads)]
    names = [n for n in dict.fromkeys(reads) if n != "world.week"] or [n for n in state if n.startswith(f"{actor}.")]
    for name in names[:10]:
        lo, hi, _, _ = model.declared_range(name)
        rows.append({"name": name, "label": name, "value": float(sets.get(name, state.get(name, lo))),
                     "lo": lo, "hi": hi, "kind": "state"})
    return rows


# ------------------------------------------------------------------ games and bargaining
def game_view(sc, at: str) -> dict:
    """``brink game --at``: SPE, Nash of the posture game, logit QRE."""
    from brink.games.analysis import analyse
    from brink.model import compile_model

    if at not in {d.id for d in sc.decision_points}:
        known = ", ".join(d.id for d in sc.decision_points)
        raise BrinkError(f"at {at!r}: unknown decision point (known: {known})")
    return analyse(compile_model(sc), at).to_dict()


def bargain_view(sc, models: tuple[str, ...], draws: int, seed: int) -> dict:
    """``brink bargain``: every model's forecast of every issue of the scenario's bargaining section."""
    from brink.bargain.forecast import MODELS, forecast
    from brink.bargain.scenario import case_from_scenario

    if not sc.bargaining:
        raise BrinkError(f"{sc.meta.id} has no bargaining issues")
    bad = [m for m in models if m not in MODELS]
    if bad:
        raise BrinkError(f"models: unknown {', '.join(bad)}; choose from {', '.join(MODELS)}")
    fc = forecast(case_from_scenario(sc, source=sc.meta.id), models=models or MODELS, draws=draws, seed=seed)
    out = fc.to_dict()
    out["table"] = _records(fc.to_frame())
    return out


# ------------------------------------------------------------------ long runs
def forecast_run(sc, qs, runs: int, seed: int, sets: dict, progress: Callable[[int], None]) -> dict:
    """``brink forecast`` of a loaded question file: each question's probability, interval and median days."""
    from brink.forecast.forecast import forecast

    res = forecast(sc, qs, runs, seed, progress=progress, set=sets or None)
    return res.to_dict()


def simulate_run(sc, runs: int, horizon: int, seed: int, sets: dict, progress: Callable[[int], None]) -> dict:
    """``brink simulate``: outcomes with intervals, episodes over time, fan charts per front, action shares."""
    from brink.sim import simulate

    res = simulate(sc, runs, horizon, seed, set=sets or None, progress=progress)
    out = res.to_dict()
    out["over_time"] = _records(res.over_time())
    out["fronts"] = _records(res.fronts)
    return out


def compare_run(sc, intervention, target: str, runs: int, horizon: int, seed: int,
                progress: Callable[[int], None]) -> dict:
    """``brink compare``: an intervention (a shipped one's name, or an ``Intervention`` composed in
    the page) against the baseline on common random numbers."""
    from brink.sim import compare
    from brink.sim.interventions import builtin_interventions, resolve_intervention

    if isinstance(intervention, str):
        shipped = builtin_interventions(target)
        if intervention not in shipped:
            raise BrinkError(f"intervention {intervention!r}: not shipped with {sc.meta.id} "
                             f"(shipped: {', '.join(shipped) or 'none'})")
        iv = resolve_intervention(intervention, target, sc)
    else:
        iv = intervention
    return compare(sc, iv, runs, horizon, seed, progress=progress).to_dict()  # both halves count


def _records(frame) -> list[dict]:
    from brink.frames import records

    return records(frame)


def finite(x):
    """JSON has no NaN or infinity: None instead (recursively) — ``brink.sim.outdir.json_safe``."""
    from brink.sim.outdir import json_safe

    return json_safe(x)
