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


def progress_bar(total: int, label: str):
    """A transient progress bar on stderr for ``total`` units of work: ``(bar, task)``;
    use ``with bar:`` and ``bar.advance(task, k)``. Stdout stays clean for tables and JSON."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                               TimeRemainingColumn)

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("eta"), TimeRemainingColumn(), console=make_console(stderr=True), transient=True)
    return bar, bar.add_task(label, total=total)
