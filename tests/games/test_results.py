"""Result types of games: to_dict() (JSON-able) and to_frame() (pandas), and the sweep plot."""

import json

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from brink.games import textbook as tb
from brink.games.analysis import analyse
from brink.games.equilibrium import Equilibrium, dedupe, equilibria_frame
from brink.games.nash import nash_equilibria
from brink.games.qre import logit_trace
from brink.games.spe import subgame_perfect
from brink.games.sweep import plot, sweep
from brink.games.tree import NormalFormGame
from brink.model import compile_model
from brink.scenario import load_scenario


def test_equilibrium_to_dict_and_frame_name_players_and_strategies():
    g = tb.matching_pennies()
    (e,) = nash_equilibria(g)
    d = json.loads(json.dumps(e.to_dict()))
    assert d["kind"] == "mixed" and d["regret"] < 1e-12
    assert {p: list(x) for p, x in d["strategies"].items()} == dict(zip(g.players, g.strategies))
    assert all(np.isclose(v, 0.5) for x in d["strategies"].values() for v in x.values())
    assert d["payoff"] == dict(zip(g.players, map(float, e.payoff)))
    df = e.to_frame()
    assert list(df.columns) == ["player", "strategy", "probability", "payoff"]
    assert len(df) == sum(g.shape) and np.allclose(df.groupby("player")["probability"].sum(), 1.0)
    # several equilibria in one frame: the McKelvey-McLennan game has nine
    eqs = nash_equilibria(tb.mckelvey_mclennan_2x2x2())
    big = equilibria_frame(eqs)
    assert sorted(big["equilibrium"].unique()) == list(range(1, len(eqs) + 1))
    assert equilibria_frame([]).empty


def test_equilibrium_without_names_and_dedupe():
    e = Equilibrium([np.array([1.0, 0.0]), np.array([0.0, 1.0])], np.array([1.0, 2.0]), 0.0)
    assert e.to_dict()["strategies"] == {"Player 1": {"1": 1.0}, "Player 2": {"2": 1.0}}
    g = NormalFormGame.from_arrays([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])
    a = Equilibrium.of(g, [np.array([1.0, 0.0]), np.array([1.0, 0.0])])
    b = Equilibrium.of(g, [np.array([0.0, 1.0]), np.array([0.0, 1.0])])
    near = Equilibrium.of(g, [np.array([1.0 - 1e-9, 1e-9]), np.array([1.0, 0.0])])
    assert [x.flat().tolist() for x in dedupe([b, a, near])] == [a.flat().tolist(), b.flat().tolist()]


def test_spe_and_qre_trace_results():
    g = tb.chain_store()
    s = subgame_perfect(g)
    d = json.loads(json.dumps(s.to_dict()))
    assert [st["action"] for st in d["path"] if st["mover"]] == [st["action"] for st in s.path() if st["mover"]]
    assert d["payoff"] == dict(zip(g.players, map(float, s.payoff)))
    assert len(s.to_frame()) == len(s.path())
    tr = logit_trace(g, lams=[0.5, 2.0])
    df = tr.to_frame()
    assert list(df["lambda"]) == [0.5, 2.0] and df["requested"].all()
    assert df.shape[1] == 2 + g.num_actions
    assert json.loads(json.dumps(tr.to_dict()))["profiles"] == tr.profiles.tolist()
    nf_trace = logit_trace(tb.matching_pennies(), lams=[1.0])
    assert nf_trace.labels()[0].startswith(tb.matching_pennies().players[0] + ":")


def test_game_analysis_frame_matches_its_dict(scenario_id):
    sc = load_scenario(scenario_id)
    m = compile_model(sc)
    dp = sc.decision_points[-1].id
    a = analyse(m, dp)
    d = a.to_dict()
    json.dumps(d)
    df = a.to_frame()
    assert set(df["kind"]) == {"first_mover", "outcome"}
    q = df[(df.solution == "qre_sequential") & (df.kind == "first_mover")]
    assert dict(zip(q.label, q.probability)) == d["qre"]["sequential"]["first_mover"]
    for sol in df.solution.unique():
        for kind in ("first_mover", "outcome"):
            assert np.isclose(df[(df.solution == sol) & (df.kind == kind)].probability.sum(), 1.0)
    assert {f"nash_reduced_{i}" for i in range(1, len(a.nash) + 1)} <= set(df.solution)


@pytest.fixture
def small_sweep(scenario_id):
    sc = load_scenario(scenario_id)
    dp = sc.decision_points[-1]
    actor = sc.actor(dp.actor)
    name = f"weight.{actor.id}.{actor.concerns[0].id}"
    return sweep(sc, dp.id, name, [0.2, 0.5, 0.8], tol=1e-3)


def test_sweep_plot_draws_on_given_axes_and_keeps_the_backend(small_sweep):
    before = matplotlib.get_backend()
    try:
        matplotlib.use("svg")
        fig = plot(small_sweep)
        assert isinstance(fig, Figure)
        assert len(fig.axes[0].get_lines()) >= len(small_sweep.moves)
        mine = Figure()
        ax = mine.add_subplot()
        assert plot(small_sweep, ax=ax) is mine
        assert [ln.get_label() for ln in ax.get_lines()][: len(small_sweep.moves)] == \
            [f"QRE: {m}" for m in small_sweep.moves]
        assert matplotlib.get_backend() == "svg"
    finally:
        matplotlib.use(before)
    df = small_sweep.to_frame()
    assert len(df) == 3 and list(df["spe_move"]) == [p.spe_move for p in small_sweep.points]
