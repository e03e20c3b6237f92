"""``brink fit`` and ``brink backtest``: calibrate the decision model and score it honestly."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console


TENDENCY_HELP = ("prior sd of the tendencies in logit units: a positive number, or 'cv' to choose it by "
                 "cross-validation inside the training episodes")


def register(app: typer.Typer) -> None:
    app.command("fit")(fit_cmd)
    app.command("backtest")(backtest_cmd)


def _load(scenario: str, episodes: str | None):
    from brink.fit.mapping import map_scenario_episodes

    model, eps, mapping = map_scenario_episodes(scenario, episodes)
    return model.scenario, model, eps, mapping


def render_mapping(mapping, n_total: int) -> None:
    console.print(f"episodes: {n_total} read, {len(mapping.contexts)} mapped to decisions of the model, "
                  f"{len(mapping.unmapped)} not mapped:")
    for u in mapping.unmapped:
        console.print(f"  {u.episode.episode_id} ({u.episode.decision_actor}, {u.episode.response_category}): "
                      f"{u.reason}", style="dim", highlight=False)
    console.print(f"decision states of the {len(mapping.contexts)} mapped: "
                  + ", ".join(f"{k} {n}" for k, n in mapping.state_sources().items()))


def fit_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    episodes: Annotated[str | None, typer.Option("--episodes", help="episodes CSV (default: the scenario's fit/episodes.csv)")] = None,
    out: Annotated[str | None, typer.Option("--out", help="where to write the fitted scenario (default: ./SCENARIO-fitted)")] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="bootstrap refits for intervals (0: Hessian only)")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="seed of the bootstrap")] = 0,
    lambda_prior_sd: Annotated[float, typer.Option("--lambda-prior-sd", help="prior sd of log lambda")] = 1.0,
    weight_prior_sd: Annotated[float, typer.Option("--weight-prior-sd", help="prior sd of the weight logits")] = 0.5,
    tendency_prior_sd: Annotated[str, typer.Option("--tendency-prior-sd", help=TENDENCY_HELP)] = "cv",
    force: Annotated[bool, typer.Option("--force", help="replace --out if it exists")] = False,
    write: Annotated[bool, typer.Option("--write/--no-write", help="write the fitted scenario (default), "
                                        "or estimate only")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Fit lambda, the concern weights and the tendencies to coded episodes (penalised ML) and write a fitted scenario."""
    from brink.fit.estimate import DecisionModelFit, tendency_prior_sd_option

    tsd = tendency_prior_sd_option(tendency_prior_sd)
    sc, model, eps, mapping = _load(scenario, episodes)
    fit = DecisionModelFit(scenario, bootstrap=bootstrap, seed=seed, lambda_prior_sd=lambda_prior_sd,
                           weight_prior_sd=weight_prior_sd, tendency_prior_sd=tsd)
    fit.model_ = model
    fit.fit(mapping.contexts)
    path = None
    if write:
        path = fit.write_scenario(out or f"{sc.meta.id}-fitted", force=force)
    if as_json:
        rec = fit.to_dict() | {"unmapped": [{"episode_id": u.episode.episode_id, "reason": u.reason}
                                            for u in mapping.unmapped], "written": str(path) if path else None}
        typer.echo(json.dumps(rec, indent=2))
        return
    render_mapping(mapping, len(eps))
    t = Table(title=f"estimates ({fit.n_train_} episodes up to as_of {sc.meta.as_of}; "
                    f"95 % interval: {fit.estimates_['interval'].iloc[0]})")
    for col in ("parameter", "episodes", "scenario", "estimate", "se", "95 % interval"):
        t.add_column(col, justify="left" if col == "parameter" else "right")
    for _, r in fit.estimates_.iterrows():
        t.add_row(r["parameter"], str(r["episodes"]), f"{r['scenario']:.3g}", f"{r['estimate']:.3g}",
                  f"{r['se']:.2g}", f"[{r['ci_low']:.3g}, {r['ci_high']:.3g}]")
    console.print(t)
    console.print(f"log-likelihood: fitted {fit.loglik_:.3f}, scenario values {fit.loglik_unfitted_:.3f} "
                  f"(penalised {fit.penalised_loglik_:.3f}); in-sample, so not a forecast score: "
                  f"see `brink backtest`.")
    how = {"cross-validation": "chosen by cross-validation"}.get(fit.tendency_prior_sd_source_,
                                                                  fit.tendency_prior_sd_source_)
    console.print(f"tendencies' prior sd (logit units): {fit.tendency_prior_sd_:g} ({how}); "
                  f"optimiser: {'converged' if fit.converged_ else 'did not converge'} ({fit.convergence_message_})")
    for w in fit.warnings_:
        console.print(f"warning: {w}", style="yellow", highlight=False)
    if path:
        console.print(f"fitted scenario written to {path} (fit recorded in each changed value's assumption "
                      f"and in fit-record.json)")


