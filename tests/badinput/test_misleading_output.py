"""Output that misleads is a bug of its own: what-ifs said, the ✓ only on the deciding actor's own
choice, and commands suggested in a footer that work as printed."""

from __future__ import annotations

import shutil
import subprocess
import sys

from brink.scenario.folder import resolve_path
from tests.cli import run


def test_explain_says_which_what_if_it_applied(capsys):
    code, out = run(capsys, "explain", "iran-2024", "--set", "lambda=20")
    assert code == 0 and "what-if applied: lambda=20" in out
    code, out = run(capsys, "explain", "iran-2024")
    assert code == 0 and "what-if applied" not in out


def test_the_check_mark_is_the_deciding_actors_own_choice(capsys):
    code, out = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh")
    assert code == 0 and "✓ = what was actually done (IRN_" in out
    code, out = run(capsys, "explain", "iran-2024", "--at", "after_haniyeh", "--actor", "ISR")
    assert code == 0 and "✓" not in out and "IRN_rhetoric" not in out


def test_the_footer_command_works_for_a_scenario_given_by_path(capsys, tmp_path):
    folder = tmp_path / "my copy"
    shutil.copytree(resolve_path("synthetic-standoff"), folder)
    code, out = run(capsys, "explain", str(folder))
    assert code == 0
    suggested = out.split("`brink show ")[1].split(" --assumptions`")[0]
    assert suggested == f"'{folder}'"       # quoted: the path has a space
    shown = subprocess.run([sys.executable, "-m", "brink.cli", "show", str(folder), "--assumptions"],
                           capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
