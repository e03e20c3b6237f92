"""Mistakes a new user makes with the commands themselves: unknown names, dates and files.

Each case is one kind of bad input: it must end in one located line (what was wrong, and what
would have been right where there is a list), exit 2, no traceback, and nothing written to the
working folder.
"""

from __future__ import annotations

import pytest

from tests.cli import run

CASES = {
    "explain-unknown-actor": (["explain", "iran-2024", "--actor", "FOO"], "actor 'FOO' does not decide"),
    "explain-non-deciding-actor": (["explain", "iran-2024", "--at", "as-of", "--actor", "UNSC"], "deciding actors: IRN"),
    "explain-decision-point-as-date": (["explain", "iran-2024", "--at", "2024-13-01"], "unknown decision point"),
    "show-unknown-scenario": (["show", "nosuch"], "not a built-in scenario (built-in: iran-2024, synthetic-standoff)"),
    "run-unknown-scenario": (["run", "nosuch"], "not a built-in scenario"),
    "bargain-at-not-a-date": (["bargain", "iran-2024", "--at", "notadate"], "expected a date YYYY-MM-DD"),
    "bargain-at-after-as-of": (["bargain", "iran-2024", "--at", "2030-01-01"], "after the scenario's as_of date"),
    "bargain-state-missing-file": (["bargain", "iran-2024", "--state", "nofile.json"], "--state nofile.json: cannot read it"),
    "compare-unknown-intervention": (["compare", "iran-2024", "--intervention", "nosuch", "--runs", "20",
                                      "--backend", "numpy"], "not an intervention shipped with iran-2024 (shipped:"),
    "simulate-unknown-intervention": (["simulate", "iran-2024", "--intervention", "nosuch", "--runs", "20",
                                       "--backend", "numpy"], "not an intervention shipped"),
    "forecast-unknown-question-file": (["forecast", "iran-2024", "nosuch", "--runs", "20"], "not a question file shipped"),
    "forecast-zero-runs": (["forecast", "iran-2024", "as_of_2024-11-15", "--runs", "0"], "--runs 0: must be at least 1"),
    "score-unknown-question-file": (["score", "iran-2024", "nosuch", "--runs", "20"], "shipped: as_of_2024-11-15"),
    "backtest-split-not-a-date": (["backtest", "iran-2024", "--split", "notadate"], "--split 'notadate': not a date"),
    "game-unknown-decision-point": (["game", "iran-2024", "--at", "nowhere"], "unknown decision point 'nowhere'"),
    "events-import-missing-file": (["events", "import", "nofile.csv", "--format", "csv"], "nofile.csv: no such file"),
    "events-unknown-format": (["events", "import", "README.md", "--format", "nosuch"],
                              "unknown event format 'nosuch': choose one of"),
    "events-dyad-one-actor": (["events", "series", "--dyad", "IRN"], "a dyad is two actor ids"),
    "simulate-as-of-after-as-of": (["simulate", "iran-2024", "--as-of", "2030-01-01", "--runs", "20",
                                    "--backend", "numpy"], "a scenario knows nothing after its as_of date"),
    "simulate-disable-unknown-action": (["simulate", "iran-2024", "--disable", "NOSUCH", "--runs", "20",
                                         "--backend", "numpy"], "disable: unknown action 'NOSUCH'"),
    "simulate-close-unknown-channel": (["simulate", "iran-2024", "--close-channel", "NOSUCH", "--runs", "20",
                                        "--backend", "numpy"], "unknown channel 'NOSUCH' (known: BERRI, OMAN"),
    "simulate-unknown-backend": (["simulate", "iran-2024", "--backend", "gpu", "--runs", "20"], "--backend gpu"),
}


@pytest.mark.parametrize("argv, says", list(CASES.values()), ids=list(CASES))
def test_a_command_mistake_is_one_located_line(tmp_path, capsys, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    if "README.md" in argv:
        (tmp_path / "README.md").write_text("not events\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out = run(capsys, *argv)
    assert code == 2 and says in out and "Traceback" not in out and "internal error" not in out, out
    assert sorted(p.name for p in tmp_path.iterdir()) == before
