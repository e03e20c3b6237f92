"""`brink bargain` on the built-in scenario and on both CSV formats."""

import json

import pytest
import typer
from typer.testing import CliRunner

from brink.bargain.commands import register
from brink.bargain.validation import case_path


@pytest.fixture(scope="module")
def app():
    a = typer.Typer()
    register(a)

    @a.command("noop")
    def _noop():  # a second command keeps `bargain` as a sub-command
        pass

    return a


def run(app, *args):
    return CliRunner().invoke(app, ["bargain", *args], catch_exceptions=True, env={"COLUMNS": "200"})


def test_ec_csv_tables(app):
    r = run(app, str(case_path("ec_emissions_1994.csv")), "--draws", "20")
    assert r.exit_code == 0, r.output
    assert "Expected utility" in r.output and "not applicable" in r.output and "prevails" in r.output


def test_ktab_csv_json(app):
    r = run(app, str(case_path("SOE-Pol-Comp.csv")), "--json", "--draws", "10")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [i["id"] for i in data["issues"]] == ["policy", "competitive"]
    assert data["issues"][0]["forecasts"]["exchange"] == pytest.approx(36.10, abs=0.05)
    probs = [a["prevail"] for a in data["issues"][0]["actors"]]
    assert sum(probs) == pytest.approx(1.0)


def test_iran_scenario_json(app):
    r = run(app, "iran-2024", "--json", "--draws", "20", "--model", "compromise", "--model", "eu")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    ids = [i["id"] for i in data["issues"]]
    assert {"nuclear_review", "me_nwfz", "lebanon_1701", "lebanon_withdrawal", "yemen_deal", "iraq_withdrawal",
            "iraq_militias", "gaza_ceasefire", "palestinian_governance"} <= set(ids)
    actors = {a["actor"] for i in data["issues"] for a in i["actors"]}
    assert {"IRN", "USA", "ISR", "HEZ", "HTH", "IQM", "HAM", "SAU", "IRQ", "LBN", "QAT", "OMN", "E3", "RUS",
            "CHN"} <= actors
    for issue in data["issues"]:
        assert set(issue["forecasts"]) == {"compromise", "eu"}
        assert 0 <= issue["forecasts"]["eu"] <= 100
        for a in issue["actors"]:  # every number traced to evidence or an assumption
            for f in ("position", "salience", "capability"):
                p = a["provenance"][f]
                assert p["evidence"] or p["assumption"]
        assert len(issue["eu"]["median_by_round"]) == issue["eu"]["rounds"] + 1


def test_seed_reproducible(app):
    a = run(app, str(case_path("ec_emissions_1994.csv")), "--json", "--draws", "30", "--seed", "3")
    b = run(app, str(case_path("ec_emissions_1994.csv")), "--json", "--draws", "30", "--seed", "3")
    assert a.output == b.output


def test_bad_model_and_bad_file(app, tmp_path):
    from brink.errors import BrinkError, InputError

    r = run(app, str(case_path("ec_emissions_1994.csv")), "--model", "magic")
    assert isinstance(r.exception, BrinkError) and "magic" in str(r.exception)
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,1,5,0.5\nB,1,seven,0.5\n")
    r = run(app, str(bad))
    assert isinstance(r.exception, InputError) and "bad.csv:3: Position" in str(r.exception)


def test_json_is_the_forecasts_to_dict_and_to_frame_has_one_row_per_issue(app):
    from brink.bargain.forecast import forecast
    from brink.bargain.readers import read_table

    path = str(case_path("SOE-Pol-Comp.csv"))
    fc = forecast(read_table(path), draws=10, seed=3)
    d = fc.to_dict()
    assert json.loads(json.dumps(d)) == d
    r = run(app, path, "--json", "--draws", "10", "--seed", "3")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == d
    f = fc.to_frame()
    assert list(f["issue"]) == [it.issue for it in fc.issues] == list(fc.case.issues)
    for m in ("compromise", "median", "nash", "eu", "exchange"):
        assert f[m].tolist() == [it.forecasts[m] for it in fc.issues]
    assert f["actors"].tolist() == [len(it.actors) for it in fc.issues]
