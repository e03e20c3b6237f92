"""``brink bargain``: forecast a multi-issue bargain with several models side by side."""

from __future__ import annotations

from pathlib import Path

import typer


def shipped_cases() -> list[str]:
    """The actor tables shipped with brink (``brink bargain NAME`` reads them from anywhere)."""
    from brink.bargain.validation import case_path

    folder = case_path("")
    return sorted(f.name for f in folder.iterdir() if f.suffix.lower() == ".csv")


def _shipped(p: Path) -> Path | None:
    """The shipped case a missing path names: ``ec_emissions_1994.csv``, ``ec_emissions_1994`` or
    ``cases/ec_emissions_1994.csv`` (the folder brink keeps them in)."""
    from brink.bargain.validation import case_path

    if p.parent not in (Path("."), Path("cases")):
        return None
    for name in shipped_cases():
        if p.name in (name, Path(name).stem):
            return case_path(name)
    return None


def _load_case(target: str):
    from brink.errors import BrinkError, InputError, Problem

    p = Path(target)
    if not p.exists():
        found = _shipped(p)
        if found is not None:
            p = found
        elif p.suffix.lower() in (".csv", ".txt"):
            raise InputError([Problem(str(p), None, "(file)", "no such file; the shipped cases, read by name from "
                                      f"any folder, are: {', '.join(shipped_cases())}")])
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


def _case_in_state(target: str, at: str | None, state: Path | None, rnd: int | None = None):
    """The case of a scenario in the state of a date (``--at``) or of a file (``--state``), its
    settled issues left out, and a summary of that state's settlements (``link``)."""
    import datetime as dt
    from dataclasses import replace

    import numpy as np

    from brink.errors import BrinkError
    from brink.model.compiled import Model
    from brink.model.history import state_after, state_on
    from brink.scenario import load_scenario

    if Path(target).suffix.lower() in (".csv", ".txt"):
        raise BrinkError("--at/--state need a scenario: an actor table has no state")
    sc = load_scenario(target)
    model = Model(sc)
    if model.negotiation is None:
        raise BrinkError(f"scenario {sc.meta.id!r} has no `bargaining` section")
    if at is not None:
        try:
            date = dt.date.fromisoformat(at)
        except ValueError:
            raise BrinkError(f"--at {at!r}: expected a date YYYY-MM-DD") from None
        S = state_on(model, date)
        where = f"the state on {date}"
    else:
        S, _ = state_after(model, None)
        S = model.with_offers(_read_state(state, model, S, rnd))
        where = f"the state in {state}"
    link = model.negotiation
    settled = set(np.flatnonzero(link.settled(S[None, :])[0]))
    open_issues = [d for d in range(link.case0.n_issues)
                   if d not in {link.linked[k] for k in settled}]
    case = link.case(S, open_issues)
    case = replace(case, source=f"{target} in {where}")
    return case, {"where": where, "settlements": link.on_table(S),
                  "offers": {a: float(S[model.var_index[f"offer.{a}"]]) for a in link.offer_actors}}


def _state_row(path: Path, rnd: int | None) -> dict:
    """One round of a simulation's ``state_means.parquet`` (or a CSV of the same columns) as a
    mapping ``variable: value``: round ``rnd``, the last round when None."""
    import pandas as pd

    from brink.errors import BrinkError

    try:
        frame = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
    except Exception as exc:  # a corrupt or foreign file, in the reader's words
        raise BrinkError(f"--state {path}: cannot read it as a table ({str(exc).splitlines()[0]})") from None
    if "round" not in frame.columns or frame.empty:
        raise BrinkError(f"--state {path}: expected a table with a `round` column and one row per round "
                         "(a simulation's state_means.parquet)")
    rounds = [int(r) for r in frame["round"]]
    r = rounds[-1] if rnd is None else rnd
    if r not in rounds:
        raise BrinkError(f"--round {r}: {path} has rounds {rounds[0]}..{rounds[-1]}")
    row = frame.iloc[rounds.index(r)].drop(labels=["round"])
    return {str(k): float(v) for k, v in row.items()}