def _print_frame(title: str, frame, cols: dict, left=()) -> None:
    """A rich table of ``frame``'s columns (``cols``: header -> column or callable of the row)."""
    t = Table(title=title)
    for head in cols:
        t.add_column(head, justify="left" if head in left else "right")
    for _, r in frame.iterrows():
        t.add_row(*[(f(r) if callable(f) else str(r[f])) for f in cols.values()])
    console.print(t)


def _interval(lo, hi, spec="+.3f") -> str:
    return "—" if lo != lo or hi != hi else f"[{lo:{spec}}, {hi:{spec}}]"


def print_backtest(res, n_boot: int, seed: int) -> None:
    """The score table, the per-actor table and the model's differences with their intervals."""
    _print_frame("backtest: mean log score (higher is better) and Brier score (lower is better)", res.to_frame(),
                 {"forecaster": "forecaster", "episodes": "episodes", "log score": lambda r: f"{r['log_score']:.3f}",
                  "Brier": lambda r: f"{r['brier']:.3f}"}, left=("forecaster",))
    _print_frame("per deciding actor", res.by_actor(),
                 {"actor": "actor", "forecaster": "forecaster", "episodes": "episodes",
                  "log score": lambda r: f"{r['log_score']:.3f}", "Brier": lambda r: f"{r['brier']:.3f}"},
                 left=("actor", "forecaster"))
    d = res.differences(n_boot, seed)
    _print_frame(f"model (fitted) minus each forecaster: mean paired difference, 95 % interval from {n_boot} "
                 f"bootstrap resamples of the test episodes (seed {seed}); actors with >= 5 test episodes",
                 d, {"scope": "scope", "against": "against", "episodes": "episodes",
                     "Δ log": lambda r: f"{r['d_log']:+.3f}",
                     "95 % interval": lambda r: _interval(r["d_log_lo"], r["d_log_hi"]), "log": "log_verdict",
                     "Δ Brier": lambda r: f"{r['d_brier']:+.3f}",
                     "95 % interval ": lambda r: _interval(r["d_brier_lo"], r["d_brier_hi"]),
                     "Brier": "brier_verdict"},
                 left=("scope", "against", "log", "Brier"))


