"""The ``brink`` command line.

Each capability keeps its commands in its own ``commands`` module with a
``register(app)`` function, so this file stays a short index of them. Commands
import their heavy dependencies inside the function body to keep start-up fast.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.markup import escape

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
    "brink.uncertainty.commands",
    "brink.web.commands",
)

for _name in _COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: every way a command can end is one clear line and a status.

    * usage errors (unknown option, bad value, missing argument) and ``BrinkError``: the message,
      exit 2;
    * Ctrl-C: one line, exit 130 (results are written to a temporary folder and renamed whole,
      so an interrupt keeps the previous output or none);
    * running out of memory: one line naming what to make smaller, exit 2;
    * anything else is a bug in brink: one line naming the log file that holds the traceback
      (``brink.crash``), exit 1.
    """
    err = make_console(stderr=True)

    def interrupted() -> None:
        err.print("interrupted: stopped before the end; output is written whole or not at all, "
                  "so what was there before is as it was", highlight=False)
        sys.exit(130)

    try:
        rc = app(args=argv, standalone_mode=False)
    except BrinkError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, markup=True, emoji=False)
        sys.exit(2)
    except typer.Exit as exc:  # raised by commands that want a specific status
        if exc.exit_code == 130:
            interrupted()
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        interrupted()
    except MemoryError:
        err.print("[bold red]error:[/] out of memory: ask for less at once (fewer --runs, a shorter "
                  "--horizon or a smaller --batch-size)", highlight=False)
        sys.exit(2)
    except Exception as exc:
        # Usage errors (unknown option, bad value, missing argument) are click's
        # ClickException, which typer vendors (typer._click) and no longer installs
        # as `click`: recognise them by what they can do, not by importing click.
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        from brink.crash import crash_line, write_crash_log

        err.print(crash_line(exc, write_crash_log(exc, argv)), highlight=False, markup=False, emoji=False)
        sys.exit(1)
    # In non-standalone mode click returns the code of a typer.Exit instead of raising it;
    # typer turns Ctrl-C into Exit(130).
    if rc == 130:
        interrupted()
    if isinstance(rc, int) and rc != 0:
        sys.exit(rc)


if __name__ == "__main__":  # pragma: no cover
    main()
