"""A scenario written by ``brink fit`` is a scenario like any other: ``brink simulate`` and ``brink
forecast`` take it, its questions/ and fit/ folders come along, and its forecast differs from the
shipped scenario's only through the fitted values (the same forecast as ``--set`` of those values)."""

import filecmp
import json

import numpy as np
import pytest

from brink.fit import DecisionModelFit
from brink.fit.likelihood import model_parameters
from brink.forecast.forecast import forecast
from brink.forecast.questions import load_questions
from brink.model.compiled import compile_model
from brink.scenario import load_scenario
from brink.scenario.loader import resolve_path

from ..cli import run


def test_fit_no_write_writes_nothing_and_write_is_the_default(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, text = run(capsys, "fit", "iran-2024", "--bootstrap", "0", "--no-write", "--json")
    assert code == 0, text
    assert json.loads(text)["written"] is None and not list(tmp_path.iterdir())
    code, text = run(capsys, "fit", "iran-2024", "--bootstrap", "0", "--write", "--out", "w", "--json")
    assert code == 0, text
    assert json.loads(text)["written"] == "w" and (tmp_path / "w" / "fit-record.json").exists()


def test_the_fitted_copy_simulates_and_forecasts_through_its_fitted_values_only(tmp_path, capsys, mapping, model):
    out = tmp_path / "fitted"
    code, text = run(capsys, "fit", "iran-2024", "--bootstrap", "0", "--out", str(out), "--json")
    assert code == 0, text
    src = resolve_path("iran-2024")
    for sub in ("questions", "fit"):
        cmp = filecmp.dircmp(src / sub, out / sub)
        assert cmp.left_list and not cmp.left_only and not cmp.diff_files, sub

    fit = DecisionModelFit("iran-2024")
    fit.model_ = model
    values = {k: round(v, 4) for k, v in fit.fit(mapping.contexts).overrides_.items()}   # as the writer rounds
    # the copy compiles to the shipped scenario with the fitted values set, and to nothing else
    copy, shipped = compile_model(load_scenario(out)), compile_model(model.scenario, values)
    assert copy.params == shipped.params
    (Wc, Tc, Lc), (Ws, Ts, Ls) = model_parameters(copy), model_parameters(shipped)
    assert Lc == Ls and all(np.array_equal(Wc[a], Ws[a]) and np.array_equal(Tc[a], Ts[a]) for a in Ws)
    assert model_parameters(model)[2] != Lc           # and the fit did change something
    assert any(Tc[a].any() for a in Tc)               # tendencies are written and compiled too

    code, text = run(capsys, "simulate", str(out), "--backend", "numpy", "--runs", "40", "--horizon", "3",
                     "--out", str(tmp_path / "sim"), "--json")
    assert code == 0, text
    sim = json.loads(text)
    assert sim["runs"] == 40 and sim["scenario"] == "iran-2024" and sim["meta"]["backend"] == "numpy"

    code, text = run(capsys, "forecast", str(out), "questions_2024", "--backend", "numpy", "--runs", "48",
                     "--seed", "3", "--out", str(tmp_path / "fc"), "--json")
    assert code == 0, text
    fitted = {r["id"]: r["probability"] for r in json.loads(text)["questions"]}
    qs = load_questions("questions_2024", "iran-2024")
    with_set = forecast(None, qs, 48, 3, backend="numpy", set=values).to_frame()
    unfitted = forecast(None, qs, 48, 3, backend="numpy").to_frame()
    assert dict(zip(with_set["id"], with_set["probability"])) == pytest.approx(fitted, abs=0, nan_ok=True)
    assert dict(zip(unfitted["id"], unfitted["probability"])) != pytest.approx(fitted, nan_ok=True)
