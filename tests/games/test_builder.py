"""The game built from the scenario follows the decision model exactly."""

import numpy as np
import pytest

from brink.errors import BrinkError
from brink.games.builder import ISSUE_MOVES, Move, build_game
from brink.games.spe import subgame_perfect
from brink.games.sweep import parse_range, sweep
from brink.games.tree import CHANCE, TERMINAL, reduced_normal_form
from brink.model import compile_model
from brink.scenario import load_scenario


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("iran-2024")


@pytest.fixture(scope="module")
def model(scenario):
    return compile_model(scenario)


def test_issue_moves_are_catalogue_actions(model):
    for actor, moves in ISSUE_MOVES.items():
        for mv in moves:
            for a in mv.actions:
                assert model.actions[a].actor == actor


def test_tree_shape_payoffs_and_chance(model):
    dg = build_game(model, "after_october_26")
    g = dg.game
    root = g.infosets[g.node_infoset[0]]
    assert g.players[root.player] == "IRN"
    assert root.actions == [m.label for m in ISSUE_MOVES["IRN"]]
    s0 = model.state_at("after_october_26")
    # proxy attack: a chance node for attribution with the model's mean
    proxy = g.first_child[0] + root.actions.index("proxy attack")
    assert g.node_player[proxy] == CHANCE
    p_attr = float(model.random_means(s0, "IRN_proxy_attack")["attributed"])
    assert np.isclose(g.chance_prob[proxy, 0], p_attr)
    # every terminal: payoffs are the model's utilities of the terminal state
    for v, S in dg.terminal_state.items():
        assert g.node_player[v] == TERMINAL
        for i, a in enumerate(dg.players):
            assert np.isclose(g.payoff[v, i], model.utility(s0, S, a))
    # one path by hand: warned strike, intercepted, Israel restraint, US stays out
    S = model.apply(s0, "IRN_strike_warned", draws={"intercepted": 1.0})
    S = model.apply(model.apply(S, "ISR_restraint"), "USA_stay_out")
    v = g.first_child[0] + root.actions.index("warned strike")
    v = g.first_child[v] + 0  # intercepted
    v = g.first_child[g.first_child[v] + 0] + 0  # restraint, stay out
    assert np.allclose(g.payoff[v], [model.utility(s0, S, a) for a in dg.players])


def test_posture_game_is_five_by_three_by_three(model):
    dg = build_game(model, "after_october_26", info="posture")
    nf, _ = reduced_normal_form(dg.game)
    assert nf.shape == (5, 3, 3)
    assert sum(len(i.nodes) > 1 for i in dg.game.infosets) == 2


def test_infeasible_move_is_left_out(scenario):
    m = compile_model(scenario, {"channel.QATAR": 0.0, "channel.SWISS": 0.0, "channel.OMAN": 0.0})
    g = build_game(m, "after_october_26").game
    assert "talks" not in g.infosets[g.node_infoset[0]].actions


def test_followers_decision_point_starts_with_israel(model):
    g = build_game(model, "after_true_promise").game
    assert g.players[g.node_player[0]] == "ISR"


def test_bad_moves_and_decision_points(model):
    with pytest.raises(BrinkError, match="no catalogue action"):
        build_game(model, "after_october_26", moves={"IRN": (Move("x", ("IRN_nope",)),)})
    with pytest.raises(BrinkError, match="unknown decision point"):
        build_game(model, "nowhere")
    with pytest.raises(BrinkError, match="information structure"):
        build_game(model, "after_october_26", info="fog")


def test_legitimacy_threshold_flips_proxy_to_warned_strike(scenario):
    name, values = parse_range("legitimacy=0.2:0.8:13")
    res = sweep(scenario, "after_october_26", name, values)
    flips = [t for t in res.thresholds if t.get("kind") != "qre_mode"]
    assert len(flips) == 1
    t = flips[0]
    assert (t["from"], t["to"]) == ("proxy attack", "warned strike")
    lo, hi = t["bracket"]
    assert hi - lo <= 1e-6
    # the SPE really differs on the two sides of the threshold
    for x, want in ((lo, "proxy attack"), (hi, "warned strike")):
        m = compile_model(scenario, {"legitimacy": x})
        g = build_game(m, "after_october_26").game
        k = g.node_infoset[0]
        assert g.infosets[k].actions[subgame_perfect(g).choice[k]] == want


@pytest.mark.parametrize("spec", ["legitimacy", "legitimacy=0.8:0.2:5", "legitimacy=a:b:c", "x=0:1:1"])
def test_bad_sweep_spec(spec):
    with pytest.raises(BrinkError, match="--sweep"):
        parse_range(spec)
