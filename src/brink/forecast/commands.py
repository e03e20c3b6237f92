"""``brink forecast`` and ``brink score``: answer a question file, and score the answers.

``QUESTIONS`` is a path or the name of a question file the scenario ships in
its ``questions/`` folder. With ``--json`` both commands print the result's
``to_dict()`` instead of tables.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console, progress_bar
from brink.numfmt import number

ScenarioArg = Annotated[str, typer.Argument(help="built-in name or path")]
QuestionsArg = Annotated[str, typer.Argument(help="question file (YAML) or the name of one the scenario ships")]
RunsOpt = Annotated[int, typer.Option("--runs", help="simulated trajectories per forecast origin")]
SeedOpt = Annotated[int, typer.Option("--seed", help="random seed (results are reproducible from it)")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="worker processes (same results for any number)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the results as JSON instead of tables")]
BackendOpt = Annotated[str, typer.Option("--backend", help="auto | numba (compiled kernel) | numpy (reference); "
                                         "same results")]


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_cmd)
    app.command("score")(score_cmd)


def _pct(x: float) -> str:
    return "undefined" if x is None or math.isnan(x) else number(x, ".1%")


def _days(x: float) -> str:
    return "—" if x is None or math.isnan(x) else number(x, ".0f")


def _run_forecast(scenario, qs, runs, seed, workers, backend="auto"):
    from brink.forecast.forecast import forecast

    origins = len({q.as_of for q in qs})
    bar, task = progress_bar(runs * origins, f"forecasting ({origins} origin{'s' if origins != 1 else ''})")
    with bar:
        return forecast(None, qs, runs, seed, workers=workers, progress=lambda k: bar.advance(task, k),
                        backend=backend)


def _run_uncertain(scenario, qs, sets, runs, seed, design, params, workers, cluster, backend):
    from brink.scenario.loader import load_scenario
    from brink.uncertainty.forecast import uncertain_forecast

    sc = load_scenario(scenario)
    bar, task = progress_bar(sets, f"forecasting over {sets:,} sets of the judgements")
    with bar:
        return uncertain_forecast(scenario, sc, qs, sets, runs, seed, design=design, params=params, workers=workers,
                                  cluster=cluster, backend=backend, progress=lambda k: bar.advance(task, k))


def print_forecast(res) -> None:
    m = res.meta
    u = m.get("uncertainty")
    size = (f"{u['sets']:,} sets of {u['judgements']} judgements ({u['design']}) × {u['runs_per_set']:,} runs"
            if u else f"{m['runs']:,} runs per origin")
    t = Table(title=f"Forecast — {m['scenario']}, {size}, seed {m['seed']} "
                    f"(rounds of {m['round_days']:g} days, events dated at a round's midpoint)")
    cols = [("id", "left"), ("as of", "left"), ("days", "right"), ("P", "right"),
            ("95 % Monte Carlo" if u else "95 % interval", "right")]
    if u:
        cols.append(("95 % over judgements", "right"))
    for c, j in cols + [("median days", "right"), ("question", "left")]:
        t.add_column(c, justify=j, style="dim" if c == "question" else None)
    for r in res.rows.itertuples():
        interval = "" if math.isnan(r.probability) else f"[{_pct(r.lo95)}, {_pct(r.hi95)}]"
        cond = f" (given {r.given}, {r.runs:,} runs)" if r.given else ""
        spread = []
        if u:
            spread = ["" if math.isnan(r.lo95_judgement) else f"[{_pct(r.lo95_judgement)}, {_pct(r.hi95_judgement)}]"]
        t.add_row(r.id, str(r.as_of), str(r.window_days), _pct(r.probability), interval, *spread,
                  _days(r.median_days), r.text + cond)
    console.print(t)


def forecast_cmd(
    scenario: ScenarioArg, questions: QuestionsArg, runs: RunsOpt = 10_000, seed: SeedOpt = 0,
    workers: WorkersOpt = 1,
    out: Annotated[Path | None, typer.Option("--out", help="folder for forecast.csv and forecast.json "
                                             "(default brink-results/forecast-...-HASH)")] = None,
    backend: BackendOpt = "auto",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="replace a folder that holds another "
                                            "forecast (the same forecast is always replaced)")] = False,
    uncertainty: Annotated[int, typer.Option("--uncertainty", help="draw this many sets of the judgements "
                                             "from their spreads and forecast at each (--runs per set); 0: "
                                             "the point values only")] = 0,
    design: Annotated[str, typer.Option("--design", help="with --uncertainty: sobol (scrambled) or lhs")] = "sobol",
    params: Annotated[str, typer.Option("--params", help="with --uncertainty: the judgements to vary, all or "
                                        "comma-separated globs of --set names")] = "all",
    cluster: Annotated[str | None, typer.Option("--cluster", help="with --uncertainty: a Dask scheduler "
                                                "tcp://HOST:PORT (default $BRINK_DASK_SCHEDULER)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Each question's probability with its 95 % interval and median time to the event; writes forecast.csv/json.

    With --uncertainty K, also the interval over the judgements (their spreads: brink show --assumptions)."""
    from brink.forecast.questions import load_questions
    from brink.sim.outdir import check_target, file_digest, provenance, run_hash, safe_name, scenario_digest, \
        staged, write_json
    from brink.sim.simulate import check_settings

    from brink.errors import BrinkError

    check_settings(runs, 1, seed, workers=workers, backend=backend)
    if uncertainty < 0:
        raise BrinkError(f"--uncertainty {uncertainty}: must be 0 (off) or a number of parameter sets")
    if uncertainty > 100_000:
        raise BrinkError(f"--uncertainty {uncertainty:,}: at most 100,000 parameter sets")
    if design not in ("sobol", "lhs"):
        raise BrinkError(f"--design {design}: expected sobol or lhs")
    qs = load_questions(questions, scenario)
    extra = {} if not uncertainty else {"uncertainty": int(uncertainty), "design": design, "params": params}
    key = run_hash(kind="forecast", scenario=scenario_digest(scenario), questions=file_digest(qs.file),
                   runs=int(runs), seed=int(seed), **extra)
    name = "-".join(safe_name(x) for x in ("forecast", qs.scenario_id or "scenario", Path(qs.file).stem,
                                            f"seed{seed}", key))
    folder = check_target(out if out is not None else Path("brink-results") / name, key, overwrite)
    if uncertainty:
        res = _run_uncertain(scenario, qs, uncertainty, runs, seed, design, params, workers, cluster, backend)
    else:
        res = _run_forecast(scenario, qs, runs, seed, workers, backend)
    with staged(folder) as tmp:
        res.write(tmp)
        write_json(tmp / "meta.json", {"kind": "forecast", "scenario": res.meta.get("scenario"),
                                       "questions_file": str(qs.file), "runs": int(runs), "seed": int(seed),
                                       **extra, **provenance(scenario, key)})
    if as_json:
        typer.echo(json.dumps(res.to_dict(), indent=2))
        return
    print_forecast(res)
    console.print(f"written: {folder / 'forecast.csv'}, {folder / 'forecast.json'}")


