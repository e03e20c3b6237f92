"""``brink sensitivity`` and ``brink sweep``: which judgements drive the forecasts, and how.

Both evaluate a question file at many parameter sets (``brink.uncertainty.evaluation``), on this
machine (``--workers``) or a Dask cluster (``--cluster tcp://HOST:PORT`` or
``$BRINK_DASK_SCHEDULER``), keeping finished chunks in the results folder so that ``--resume``
goes on after an interruption with the same numbers. Results: ``evaluations.parquet``/``.csv`` (one
row per set: values and probabilities), the indices or the grid table (Parquet and CSV), a plot per
question, ``meta.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console, make_console, progress_bar
from brink.numfmt import number

ScenarioArg = Annotated[str, typer.Argument(help="built-in name or path")]
QuestionsOpt = Annotated[str, typer.Option("--questions", help="question file (YAML) or the name of one the "
                                           "scenario ships")]
RunsOpt = Annotated[int, typer.Option("--runs", help="simulated trajectories per parameter set and origin")]
SeedOpt = Annotated[int, typer.Option("--seed", help="seed of the design and of the runs (common random numbers)")]
WorkersOpt = Annotated[int, typer.Option("--workers", help="local worker processes (same numbers for any count)")]
ClusterOpt = Annotated[str | None, typer.Option("--cluster", help="Dask scheduler address, tcp://HOST:PORT "
                                                "(default $BRINK_DASK_SCHEDULER; none: this machine)")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="results folder (default brink-results/...-HASH)")]
ResumeOpt = Annotated[bool, typer.Option("--resume", help="go on with an interrupted run in the folder")]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="replace a folder that holds another run")]
BackendOpt = Annotated[str, typer.Option("--backend", help="auto | numba | numpy (same numbers)")]
JsonOpt = Annotated[bool, typer.Option("--json", help="print the results as JSON instead of tables")]


def register(app: typer.Typer) -> None:
    app.command("sensitivity")(sensitivity_cmd)
    app.command("sweep")(sweep_cmd)


def run_sets(scenario_ref, sc, qs, names, X, runs, seed, *, workers, cluster, folder, resume, overwrite,
             backend, label):
    """``evaluate`` with a progress bar over parameter sets (and an ETA); retries said on stderr."""
    from brink.uncertainty.evaluation import evaluate

    err = make_console(stderr=True)
    bar, task = progress_bar(len(X), label)
    with bar:
        return evaluate(scenario_ref, list(names), X, qs, runs, seed, workers=workers, cluster=cluster,
                        out=None if folder is None else folder / "work", resume=resume, overwrite=overwrite,
                        backend=backend, progress=lambda k: bar.advance(task, k),
                        on_retry=lambda k, exc: err.print(f"[yellow]chunk {k} failed ({type(exc).__name__}: "
                                                          f"{exc}); retrying[/]", markup=True, highlight=False))


def _folder(out, kind, sc, qs, key_fields, resume, overwrite) -> Path:
    """The results folder: ``--out`` or ``brink-results/KIND-SCENARIO-QUESTIONS-HASH``; another run's
    folder is refused unless --overwrite (--resume checks its own work folder)."""
    from brink.sim.outdir import check_target, file_digest, run_hash, safe_name, scenario_digest

    key = run_hash(kind=kind, scenario=scenario_digest(sc), questions=file_digest(qs.file), **key_fields)
    name = "-".join(safe_name(x) for x in (kind, sc.meta.id, Path(qs.file).stem, key))
    folder = Path(out) if out is not None else Path("brink-results") / name
    if not resume:
        check_target(folder, key, overwrite)
    return folder, key


def _start(folder: Path, scenario_ref, key: str, meta: dict) -> dict:
    """meta.json at the start (``complete: false``), so an interrupted folder names its run."""
    from brink.sim.outdir import provenance

    meta = {**meta, **provenance(scenario_ref, key)}
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, {}, {**meta, "complete": False})
    return meta


def _write(folder: Path, tables: dict, meta: dict) -> None:
    """Tables (name -> DataFrame) as Parquet and CSV, and meta.json, each file written whole."""
    import os

    from brink.sim.outdir import dumps

    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        for suffix, write in ((".parquet", lambda f, p: f.to_parquet(p, index=False)),
                              (".csv", lambda f, p: f.to_csv(p, index=False))):
            target = folder / f"{name}{suffix}"
            tmp = folder / f".{name}{suffix}.{os.getpid()}.tmp"
            write(frame, tmp)
            os.replace(tmp, target)
    tmp = folder / f".meta.json.{os.getpid()}.tmp"
    tmp.write_text(dumps(meta), encoding="utf-8")
    os.replace(tmp, folder / "meta.json")


def _bars(indices, method: str, folder: Path, title: str, k: int = 15) -> list[Path]:
    """One horizontal bar chart per output: the ``k`` most influential judgements with their intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from brink.sim.outdir import safe_name

    paths = []
    (folder / "plots").mkdir(parents=True, exist_ok=True)
    for output, g in indices.groupby("output", sort=False):
        g = g.dropna(subset=["rank"]).sort_values("rank").head(k)[::-1]
        if g.empty:
            continue
        fig, ax = plt.subplots(figsize=(7, 0.32 * len(g) + 1.4))
        y = range(len(g))
        if method == "sobol":
            ax.barh([v + 0.2 for v in y], g["ST"], 0.4, xerr=g["ST_conf"], label="total (ST)", color="#3b6ea5")
            ax.barh([v - 0.2 for v in y], g["S1"], 0.4, xerr=g["S1_conf"], label="first order (S1)", color="#a5c8e4")
            ax.set_xlabel("Sobol' index (95 % bootstrap interval)")
            ax.legend(fontsize=7)
        else:
            ax.barh(list(y), g["mu_star"], xerr=g["mu_star_conf"], color="#3b6ea5")
            ax.set_xlabel("Morris μ* (change in probability per quantile step; 95 % interval)")
        ax.set_yticks(list(y), g["name"], fontsize=7)
        ax.set_title(f"{title}: {output}", fontsize=9)
        fig.tight_layout()
        path = folder / "plots" / f"{safe_name(output)}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def sensitivity_cmd(
    scenario: ScenarioArg,
    questions: QuestionsOpt,
    params: Annotated[str, typer.Option("--params", help="judgements to vary: all, or comma-separated globs "
                                        "of --set names (weight.IRN.*,lambda)")] = "all",
    method: Annotated[str, typer.Option("--method", help="sobol (first-order and total indices) or morris "
                                        "(screening: μ*, σ)")] = "morris",
    n: Annotated[int, typer.Option("--n", help="base sample size: Sobol' N (a power of 2; N(2D+2) sets) or "
                                   "Morris trajectories (N(D+1) sets)")] = 8,
    runs: RunsOpt = 500, seed: SeedOpt = 0, workers: WorkersOpt = 1, cluster: ClusterOpt = None,
    out: OutOpt = None, resume: ResumeOpt = False, overwrite: OverwriteOpt = False,
    backend: BackendOpt = "auto", top: Annotated[int, typer.Option("--top", help="judgements listed per "
                                                                   "question")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Which judgements drive each forecast: Sobol' indices or a Morris screen (SALib), per question."""
    from brink.errors import BrinkError
    from brink.forecast.questions import load_questions
    from brink.scenario.loader import load_scenario
    from brink.sim.simulate import check_settings
    from brink.uncertainty import sensitivity as sa
    from brink.uncertainty.problem import assumption_problem

    check_settings(runs, 1, seed, workers=workers, backend=backend)
    if top < 1:
        raise BrinkError(f"--top {top}: must be at least 1")
    if method not in sa.METHODS:
        raise BrinkError(f"--method {method}: expected sobol or morris")
    sc = load_scenario(scenario)
    qs = load_questions(questions, scenario)
    problem = assumption_problem(sc, params)
    sets = sa.design_size(method, n, problem.d)
    if sets > 200_000:
        raise BrinkError(f"--n {n} with {problem.d} judgements is {sets:,} parameter sets; at most 200,000 in one "
                         "run (screen with --method morris first, then --params the top ones)")
    U, X = sa.sample(problem, method, n, seed)
    folder, key = _folder(out, f"sensitivity-{method}", sc, qs,
                          {"names": list(problem.names), "n": n, "runs": runs, "seed": seed}, resume, overwrite)
    meta = _start(folder, scenario, key, {
        "kind": "sensitivity", "method": method, "scenario": sc.meta.id, "questions_file": str(qs.file),
        "n": n, "judgements": problem.d, "sets": len(X), "runs": runs, "seed": seed})
    frame = run_sets(scenario, sc, qs, problem.names, X, runs, seed, workers=workers, cluster=cluster,
                     folder=folder, resume=resume, overwrite=overwrite, backend=backend,
                     label=f"{method}: {len(X):,} sets × {runs:,} runs")
    indices = sa.analyze(problem, method, U, frame[sa.outputs(frame, problem.names)], seed)
    _write(folder, {"evaluations": frame, "indices": indices, "judgements": problem.to_frame()},
           {**meta, "complete": True})
    plots = _bars(indices, method, folder, f"{sc.meta.id} {method}")
    best = sa.top(indices, method, top)
    if as_json:
        from brink.sim.outdir import dumps

        typer.echo(dumps({**meta, "folder": str(folder), "top": best.to_dict(orient="records")}))
        return
    _print_top(best, method, qs, f"{sc.meta.id}: the {top} judgements that matter most per question "
                                 f"({method}, {len(X):,} sets × {runs:,} runs, seed {seed})")
    console.print(f"written: {folder}/indices.csv, evaluations.csv, {len(plots)} plots in {folder}/plots")


def _print_top(best, method, qs, title) -> None:
    t = Table(title=title)
    cols = (("question", "left"), ("rank", "right"), ("judgement", "left"))
    more = (("ST", "right"), ("±", "right"), ("S1", "right"), ("±", "right")) if method == "sobol" else \
        (("μ*", "right"), ("±", "right"), ("σ", "right"))
    for c, j in cols + more:
        t.add_column(c, justify=j)
    for r in best.itertuples():
        vals = ([r.ST, r.ST_conf, r.S1, r.S1_conf] if method == "sobol" else [r.mu_star, r.mu_star_conf, r.sigma])
        t.add_row(r.output, f"{int(r.rank)}", r.name, *(number(v, ".3f") for v in vals))
    console.print(t)


def sweep_cmd(
    scenario: ScenarioArg,
    grid: Annotated[list[str], typer.Option("--grid", help="NAME=LO:HI:N or NAME=V1,V2,... (repeat for "
                                            "more axes; --set names)")],
    questions: QuestionsOpt,
    runs: RunsOpt = 500, seed: SeedOpt = 0, workers: WorkersOpt = 1, cluster: ClusterOpt = None,
    out: OutOpt = None, resume: ResumeOpt = False, overwrite: OverwriteOpt = False,
    backend: BackendOpt = "auto", as_json: JsonOpt = False,
) -> None:
    """Each question's probability over a grid of values: a table and a heat map (lines for one axis)."""
    from brink.forecast.questions import load_questions
    from brink.scenario.loader import load_scenario
    from brink.sim.simulate import check_settings
    from brink.uncertainty import sensitivity as sa
    from brink.uncertainty.sweep import grid as make_grid
    from brink.uncertainty.sweep import plot

    check_settings(runs, 1, seed, workers=workers, backend=backend)
    sc = load_scenario(scenario)
    qs = load_questions(questions, scenario)
    names, X = make_grid(grid, sc)
    folder, key = _folder(out, "sweep", sc, qs, {"names": list(names), "X": X.tobytes().hex(), "runs": runs,
                                                 "seed": seed}, resume, overwrite)
    meta = _start(folder, scenario, key, {"kind": "sweep", "scenario": sc.meta.id, "questions_file": str(qs.file),
                                          "grid": list(grid), "points": len(X), "runs": runs, "seed": seed})
    frame = run_sets(scenario, sc, qs, names, X, runs, seed, workers=workers, cluster=cluster, folder=folder,
                     resume=resume, overwrite=overwrite, backend=backend,
                     label=f"sweep: {len(X):,} points × {runs:,} runs")
    outputs = [c for c in sa.outputs(frame, names) if c in set(qs.ids)]
    _write(folder, {"sweep": frame}, {**meta, "complete": True})
    png = plot(frame, names, outputs, folder / "sweep.png",
               f"{sc.meta.id}: P(question) over {' × '.join(names)} ({runs:,} runs a point, seed {seed})")
    if as_json:
        from brink.sim.outdir import dumps

        typer.echo(dumps({**meta, "folder": str(folder), "rows": json.loads(frame.to_json(orient="records"))}))
        return
    t = Table(title=f"{sc.meta.id}: P(question) over the grid ({runs:,} runs a point, seed {seed})")
    for c in list(names) + outputs:
        t.add_column(c, justify="right")
    for _, r in frame.iterrows():
        t.add_row(*[number(r[c], ".4g") for c in names], *[number(r[c], ".1%") for c in outputs])
    console.print(t)
    console.print(f"written: {folder}/sweep.csv, {png}")
