"""``brink validate`` and ``brink show``: check a scenario and look inside it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from brink.errors import InputError

from brink.console import console


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("show")(show)


def validate(
    paths: Annotated[list[str], typer.Argument(help="scenario files or folders, or built-in names")],
) -> None:
    """Validate scenarios; print every problem with file, line and field."""
    from brink.scenario.loader import load_scenario, unread_files

    failed = 0
    for p in paths:
        try:
            for f in unread_files(p):
                console.print(f"note: {f} is not read (a scenario folder's files end in .yaml or .yml)",
                              highlight=False, markup=False)
        except InputError:
            pass  # no such scenario: load_scenario says so below
        try:
            sc = load_scenario(p)
        except InputError as exc:
            failed += 1
            console.print(f"[bold red]{p}: {len(exc.problems)} problem(s)[/]")
            for prob in exc.problems:
                console.print(f"  {prob}", highlight=False, markup=False)
            continue
        console.print(
            f"[green]{p}: valid[/] — {len(sc.actors)} actors, {len(sc.actions)} actions, "
            f"{len(sc.parameters)} parameters, {len(sc.timeline)} events, "
            f"{len(sc.decision_points)} decision points, {len(sc.all_outcomes())} outcomes"
        )
    if failed:
        raise typer.Exit(1)


def show(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    assumptions: Annotated[bool, typer.Option("--assumptions", help="list every assumption")] = False,
    numbers_only: Annotated[bool, typer.Option("--numbers-only", help="with --assumptions: numbers only")] = False,
    sources: Annotated[bool, typer.Option("--sources", help="list the source registry")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Summarise a scenario: actors, fronts, channels, timeline; or its assumptions/sources."""
    from brink.scenario.loader import load_scenario
    from brink.scenario.provenance import assumptions as list_assumptions

    sc = load_scenario(scenario)
    if assumptions:
        from brink.uncertainty.problem import spreads

        rows = list_assumptions(sc, numbers_only=numbers_only)
        spread = spreads(sc)  # walk path -> (--set name, resolved spread) of each judgement a run can vary
        if as_json:
            out = []
            for r in rows:
                name, dist = spread.get(r.path, (None, None))
                out.append({**r.__dict__, "name": name,
                            "spread": None if dist is None else {"kind": dist.kind, "low": dist.lo, "high": dist.hi,
                                                                 "text": dist.describe(), "source": dist.source}})
            typer.echo(json.dumps(out, indent=2, default=list))
            return
        t = Table(title=f"{sc.meta.id}: {len(rows)} assumptions ({len(spread)} judgements with a spread "
                        "that --uncertainty and brink sensitivity vary)", show_lines=False)
        t.add_column("where", style="cyan", overflow="fold")
        t.add_column("value", justify="right")
        t.add_column("spread", overflow="fold")
        t.add_column("assumption", overflow="fold")
        t.add_column("evidence", style="dim", overflow="fold")
        for r in rows:
            name, dist = spread.get(r.path, (None, None))
            t.add_row(r.path, "" if r.value is None else f"{r.value:g}",
                      "" if dist is None else f"{dist.describe()} ({dist.source})", r.assumption or "",
                      ", ".join(r.evidence))
        console.print(t)
        return
    if sources:
        if as_json:
            typer.echo(json.dumps([s.model_dump(mode="json") for s in sc.sources], indent=2))
            return
        t = Table(title="sources")
        for col in ("id", "title", "publisher", "date", "kind"):
            t.add_column(col, overflow="fold")
        for s in sc.sources:
            t.add_row(s.id, s.title, s.publisher, s.date.isoformat(), s.kind)
        console.print(t)
        return
    if as_json:
        typer.echo(sc.model_dump_json(indent=2))
        return
    console.print(f"[bold]{sc.meta.title}[/] ({sc.meta.id}, as of {sc.meta.as_of})")
    console.print(sc.meta.description.strip(), style="dim")
    t = Table(title="actors")
    for col in ("id", "name", "kind", "concerns (weight)", "actions"):
        t.add_column(col, overflow="fold")
    n_actions = {a.id: sum(1 for x in sc.actions if x.actor == a.id) for a in sc.actors}
    for a in sc.actors:
        concerns = ", ".join(f"{c.id} ({c.weight.value:g})" for c in a.concerns)
        t.add_row(a.id, a.name, a.kind, concerns, str(n_actions[a.id] or ""))
    console.print(t)
    t = Table(title="timeline")
    for col in ("date", "event", "actor", "action"):
        t.add_column(col, overflow="fold")
    for e in sorted(sc.timeline, key=lambda e: e.date):
        t.add_row(e.date.isoformat(), e.label, e.actor, e.action or "")
    console.print(t)
    console.print(
        f"fronts: {', '.join(f.id for f in sc.fronts)} · channels: {', '.join(c.id for c in sc.channels)} · "
        f"outcomes: {', '.join(o.id for o in sc.all_outcomes())} · bargaining issues: {len(sc.bargaining)}"
    )
