import numpy as np
import pytest

from brink.errors import BrinkError, InputError
from brink.sim import simulate
from brink.sim.interventions import (builtin_interventions, from_options, load_intervention, parse_force,
                                     resolve_intervention)


def test_every_shipped_intervention_loads_and_builds(scenario):
    from brink.model.compiled import compile_model as build_model

    shipped = builtin_interventions("iran-2024")
    assert {"us-max-pressure", "oman-closed", "iran-no-warning", "hezbollah-ceasefire",
            "legitimacy-low", "legitimacy-high"} <= set(shipped)
    for name, path in shipped.items():
        iv = load_intervention(path)
        assert not iv.is_baseline(), name
        build_model(scenario, iv)


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
    from brink.model.compiled import compile_model as build_model

    for iv in (from_options(close=["NOPE"]), from_options(disable=["IRN_fly"]),
               from_options(force_items=["ISR:USA_talks@2"]), from_options(set_items=["nonsense=1"])):
        with pytest.raises(BrinkError):
            build_model(scenario, iv)
    with pytest.raises(BrinkError):
        parse_force(["USA:USA_talks"])
    with pytest.raises(BrinkError):
        resolve_intervention("no-such-thing", "iran-2024")
