"""One rich Console for every command.

When output is piped (CI logs, files, tests) rich would wrap at 80 columns and
split error lines in two; a wide fixed width keeps each problem on one line and
tables readable.
"""

from __future__ import annotations

from rich.console import Console


def make_console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=160, soft_wrap=True)
    return console


console = make_console()
