"""Solvers on textbook games with known answers (no pygambit needed)."""

import numpy as np
import pytest

from brink.errors import BrinkError
from brink.games import textbook as tb
from brink.games.nash import enum_mixed_2p, enum_support, nash_equilibria, pure_equilibria
from brink.games.qre import agent_qre_pi, logit_qre, logit_trace
from brink.games.spe import subgame_perfect
from brink.games.tree import NormalFormGame, reduced_normal_form


def test_chain_store_spe_is_enter_acquiesce():
    g = tb.chain_store()
    s = subgame_perfect(g)
    assert [g.infosets[k].actions[a] for k, a in enumerate(s.choice)] == ["in", "acquiesce"]
    assert s.payoff.tolist() == [1.0, 1.0]
    assert s.ties == []


def test_chain_store_nash_component_extreme_points():
    eqs = nash_equilibria(tb.chain_store())
    got = sorted(tuple(np.round(e.flat(), 9)) for e in eqs)
    # (out, fight), (out, fight w.p. 1/2) are the extreme points of the threat component; (in, acquiesce)
    assert got == sorted([(1, 0, 1, 0), (1, 0, 0.5, 0.5), (0, 1, 0, 1)])


def test_matching_pennies_unique_mixed_and_qre_constant():
    g = tb.matching_pennies()
    eqs = nash_equilibria(g)
    assert len(eqs) == 1 and np.allclose(eqs[0].flat(), 0.5)
    for lam in (0.1, 1.0, 7.0):
        assert np.allclose(logit_qre(g, lam), 0.5, atol=1e-10)


def test_jordan_three_player_pennies_unique_equilibrium():
    eqs = nash_equilibria(tb.jordan_pennies())
    assert len(eqs) == 1
    assert np.allclose(eqs[0].flat(), 0.5, atol=1e-9)


def test_mckelvey_mclennan_2x2x2_has_nine_equilibria_two_totally_mixed():
    eqs = nash_equilibria(tb.mckelvey_mclennan_2x2x2())
    assert len(eqs) == 9
    assert sum(e.is_pure for e in eqs) == 4
    totally = [e for e in eqs if all((s > 1e-9).all() for s in e.strategies)]
    assert len(totally) == 2
    assert any(np.allclose(e.flat(), [0.4, 0.6, 0.5, 0.5, 1 / 3, 2 / 3], atol=1e-9) for e in totally)
    assert all(e.regret < 1e-9 for e in eqs)


def test_pure_equilibria_prisoners_dilemma():
    pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    eqs = pure_equilibria(pd)
    assert len(eqs) == 1 and eqs[0].flat().tolist() == [0, 1, 0, 1]


def test_vertex_enumeration_battle_of_sexes():
    bos = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    got = sorted(tuple(np.round(e.flat(), 9)) for e in enum_mixed_2p(bos))
    assert got == sorted([(1, 0, 1, 0), (0, 1, 0, 1), (round(2 / 3, 9), round(1 / 3, 9), round(1 / 3, 9), round(2 / 3, 9))])


def test_agent_qre_pi_matches_general_tracer_on_deterrence_tree():
    g = tb.deterrence_tree()
    exact = agent_qre_pi(g, [0.0, 0.7, 2.5])[0]
    assert np.allclose(exact[0], g.uniform_profile())
    from brink.games.qre import _AgentSystem, _newton_fixed, _uniform_z  # general solver, not the sweep

    sys = _AgentSystem(g)
    z = _uniform_z(sys)
    for lam, row in zip((0.7, 2.5), exact[1:]):
        z, ok, _ = _newton_fixed(sys, z, lam, 1e-13)
        assert ok and np.allclose(np.exp(z), row, atol=1e-9)


def test_qre_tends_to_spe_on_perfect_information():
    g = tb.deterrence_tree()
    q = agent_qre_pi(g, [500.0])[0][0]
    assert np.allclose(q, subgame_perfect(g).profile, atol=1e-6)


def test_qre_trace_hits_requested_lambdas_and_is_logit():
    g = tb.mckelvey_mclennan_2x2x2()
    tr = logit_trace(g, lams=[0.5, 1.0, 3.0])
    for lam in (0.5, 1.0, 3.0):
        p = tr.at(lam)
        blocks = [p[0:2], p[2:4], p[4:6]]
        for i in range(3):
            v = g.payoff_against(i, blocks)
            expect = np.exp(lam * (v - v.max()))
            assert np.allclose(blocks[i], expect / expect.sum(), atol=1e-10)


def test_spe_rejects_imperfect_information():
    with pytest.raises(BrinkError, match="perfect information"):
        subgame_perfect(tb.selten_horse())


def test_reduced_normal_form_of_horse():
    nf, strats = reduced_normal_form(tb.selten_horse())
    assert nf.shape == (2, 2, 2)
    # player 1 plays D, player 3 plays R: (3, 2, 2) whatever player 2 does
    assert nf.payoffs[:, 0, 0, 1].tolist() == [3, 2, 2] and nf.payoffs[:, 0, 1, 1].tolist() == [3, 2, 2]


def test_reduced_form_too_big_is_an_error_not_a_crash():
    from brink.games.tree import GameBuilder

    b = GameBuilder(["A", "B"])
    kids = b.move(b.root, "A", [str(i) for i in range(12)])
    for k in kids:
        for kk in b.move(k, "B", ["x", "y", "z"]):
            b.outcome(kk, [0, 0])
    with pytest.raises(BrinkError, match="too many"):
        reduced_normal_form(b.build(), max_profiles=1000)


def test_support_enumeration_finds_equilibria_of_random_three_player_games():
    rng = np.random.default_rng(3)
    for _ in range(5):
        g = NormalFormGame.from_arrays(*rng.normal(size=(3, 3, 2, 2)))
        eqs = enum_support(g)
        assert eqs, "every finite game has an equilibrium"
        assert all(e.regret < 1e-9 for e in eqs)