def backtest_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    episodes: Annotated[str | None, typer.Option("--episodes", help="episodes CSV (default: the scenario's fit/episodes.csv)")] = None,
    split: Annotated[str | None, typer.Option("--split", help="DATE: fit on episodes answered before it, test on the rest")] = None,
    loo: Annotated[bool, typer.Option("--loo", help="leave-one-out instead of a date split")] = False,
    questions: Annotated[str | None, typer.Option("--questions", help="question file (or the name of one the "
                                                  "scenario ships): forecast each question unfitted and fitted "
                                                  "on the episodes answered before its date")] = None,
    runs: Annotated[int, typer.Option("--runs", help="with --questions: simulated runs per forecast origin")] = 2000,
    backend: Annotated[str, typer.Option("--backend", help="with --questions: auto | numba | numpy")] = "auto",
    workers: Annotated[int, typer.Option("--workers", help="with --questions: worker processes")] = 1,
    out: Annotated[str | None, typer.Option("--out", help="folder for the reliability plot and per-episode CSV")] = None,
    epsilon: Annotated[float, typer.Option("--epsilon", help="tit-for-tat smoothing")] = 0.1,
    lambda_prior_sd: Annotated[float, typer.Option("--lambda-prior-sd")] = 1.0,
    weight_prior_sd: Annotated[float, typer.Option("--weight-prior-sd")] = 0.5,
    bootstrap: Annotated[int, typer.Option("--bootstrap", help="bootstrap resamples of the test episodes for "
                                           "the intervals of the model's differences (0: none)")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="seed of the bootstrap (and of the simulations with --questions)")] = 0,
    tendency_prior_sd: Annotated[str, typer.Option("--tendency-prior-sd", help=TENDENCY_HELP)] = "cv",
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Fit on earlier episodes, score forecasts of later ones (log and Brier) next to baselines.

    With --questions: a rolling-origin backtest of forecast questions (see brink.fit.question_backtest).
    """
    import datetime as dt
    from pathlib import Path

    from brink.errors import BrinkError
    from brink.fit.backtest import backtest
    from brink.fit.estimate import tendency_prior_sd_option

    if bootstrap < 0:
        raise BrinkError(f"--bootstrap {bootstrap}: must be >= 0")
    tsd = tendency_prior_sd_option(tendency_prior_sd)
    fit_kwargs = {"lambda_prior_sd": lambda_prior_sd, "weight_prior_sd": weight_prior_sd,
                  "tendency_prior_sd": tsd}
    if questions is not None:
        if split is not None or loo:
            raise BrinkError("--questions fits at each question's date: give no --split or --loo with it")
        return _question_backtest(scenario, questions, episodes, runs, seed, backend, workers, fit_kwargs, as_json)
    if split is None and not loo:
        split = "2024-01-01"
    try:
        split_date = dt.date.fromisoformat(split) if split else None
    except ValueError:
        raise BrinkError(f"--split {split!r}: not a date (YYYY-MM-DD)") from None
    sc, model, eps, mapping = _load(scenario, episodes)
    res = backtest(model, mapping, split=split_date, loo=loo and split is None, tft_epsilon=epsilon, **fit_kwargs)
    written = []
    if out:
        from brink.fit.plots import reliability_diagram, save_png

        d = Path(out)
        written.append(save_png(reliability_diagram(res), d / "reliability.png"))
        per = d / "per_episode.csv"
        res.per_episode().to_csv(per)
        written.append(per)
    if as_json:
        typer.echo(json.dumps(res.to_dict(bootstrap, seed) | {"written": [str(p) for p in written]}, indent=2))
        return
    render_mapping(mapping, len(eps))
    console.print(res.design)
    print_backtest(res, bootstrap, seed)
    for p in written:
        console.print(f"wrote {p}")


def _question_backtest(scenario, questions, episodes, runs, seed, backend, workers, fit_kwargs, as_json) -> None:
    from brink.console import progress_bar
    from brink.fit.question_backtest import question_backtest
    from brink.forecast.questions import load_questions

    qs = load_questions(questions, scenario)
    origins = len({q.as_of for q in qs})
    bar, task = progress_bar(2 * runs * origins, f"forecasting {origins} origins, unfitted and fitted")
    with bar:
        res = question_backtest(scenario, qs, runs=runs, seed=seed, episodes=episodes, backend=backend,
                                workers=workers, progress=lambda k: bar.advance(task, k), **fit_kwargs)
    if as_json:
        typer.echo(json.dumps(res.to_dict(), indent=2))
        return
    print_question_backtest(res)


def print_question_backtest(res) -> None:
    from brink.numfmt import number

    m = res.meta
    pct = (lambda x: "—" if x != x else number(x, ".1%"))
    _print_frame(f"question backtest — {m['scenario']}, {m['questions_file']}, {m['runs']:,} runs per origin, "
                 f"seed {m['seed']}: each question forecast unfitted and with a fit on the episodes answered "
                 "before its date", res.to_frame(),
                 {"id": "id", "posed": lambda r: str(r["as_of"]), "episodes in fit": "fit_episodes",
                  "P unfitted": lambda r: pct(r["p_unfitted"]), "P fitted": lambda r: pct(r["p_fitted"]),
                  "outcome": lambda r: {True: "yes", False: "no"}.get(r["resolved"], str(r["resolved"]))},
                 left=("id", "posed", "outcome"))
    _print_frame(f"scores on {m['scored']} resolved questions (Brier: lower is better; log: higher is better)",
                 res.totals(), {"forecaster": "forecaster", "Brier": lambda r: f"{r['brier']:.3f}",
                                "log score": lambda r: f"{r['log_score']:.3f}"}, left=("forecaster",))
    for u in res.unscored:
        console.print(f"  not scored: {u['id']}: {u['reason']}", highlight=False, markup=False)
    for note in m.get("notes", []):
        console.print(f"[dim]note: {note}[/]")
