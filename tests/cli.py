"""Run the ``brink`` command in-process, as the tests of every capability do."""

from __future__ import annotations

from brink.cli import main


def run(capsys, *argv) -> tuple[int, str]:
    """``brink ARGV...``: its exit code and what it printed (stdout then stderr)."""
    code = 0
    try:
        main(list(argv))
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out + out.err
