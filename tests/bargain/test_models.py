"""Model functions on small inputs with known answers, and their invariants."""

import numpy as np
import pytest

from brink.bargain.compromise import weighted_mean, weighted_median
from brink.bargain.exchange import NotApplicable, exchange_model
from brink.bargain.expected_utility import expected_utility_model, risk_exponents
from brink.bargain.nash import nash_bargaining

EC_X = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7.0])
EC_C = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EC_S = np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])


def test_compromise_and_median_on_ec():
    assert weighted_mean(EC_X, EC_C, EC_S) == pytest.approx(5.003 / 0.677, abs=1e-9)
    assert weighted_median(EC_X, EC_C, EC_S) == 7.0


def test_weighted_median_tie_takes_midpoint():
    assert weighted_median([0, 10], [1, 1], [1, 1]) == 5.0
    assert weighted_median([0, 10, 20], [1, 1, 3], [1, 1, 1]) == 20.0


def test_nash_two_actors_closed_form():
    # max w1 log(100 - x) + w2 log(x) on [0, 100]  ->  x = 100 w2 / (w1 + w2)
    for w1, w2 in [(1, 1), (1, 3), (2, 1)]:
        x = nash_bargaining([0, 100], [w1, w2], [1, 1], low=0, high=100)
        assert x == pytest.approx(100 * w2 / (w1 + w2), abs=1e-4)


def test_nash_stays_within_positions_and_moves_with_power():
    x = np.array([10.0, 40.0, 90.0])
    base = nash_bargaining(x, [1, 1, 1], [1, 1, 1], low=0, high=100)
    pulled = nash_bargaining(x, [1, 1, 5], [1, 1, 1], low=0, high=100)
    assert 10 <= base <= 90 and pulled > base


def test_nash_with_status_quo_disagreement_is_between_positions():
    x = nash_bargaining([20, 60], [1, 1], [1, 1], low=0, high=100, disagreement=0, utility="quadratic")
    assert 20 <= x <= 60


def test_risk_exponents_span_half_to_two():
    r = risk_exponents(EC_X, EC_C, EC_S)
    assert r.min() == pytest.approx(0.5) and r.max() == pytest.approx(2.0)


def test_eu_model_rejects_salience_above_one():
    with pytest.raises(ValueError):
        expected_utility_model([0, 1], [1, 1], [2, 0.5])


def test_eu_model_converges_when_everyone_agrees():
    res = expected_utility_model([5, 5, 5], [1, 2, 3], [0.5, 0.5, 0.5])
    assert res.converged and res.forecast == 5


def test_eu_least_move_rule_differs_only_in_compromise_choice():
    a = expected_utility_model(EC_X, EC_C, EC_S, offer_rule="scholz")
    b = expected_utility_model(EC_X, EC_C, EC_S, offer_rule="least_move")
    assert a.median_path[:4] == b.median_path[:4]
    assert a.median_path != b.median_path


def _two_issue_trade():
    # A cares about issue 1, B about issue 0; they sit on opposite sides of both outcomes.
    X = np.array([[0.0, 0.0], [100.0, 100.0], [50.0, 50.0]])
    C = np.ones((3, 2))
    S = np.array([[0.2, 0.9], [0.9, 0.2], [0.5, 0.5]])
    return X, C, S


def test_exchange_trades_the_issue_each_cares_less_about():
    X, C, S = _two_issue_trade()
    res = exchange_model(X, C, S)
    start = res.outcome_path[0]
    assert res.exchanges, "a mutually profitable trade exists"
    first = res.exchanges[0]
    assert (first.i, first.d) in {(0, 0), (1, 1)}  # each concedes on the issue it cares less about
    assert first.gain > 0
    # B (100, 100) wins ground on issue 0, A (0, 0) on issue 1
    assert res.forecast[0] > start[0] and res.forecast[1] < start[1]


def test_exchange_no_trade_when_saliences_proportional():
    X, C, _ = _two_issue_trade()
    S = np.full((3, 2), 0.5)
    res = exchange_model(X, C, S)
    assert not res.exchanges and res.converged
    np.testing.assert_allclose(res.forecast, res.outcome_path[0])


def test_exchange_needs_two_issues():
    with pytest.raises(NotApplicable):
        exchange_model(EC_X[:, None], EC_C[:, None], EC_S[:, None])


def test_exchange_skips_absent_actors():
    X, C, S = _two_issue_trade()
    X = X.copy()
    X[2, 1] = np.nan
    res = exchange_model(X, C, S)
    assert np.isnan(res.votes[2, 1]) and np.all(np.isfinite(res.forecast))
