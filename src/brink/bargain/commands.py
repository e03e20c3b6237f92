"""``brink bargain``: forecast a multi-issue bargain with several models side by side."""

from __future__ import annotations

from pathlib import Path

import typer


def _load_case(target: str):
    from brink.errors import BrinkError

    p = Path(target)
    if p.suffix.lower() in (".csv", ".txt") or (p.is_file() and p.suffix.lower() not in (".yaml", ".yml")):
        from brink.bargain.readers import read_table

        return read_table(p)
    try:
        from brink.scenario import load_scenario
    except ImportError as exc:  # pragma: no cover - the scenario package ships with brink
        raise BrinkError(f"cannot load scenarios: {exc}") from None
    from brink.bargain.scenario import case_from_scenario

    sc = load_scenario(target)
    return case_from_scenario(sc, source=target)


def _print(fc, models, show_history: bool, top: int) -> None:
    from rich.table import Table

    from brink.bargain.forecast import MODEL_NAMES
    from brink.console import console as con
    case = fc.case
    con.print(f"[bold]Bargaining forecast[/] — {case.source}: {case.n_actors} actors, {case.n_issues} issue(s)")
    t = Table(title="Forecast outcome by model (position on the issue's scale)", show_lines=False)
    t.add_column("issue")
    t.add_column("scale")
    for m in models:
        t.add_column(MODEL_NAMES[m], justify="right")
    for d, it in enumerate(fc.issues):
        lo, hi = case.scale[d]
        row = [f"{it.label}", f"{lo:g}–{hi:g}"]
        for m in models:
            v = it.forecasts.get(m)
            row.append("n/a" if v is None else f"{v:.1f}")
        t.add_row(*row)
    con.print(t)
    if "scale_text" in case.provenance:
        for it in fc.issues:
            lo, hi = case.provenance["scale_text"][it.issue]
            con.print(f"  [dim]{it.issue}: 0 = {lo}; 100 = {hi}[/]")
    if "exchange" in models and fc.exchange is None and fc.exchange_note:
        con.print(f"[yellow]Exchange model {fc.exchange_note}[/]")
    if show_history:
        for d, it in enumerate(fc.issues):
            if it.eu is None:
                continue
            idx = case.issue(d)[0]
            h = Table(title=f"{it.label}: expected-utility model, positions by round "
                            f"({it.eu.rounds} rounds, {'converged' if it.eu.converged else 'not converged'})")
            h.add_column("actor")
            for r in range(it.eu.positions.shape[0]):
                h.add_column("start" if r == 0 else f"r{r}", justify="right")
            for k, i in enumerate(idx):
                h.add_row(case.actors[i], *[f"{v:.1f}" for v in it.eu.positions[:, k]])
            h.add_row("[bold]median[/]", *[f"[bold]{v:.1f}[/]" for v in it.eu.median_path])
            con.print(h)
    if fc.settings.get("draws"):
        pt = Table(title=f"Probability that each actor's position prevails "
                         f"({fc.settings['draws']} perturbed runs of the expected-utility model, "
                         f"seed {fc.settings['seed']})")
        pt.add_column("actor")
        for it in fc.issues:
            pt.add_column(it.issue, justify="right")
        for a in case.actors:
            cells = []
            for it in fc.issues:
                v = it.prevail.get(a)
                cells.append("" if v is None else f"{100 * v:.0f}%")
            pt.add_row(a, *cells)
        con.print(pt)
        con.print("[dim]Prevails = the actor's stated position is the nearest to the forecast when positions "
                  "(sd 5% of the scale), capabilities and saliences (log-sd 0.2) are perturbed; ties split.[/]")
    if fc.exchange is not None and fc.exchange.exchanges:
        et = Table(title=f"Exchange model: largest trades ({len(fc.exchange.exchanges)} in "
                         f"{fc.exchange.rounds} rounds)")
        for col in ("round", "gives ground on", "who", "in return for", "who", "gain each"):
            et.add_column(col)
        for e in sorted(fc.exchange.exchanges, key=lambda z: -z.gain)[:top]:
            et.add_row(str(e.round), case.issues[e.d], case.actors[e.i], case.issues[e.e], case.actors[e.j],
                       f"{e.gain:.4f}")
        con.print(et)


def register(app: typer.Typer) -> None:
    @app.command("bargain")
    def bargain(
        target: str = typer.Argument(..., help="a scenario (iran-2024 or a path) or an actor table (.csv: plain "
                                              "Actor,Capability,Position,Salience or KTAB format)"),
        model: list[str] = typer.Option(None, "--model", "-m",
                                        help="model(s) to run: compromise, median, nash, eu, exchange (default all)"),
        rounds: int = typer.Option(8, help="maximum rounds of the expected-utility model"),
        offer_rule: str = typer.Option("scholz", help="expected-utility compromise choice: scholz or least-move"),
        draws: int = typer.Option(200, help="perturbed runs for the prevail probabilities (0 to skip)"),
        seed: int = typer.Option(0, help="seed of the perturbations"),
        history: bool = typer.Option(True, "--history/--no-history", help="print positions by round"),
        as_json: bool = typer.Option(False, "--json", help="print machine-readable JSON instead of tables"),
        top: int = typer.Option(10, help="exchanges to list"),
    ) -> None:
        """Forecast each bargaining issue with several models side by side."""
        from brink.bargain.forecast import MODELS, forecast
        from brink.errors import BrinkError

        models = tuple(model) if model else MODELS
        bad = [m for m in models if m not in MODELS]
        if bad:
            raise BrinkError(f"--model: unknown model(s) {', '.join(bad)}; choose from {', '.join(MODELS)}")
        rule = offer_rule.replace("-", "_")
        if rule not in ("scholz", "least_move"):
            raise BrinkError("--offer-rule: choose scholz or least-move")
        if rounds < 1:
            raise BrinkError("--rounds must be at least 1")
        if draws < 0:
            raise BrinkError("--draws must be 0 or more")
        case = _load_case(target)
        fc = forecast(case, models=models, rounds=rounds, offer_rule=rule, draws=draws, seed=seed)
        if as_json:
            import json

            typer.echo(json.dumps(fc.to_dict(), indent=2))
        else:
            _print(fc, models, history, top)
