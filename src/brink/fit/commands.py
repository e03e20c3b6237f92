"""``brink fit`` and ``brink backtest``: calibrate the decision model and score it honestly."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console


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
    force: Annotated[bool, typer.Option("--force", help="replace --out if it exists")] = False,
    no_write: Annotated[bool, typer.Option("--no-write", help="estimate only; write no scenario")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Fit lambda and the concern weights to coded episodes (penalised ML) and write a fitted scenario."""
    from brink.fit.estimate import DecisionModelFit

    sc, model, eps, mapping = _load(scenario, episodes)
    fit = DecisionModelFit(scenario, bootstrap=bootstrap, seed=seed, lambda_prior_sd=lambda_prior_sd,
                           weight_prior_sd=weight_prior_sd)
    fit.model_ = model
    fit.fit(mapping.contexts)
    path = None
    if not no_write:
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
    if path:
        console.print(f"fitted scenario written to {path} (fit recorded in each changed value's assumption "
                      f"and in fit-record.json)")


def backtest_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    episodes: Annotated[str | None, typer.Option("--episodes", help="episodes CSV (default: the scenario's fit/episodes.csv)")] = None,
    split: Annotated[str | None, typer.Option("--split", help="DATE: fit on episodes answered before it, test on the rest")] = None,
    loo: Annotated[bool, typer.Option("--loo", help="leave-one-out instead of a date split")] = False,
    out: Annotated[str | None, typer.Option("--out", help="folder for the reliability plot and per-episode CSV")] = None,
    epsilon: Annotated[float, typer.Option("--epsilon", help="tit-for-tat smoothing")] = 0.1,
    lambda_prior_sd: Annotated[float, typer.Option("--lambda-prior-sd")] = 1.0,
    weight_prior_sd: Annotated[float, typer.Option("--weight-prior-sd")] = 0.5,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Fit on earlier episodes, score forecasts of later ones (log and Brier) next to baselines."""
    import datetime as dt
    from pathlib import Path

    from brink.errors import BrinkError
    from brink.fit.backtest import backtest

    if split is None and not loo:
        split = "2024-01-01"
    try:
        split_date = dt.date.fromisoformat(split) if split else None
    except ValueError:
        raise BrinkError(f"--split {split!r}: not a date (YYYY-MM-DD)") from None
    sc, model, eps, mapping = _load(scenario, episodes)
    res = backtest(model, mapping, split=split_date, loo=loo and split is None, tft_epsilon=epsilon,
                   lambda_prior_sd=lambda_prior_sd, weight_prior_sd=weight_prior_sd)
    table = res.to_frame()
    written = []
    if out:
        from brink.fit.plots import reliability_diagram, save_png

        d = Path(out)
        written.append(save_png(reliability_diagram(res), d / "reliability.png"))
        per = d / "per_episode.csv"
        res.per_episode().to_csv(per)
        written.append(per)
    if as_json:
        typer.echo(json.dumps(res.to_dict() | {"written": [str(p) for p in written]}, indent=2))
        return
    render_mapping(mapping, len(eps))
    console.print(res.design)
    t = Table(title="backtest: mean log score (higher is better) and Brier score (lower is better)")
    for col in ("forecaster", "episodes", "log score", "Brier"):
        t.add_column(col, justify="left" if col == "forecaster" else "right")
    for _, r in table.iterrows():
        t.add_row(r["forecaster"], str(r["episodes"]), f"{r['log_score']:.3f}", f"{r['brier']:.3f}")
    console.print(t)
    for p in written:
        console.print(f"wrote {p}")
