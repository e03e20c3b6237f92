"""A run is bit-for-bit the same for the same (scenario, parameters, seed),
whatever the batch size, the number of workers or the total number of runs."""

import numpy as np

from brink.sim import simulate


def test_same_seed_same_result_any_batch_size_or_workers(scenario):
    a = simulate(scenario, runs=4200, horizon=6, seed=11, batch_size=4096)
    b = simulate(scenario, runs=4200, horizon=6, seed=11, batch_size=8192)
    c = simulate(scenario, runs=4200, horizon=6, seed=11, batch_size=4096, workers=2)
    for other in (b, c):
        assert a.runs.equals(other.runs)
        assert np.array_equal(a.history.first, other.history.first)
        assert np.array_equal(a.history.count, other.history.count)
        assert a.under_way.equals(other.under_way)
        assert a.action_counts.equals(other.action_counts)
        assert a.fronts.equals(other.fronts)


def test_prefix_of_runs_does_not_depend_on_total(scenario):
    small = simulate(scenario, runs=300, horizon=5, seed=3)
    large = simulate(scenario, runs=4200, horizon=5, seed=3)
    assert small.runs.equals(large.runs.iloc[:300])
    assert np.array_equal(small.history.first, large.history.first[:300])


def test_different_seed_differs(scenario):
    a = simulate(scenario, runs=2000, horizon=10, seed=1)
    b = simulate(scenario, runs=2000, horizon=10, seed=2)
    assert not np.array_equal(a.history.first, b.history.first)
