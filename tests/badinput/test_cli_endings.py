"""How a command ends when something goes wrong: one line and a status, never a traceback.

Usage errors exit 2 with click's own message; a BrinkError exits 2; Ctrl-C exits 130 with one
line; running out of memory exits 2 naming what to make smaller; any other exception is a bug:
one line naming the log file that holds the traceback, exit 1.
"""

from __future__ import annotations

import pytest

import brink.model as model_commands
from tests.cli import run


@pytest.mark.parametrize("argv, says", [
    (["simulate", "iran-2024", "--no-such-option"], "No such option: --no-such-option"),
    (["simulate", "iran-2024", "--seed", "abc"], "Invalid value for '--seed'"),
    (["simulate", "iran-2024", "--runs", "1.5"], "Invalid value for '--runs'"),
    (["validate"], "Missing argument"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["forecast", "iran-2024", "as_of_2024-11-15", "extra"], "Got unexpected extra argument"),
], ids=["unknown-option", "seed-not-a-number", "runs-not-whole", "missing-argument", "unknown-command",
        "extra-argument"])
def test_usage_errors_are_one_line_and_exit_2(capsys, argv, says):
    code, out = run(capsys, *argv)
    assert code == 2 and says in out and "Traceback" not in out, out


def _explode(exc):
    def boom(*a, **k):
        raise exc
    return boom


def test_an_unexpected_exception_is_one_line_naming_its_log(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("BRINK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(model_commands, "compile_model", _explode(RuntimeError("kaboom")))
    code, out = run(capsys, "explain", "iran-2024")
    logs = list((tmp_path / "logs").glob("crash-*.log"))
    assert code == 1 and "Traceback" not in out and "internal error (RuntimeError: kaboom)" in out
    assert len(logs) == 1 and str(logs[0]) in out.replace("\n", "")
    text = logs[0].read_text()
    assert "Traceback (most recent call last)" in text and "RuntimeError: kaboom" in text
    assert "command: brink explain iran-2024" in text


def test_an_unwritable_log_folder_still_ends_in_one_line(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BRINK_LOG_DIR", str(blocker / "logs"))   # cannot be created: a file is in the way
    monkeypatch.setattr(model_commands, "compile_model", _explode(ValueError("bad")))
    code, out = run(capsys, "explain", "iran-2024")
    assert code == 1 and "Traceback" not in out and "internal error (ValueError: bad)" in out
    assert "brink-logs" in out.replace("\n", "")     # fell back to the temporary folder


def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    monkeypatch.setattr(model_commands, "compile_model", _explode(KeyboardInterrupt()))
    code, out = run(capsys, "explain", "iran-2024")
    assert code == 130 and "interrupted" in out and "Traceback" not in out


def test_out_of_memory_names_what_to_make_smaller(capsys, monkeypatch):
    monkeypatch.setattr(model_commands, "compile_model", _explode(MemoryError()))
    code, out = run(capsys, "explain", "iran-2024")
    assert code == 2 and "out of memory" in out and "--runs" in out and "Traceback" not in out


def test_an_error_message_is_printed_as_written(capsys):
    """Neither rich's markup nor its emoji codes may rewrite what the message says."""
    code, out = run(capsys, "game", "iran-2024", "--sweep", "legitimacy=a:b:5")
    assert code == 2 and "a:b:5" in out and "🅱" not in out
    code, out = run(capsys, "explain", "iran-2024", "--set", "lambda=-40")
    assert code == 2 and "[0.1, 500]" in out
