"""``brink simulate`` and ``brink compare``: the Monte Carlo forecast and interventions.

``forecast_summary`` is the forecast that ends ``brink run`` (``brink.run``, and so ``make run``).
With ``--json`` both commands print the results' ``to_dict()`` instead of tables
(the Parquet folder and report are written all the same).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import json

import typer
from rich.table import Table

from brink.console import console, make_console, progress_bar
from brink.errors import BrinkError

RunsOpt = Annotated[int, typer.Option("--runs", help="number of simulated trajectories")]
HorizonOpt = Annotated[int, typer.Option("--horizon", help="rounds to simulate")]
SeedOpt = Annotated[int, typer.Option("--seed", help="random seed (results are reproducible from it)")]
WeeksOpt = Annotated[float | None, typer.Option("--round-weeks", help="weeks per round (default: the scenario's schedule)")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="results folder (default brink-results/...-HASH, "
                                             "HASH naming what determines the numbers)")]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="replace a results folder that holds another "
                                            "run (the same run is always replaced)")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="worker processes (same results for any number)")]
BatchOpt = Annotated[int, typer.Option("--batch-size", help="trajectories per batch (rounded up to 4096s; memory bound)")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="what-if NAME=VALUE (repeatable)")]
ForceOpt = Annotated[list[str] | None, typer.Option("--force", help="ACTOR:ACTION@ROUND(S), e.g. USA:USA_max_pressure@6-8")]
CloseOpt = Annotated[list[str] | None, typer.Option("--close-channel", help="channel id to close (repeatable)")]
DisableOpt = Annotated[list[str] | None, typer.Option("--disable", help="action id to remove from its actor's choices")]
BackendOpt = Annotated[str, typer.Option("--backend", help="auto | numba (compiled kernel) | numpy (reference); same results")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the results as JSON instead of tables")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="forecast origin YYYY-MM-DD: replay the timeline up to this date and simulate from there "
                    "(default: the scenario's as_of date)")]


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_cmd)
    app.command("compare")(compare_cmd)


def _run(scenario, runs, horizon, seed, iv, round_weeks, batch_size, workers, label, backend="auto", as_of=None):
    from brink.sim import simulate

    bar, task = progress_bar(runs, label)
    with bar:
        res = simulate(scenario, runs, horizon, seed, iv, round_weeks=round_weeks, batch_size=batch_size,
                       workers=workers, backend=backend, as_of=as_of, progress=lambda k: bar.advance(task, k))
    if res.meta.get("backend_note"):
        make_console(stderr=True).print(f"[yellow]note:[/] NumPy backend ({res.meta['backend_note']})")
    return res


class _Plan:
    """What a simulate/compare/run command will write, worked out and checked before it runs:
    the settings (``check_settings``), the forced rounds against the horizon, the results folder
    (its default name ends with the run's hash; ``brink.sim.outdir.check_target``)."""

    def __init__(self, kind, scenario_arg, sc, ivs, runs, horizon, seed, round_weeks, batch_size, workers,
                 backend, as_of, out, overwrite, name):
        from brink.sim.outdir import check_target, intervention_data, run_hash, safe_name, scenario_digest
        from brink.sim.simulate import check_forced_rounds, check_origin, check_settings, parse_origin

        check_settings(runs, horizon, seed, round_weeks, batch_size, workers, backend)
        for iv in ivs:
            if iv is not None:
                check_forced_rounds(iv, horizon)
        origin = parse_origin(as_of)
        check_origin(sc, origin)
        if sc.schedule is None:
            raise BrinkError(f"scenario {sc.meta.id} has no `schedule`: nothing says who decides each round")
        weeks = float(round_weeks) if round_weeks is not None else float(sc.schedule.round_weeks.value)
        self.path = scenario_arg if isinstance(scenario_arg, (str, Path)) else None
        self.hash = run_hash(kind=kind, scenario=scenario_digest(scenario_arg if self.path is not None else sc),
                             interventions=[intervention_data(iv) for iv in ivs], runs=int(runs),
                             horizon=int(horizon), seed=int(seed), round_weeks=weeks,
                             origin=str(origin or sc.meta.as_of))
        parts = [kind, sc.meta.id, *name, f"seed{seed}"] + ([f"from{origin}"] if origin else []) + [self.hash]
        default = Path("brink-results") / "-".join(safe_name(x) for x in parts)
        self.folder = check_target(out if out is not None else default, self.hash, overwrite)

    def provenance(self, **more):
        from brink.sim.outdir import provenance

        return provenance(self.path, self.hash, **more)


def print_probabilities(res, title: str | None = None) -> None:
    t = Table(title=title or f"Episodes — {res.n:,} runs from {res.meta.get('origin', '')}, {res.horizon} rounds "
              f"of {res.round_weeks:g} weeks, seed {res.seed} (95 % interval)")
    t.add_column("outcome"); t.add_column("P", justify="right"); t.add_column("95 % interval", justify="right")
    t.add_column("under way at end", justify="right"); t.add_column("starts/run", justify="right")
    t.add_column("measure", style="dim")
    for r in res.probabilities().itertuples():
        t.add_row(r.outcome, f"{r.probability:.1%}", f"[{r.lo95:.1%}, {r.hi95:.1%}]", f"{r.at_end:.1%}",
                  "" if r.mean_starts != r.mean_starts else f"{r.mean_starts:.2f}", r.measure)
    console.print(t)


def print_over_time(res, top: int = 8) -> None:
    """Event probabilities over time (``SimulationResult.by_week``): P(by week w) for each episode
    and the most likely categories of action, and the share of runs with no episode under way."""
    bw = res.by_week(top=top)
    weeks = list(bw.columns[2:])
    t = Table(title="Probability by week (episodes: started; actions: taken at least once)")
    t.add_column("event")
    for w in weeks:
        t.add_column(f"wk {w}", justify="right")
    for r in bw.itertuples(index=False):
        cells = [f"{v:.1%}" for v in r[2:]]
        if r.kind == "state":
            t.add_row(f"[dim]{r.event} (no episode under way)[/]", *[f"[dim]{c}[/]" for c in cells])
        else:
            t.add_row(r.event, *cells)
    console.print(t)


def print_differences(cmp, iv) -> None:
    d = cmp.differences()
    t = Table(title=f"{iv.id}: {iv.label}\n[dim]{iv.describe()}[/] — difference vs baseline, "
              f"{cmp.baseline.n:,} paired runs (95 % interval)")
    for c in ("outcome", "baseline", "intervention", "difference", "95 % interval"):
        t.add_column(c, justify="left" if c == "outcome" else "right")
    for r in d.itertuples():
        t.add_row(r.outcome, f"{r.baseline:.1%}", f"{r.variant:.1%}", f"{r.difference:+.1%}",
                  f"[{r.lo95:+.1%}, {r.hi95:+.1%}]")
    console.print(t)


def check_forecast_summary(sc, runs: int = 20_000, horizon: int = 26, seed: int = 7,
                           out_dir: str | Path | None = None, workers: int = 1,
                           scenario_path: str | Path | None = None) -> _Plan:
    """Everything ``forecast_summary`` would refuse, checked before any work (``brink run`` calls it
    before it explains anything): the settings, the memory the run needs and the results folder."""
    from brink.model.compiled import Model
    from brink.sim.simulate import check_memory

    plan = _Plan("simulate", scenario_path if scenario_path is not None else sc, sc, [None], runs, horizon, seed,
                 None, 4 * 4096, workers, "auto", None, Path(out_dir) if out_dir is not None else None, False,
                 ["baseline"])
    check_memory(Model(sc), runs, horizon, 4 * 4096, workers)
    return plan


def forecast_summary(scenario, runs: int = 20_000, horizon: int = 26, seed: int = 7,
                     out_dir: str | Path | None = None, workers: int = 1, scenario_path: str | Path | None = None):
    """Simulate, print the outcome table, write Parquet + report.html; return the result.

    Meant for the end of ``brink run`` (a modest run count keeps it quick).
    ``scenario`` is a loaded ``Scenario`` or a built-in name or path; ``scenario_path`` is the
    name or path a loaded one came from (its files' bytes name the results folder).
    The folder (default ``brink-results/simulate-ID-baseline-seedN-HASH``) is written whole.
    """
    from brink.scenario.loader import load_scenario

    src = scenario if isinstance(scenario, (str, Path)) else scenario_path
    sc = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    plan = check_forecast_summary(sc, runs, horizon, seed, out_dir, workers, src)
    res = _run(sc, runs, horizon, seed, None, None, 4 * 4096, workers, "simulating")
    out = _write_simulation(plan, res, sc)
    print_probabilities(res)
    print_over_time(res)
    console.print(f"results: {out}/ (runs.parquet, history.parquet, events.parquet, ...), "
                  f"report: {out / 'report.html'}")
    return res


def _write_simulation(plan, res, sc) -> Path:
    """The results folder of one simulation, written whole (tables, meta.json, report.html)."""
    from brink.report import simulation_report
    from brink.sim.outdir import staged

    with staged(plan.folder) as tmp:
        res.write(tmp, plan.provenance())
        simulation_report(res, sc, tmp / "report.html")
    return plan.folder


def simulate_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    runs: RunsOpt = 10_000, horizon: HorizonOpt = 26, seed: SeedOpt = 0, round_weeks: WeeksOpt = None,
    out: OutOpt = None, workers: WorkersOpt = 1, batch_size: BatchOpt = 4 * 4096,
    intervention: Annotated[str | None, typer.Option("--intervention", help="YAML file or shipped name")] = None,
    set_: SetOpt = None, force: ForceOpt = None, close_channel: CloseOpt = None, disable: DisableOpt = None,
    backend: BackendOpt = "auto", as_of: AsOfOpt = None, overwrite: OverwriteOpt = False, as_json: JsonOpt = False,
) -> None:
    """Monte Carlo forecast: episodes and events over time with 95 % intervals, Parquet tables and report.html."""
    from brink.scenario.loader import load_scenario
    from brink.sim import what_if

    sc = load_scenario(scenario)
    iv = what_if(scenario, intervention, set=set_, force=force, close_channel=close_channel, disable=disable)
    plan = _Plan("simulate", scenario, sc, [iv], runs, horizon, seed, round_weeks, batch_size, workers, backend,
                 as_of, out, overwrite, [iv.id])
    res = _run(sc, runs, horizon, seed, iv, round_weeks, batch_size, workers, "simulating", backend, as_of)
    folder = _write_simulation(plan, res, sc)
    if as_json:
        typer.echo(json.dumps(res.to_dict(), indent=2))
        return
    print_probabilities(res)
    print_over_time(res)
    console.print(f"results: {folder}/  report: {folder / 'report.html'}")


