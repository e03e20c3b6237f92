import numpy as np
import pytest

from brink.errors import BrinkError, InputError
from brink.sim import simulate
from brink.sim.interventions import (builtin_interventions, from_options, load_intervention, parse_force,
                                     resolve_intervention)


def test_every_shipped_intervention_loads_and_builds(scenario):
    from brink.model.compiled import compile_model

    shipped = builtin_interventions("iran-2024")
    assert {"us-max-pressure", "oman-closed", "iran-no-warning", "hezbollah-ceasefire",
            "legitimacy-low", "legitimacy-high"} <= set(shipped)
    for name, path in shipped.items():
        iv = load_intervention(path)
        assert not iv.is_baseline(), name
        compile_model(scenario, iv)


def test_loader_reads_only_top_level_yaml(scenario):
    # the interventions/ subfolder must not leak into the scenario
    assert not any(a.id == "us-max-pressure" for a in scenario.actions)


def test_disabled_action_is_never_taken(scenario):
    iv = resolve_intervention("iran-no-warning", "iran-2024")
    res = simulate(scenario, runs=1000, horizon=8, seed=4, intervention=iv)
    counts = res.action_shares().set_index("action")["count"]
    assert counts["IRN_strike_warned"] == 0
    assert counts["IRN_strike_unwarned"] > 0


def test_forced_move_is_taken_by_every_running_trajectory(scenario):
    iv = from_options(force_items=["HEZ:HEZ_ceasefire@1"])
    res = simulate(scenario, runs=700, horizon=3, seed=4, intervention=iv)
    ac = res.action_counts
    r1 = ac[(ac["round"] == 1) & (ac["actor"] == "HEZ")].set_index("action")["count"]
    assert r1["HEZ_ceasefire"] == 700 and r1.drop("HEZ_ceasefire").sum() == 0


def test_pinned_channel_stays_closed(scenario):
    iv = from_options(close=["QATAR"])
    res = simulate(scenario, runs=500, horizon=6, seed=4, intervention=iv)
    assert (res.state_means["channel.QATAR"] == 0).all()


def test_common_random_numbers_make_a_null_intervention_exactly_zero(scenario):
    from brink.sim import compare

    iv = from_options(set_items=["unrest_baseline=0.35"])  # the scenario's own value: no change
    cmp = compare(scenario, iv, runs=600, horizon=8, seed=9)
    d = cmp.differences()
    if scenario.parameters["unrest_baseline"].value == 0.35:
        assert (d["difference"] == 0).all() and (d["changed_runs"] == 0).all()


def test_effect_interval_excludes_zero_for_a_strong_intervention(scenario):
    from brink.sim import compare

    iv = from_options(set_items=["IRN.legitimacy=0.05"])
    d = compare(scenario, iv, runs=1500, horizon=12, seed=9).differences().set_index("outcome")
    assert d.loc["regime_crisis", "lo95"] > 0  # near-zero legitimacy makes unrest climb faster


