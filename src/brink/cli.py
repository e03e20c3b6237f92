"""The ``brink`` command line.

Each capability keeps its commands in its own ``commands`` module with a
``register(app)`` function, so this file stays a short index of them. Commands
import their heavy dependencies inside the function body to keep start-up fast.
"""

from __future__ import annotations

import importlib
import sys

import typer
from brink.console import make_console

from brink.errors import BrinkError

app = typer.Typer(
    name="brink",
    help="Model, question and check a deterrence system (built-in scenario: iran-2024).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One entry per capability; each module defines register(app: typer.Typer).
# ``brink.run`` (the main job) sits above ``model`` and ``sim`` and uses both.
_COMMAND_MODULES: tuple[str, ...] = (
    "brink.scenario.commands",
    "brink.model.commands",
    "brink.run",
    "brink.bargain.commands",
    "brink.fit.commands",
    "brink.sim.commands",
    "brink.games.commands",
    "brink.events.commands",
    "brink.forecast.commands",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app, turning BrinkError into exit 2."""
    err = make_console(stderr=True)
    try:
        rc = app(args=argv, standalone_mode=False)
    except BrinkError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(2)
    except typer.Exit as exc:  # raised by commands that want a specific status
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except Exception as exc:
        # Usage errors (unknown option, bad value, missing argument) are click's
        # ClickException, which typer vendors (typer._click) and no longer installs
        # as `click`: recognise them by what they can do, not by importing click.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    # In non-standalone mode click returns the code of a typer.Exit instead of raising it.
    if isinstance(rc, int) and rc != 0:
        sys.exit(rc)


if __name__ == "__main__":  # pragma: no cover
    main()
