"""brink game from the command line."""

import json

from typer.testing import CliRunner

from brink.cli import app

runner = CliRunner()


def test_game_prints_all_three_solutions():
    r = runner.invoke(app, ["game", "iran-2024", "--at", "after_october_26"])
    assert r.exit_code == 0, r.output
    for text in ("Subgame-perfect", "Nash equilibria of the reduced game", "Logit QRE", "proxy attack"):
        assert text in r.output


def test_game_json_and_export(tmp_path):
    f = tmp_path / "g.efg"
    r = runner.invoke(app, ["game", "iran-2024", "--at", "after_october_26", "--export", str(f), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["spe"]["path"][0]["mover"] == "IRN"
    assert abs(sum(d["qre"]["sequential"]["first_mover"].values()) - 1) < 1e-9
    assert d["nash_reduced"] and all(e["kind"] in ("pure", "mixed") for e in d["nash_reduced"])
    assert f.read_text().startswith("EFG 2 R")
    r2 = runner.invoke(app, ["game", str(f), "--lambda", "10", "--json"])
    assert r2.exit_code == 0, r2.output
    d2 = json.loads(r2.output)
    assert d2["spe"]["path"][0]["action"] == d["spe"]["path"][0]["action"]


def test_sweep_writes_a_plot(tmp_path):
    png = tmp_path / "s.png"
    r = runner.invoke(app, ["game", "iran-2024", "--at", "after_october_26", "--sweep", "legitimacy=0.6:0.8:5",
                            "--plot", str(png), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert png.stat().st_size > 1000
    assert any(t.get("kind") != "qre_mode" for t in d["thresholds"])


def test_bad_input_is_a_clean_error(tmp_path):
    from brink.cli import main
    import pytest

    for argv in (["game", "iran-2024", "--at", "nowhere"],
                 ["game", "iran-2024", "--sweep", "nosuchname=0:1:3"],
                 ["game", str(tmp_path / "missing.efg")]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
