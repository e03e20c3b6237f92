"""The game built from the scenario follows the decision model exactly."""

import numpy as np
import pytest

from brink.model.history import state_at
from brink.errors import BrinkError
from brink.games.builder import Move, build_game, catalogue_moves, default_players, scenario_moves
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


def _feasible_labels(m, S, moves):
    """Labels of the moves whose actions can all be taken in turn from S."""
    out = []
    for mv in moves:
        T, ok = S, True
        for a in mv.actions:
            ok = a in m.feasible(T, m.scenario.action(a).actor)
            if not ok:
                break
            T = m.apply(T, a)
        if ok:
            out.append(mv.label)
    return out


# ---------------------------------------------------------------- every scenario
def test_every_decision_point_gives_the_model_s_game(scenario_id):
    sc = load_scenario(scenario_id)
    m = compile_model(sc)
    assert sc.decision_points
    for dp in sc.decision_points:
        moves = scenario_moves(sc, dp.id)
        dg = build_game(m, dp.id)
        g = dg.game
        assert dg.players == tuple(moves) and dp.actor in dg.players
        root = g.infosets[g.node_infoset[0]]
        assert g.players[root.player] == dp.actor
        s0 = state_at(m, dp.id)
        assert root.actions == _feasible_labels(m, s0, moves[dp.actor])
        # a chance node after each move with a Bernoulli quantity strictly between 0 and 1, at the model's mean
        for a_i, label in enumerate(root.actions):
            mv = next(x for x in moves[dp.actor] if x.label == label)
            means = [float(v) for v in m.random_means(s0, mv.actions[0]).values()]
            live = [p for p in means if 0.0 < p < 1.0]
            child = g.first_child[0] + a_i
            assert (g.node_player[child] == CHANCE) == bool(live)
            if live:
                assert np.isclose(g.chance_prob[child, 0], live[0])
        # every terminal: payoffs are the model's utilities of the terminal state, labelled with its outcome
        assert set(dg.terminal_state) == set(g.terminals.tolist())
        outcome_names = [o.id for o in m.outcomes]
        for v, S in dg.terminal_state.items():
            assert g.node_player[v] == TERMINAL
            assert np.allclose(g.payoff[v], [m.utility(s0, S, a) for a in dg.players])
            assert g.outcome_label[v] == outcome_names[int(m.outcome_of(S))]


def test_posture_game_gives_each_later_mover_one_information_set(scenario_id):
    sc = load_scenario(scenario_id)
    m = compile_model(sc)
    dp = sc.decision_points[-1]
    seq = build_game(m, dp.id).game
    post = build_game(m, dp.id, info="posture").game
    assert post.num_nodes == seq.num_nodes and np.allclose(post.payoff, seq.payoff)
    first = post.node_player[0]
    for i in range(post.num_players):
        sets = post.player_infosets(i)
        assert len(sets) == (1 if i == first else int((seq.node_player == i).any()))
    nf, _ = reduced_normal_form(post)
    assert nf.shape[first] == len(post.infosets[post.node_infoset[0]].actions)


def test_bad_moves_and_decision_points(scenario_id):
    sc = load_scenario(scenario_id)
    m = compile_model(sc)
    dp = sc.decision_points[-1]
    with pytest.raises(BrinkError, match="no catalogue action"):
        build_game(m, dp.id, moves={dp.actor: (Move("x", ("no_such_action",)),)})
    other = next(a for a in sc.actions if a.actor != dp.actor)
    with pytest.raises(BrinkError, match=f"belongs to {other.actor}"):
        build_game(m, dp.id, moves={dp.actor: (Move("x", (other.id,)),)})
    with pytest.raises(BrinkError, match="not a player"):
        build_game(m, dp.id, moves={other.actor: catalogue_moves(sc, [other.actor])[other.actor]})
    with pytest.raises(BrinkError, match="unknown decision point"):
        build_game(m, "nowhere")
    with pytest.raises(BrinkError, match="information structure"):
        build_game(m, dp.id, info="fog")


def test_derived_default_without_games_section(scenario_id):
    """Without `games:` the players are the point's actor, its adversary, then the schedule's next actors."""
    sc = load_scenario(scenario_id).model_copy(update={"games": None})
    m = compile_model(sc)
    acting = {a.actor for a in sc.actions}
    order = sc.schedule.order if sc.schedule else [a.id for a in sc.actors]
    for dp in sc.decision_points:
        players = default_players(sc, dp.id)
        assert players[0] == dp.actor
        adversary = sc.actor(dp.actor).adversary
        if adversary in acting and adversary != dp.actor:
            assert players[1] == adversary
        assert len(set(players)) == len(players) <= 3 and set(players) <= acting
        assert len(players) == min(3, len(acting & set(order) | {dp.actor, adversary} & acting))
        moves = scenario_moves(sc, dp.id)
        assert tuple(moves) == players
        for p in players:
            assert [mv.actions for mv in moves[p]] == [(a.id,) for a in sc.actions if a.actor == p]
            assert [mv.label for mv in moves[p]] == [a.label for a in sc.actions if a.actor == p]
    dp = sc.decision_points[-1]
    dg = build_game(m, dp.id)
    assert dg.players == default_players(sc, dp.id)
    g = dg.game
    assert g.players[g.node_player[0]] == dp.actor
    assert g.infosets[g.node_infoset[0]].actions == _feasible_labels(m, state_at(m, dp.id), scenario_moves(sc, dp.id)[dp.actor])
    assert subgame_perfect(g).profile.shape == (g.num_actions,)


