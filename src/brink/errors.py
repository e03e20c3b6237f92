"""Errors a user can act on.

Every error that reaches the command line is a ``BrinkError``: the CLI prints its
message (which names the file, line and field where there is one) and exits with
status 2 instead of showing a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class BrinkError(Exception):
    """An error caused by input or usage, reported to the user without a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}"


class InputError(BrinkError):
    """One or more problems found in an input file; all are reported at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))
