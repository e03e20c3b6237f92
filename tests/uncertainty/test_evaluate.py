"""evaluate: one row per parameter set, on common random numbers, the same on every executor."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from brink.errors import BrinkError
from brink.forecast.forecast import forecast
from brink.forecast.questions import load_questions
from brink.scenario.loader import load_scenario
from brink.uncertainty import assumption_problem, evaluate
from brink.uncertainty.execute import run_chunks
from tests.uncertainty.conftest import JUDGEMENTS

RUNS = 40


@pytest.fixture
def case(scenario_id, qfile):
    sc = load_scenario(scenario_id)
    problem = assumption_problem(sc, JUDGEMENTS[scenario_id])
    return sc, problem, qfile(scenario_id)


def test_a_row_at_the_point_values_is_the_plain_forecast_and_rows_share_random_numbers(case):
    sc, problem, q = case
    X = np.vstack([problem.values, problem.sample(3, seed=1), problem.values])
    frame = evaluate(sc, problem, X, q, RUNS, seed=11, backend="numpy")
    assert list(frame.columns[:problem.d]) == list(problem.names) and len(frame) == 5
    assert np.array_equal(frame[list(problem.names)].to_numpy(), X)
    plain = forecast(sc, load_questions(q, sc), RUNS, 11, backend="numpy").rows.set_index("id")["probability"]
    for qid in ("U01", "U02"):
        assert frame.loc[0, qid] == plain[qid] and frame.loc[4, qid] == plain[qid]  # common random numbers
    assert any(c.startswith("outcome:") for c in frame.columns)
    assert frame.filter(like="U0").apply(lambda c: c.between(0, 1)).all().all()


def test_the_numbers_are_the_same_for_any_worker_count_and_chunking(case):
    sc, problem, q = case
    X = problem.sample(6, seed=2)
    one = evaluate(sc, problem, X, q, RUNS, seed=5, backend="numpy")
    two = evaluate(sc, problem, X, q, RUNS, seed=5, backend="numpy", workers=2, chunk_size=1)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    other_seed = evaluate(sc, problem, X[:2], q, RUNS, seed=6, backend="numpy")
    assert not other_seed.filter(like="U0").equals(one.filter(like="U0").iloc[:2])


def test_a_salib_problem_dictionary_drives_it_too(case):
    sc, problem, q = case
    X = problem.sample(2, seed=4)
    salib = {"num_vars": problem.d, "names": list(problem.names), "bounds": [[0, 1]] * problem.d}
    a = evaluate(sc, salib, X, q, RUNS, seed=3, backend="numpy")
    b = evaluate(sc, problem, X, q, RUNS, seed=3, backend="numpy")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_values_are_checked_before_anything_runs(case, monkeypatch):
    sc, problem, q = case
    X = np.vstack([problem.values, problem.values])
    X[1, 0] = -5.0  # lambda below its range
    import brink.uncertainty.evaluation as ev

    monkeypatch.setattr(ev, "_chunk", lambda payload: pytest.fail("a run started"))
    with pytest.raises(BrinkError, match=r"row 1: lambda=-5: outside the declared range of lambda"):
        evaluate(sc, problem, X, q, RUNS, backend="numpy")
    with pytest.raises(BrinkError, match="expected \\(sets, 2\\)|expected \\(sets, "):
        evaluate(sc, problem, X[:, :1], q, RUNS, backend="numpy")
    with pytest.raises(BrinkError, match="not a finite number"):
        evaluate(sc, problem, np.full((1, problem.d), np.nan), q, RUNS, backend="numpy")


def test_a_failed_task_is_retried_and_reported_and_a_bad_input_is_not():
    calls = {}
    lock = threading.Lock()

    def flaky(k):
        with lock:
            calls[k] = calls.get(k, 0) + 1
            first = calls[k] == 1
        if k == 2 and first:
            raise OSError("worker lost")
        if k == 3:
            raise BrinkError("bad input in chunk 3")
        return k * 10

    done, retried = {}, []
    with ThreadPoolExecutor(2) as ex:
        run_chunks(flaky, {0: 0, 1: 1, 2: 2}, ex, done.__setitem__, lambda k, e: retried.append((k, str(e))))
    assert done == {0: 0, 1: 10, 2: 20} and retried == [(2, "worker lost")]
    calls.clear()
    with ThreadPoolExecutor(2) as ex, pytest.raises(BrinkError, match="bad input in chunk 3"):
        run_chunks(flaky, {3: 3}, ex, done.__setitem__)
    assert calls[3] == 1  # not retried

    def always(k):
        raise OSError("disk gone")

    with ThreadPoolExecutor(1) as ex, pytest.raises(BrinkError, match="chunk 0 failed 3 times.*disk gone"):
        run_chunks(always, {0: 0}, ex, done.__setitem__)


def test_a_local_dask_cluster_gives_the_local_pools_numbers_bit_for_bit(tmp_path, qfile):
    """Two workers of a distributed.LocalCluster started here, against two local processes."""
    from distributed import Client, LocalCluster

    sc = load_scenario("synthetic-standoff")
    problem = assumption_problem(sc, JUDGEMENTS["synthetic-standoff"])
    q = qfile("synthetic-standoff")
    X = problem.sample(4, seed=9)
    local = evaluate(sc, problem, X, q, RUNS, seed=2, backend="numpy", workers=2, chunk_size=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      local_directory=str(tmp_path / "dask")) as cluster:
        remote = evaluate(sc, problem, X, q, RUNS, seed=2, backend="numpy", cluster=cluster.scheduler_address,
                          chunk_size=1)
        with Client(cluster) as client:
            again = evaluate(sc, problem, X, q, RUNS, seed=2, backend="numpy", cluster=client, chunk_size=2)
    pd.testing.assert_frame_equal(local, remote, check_exact=True)
    pd.testing.assert_frame_equal(local, again, check_exact=True)


def test_an_unreachable_cluster_is_one_line():
    sc = load_scenario("synthetic-standoff")
    problem = assumption_problem(sc, "lambda")
    from tests.uncertainty.conftest import QUESTIONS  # noqa: F401  (the scenario's own file is enough here)

    with pytest.raises(BrinkError, match="cannot reach a Dask scheduler"):
        evaluate("synthetic-standoff", problem, problem.values[None, :], "standoff", 10, backend="numpy",
                 cluster="tcp://127.0.0.1:9")