def test_default_players_follow_adversary_then_schedule(scenario):
    # iran-2024: schedule IRN, ISR, USA, HEZ, HTH, IQM; adversaries IRN->ISR, ISR->IRN, USA->IRN
    sc = scenario.model_copy(update={"games": None})
    assert default_players(sc, "after_october_26") == ("IRN", "ISR", "USA")
    assert default_players(sc, "after_true_promise") == ("ISR", "IRN", "USA")
    assert default_players(sc, "after_true_promise_usa") == ("USA", "IRN", "HEZ")
    assert default_players(sc, "after_true_promise_usa", max_players=2) == ("USA", "IRN")
    no_schedule = sc.model_copy(update={"schedule": None})  # then the actors' file order
    assert default_players(no_schedule, "after_true_promise_usa") == ("USA", "IRN", "HEZ")
    assert default_players(no_schedule, "after_true_promise") == ("ISR", "IRN", "USA")


# ------------------------------------------------------------- iran-2024's game
def test_iran_games_section_holds_the_issue_moves(scenario):
    moves = scenario_moves(scenario, "after_october_26")
    assert tuple(moves) == ("IRN", "ISR", "USA")
    assert [m.label for m in moves["IRN"]] == ["no response", "proxy attack", "warned strike", "unwarned strike",
                                             "talks"]
    assert moves["USA"][1] == Move("defend and pressure Israel", ("USA_defend_israel", "USA_pressure_israel"))
    for actor, ms in moves.items():
        for mv in ms:
            for a in mv.actions:
                assert scenario.action(a).actor == actor


def test_tree_shape_payoffs_and_chance(model):
    dg = build_game(model, "after_october_26")
    g = dg.game
    root = g.infosets[g.node_infoset[0]]
    assert g.players[root.player] == "IRN"
    assert root.actions == [m.label for m in scenario_moves(model.scenario, "after_october_26")["IRN"]]
    s0 = state_at(model, "after_october_26")
    # proxy attack: a chance node for attribution with the model's mean
    proxy = g.first_child[0] + root.actions.index("proxy attack")
    assert g.node_player[proxy] == CHANCE
    p_attr = float(model.random_means(s0, "IRN_proxy_attack")["attributed"])
    assert np.isclose(g.chance_prob[proxy, 0], p_attr)
    # one path by hand: warned strike, intercepted, Israel restraint, US stays out
    S = model.apply(s0, "IRN_strike_warned", draws={"intercepted": 1.0})
    S = model.apply(model.apply(S, "ISR_restraint"), "USA_stay_out")
    v = g.first_child[0] + root.actions.index("warned strike")
    v = g.first_child[v] + 0  # intercepted
    v = g.first_child[g.first_child[v] + 0] + 0  # restraint, stay out
    assert np.allclose(g.payoff[v], [model.utility(s0, S, a) for a in dg.players])
    assert g.num_nodes == 108 and len(g.terminals) == 72


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
    dg = build_game(model, "after_true_promise")
    g = dg.game
    assert g.players[g.node_player[0]] == "ISR"
    assert dg.players == ("IRN", "ISR", "USA")  # Iran is a player without a move


def test_legitimacy_threshold_flips_proxy_to_warned_strike(scenario):
    name, values = parse_range("legitimacy=0.2:1.0:17")
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
    # the same results as a table and as JSON-able data
    df = res.to_frame()
    assert list(df[name]) == list(values) and list(df["spe_move"]) == [p.spe_move for p in res.points]
    qre_cols = [c for c in df.columns if c.startswith("qre:")]
    assert np.allclose(df[qre_cols].sum(axis=1), 1.0)
    d = res.to_dict()
    assert d["parameter"] == name and len(d["points"]) == len(values) and d["thresholds"] == res.thresholds


@pytest.mark.parametrize("spec", ["legitimacy", "legitimacy=0.8:0.2:5", "legitimacy=a:b:c", "x=0:1:1"])
def test_bad_sweep_spec(spec):
    with pytest.raises(BrinkError, match="--sweep"):
        parse_range(spec)


def test_payoffs_carry_each_player_s_tendencies_along_the_path(scenario, model):
    """A fitted scenario's tendencies are part of the decision-model utility, so of the game's payoffs:
    each player gains the tendency of every action it takes on the way to a terminal, nothing else."""
    over = {"tendency.IRN.direct_strike_warned": 0.7, "tendency.ISR.none": -0.3}
    tm = compile_model(scenario, over)
    plain, tilted = build_game(model, "after_october_26"), build_game(tm, "after_october_26")
    g, h = plain.game, tilted.game
    assert g.num_nodes == h.num_nodes and set(plain.terminal_state) == set(tilted.terminal_state)
    irn, isr = plain.players.index("IRN"), plain.players.index("ISR")
    shifted = {"IRN": 0, "ISR": 0}
    for v in plain.terminal_state:
        path, node = [], v
        while node != 0:                       # the actions on the path, from the move labels above v
            parent = int(g.node_parent[node])
            if g.node_player[parent] >= 0:
                info = g.infosets[g.node_infoset[parent]]
                path.append((g.players[info.player], info.actions[node - g.first_child[parent]]))
            node = parent
        want = np.array(g.payoff[v], dtype=float)
        if ("IRN", "warned strike") in path:
            want[irn] += 0.7
            shifted["IRN"] += 1
        isr_moves = [lab for who, lab in path if who == "ISR"]
        isr_none = [lab for lab in isr_moves if all(tm.scenario.action(a).category == "none" for a in next(
            m for m in scenario_moves(scenario, "after_october_26")["ISR"] if m.label == lab).actions)]
        want[isr] -= 0.3 * len(isr_none)
        shifted["ISR"] += bool(isr_none)
        assert np.allclose(h.payoff[v], want)
    assert shifted["IRN"] and shifted["ISR"]    # both terms were exercised