def _read_state(path: Path, model, S, rnd: int | None = None):
    """S with the values of a JSON/YAML mapping ``variable: value``, or of one round of a
    simulation's ``state_means.parquet`` (one located error per bad entry)."""
    import json
    import math

    from brink.errors import BrinkError

    suffix = path.suffix.lower()
    if suffix in (".parquet", ".csv"):
        data = _state_row(path, rnd)
    else:
        if suffix != ".json":
            from brink.scenario.yamlread import plain, read_yaml

            data = plain(read_yaml(path, str(path), "a state"))  # the one YAML reader of the project
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise BrinkError(f"--state {path}: cannot read it ({exc.strerror or exc})") from None
            try:
                data = json.loads(text)
            except Exception as exc:  # a syntax error, in the parser's words
                raise BrinkError(f"--state {path}: not valid JSON: {str(exc).splitlines()[0]}") from None
    if isinstance(data, dict) and isinstance(data.get("state"), dict):
        data = data["state"]  # the whole output of `brink explain --json`
    if not isinstance(data, dict):
        raise BrinkError(f"--state {path}: expected a mapping of state variables to numbers")
    S = S.copy()
    for name, value in data.items():
        if name not in model.var_index:
            raise BrinkError(f"--state {path}: {name!r} is not a state variable of {model.scenario_id}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise BrinkError(f"--state {path}: {name}: expected a finite number, got {value!r}")
        i = model.var_index[name]
        if not model.lo[i] <= value <= model.hi[i]:
            raise BrinkError(f"--state {path}: {name} = {value:g} is outside its range "
                             f"[{model.lo[i]:g}, {model.hi[i]:g}]")
        S[i] = float(value)
    return S


def _print_link(link: dict) -> None:
    from rich.table import Table

    from brink.console import console as con
    from brink.numfmt import number

    t = Table(title=f"Settlements in {link['where']} (the simulation's bargaining step; forecasts by the "
                    "scenario's negotiation model)")
    for col in ("issue", "forecast", "vetoes accept", "channel", "requires", "now"):
        t.add_column(col)
    yes = {True: "yes", False: "no"}
    for r in link["settlements"]:
        if r["settled"]:
            t.add_row(r["issue"], "", "", "", "", "[red]breaks[/]" if r["breaks"] else "[green]holds[/]")
            continue
        t.add_row(r["issue"], "" if r["forecast"] is None else number(r["forecast"], ".1f"), yes[r["acceptable"]],
                  "open" if r["channel_open"] else "closed", yes[r["requires"]],
                  "[green]would settle[/]" if r["would_settle"] else "")
    con.print(t)
    con.print("offers on the table: " + ", ".join(f"{a} {number(v, '+.3f')}" for a, v in link["offers"].items()),
              style="dim", highlight=False)


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
        at: str = typer.Option(None, "--at", help="forecast in the scenario's state on this date (YYYY-MM-DD, "
                                                 "on or before its as_of): stances moved by that state"),
        state: Path = typer.Option(None, "--state", help="forecast in a given state: a JSON or YAML mapping of "
                                                        "state variables to values (e.g. the `state` of `brink "
                                                        "explain --json`), or a simulation's "
                                                        "state_means.parquet (the mean state of --round); "
                                                        "variables not named keep their as_of values"),
        round_: int = typer.Option(None, "--round", help="with a state_means table: the round (default: the last)"),
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
        if at is not None and state is not None:
            raise BrinkError("--at and --state: give one (the state of a date, or a state from a file)")
        if round_ is not None and state is None:
            raise BrinkError("--round goes with --state (a simulation's state_means.parquet)")
        link = None
        if at is not None or state is not None:
            case, link = _case_in_state(target, at, state, round_)
        else:
            case = _load_case(target)
        fc = forecast(case, models=models, rounds=rounds, offer_rule=rule, draws=draws, seed=seed)
        if as_json:
            import json

            out = fc.to_dict()
            if link is not None:
                out["state"] = link
            typer.echo(json.dumps(out, indent=2))
        else:
            if link is not None:
                _print_link(link)
            _print(fc, models, history, top)