def compare_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    intervention: Annotated[list[str] | None, typer.Option(
        "--intervention", help="YAML file or name shipped with the scenario (repeatable)")] = None,
    all_shipped: Annotated[bool, typer.Option("--all", help="compare every intervention shipped with the scenario")] = False,
    set_: SetOpt = None, force: ForceOpt = None, close_channel: CloseOpt = None, disable: DisableOpt = None,
    runs: RunsOpt = 10_000, horizon: HorizonOpt = 26, seed: SeedOpt = 0, round_weeks: WeeksOpt = None,
    out: OutOpt = None, workers: WorkersOpt = 1, batch_size: BatchOpt = 4 * 4096, backend: BackendOpt = "auto",
    as_of: AsOfOpt = None, overwrite: OverwriteOpt = False, as_json: JsonOpt = False,
) -> None:
    """Intervention vs baseline on common random numbers: the change in each outcome's probability."""
    from brink.report import comparison_report
    from brink.scenario.loader import load_scenario
    from brink.sim import what_if
    from brink.sim.interventions import builtin_interventions
    from brink.sim.outdir import safe_name, staged, write_json
    from brink.sim.results import Comparison

    sc = load_scenario(scenario)
    specs = list(intervention or [])
    if all_shipped:
        specs += [k for k in builtin_interventions(scenario) if k not in specs]
    flags = dict(set=set_, force=force, close_channel=close_channel, disable=disable)
    ivs = [what_if(scenario, s, **flags) for s in specs]
    if not ivs and not (iv := what_if(scenario, None, **flags)).is_baseline():
        ivs = [iv]
    if not ivs:
        shipped = ", ".join(builtin_interventions(scenario)) or "none"
        raise BrinkError(f"nothing to compare: give --intervention FILE|NAME (shipped: {shipped}), --all, "
                         "--set, --force, --close-channel or --disable")
    names = [safe_name(iv.id) for iv in ivs]
    dup = next((n for n in names if names.count(n) > 1 or n == "baseline"), None)
    if dup is not None:
        raise BrinkError(f"--intervention: two interventions would share the results folder {dup!r} "
                         "(give each its own id)" if dup != "baseline" else
                         "--intervention: an intervention with the id 'baseline' would overwrite the baseline's "
                         "folder (give it another id)")
    plan = _Plan("compare", scenario, sc, ivs, runs, horizon, seed, round_weeks, batch_size, workers, backend,
                 as_of, out, overwrite, [])
    base = _run(sc, runs, horizon, seed, None, round_weeks, batch_size, workers, "baseline", backend, as_of)
    if not as_json:
        print_probabilities(base, "Baseline")
    results = []
    for iv in ivs:
        var = _run(sc, runs, horizon, seed, iv, round_weeks, batch_size, workers, iv.id, backend, as_of)
        cmp = Comparison(base, var)
        if not as_json:
            print_differences(cmp, iv)
        if var.meta.get("forced_moves_infeasible"):
            (make_console(stderr=True) if as_json else console).print(
                f"[yellow]note:[/] {var.meta['forced_moves_infeasible']:,} forced moves were infeasible "
                "and left to the decision rule")
        results.append((iv, cmp))
    import pandas as pd

    summary = []
    with staged(plan.folder) as root:
        for (iv, cmp), name in zip(results, names):
            folder = root / name
            folder.mkdir()
            cmp.variant.write(folder, plan.provenance())
            d = cmp.differences()
            d.to_parquet(folder / "differences.parquet", index=False)
            comparison_report(cmp, sc, folder / "report.html")
            d.insert(0, "intervention", iv.id)
            summary.append(d)
        (root / "baseline").mkdir()
        base.write(root / "baseline", plan.provenance())
        pd.concat(summary, ignore_index=True).to_parquet(root / "differences.parquet", index=False)
        write_json(root / "meta.json", {"kind": "compare", "scenario": sc.meta.id,
                                        "interventions": [iv.id for iv in ivs], "seed": int(seed), "runs": int(runs),
                                        "horizon": int(horizon), "round_weeks": float(base.round_weeks),
                                        "origin": base.meta.get("origin"), **plan.provenance()})
    root = plan.folder
    if as_json:
        typer.echo(json.dumps({"comparisons": [c.to_dict() for _, c in results]}, indent=2))
    else:
        console.print(f"results: {root}/ (baseline/, one folder per intervention with report.html)")