def _f(x, spec=".3f") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else number(x, spec)


def print_scores(sr) -> None:
    d = sr.to_dict()
    if sr.n == 0:
        console.print("No resolved question to score (give resolutions with --resolutions FILE.csv).")
        _print_unscored(sr)
        return
    t = Table(title=f"Scores on {sr.n} resolved question{'s' if sr.n != 1 else ''} "
                    "(Brier: lower is better; log: higher is better)")
    for c in ("forecaster", "Brier", "log score"):
        t.add_column(c, justify="left" if c == "forecaster" else "right")
    t.add_row("model", _f(d["brier"]), _f(d["log_score"]))
    t.add_row("50 %", _f(d["baselines"]["half"]["brier"]), _f(d["baselines"]["half"]["log_score"]))
    t.add_row("base rate", _f(d["baselines"]["base_rate"]["brier"]), _f(d["baselines"]["base_rate"]["log_score"]))
    console.print(t)
    q = Table(title="Each question")
    for c in ("id", "resolved", "P", "base rate", "Brier", "log", "contribution", "question"):
        q.add_column(c, justify="left" if c in ("id", "question") else "right",
                     style="dim" if c == "question" else None)
    for r in sr.questions.itertuples():
        q.add_row(r.id, "yes" if r.resolved else "no", _pct(r.probability), _pct(r.base_rate), _f(r.brier),
                  _f(r.log_score), _f(r.contribution), r.text)
    console.print(q)
    rel = Table(title="Reliability (model forecasts in ten bins)")
    for c in ("bin", "n", "mean forecast", "observed"):
        rel.add_column(c, justify="right")
    for r in sr.reliability.itertuples():
        rel.add_row(r.bin, str(r.n), _pct(r.mean_forecast) if r.n else "—", _pct(r.observed) if r.n else "—")
    console.print(rel)
    _print_unscored(sr)
    for note in sr.meta.get("notes", []):
        console.print(f"[dim]note: {note}[/]")


def _print_unscored(sr) -> None:
    if sr.unresolved:
        console.print("[bold]Not scored:[/]")
        for u in sr.unresolved:
            console.print(f"  {u['id']}: {u['reason']} — {u['text']}", highlight=False, markup=False)


def score_cmd(
    scenario: ScenarioArg, questions: QuestionsArg,
    resolutions: Annotated[Path | None, typer.Option("--resolutions", help="CSV id,resolved,resolved_on "
                                                     "(overrides the question file's)")] = None,
    forecast_dir: Annotated[Path | None, typer.Option("--forecast", help="folder with the forecast.csv "
                                                      "`brink forecast --out` wrote (default: run the forecast)")] = None,
    runs: RunsOpt = 10_000, seed: SeedOpt = 0, workers: WorkersOpt = 1, backend: BackendOpt = "auto",
    as_json: JsonOpt = False,
) -> None:
    """Brier and log scores of the forecast on resolved questions, beside 50 % and base-rate forecasters."""
    from brink.forecast.forecast import read_forecast
    from brink.forecast.questions import load_questions
    from brink.forecast.score import score
    from brink.sim.simulate import check_settings

    check_settings(runs, 1, seed, workers=workers, backend=backend)
    qs = load_questions(questions, scenario)
    fc = read_forecast(forecast_dir, qs) if forecast_dir is not None else _run_forecast(scenario, qs, runs, seed,
                                                                                         workers, backend)
    sr = score(qs, fc, resolutions)
    if as_json:
        typer.echo(json.dumps(sr.to_dict(), indent=2))
        return
    print_scores(sr)
