"""`brink events ...` end to end in a temporary folder."""

from __future__ import annotations

import pandas as pd

from tests.cli import run


def test_cli_round_trip(tmp_path, fixtures, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    code, out = run(capsys, "events", "import", str(fixtures / "gdelt_2024.export.CSV"), "--format", "gdelt")
    assert code == 0
    assert "23 imported" in out and "6 bad" in out
    assert "gdelt_2024.export.CSV:25: cameo: unknown CAMEO event code '999'" in out
    assert "JORDAN" in out  # unmapped actor reported
    assert (tmp_path / "brink.duckdb").exists()

    code, out = run(capsys, "events", "import", str(fixtures / "gdelt_2024.export.CSV"), "-f", "gdelt")
    assert code == 0 and "0 imported" in out and "23 already in the store" in out

    code, out = run(capsys, "events", "import", str(fixtures / "acled_2024.csv"), "-f", "acled", "--db", "brink.duckdb")
    assert code == 0 and "14 imported" in out

    code, out = run(capsys, "events", "series", "--dyad", "IRN,ISR", "--freq", "W", "--csv", "s.csv")
    assert code == 0 and "2024-04-01" in out
    png = tmp_path / "brink-results" / "events" / "series_IRN_ISR_W.png"
    assert png.exists() and png.stat().st_size > 10_000
    s = pd.read_csv(tmp_path / "s.csv")
    assert s.events.sum() > 0

    code, out = run(capsys, "events", "load-scenario")
    assert code == 0 and "imported" in out
    code, out = run(capsys, "events", "timeline", "--out", "t.png")
    assert code == 0 and (tmp_path / "t.png").stat().st_size > 10_000

    code, out = run(capsys, "events", "export", "--format", "parquet", "--out", "e.parquet")
    assert code == 0
    assert len(pd.read_parquet(tmp_path / "e.parquet")) == 23 + 14 + 12

    code, out = run(capsys, "events", "decision-points", "--yaml", "dp.yaml")
    assert code == 0 and (tmp_path / "dp.yaml").read_text().startswith("# Candidate")

    code, out = run(capsys, "events", "unmapped")
    assert code == 0 and "JORDAN" in out
    code, out = run(capsys, "events", "info")
    assert code == 0 and "gdelt" in out and "acled" in out


def test_cli_errors_exit_2(tmp_path, fixtures, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "events", "import", str(fixtures / "acled_2024.csv"), "--format", "gdelt")
    assert code == 2 and "no record could be read as GDELT" in out
    code, out = run(capsys, "events", "import", str(fixtures / "acled_2024.csv"), "--format", "xml")
    assert code == 2 and "unknown event format 'xml': choose one of acled, csv, gdelt, icews, plover" in out
    code, out = run(capsys, "events", "series", "--db", "missing.duckdb")
    assert code == 2 and "no event store" in out
    bad = tmp_path / "d.yaml"
    bad.write_text("id: x\nactors:\n  IRN: {name: Iran, aliases: 3}\n")
    code, out = run(capsys, "events", "dictionary", str(bad))
    assert code == 2 and "d.yaml:3" in out and "aliases" in out
    import shutil

    from brink.scenario.folder import scenario_folder

    folder = tmp_path / "no-dictionary"
    shutil.copytree(scenario_folder("iran-2024"), folder, ignore=shutil.ignore_patterns("events"))
    code, out = run(capsys, "events", "load-scenario", str(folder))
    assert code == 2 and "has no actor dictionary" in out and "dictionary.yaml" in out


def test_cli_dictionary_check(capsys, scenario_id):
    from brink.events.dictionary import load_dictionary

    n = len(load_dictionary(scenario_id).actors)
    code, out = run(capsys, "events", "dictionary", scenario_id, "--scenario", scenario_id)
    assert code == 0 and f"{n} actors" in out and "valid" in out and "events/dictionary.yaml" in out


def test_cli_formats_come_from_the_registry(capsys, monkeypatch):
    from brink.events.importers import formats

    monkeypatch.setenv("COLUMNS", "200")
    code, out = run(capsys, "events", "import", "--help")
    assert code == 0 and " | ".join(formats()) in out
