"""``brink run``: the main job — explain the main decision, then forecast the outcomes.

It sits above both ``brink.model`` (the explanation) and ``brink.sim`` (the
forecast), so that neither of those packages imports the other's commands.
"""

from __future__ import annotations

from typing import Annotated

import typer

from brink.console import console


def register(app: typer.Typer) -> None:
    app.command("run")(run_cmd)


def run_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in name or path")] = "iran-2024",
    runs: Annotated[int, typer.Option("--runs", help="trajectories of the closing forecast (0: skip it)")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="random seed of the forecast")] = 7,
) -> None:
    """The main job: explain the scenario's main decision (its latest decision point), then forecast the outcomes."""
    from brink.model import compile_model, explain_default
    from brink.model.commands import render_explanation
    from brink.scenario.loader import load_scenario

    if runs < 0:
        from brink.errors import BrinkError

        raise BrinkError(f"--runs {runs}: must be a whole number >= 0 (0 skips the forecast)")
    sc = load_scenario(scenario)
    if runs > 0 and sc.schedule is not None:  # refuse what the forecast would refuse before explaining anything
        from brink.sim.commands import check_forecast_summary

        check_forecast_summary(sc, runs=runs, seed=seed, scenario_path=scenario)
    model = compile_model(sc)
    console.rule(f"[bold]{sc.meta.title}[/] — as of {sc.meta.as_of}")
    render_explanation(explain_default(model), model)
    if runs > 0 and sc.schedule is not None:
        from brink.sim.commands import forecast_summary

        console.rule(f"[bold]Forecast[/] — {runs:,} simulated futures from {sc.meta.as_of}")
        forecast_summary(sc, runs=runs, seed=seed, scenario_path=scenario)  # the scenario already loaded above
