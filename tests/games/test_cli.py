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


def test_game_json_on_every_scenario(scenario_id):
    """--json prints GameAnalysis.to_dict(); the default decision point is the first player's latest."""
    from brink.games.analysis import analyse
    from brink.model import compile_model, latest_decision_point
    from brink.scenario import load_scenario

    r = runner.invoke(app, ["game", scenario_id, "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    sc = load_scenario(scenario_id)
    m = compile_model(sc)
    first = sc.games.players[0].actor if sc.games is not None else None
    dp = latest_decision_point(m, first)
    assert d == json.loads(json.dumps(analyse(m, dp).to_dict()))
    assert d["decision_point"] == dp
    assert d["spe"]["path"][0]["mover"] == sc.decision_point(dp).actor


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
    r = runner.invoke(app, ["game", "iran-2024", "--at", "after_october_26", "--sweep", "legitimacy=0.8:1.0:5",
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
