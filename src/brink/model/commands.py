"""``brink explain`` and ``brink run``: why an actor chooses what it chooses."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console
from brink.numfmt import number


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_cmd)
    app.command("run")(run_cmd)


def _bar(p: float, width: int = 12) -> str:
    n = round(p * width)
    return "█" * n + "·" * (width - n)


def render_explanation(ex, model) -> None:
    """Print an Explanation as a table: one row per action, one column per concern."""
    sc = model.scenario
    where = f"at {ex.decision_point} ({ex.date})" if ex.decision_point else "at the as_of date"
    console.print(f"\n[bold]{ex.actor_name}[/] {where} — logit precision λ = {ex.precision:g}")
    if ex.decision_point:
        dp = sc.decision_point(ex.decision_point)
        trig = sc.event(dp.trigger)
        console.print(f"trigger: {trig.label} ({trig.date})", style="dim")
    t = Table(show_lines=False, title="P, utility and each concern's contribution (weight × expected change), ×100")
    t.add_column("action", no_wrap=True)
    t.add_column("P", justify="right")
    t.add_column("", no_wrap=True)
    t.add_column("utility", justify="right")
    for c in ex.concerns:
        t.add_column(f"{c['id']}\nw={c['weight']:.2f}", justify="right")
    if ex.adversary:
        t.add_column(f"{ex.adversary}'s likely answer", no_wrap=True)
    for a in ex.ranked():
        name = a.action + ("" if a.feasible else " (infeasible)")
        if a.action == ex.taken:
            name = f"[bold]{name}[/] [green]✓[/]"
        cells = [name, f"{a.probability:.3f}", _bar(a.probability), number(100 * a.utility, "+.2f")]
        cells += [number(100 * a.contributions[c["id"]], "+.2f") for c in ex.concerns]
        if ex.adversary:
            if a.adversary_response:
                b, pb = max(a.adversary_response.items(), key=lambda kv: kv[1])
                cells.append(f"{b} {pb:.2f}")
            else:
                cells.append("")
        t.add_row(*cells)
    console.print(t)
    ranked = ex.ranked()
    for a in ranked[:4]:
        console.print(f"  {a.action}: {a.label} [{a.category}]", style="dim", highlight=False)
    if ex.taken:
        console.print(f"  ✓ = what was actually done ({ex.taken})", style="dim")
    top = ranked[0]
    console.print(
        f"Most likely: [bold]{top.label}[/] (p = {top.probability:.2f}). Utility is the weighted sum of "
        f"expected changes in the actor's concerns, including {ex.adversary or 'no adversary'}'s anticipated "
        "logit answer; P ∝ exp(λ·utility) over feasible actions. Inputs and assumptions: "
        f"`brink show {sc.meta.id} --assumptions`."
    )


def render_replay(rows, log_score: float) -> None:
    t = Table(title="replay of the 2024 decision points: the model's probability of what was actually done")
    for col, just in (("decision point", "left"), ("date", "left"), ("actor", "left"), ("taken", "left"),
                      ("P(taken)", "right"), ("rank", "right"), ("model's top choice", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for r in rows:
        t.add_row(r.decision_point, r.date, r.actor, r.taken, f"{r.p_taken:.3f}", str(r.rank_taken),
                  f"{r.top_action} ({r.p_top:.2f})")
    console.print(t)
    n = len(rows)
    console.print(f"log score: {log_score:.3f} over {n} decisions (mean {log_score / max(n, 1):.3f} per decision)")


def explain_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    actor: Annotated[str | None, typer.Option("--actor", help="deciding actor id, e.g. IRN")] = None,
    at: Annotated[str | None, typer.Option("--at", help="decision point id, or 'as-of' for the as_of date")] = None,
    replay: Annotated[bool, typer.Option("--replay", help="walk every dated decision point")] = False,
    set_: Annotated[list[str] | None, typer.Option("--set", help="what-if NAME=VALUE (repeatable)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Explain a decision: each action's probability, utility and per-concern contribution."""
    from brink.errors import BrinkError
    from brink.model import compile_model, explain, explain_at, latest_decision_point, state_after
    from brink.model.explain import log_score, replay as run_replay
    from brink.scenario.commands import parse_assignments
    from brink.scenario.loader import load_scenario

    sc = load_scenario(scenario)
    model = compile_model(sc, parse_assignments(set_))
    if replay:
        rows = run_replay(model)
        if as_json:
            typer.echo(json.dumps({"rows": [r.__dict__ for r in rows], "log_score": log_score(rows)}, indent=2))
        else:
            render_replay(rows, log_score(rows))
        return
    if actor is not None and actor not in model.actors:
        raise BrinkError(f"--actor {actor}: not a deciding actor (deciding: {', '.join(model.actors)})")
    if at in ("as-of", "as_of", "now"):
        S, _ = state_after(model, None)
        ex = explain(model, S, actor or "IRN" if "IRN" in model.actors else next(iter(model.actors)))
    else:
        dp_id = at or latest_decision_point(model, actor)
        dp = sc.decision_point(dp_id) if dp_id in {d.id for d in sc.decision_points} else None
        if dp is None:
            known = ", ".join(d.id for d in sc.decision_points)
            raise BrinkError(f"--at {dp_id}: unknown decision point (known: {known}, or as-of)")
        ex = explain_at(model, dp_id, actor)
    if as_json:
        typer.echo(json.dumps(ex.to_dict(), indent=2))
    else:
        render_explanation(ex, model)


def run_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    runs: Annotated[int, typer.Option("--runs", help="trajectories of the closing forecast (0: skip it)")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="random seed of the forecast")] = 7,
) -> None:
    """The main job: explain Iran's choice at the latest decision point, then forecast the outcomes."""
    from brink.model import compile_model, explain_at, latest_decision_point
    from brink.scenario.loader import load_scenario

    sc = load_scenario(scenario)
    model = compile_model(sc)
    console.rule(f"[bold]{sc.meta.title}[/] — as of {sc.meta.as_of}")
    actor = "IRN" if "IRN" in model.actors else None
    dp_id = latest_decision_point(model, actor)
    render_explanation(explain_at(model, dp_id), model)
    if runs > 0 and sc.schedule is not None:
        from brink.sim.commands import forecast_summary

        console.rule(f"[bold]Forecast[/] — {runs:,} simulated futures from {sc.meta.as_of}")
        forecast_summary(sc, runs=runs, seed=seed)  # the scenario already loaded above
