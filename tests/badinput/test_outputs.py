"""Results folders and run sizes (issue 15): bad settings are refused before anything runs, a
results folder is never overwritten by another run unless ``--overwrite``, and an interrupted
write leaves the previous folder byte for byte, or none — never a mix.

Every refused case: exit 2, one located line, no traceback, and nothing written or changed
(the test runs in an empty folder and checks it stays so; files that existed keep their bytes).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brink.errors import BrinkError
from tests.cli import run
from tests.forecast.conftest import FakeSimulation
from tests.scenario.test_loader import MINIMAL

SIM = ("simulate", "iran-2024", "--runs", "20", "--horizon", "3", "--backend", "numpy")
CMP = ("compare", "iran-2024", "--runs", "20", "--horizon", "3", "--backend", "numpy")
FC = ("forecast", "synthetic-standoff", "standoff", "--runs", "50")

# A small scenario with a schedule but no fronts (MINIMAL has neither).
NO_FRONTS = MINIMAL.replace(
    "outcomes:\n",
    "  - id: A_wait\n    label: wait\n    actor: A\n    category: none\n"
    '    intensity: {value: 0, assumption: "test"}\n    rung: 0\n    effects: {}\n'
    '    evidence: ["doc.txt:L3"]\noutcomes:\n',
) + 'schedule: {order: [A], round_weeks: {value: 2, assumption: "test"}}\n'


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """Temporary siblings a write of ``folder`` could leave (``.NAME.partial-*``, ``.NAME.old-*``)."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def only_folder(root: Path, pattern: str) -> Path:
    found = sorted(root.glob(pattern))
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def fake(monkeypatch):
    from brink.forecast import forecast as forecast_module

    sim = FakeSimulation()
    monkeypatch.setattr(forecast_module, "_simulate_from", sim)
    return sim


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One finished simulate folder (seed 1), copied by the tests that need a previous run."""
    import os

    root = tmp_path_factory.mktemp("made")
    here = os.getcwd()
    os.chdir(root)
    try:
        from brink.cli import main

        main([*SIM, "--seed", "1", "--out", str(root / "sim")])
    finally:
        os.chdir(here)
    assert (root / "sim" / "report.html").is_file()
    return root / "sim"


def previous(made: Path, where: Path) -> Path:
    shutil.copytree(made, where)
    return where


# ------------------------------------------------------------------ refused settings
REFUSED = [
    ("horizon-zero", [*SIM, "--horizon", "0"], "--horizon 0: must be at least 1"),
    ("horizon-negative", [*SIM, "--horizon", "-3"], "--horizon -3: must be at least 1"),
    ("horizon-beyond-16-bit", [*SIM, "--horizon", "100000"], "--horizon 100000: at most 32,767 rounds"),
    ("runs-zero", [*SIM, "--runs", "0"], "--runs 0: must be at least 1"),
    ("runs-negative", [*SIM, "--runs", "-5"], "--runs -5: must be at least 1"),
    ("round-weeks-zero", [*SIM, "--round-weeks", "0"], "--round-weeks 0: a round lasts more than 0"),
    ("round-weeks-negative", [*SIM, "--round-weeks", "-2"], "--round-weeks -2: a round lasts more than 0"),
    ("round-weeks-nan", [*SIM, "--round-weeks", "nan"], "--round-weeks nan: a round lasts more than 0"),
    ("round-weeks-inf", [*SIM, "--round-weeks", "inf"], "--round-weeks inf: a round lasts more than 0"),
    ("round-weeks-overflowing", [*SIM, "--round-weeks", "1e400"], "--round-weeks inf"),
    ("round-weeks-over-a-year", [*SIM, "--round-weeks", "53"], "at most 52 weeks"),
    ("force-beyond-horizon", [*SIM, "--force", "HEZ:HEZ_ceasefire@500"],
     "--force HEZ:HEZ_ceasefire: round 500 is beyond the horizon of 3 rounds (--horizon 3)"),
    ("force-partly-beyond-horizon", [*SIM, "--force", "HEZ:HEZ_ceasefire@2-5"],
     "round 4 is beyond the horizon of 3 rounds"),
    ("shipped-intervention-forcing-beyond-horizon", [*SIM, "--intervention", "us-max-pressure"],
     "us-max-pressure.yaml: force USA:USA_max_pressure: round 6 is beyond the horizon of 3 rounds"),
    ("batch-size-zero", [*SIM, "--batch-size", "0"], "--batch-size 0: must be at least 1"),
    ("batch-size-negative", [*SIM, "--batch-size", "-4096"], "--batch-size -4096: must be at least 1"),
    ("as-of-not-a-date", [*SIM, "--as-of", "notadate"], "--as-of 'notadate': expected a date YYYY-MM-DD"),
    ("as-of-impossible-day", [*SIM, "--as-of", "2024-02-30"], "--as-of '2024-02-30': expected a date"),
    ("backend-unknown", [*SIM, "--backend", "foo"], "--backend foo: expected auto, numba or numpy"),
    ("as-of-before-the-scenario", [*SIM, "--as-of", "1900-01-01"],
     "--as-of 1900-01-01: before the scenario's first timeline event 2024-04-01"),
    ("runs-times-horizon-too-large", [*SIM, "--runs", "1000000", "--horizon", "30000"],
     "1,000,000 runs × 30,000 rounds would need about"),
    ("runs-too-many-at-once", [*SIM, "--runs", "100000000", "--horizon", "2", "--batch-size", "100000000"],
     "give a smaller --batch-size or fewer --workers"),
    ("out-is-current-folder", [*SIM, "--out", "."], "--out '.': give the path of a results folder"),
    ("out-is-empty-text", [*SIM, "--out", ""], "give the path of a results folder"),
    ("out-is-parent-folder", [*SIM, "--out", ".."], "give the path of a results folder"),
    ("out-unwritable", [*SIM, "--out", "/proc/x"], "--out /proc/x: cannot write there"),
    ("out-name-too-long", [*SIM, "--out", "r" * 250], "longer than this file system allows"),
    ("compare-force-beyond-horizon", [*CMP, "--force", "HEZ:HEZ_ceasefire@9"],
     "round 9 is beyond the horizon of 3 rounds"),
    ("compare-same-intervention-twice", [*CMP, "--intervention", "legitimacy-low", "--intervention",
                                         "legitimacy-low"], "two interventions would share the results folder"),
    ("compare-all-with-a-horizon-shorter-than-a-shipped-force", [*CMP, "--all"],
     "us-max-pressure.yaml: force USA:USA_max_pressure: round 6 is beyond the horizon of 3 rounds"),
    ("compare-round-weeks-nan", [*CMP, "--set", "IRN.legitimacy=0.3", "--round-weeks", "nan"],
     "--round-weeks nan"),
    ("forecast-runs-zero", [*FC, "--runs", "0"], "--runs 0: must be at least 1"),
    ("forecast-workers-zero", [*FC, "--workers", "0"], "--workers 0: must be at least 1"),
    ("forecast-seed-negative", [*FC, "--seed", "-2"], "--seed -2: must be a whole number >= 0"),
    ("forecast-backend-unknown", [*FC, "--backend", "gpu"], "--backend gpu: expected auto, numba or numpy"),
    ("score-runs-negative", ["score", "synthetic-standoff", "standoff", "--runs", "-1"], "--runs -1"),
    ("run-runs-negative", ["run", "iran-2024", "--runs", "-5"], "--runs -5: must be a whole number >= 0"),
    ("run-seed-negative", ["run", "iran-2024", "--runs", "20", "--seed", "-1"], "--seed -1"),
    ("run-runs-too-many-for-memory", ["run", "iran-2024", "--runs", "100000000"], "runs × 26 rounds would need"),
]


@pytest.mark.parametrize("argv, says", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_bad_settings_are_refused_before_anything_is_written(tmp_path, capsys, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, *argv)
    assert code == 2 and says in out and "Traceback" not in out, out
    assert len([line for line in out.splitlines() if line.startswith("error:")]) == 1, out
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("value, says", [
    ("lots", "$BRINK_MEMORY_LIMIT='lots': expected a positive size"),
    ("-5G", "expected a positive size"),
    ("10M", "more than the limit of 10.0 MiB ($BRINK_MEMORY_LIMIT)"),
], ids=["memory-limit-not-a-size", "memory-limit-negative", "memory-limit-too-small-for-the-run"])
def test_the_memory_limit_is_configurable_and_checked(tmp_path, capsys, monkeypatch, value, says):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRINK_MEMORY_LIMIT", value)
    code, out = run(capsys, *SIM)
    assert code == 2 and says in out and "Traceback" not in out, out
    assert not any(tmp_path.iterdir())


def test_a_scenario_without_schedule_is_refused_before_anything_is_written(tmp_path, capsys, monkeypatch):
    (tmp_path / "s.yaml").write_text(MINIMAL)
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "simulate", "s.yaml", "--runs", "20", "--backend", "numpy")
    assert code == 2 and "scenario mini has no `schedule`" in out and "Traceback" not in out, out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


# ------------------------------------------------------------------ refused targets
def _target_cases(tmp_path: Path, made: Path):
    """(id, argv, says, paths whose bytes must not change)."""
    f = tmp_path / "results.txt"
    f.write_text("my notes\n")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me\n")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "meta.json").write_text("{not json")
    (corrupt / "runs.parquet").write_bytes(b"PAR1")
    other = previous(made, tmp_path / "other")       # seed 1; the runs below use seed 0
    fc_other = tmp_path / "fc_other"
    fc_other.mkdir()
    (fc_other / "meta.json").write_text(json.dumps({"kind": "forecast", "content_hash": "0123456789"}))
    (fc_other / "forecast.csv").write_text("id,probability\nS01,0.5\n")
    return [
        ("out-is-a-file", [*SIM, "--out", str(f)], "is a file, not a folder", [f]),
        ("out-under-a-file", [*SIM, "--out", str(f / "sub")], "results.txt is a file, so no folder", [f]),
        ("out-is-a-folder-of-other-files", [*SIM, "--out", str(mine)], "is not a brink results folder", [mine]),
        ("out-other-files-even-with-overwrite", [*SIM, "--out", str(mine), "--overwrite"],
         "is not a brink results folder", [mine]),
        ("out-with-corrupt-meta", [*SIM, "--out", str(corrupt)], "no meta.json", [corrupt]),
        ("out-holds-another-run", [*SIM, "--out", str(other)], "holds the results of another run", [other]),
        ("out-holds-another-run-different-set", [*SIM, "--set", "IRN.legitimacy=0.3", "--seed", "1",
                                                 "--out", str(other)], "give --overwrite to replace it", [other]),
        ("compare-out-is-a-file", [*CMP, "--set", "IRN.legitimacy=0.3", "--out", str(f)], "is a file", [f]),
        ("compare-out-holds-a-simulation", [*CMP, "--set", "IRN.legitimacy=0.3", "--out", str(other)],
         "holds the results of another run", [other]),
        ("forecast-out-is-a-file", [*FC, "--out", str(f)], "is a file, not a folder", [f]),
        ("forecast-out-holds-another-forecast", [*FC, "--out", str(fc_other)], "holds the results of another run",
         [fc_other]),
        ("forecast-out-is-a-folder-of-other-files", [*FC, "--out", str(mine)], "not a brink results folder", [mine]),
    ]


TARGET_IDS = ["out-is-a-file", "out-under-a-file", "out-is-a-folder-of-other-files",
              "out-other-files-even-with-overwrite", "out-with-corrupt-meta", "out-holds-another-run",
              "out-holds-another-run-different-set", "compare-out-is-a-file", "compare-out-holds-a-simulation",
              "forecast-out-is-a-file", "forecast-out-holds-another-forecast",
              "forecast-out-is-a-folder-of-other-files"]


@pytest.mark.parametrize("case", TARGET_IDS)
def test_a_results_folder_that_must_not_be_written_is_refused_before_the_run(tmp_path, capsys, monkeypatch, made,
                                                                             fake, case):
    work = tmp_path / "work"
    work.mkdir()
    cases = {c[0]: c[1:] for c in _target_cases(tmp_path, made)}
    argv, says, kept = cases[case]
    before = {p: (p.read_bytes() if p.is_file() else snapshot(p)) for p in kept}
    monkeypatch.chdir(work)
    code, out = run(capsys, *argv)
    assert code == 2 and says in out and "Traceback" not in out, out
    assert {p: (p.read_bytes() if p.is_file() else snapshot(p)) for p in kept} == before
    assert not any(work.iterdir()) and not fake.calls   # nothing simulated, nothing written
    assert not [p.name for p in tmp_path.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def test_an_intervention_with_the_id_baseline_cannot_take_the_baselines_folder(tmp_path, capsys, monkeypatch):
    (tmp_path / "iv.yaml").write_text(
        'intervention:\n  id: baseline\n  assumption: "for the test"\n  set: {IRN.legitimacy: 0.3}\n')
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, *CMP, "--intervention", "iv.yaml")
    assert code == 2 and "an intervention with the id 'baseline' would overwrite the baseline" in out, out
    assert "Traceback" not in out and sorted(p.name for p in tmp_path.iterdir()) == ["iv.yaml"]


def test_out_naming_the_current_folder_from_below_is_refused(tmp_path, capsys, monkeypatch):
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)
    code, out = run(capsys, *SIM, "--out", str(tmp_path / "a"))
    assert code == 2 and "is the current folder or one above it" in out and "Traceback" not in out, out
    assert not any(below.iterdir())


# ------------------------------------------------------------------ folders that are written
def test_the_same_run_replaces_its_own_folder_whole(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, *SIM)[0] == 0
    folder = only_folder(tmp_path, "brink-results/simulate-iran-2024-baseline-seed0-*")
    (folder / "stray.txt").write_text("left by hand")
    first = json.loads((folder / "meta.json").read_text())
    code, out = run(capsys, *SIM)
    assert code == 0, out
    assert only_folder(tmp_path, "brink-results/*") == folder          # same name, replaced whole
    assert not (folder / "stray.txt").exists() and (folder / "report.html").is_file()
    assert json.loads((folder / "meta.json").read_text())["content_hash"] == first["content_hash"]
    assert leftovers(folder) == []


@pytest.mark.parametrize("out", ["empty", "résultats ✓"], ids=["out-existing-empty-folder", "out-unicode-name"])
def test_an_empty_or_unicode_folder_is_written(tmp_path, capsys, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    if out == "empty":
        (tmp_path / out).mkdir()
    code, text = run(capsys, *SIM, "--out", out)
    assert code == 0, text
    assert json.loads((tmp_path / out / "meta.json").read_text())["runs"] == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == [out]


def test_an_intervention_file_name_with_odd_characters_makes_a_plain_folder_name(tmp_path, capsys, monkeypatch):
    (tmp_path / "my what-if (v2).yaml").write_text(
        'intervention:\n  assumption: "for the test"\n  set: {IRN.legitimacy: 0.3}\n')
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, *SIM, "--intervention", "my what-if (v2).yaml")
    assert code == 0, out
    only_folder(tmp_path, "brink-results/simulate-iran-2024-my_what-if_v2-seed0-*")


def test_overwrite_replaces_another_run(tmp_path, capsys, monkeypatch, made):
    other = previous(made, tmp_path / "o")
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, *SIM, "--seed", "4", "--out", str(other), "--overwrite")
    assert code == 0, out
    assert json.loads((other / "meta.json").read_text())["seed"] == 4 and leftovers(other) == []


def test_the_hash_names_what_determines_the_result_and_nothing_else(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, *SIM, "--set", "IRN.legitimacy=0.3")[0] == 0
    assert run(capsys, *SIM, "--set", "IRN.legitimacy=0.4")[0] == 0   # different --set: another folder
    assert len(list(tmp_path.glob("brink-results/simulate-iran-2024-custom-seed0-*"))) == 2
    # batch size and workers do not change the numbers, so not the folder either
    assert run(capsys, *SIM, "--set", "IRN.legitimacy=0.4", "--batch-size", "1", "--workers", "3")[0] == 0
    folders = list(tmp_path.glob("brink-results/simulate-iran-2024-custom-seed0-*"))
    assert len(folders) == 2
    for f in folders:
        meta = json.loads((f / "meta.json").read_text())
        assert f.name.endswith(meta["content_hash"]) and meta["scenario_path"] == "iran-2024"
        assert meta["brink_version"] and isinstance(meta["command"], list)
        assert Path(meta["scenario_resolved"]).is_dir()


def test_an_edited_copy_that_keeps_meta_id_gets_its_own_folder(tmp_path, capsys, monkeypatch):
    from brink.scenario.loader import resolve_path, scenario_files

    src = resolve_path("iran-2024")
    copy = tmp_path / "my-iran"
    copy.mkdir()
    for p in scenario_files(src)[0]:
        shutil.copy(p, copy / p.name)
    params = copy / "parameters.yaml"
    params.write_text(params.read_text() + "\n# an analyst's edit\n")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, *SIM)[0] == 0
    code, out = run(capsys, "simulate", str(copy), *SIM[2:])
    assert code == 0, out
    folders = sorted(tmp_path.glob("brink-results/simulate-iran-2024-baseline-seed0-*"))
    assert len(folders) == 2   # same meta.id, different bytes: the built-in's folder is untouched


def test_more_workers_than_batches_runs_and_gives_the_same_numbers(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, one = run(capsys, *SIM, "--json", "--out", "a")
    code2, many = run(capsys, *SIM, "--json", "--out", "b", "--workers", "64")
    assert code == code2 == 0
    assert json.loads(one)["outcomes"] == json.loads(many)["outcomes"]


def test_a_scenario_without_fronts_gets_a_report_with_a_note(tmp_path, capsys, monkeypatch):
    (tmp_path / "s.yaml").write_text(NO_FRONTS)
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "simulate", "s.yaml", "--runs", "20", "--horizon", "3", "--backend", "numpy")
    assert code == 0 and "Traceback" not in out, out
    folder = only_folder(tmp_path, "brink-results/simulate-mini-baseline-seed0-*")
    assert "No fan chart: the scenario defines no fronts" in (folder / "report.html").read_text()
    json.loads((folder / "meta.json").read_text())
    code, out = run(capsys, "compare", "s.yaml", "--set", "k=0.2", "--runs", "20", "--horizon", "2",
                    "--backend", "numpy", "--out", "c")
    assert code == 0 and "Traceback" not in out, out
    assert "No fan chart" in (tmp_path / "c" / "custom" / "report.html").read_text()


def test_compare_writes_its_folder_whole_with_a_meta(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, *CMP, "--set", "IRN.legitimacy=0.3")
    assert code == 0, out
    root = only_folder(tmp_path, "brink-results/compare-iran-2024-seed0-*")
    meta = json.loads((root / "meta.json").read_text())
    assert meta["kind"] == "compare" and root.name.endswith(meta["content_hash"])
    assert (root / "baseline" / "meta.json").is_file() and (root / "custom" / "report.html").is_file()
    assert leftovers(root) == []


def test_forecast_writes_its_folder_whole_and_refuses_another_one(tmp_path, capsys, monkeypatch, fake):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, *FC)[0] == 0
    folder = only_folder(tmp_path, "brink-results/forecast-synthetic-standoff-standoff-seed0-*")
    assert sorted(p.name for p in folder.iterdir()) == ["forecast.csv", "forecast.json", "meta.json"]
    json.loads((folder / "forecast.json").read_text(), parse_constant=_no_constant)
    before = snapshot(folder)
    code, out = run(capsys, *FC, "--seed", "3", "--out", str(folder))
    assert code == 2 and "give --overwrite" in out, out
    assert snapshot(folder) == before and len(fake.calls) == 1
    assert run(capsys, *FC, "--seed", "3", "--out", str(folder), "--overwrite")[0] == 0
    assert json.loads((folder / "meta.json").read_text())["seed"] == 3


# ------------------------------------------------------------------ interrupts
def _raise_after(real, exc):
    def boom(*a, **k):
        real(*a, **k)
        raise exc
    return boom


@pytest.mark.parametrize("exc, code", [(KeyboardInterrupt(), 130), (RuntimeError("disk trouble"), 1)],
                         ids=["ctrl-c-while-writing-the-report", "error-while-writing-the-report"])
def test_an_interrupted_simulate_leaves_the_previous_folder_as_it_was(tmp_path, capsys, monkeypatch, made,
                                                                      exc, code):
    import brink.report

    monkeypatch.setenv("BRINK_LOG_DIR", str(tmp_path / "logs"))
    folder = previous(made, tmp_path / "sim")
    before = snapshot(folder)
    monkeypatch.setattr(brink.report, "simulation_report", _raise_after(brink.report.simulation_report, exc))
    got, out = run(capsys, *SIM, "--seed", "1", "--out", str(folder))   # the same run: it would replace it
    assert got == code and "Traceback" not in out, out
    assert snapshot(folder) == before and leftovers(folder) == []


def test_ctrl_c_half_way_through_the_tables_leaves_no_folder_where_there_was_none(tmp_path, capsys, monkeypatch):
    import pandas as pd

    real, calls = pd.DataFrame.to_parquet, []

    def some_then_ctrl_c(self, *a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, *a, **k)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", some_then_ctrl_c)
    code, out = run(capsys, *SIM)
    assert code == 130 and "Traceback" not in out, out
    assert not any(tmp_path.iterdir())  # not even an empty brink-results/


def test_ctrl_c_between_the_two_renames_puts_the_previous_folder_back(tmp_path, capsys, monkeypatch, made):
    import os

    from brink.sim import outdir

    folder = previous(made, tmp_path / "sim")
    before = snapshot(folder)
    real, calls = os.rename, []

    def second_fails(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(outdir.os, "rename", second_fails)
    code, out = run(capsys, *SIM, "--seed", "1", "--out", str(folder))
    monkeypatch.undo()
    assert code == 130 and len(calls) == 3   # old away, new in (interrupted), old back
    assert snapshot(folder) == before and leftovers(folder) == []


def test_an_interrupted_compare_leaves_the_previous_folder_as_it_was(tmp_path, capsys, monkeypatch):
    import brink.report

    monkeypatch.chdir(tmp_path)
    argv = (*CMP, "--set", "IRN.legitimacy=0.3", "--out", "c")
    assert run(capsys, *argv)[0] == 0
    folder = tmp_path / "c"
    before = snapshot(folder)
    monkeypatch.setattr(brink.report, "comparison_report",
                        _raise_after(brink.report.comparison_report, KeyboardInterrupt()))
    code, out = run(capsys, *argv)
    assert code == 130 and snapshot(folder) == before and leftovers(folder) == []


def test_an_interrupted_forecast_leaves_the_previous_folder_as_it_was(tmp_path, capsys, monkeypatch, fake):
    from brink.forecast.forecast import ForecastResult

    monkeypatch.chdir(tmp_path)
    assert run(capsys, *FC, "--out", "f")[0] == 0
    folder = tmp_path / "f"
    before = snapshot(folder)

    def half(self, out_dir):
        (Path(out_dir) / "forecast.csv").write_text("id,probability\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(ForecastResult, "write", half)
    code, out = run(capsys, *FC, "--out", "f")
    assert code == 130 and snapshot(folder) == before and leftovers(folder) == []


# ------------------------------------------------------------------ properties
def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


SETTINGS = st.fixed_dictionaries({
    "runs": st.one_of(st.integers(-10, 10**7), st.booleans(), st.floats(allow_nan=True), st.text(max_size=3)),
    "horizon": st.integers(-5, 10**6),
    "seed": st.integers(-5, 2**70),
    "round_weeks": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4)),
    "batch_size": st.integers(-5, 10**9),
    "workers": st.integers(-2, 100),
    "backend": st.sampled_from(["auto", "numba", "numpy", "", "NUMPY", "gpu", "numpy "]),
})


@settings(max_examples=60, deadline=None)
@given(SETTINGS)
def test_run_settings_are_either_accepted_or_refused_with_a_brink_error(kw):
    from brink.sim.simulate import check_settings

    try:
        check_settings(**kw)
    except BrinkError as exc:
        assert "\n" not in str(exc)
        return
    assert kw["runs"] >= 1 and 1 <= kw["horizon"] <= 32_767 and kw["batch_size"] >= 1 and kw["workers"] >= 1
    w = kw["round_weeks"]
    assert w is None or (math.isfinite(float(w)) and 0 < float(w) <= 52)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=12))
def test_the_memory_limit_setting_is_a_positive_size_or_a_brink_error(text):
    import os

    from brink.sim.simulate import memory_limit

    old = os.environ.get("BRINK_MEMORY_LIMIT")
    os.environ["BRINK_MEMORY_LIMIT"] = text.replace("\0", "")
    try:
        assert memory_limit() > 0
    except BrinkError:
        pass
    finally:
        if old is None:
            del os.environ["BRINK_MEMORY_LIMIT"]
        else:
            os.environ["BRINK_MEMORY_LIMIT"] = old


@pytest.fixture(scope="module")
def sc():
    from brink.scenario.loader import load_scenario

    return load_scenario("iran-2024")


@settings(max_examples=60, deadline=None)
@given(sets=st.dictionaries(st.sampled_from(["IRN.legitimacy", "lambda", "ISR.resolve"]),
                            st.floats(0, 1, allow_nan=False), max_size=2),
       seed=st.integers(0, 2**40), other_seed=st.integers(0, 2**40))
def test_the_folder_hash_is_stable_and_changes_with_set_values_and_seeds(sc, sets, seed, other_seed):
    from brink.sim.commands import _Plan
    from brink.sim.interventions import from_options

    def plan(s, sd):
        iv = from_options(s)
        return _Plan("simulate", "iran-2024", sc, [iv], 20, 3, sd, None, 4096, 1, "numpy", None,
                     Path("/tmp/never-written-by-this-test/x"), False, [iv.id])

    a, b = plan(sets, seed), plan(dict(sets), seed)
    assert a.hash == b.hash and a.folder == b.folder
    if other_seed != seed:
        assert plan(sets, other_seed).hash != a.hash
    changed = {**sets, "IRN.legitimacy": (sets.get("IRN.legitimacy", 0.5) + 0.25) % 1.0}
    assert plan(changed, seed).hash != a.hash


@pytest.fixture(scope="module")
def small_result():
    from brink.sim import simulate

    return simulate("iran-2024", 20, 2, 0, backend="numpy")


@settings(max_examples=60, deadline=None)
@given(weeks=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-3, 60)),
       extra=st.dictionaries(st.text(min_size=1, max_size=5),
                             st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.none(),
                                       st.text(max_size=5)), max_size=3))
def test_meta_json_is_valid_json_whatever_passes_validation(tmp_path_factory, small_result, weeks, extra):
    from brink.sim.outdir import staged
    from brink.sim.simulate import check_settings

    try:
        check_settings(20, 2, 0, weeks)
    except BrinkError:
        return
    small_result.round_weeks = float(weeks)
    folder = tmp_path_factory.mktemp("meta") / "r"
    with staged(folder) as tmp:
        small_result.write(tmp, {"extra": extra})
    meta = json.loads((folder / "meta.json").read_text(), parse_constant=_no_constant)
    assert meta["round_weeks"] == float(weeks)


@settings(max_examples=60, deadline=None)
@given(meta=st.one_of(st.text(max_size=30), st.binary(max_size=30).map(lambda b: b.decode("latin-1")),
                      st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=5), st.integers()),
                                      max_size=3).map(json.dumps)),
       overwrite=st.booleans())
def test_checking_an_existing_folder_returns_or_raises_a_brink_error(tmp_path_factory, meta, overwrite):
    from brink.sim.outdir import check_target

    folder = tmp_path_factory.mktemp("target") / "out"
    folder.mkdir()
    (folder / "meta.json").write_text(meta, encoding="utf-8")
    try:
        assert check_target(folder, "abcdef0123", overwrite) == folder
    except BrinkError as exc:
        assert "\n" not in str(exc)
