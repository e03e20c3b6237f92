"""Values that would give confident nonsense are refused where they enter, with one clean line.

Part of the bad-input work (issue 15): NaN and infinity in a scenario, a zero prior sd, tit-for-tat
smoothing outside (0, 1], a negative bootstrap count, worker count or seed.
"""

from __future__ import annotations

import pytest

from tests.cli import run
from tests.scenario.test_loader import MINIMAL


@pytest.mark.parametrize("text, field", [
    (".nan", "parameters.k:"), (".inf", "parameters.k:"), ("-.inf", "parameters.k:"),
])
def test_a_parameter_that_is_not_a_finite_number_is_refused_with_its_place(tmp_path, capsys, text, field):
    bad = tmp_path / "bad.yaml"
    src = MINIMAL.replace('k: {value: 0.1, assumption: "for the test"}', f'k: {{value: {text}, assumption: "x"}}')
    assert src != MINIMAL
    bad.write_text(src)
    code, out = run(capsys, "validate", str(bad))
    assert code == 1 and field in out and "not a finite number" in out and f"{bad}:5" in out
    assert "Traceback" not in out


def test_a_range_bound_that_is_not_finite_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    src = MINIMAL.replace('k: {value: 0.1, assumption: "for the test"}',
                          'k: {value: 0.1, range: [0, .inf], assumption: "x"}')
    bad.write_text(src)
    code, out = run(capsys, "validate", str(bad))
    assert code == 1 and "parameters.k" in out and "not a finite number" in out


@pytest.mark.parametrize("argv, says", [
    (["backtest", "iran-2024", "--loo", "--lambda-prior-sd", "0"], "--lambda-prior-sd 0.0: must be a positive number"),
    (["backtest", "iran-2024", "--split", "2024-01-01", "--weight-prior-sd", "nan"], "--weight-prior-sd nan"),
    (["backtest", "iran-2024", "--split", "2024-01-01", "--epsilon", "2"], "--epsilon 2.0"),
    (["backtest", "iran-2024", "--split", "2024-01-01", "--epsilon", "0"], "must be in (0, 1]"),
    (["fit", "iran-2024", "--bootstrap", "-1", "--no-write"], "--bootstrap -1: must be a whole number >= 0"),
    (["simulate", "iran-2024", "--runs", "10", "--workers", "0", "--backend", "numpy"], "--workers 0: must be at least 1"),
    (["simulate", "iran-2024", "--runs", "10", "--seed", "-1", "--backend", "numpy"], "--seed -1"),
])
def test_nonsense_settings_stop_with_one_line_and_exit_2(tmp_path, capsys, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)          # nothing may be written, and nothing is
    code, out = run(capsys, *argv)
    assert code == 2 and says in out and "Traceback" not in out, out
    assert not any(tmp_path.iterdir())