def test_bad_intervention_file_names_file_line_and_field(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("intervention:\n  id: x\n  set:\n    lambda: high\n  force:\n    - {actor: USA}\n  colour: red\n")
    with pytest.raises(InputError) as e:
        load_intervention(p)
    msg = str(e.value)
    assert f"{p}:4: intervention.set.lambda" in msg
    assert f"{p}:6: intervention.force[0]" in msg
    assert f"{p}:7: intervention.colour" in msg


def test_unknown_names_are_user_errors(scenario):
    from brink.model.compiled import compile_model

    for iv in (from_options(close=["NOPE"]), from_options(disable=["IRN_fly"]),
               from_options(force_items=["ISR:USA_talks@2"]), from_options(set_items=["nonsense=1"])):
        with pytest.raises(BrinkError):
            compile_model(scenario, iv)
    with pytest.raises(BrinkError):
        parse_force(["USA:USA_talks"])
    with pytest.raises(BrinkError):
        resolve_intervention("no-such-thing", "iran-2024")


# ------------------------------------------------ the Python API takes the CLI's shorthands
def _cli_json(*argv) -> dict:
    import json

    from typer.testing import CliRunner

    from brink.cli import app

    r = CliRunner().invoke(app, list(argv))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_brink_compare_with_set_equals_the_cli(scenario, tmp_path):
    import brink

    cmp = brink.compare(scenario, set={"IRN.legitimacy": 0.3}, runs=800, horizon=6, seed=5, backend="numpy")
    assert cmp.variant.intervention == "custom" and "IRN.legitimacy=0.3" in cmp.variant.meta["intervention_detail"]
    data = _cli_json("compare", "iran-2024", "--set", "IRN.legitimacy=0.3", "--runs", "800", "--horizon", "6",
                     "--seed", "5", "--backend", "numpy", "--json", "--out", str(tmp_path / "c"))
    assert len(data["comparisons"]) == 1
    assert data["comparisons"][0]["differences"] == cmp.to_dict()["differences"]
    assert data["comparisons"][0] == cmp.to_dict()
    # the same what-if given as the CLI's strings
    again = brink.compare("iran-2024", set=["IRN.legitimacy=0.3"], runs=800, horizon=6, seed=5, backend="numpy")
    assert again.differences().equals(cmp.differences())


def test_compare_shorthands_build_the_options_intervention(scenario):
    from brink.sim import compare, what_if

    flags = dict(disable=["IRN_strike_warned"], force=["HEZ:HEZ_ceasefire@1-2"], close_channel=["QATAR"])
    iv = from_options(None, flags["force"], flags["close_channel"], flags["disable"])
    assert what_if(scenario, **flags) == iv
    by_kw = compare(scenario, runs=500, horizon=4, seed=2, backend="numpy", **flags)
    by_iv = compare(scenario, iv, runs=500, horizon=4, seed=2, backend="numpy")
    assert by_kw.differences().equals(by_iv.differences())
    # shorthands add to a named intervention, as --set adds to --intervention
    both = what_if("iran-2024", "iran-no-warning", set={"lambda": 4})
    assert "IRN_strike_warned" in both.disable and both.set == {"lambda": 4.0} and both.id == "iran-no-warning"
    with pytest.raises(BrinkError):
        compare(scenario, runs=10)   # nothing to compare


def test_results_to_dict_round_trips_and_to_frame_is_one_row_per_outcome(scenario, tmp_path):
    import json

    from brink.sim import compare

    cmp = compare(scenario, from_options(close=["QATAR"]), runs=400, horizon=4, seed=1, backend="numpy")
    for res in (cmp.baseline, cmp.variant):
        d = res.to_dict()
        assert json.loads(json.dumps(d)) == d
        assert [o["outcome"] for o in d["outcomes"]] == list(res.outcome_ids)
        assert res.n == d["runs"] and all(0 <= o["count"] <= res.n for o in d["outcomes"])
        assert {e["kind"] for e in d["events"]} == {"action", "category", "episode"}
        f = res.to_frame()
        assert list(f["outcome"]) == list(res.outcome_ids)
        assert f["probability"].tolist() == [o["probability"] for o in d["outcomes"]]
    d = cmp.to_dict()
    assert json.loads(json.dumps(d)) == d
    f = cmp.to_frame()
    assert list(f["outcome"]) == list(cmp.baseline.outcome_ids)
    assert f["difference"].tolist() == [r["difference"] for r in d["differences"]]
    assert d["intervention"] == "custom" and d["variant"]["intervention"] == "custom"
    # the report's figures draw on the caller's Axes, without pyplot
    from matplotlib.figure import Figure

    from brink.report.simulation import fig_differences, fig_probabilities

    ax = Figure().subplots()
    assert fig_differences(cmp, ax=ax) is ax.figure and len(ax.patches) == len(res.outcome_ids)
    assert isinstance(fig_probabilities(res), Figure)
    # `brink simulate --json` prints the result's to_dict
    out = _cli_json("simulate", "iran-2024", "--close-channel", "QATAR", "--runs", "400", "--horizon", "4",
                    "--seed", "1", "--backend", "numpy", "--json", "--out", str(tmp_path / "s"))
    assert out == cmp.variant.to_dict()
