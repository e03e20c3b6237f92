"""``brink serve``: the dashboard and its JSON API on this machine (localhost unless told otherwise)."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)


def serve_cmd(
    scenarios: Annotated[list[str] | None, typer.Argument(help="built-in names or scenario folders to serve "
                                                          "(default: every built-in scenario)")] = None,
    host: Annotated[str, typer.Option("--host", help="address to bind (127.0.0.1: this machine only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8000,
    max_runs: Annotated[int, typer.Option("--max-runs", help="largest run a request may ask for")] = 20_000,
    max_jobs: Annotated[int, typer.Option("--max-jobs", help="long runs at once")] = 2,
    results: Annotated[str, typer.Option("--results", help="folder of brink sensitivity runs to show")] = "brink-results",
    sources: Annotated[list[str] | None, typer.Option("--sources", help="folders holding the cited source files "
                                                      "(default $BRINK_SOURCES, else shared/seeds and shared/data "
                                                      "beside the working folder)")] = None,
) -> None:
    """A web dashboard over a JSON API: scenario, decision, forecast, compare, game and bargain pages."""
    from brink.errors import BrinkError

    if not 1 <= port <= 65535:
        raise BrinkError(f"--port {port}: must be in 1..65535")
    if max_runs < 1 or max_jobs < 1:
        raise BrinkError("--max-runs and --max-jobs must be at least 1")
    import socket

    try:  # a port in use (or an address not of this machine) is one line, before anything loads
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise BrinkError(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})") from None
    import uvicorn

    from brink.console import console
    from brink.web.app import create_app
    from brink.web.limits import Limits

    app = create_app(scenarios or None, Limits(max_runs=max_runs, max_jobs=max_jobs), sources, results)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    console.print(f"brink serve: {', '.join(app.state.catalog.scenarios)} at http://{shown}:{port}/ "
                  f"(API: http://{shown}:{port}/docs); Ctrl-C stops it", highlight=False)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]bound to {host}: reachable from other machines[/]")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except OSError as exc:
        raise BrinkError(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})") from None
