"""``brink explain``: why an actor chooses what it chooses (``brink run`` is in ``brink.run``)."""

from __future__ import annotations

import json
import shlex
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console
from brink.numfmt import number


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_cmd)


def _bar(p: float, width: int = 12) -> str:
    n = round(p * width)
    return "█" * n + "·" * (width - n)


def render_explanation(ex, model, source: str | None = None) -> None:
    """Print an Explanation as a table: one row per action, one column per concern.

    ``source`` is the scenario as the user named it (a built-in name or a path), so the footer's
    ``brink show`` command works as printed."""
    sc = model.scenario
    where = f"at {ex.decision_point} ({ex.date})" if ex.decision_point else "at the as_of date"
    console.print(f"\n[bold]{ex.actor_name}[/] {where} — logit precision λ = {ex.precision:g}")
    if ex.decision_point:
        dp = sc.decision_point(ex.decision_point)
        trig = sc.event(dp.trigger)
        console.print(f"trigger: {trig.label} ({trig.date})", style="dim")
    t = Table(show_lines=False, title="P, utility = the concerns' contributions (weight × expected change) "
                                      "+ the tendency towards the action's category, ×100")
    t.add_column("action", no_wrap=True)
    t.add_column("P", justify="right")
    t.add_column("", no_wrap=True)
    t.add_column("utility", justify="right")
    for c in ex.concerns:
        t.add_column(f"{c['id']}\nw={c['weight']:.2f}", justify="right")
    t.add_column("tendency", justify="right")
    if ex.adversary:
        t.add_column(f"{ex.adversary}'s likely answer", no_wrap=True)
    for a in ex.ranked():
        name = a.action + ("" if a.feasible else " (infeasible)")
        if a.action == ex.taken:
            name = f"[bold]{name}[/] [green]✓[/]"
        cells = [name, f"{a.probability:.3f}", _bar(a.probability), number(100 * a.utility, "+.2f")]
        cells += [number(100 * a.contributions[c["id"]], "+.2f") for c in ex.concerns]
        cells.append(number(100 * a.tendency, "+.2f"))
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
    if ex.settlements:
        render_settlements(ex)
    top = ranked[0]
    console.print(
        f"Most likely: [bold]{top.label}[/] (p = {top.probability:.2f}). Utility is the weighted sum of "
        f"expected changes in the actor's concerns plus its tendency towards the action's category "
        f"(habit: 0 unless the scenario or a fit gives one), the changes including {ex.adversary or 'no adversary'}'s anticipated "
        "logit answer; P ∝ exp(λ·utility) over feasible actions. Inputs and assumptions: "
        f"`brink show {shlex.quote(source or sc.meta.id)} --assumptions`."
    )


def render_settlements(ex) -> None:
    """The settlements on the table for the actor: the bargaining forecast, what it is worth, and
    whether it could be reached now (what its talks actions weigh through ``offer.ACTOR``)."""
    t = Table(title=f"settlements on the table for {ex.actor} (bargaining model's forecast, 0-100 scale; "
                    "value = salience × (distance of the status quo − distance of the forecast) / 100)")
    for col, just in (("issue", "left"), ("forecast", "right"), ("own position", "right"),
                      ("value to it", "right"), ("vetoes accept", "left"), ("channel", "left"),
                      ("requires", "left"), ("now", "left")):
        t.add_column(col, justify=just)
    yes = {True: "yes", False: "no"}
    for r in ex.settlements:
        if r["settled"]:
            t.add_row(r["issue"], "", number(r["position"], ".1f"), "", "", "", "", "[green]holds[/]")
            continue
        t.add_row(r["issue"], "" if r["forecast"] is None else number(r["forecast"], ".1f"),
                  number(r["position"], ".1f"), number(r["value"], "+.3f"), yes[r["acceptable"]],
                  "open" if r["channel_open"] else "closed", yes[r["requires"]],
                  "[green]would settle[/]" if r["would_settle"] else "")
    console.print(t)
    total = sum(r["value"] for r in ex.settlements if not r["settled"])
    console.print(f"  offer.{ex.actor} = {number(total, '+.3f')}: the sum over open issues, which its concerns "
                  "read (the talks concern scales with it)", style="dim", highlight=False)


def render_what_if(what_if: dict[str, float]) -> None:
    """One line naming the what-if values a result was computed under (nothing for the baseline)."""
    if what_if:
        console.print("what-if applied: " + ", ".join(f"{k}={v:g}" for k, v in what_if.items()),
                      style="yellow", highlight=False)


def render_replay(rep) -> None:
    """Print a ``Replay``: the model's probability of each choice actually made."""
    t = Table(title="replay of the dated decision points: the model's probability of what was actually done")
    for col, just in (("decision point", "left"), ("date", "left"), ("actor", "left"), ("taken", "left"),
                      ("P(taken)", "right"), ("rank", "right"), ("model's top choice", "left")):
        t.add_column(col, justify=just, overflow="fold")
    for r in rep:
        t.add_row(r.decision_point, r.date, r.actor, r.taken, f"{r.p_taken:.3f}", str(r.rank_taken),
                  f"{r.top_action} ({r.p_top:.2f})")
    console.print(t)
    n = len(rep)
    console.print(f"log score: {rep.log_score:.3f} over {n} decisions (mean {rep.log_score / max(n, 1):.3f} per decision)")


def explain_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    actor: Annotated[str | None, typer.Option(
        "--actor", help="deciding actor id (default: the actor of the scenario's latest decision point)")] = None,
    at: Annotated[str | None, typer.Option("--at", help="decision point id, or 'as-of' for the as_of date")] = None,
    replay: Annotated[bool, typer.Option("--replay", help="walk every dated decision point")] = False,
    set_: Annotated[list[str] | None, typer.Option("--set", help="what-if NAME=VALUE (repeatable)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Explain a decision: each action's probability, utility and per-concern contribution."""
    from brink.errors import BrinkError
    from brink.model import (compile_model, deciding_actor, explain, explain_at, explain_default,
                             replay as run_replay, state_after)
    from brink.model.intervention import parse_set
    from brink.scenario.loader import load_scenario

    sc = load_scenario(scenario)
    model = compile_model(sc, parse_set(set_))
    if replay:
        rep = run_replay(model)
        if as_json:
            typer.echo(json.dumps(rep.to_dict(), indent=2))
        else:
            render_what_if(rep.what_if)
            render_replay(rep)
        return
    if at is None:
        ex = explain_default(model, actor)
    elif at in ("as-of", "as_of", "now"):
        S, _ = state_after(model, None)
        ex = explain(model, S, deciding_actor(model, actor))
    else:
        if at not in {d.id for d in sc.decision_points}:
            known = ", ".join(d.id for d in sc.decision_points)
            raise BrinkError(f"--at {at}: unknown decision point (known: {known + ', ' if known else ''}or as-of)")
        ex = explain_at(model, at, None if actor is None else deciding_actor(model, actor))
    if as_json:
        typer.echo(json.dumps(ex.to_dict(), indent=2))
    else:
        render_what_if(ex.what_if)
        render_explanation(ex, model, scenario)
