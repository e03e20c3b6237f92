"""The bargaining step inside the simulation (brink.model.negotiation) against brink bargain.

Run on every built-in scenario (each can settle bargaining issues):

* in the scenario's start state the moved stances are the stated ones, so the
  link's case and its forecasts are exactly the static ``brink bargain`` ones;
* in arbitrary states (random points inside every variable's range, random
  settlements holding) the step's forecast of each open issue equals
  ``brink bargain``'s on ``Negotiation.case`` of that state, trajectory by
  trajectory, for every bargaining model;
* a settlement is reached exactly when its conditions hold, applies its effects
  once, breaks down when ``breaks_when`` holds; offers are the values of the open
  settlements at their forecasts.
"""

import json

import numpy as np
import pytest

from brink.bargain.forecast import forecast, predict
from brink.bargain.scenario import case_from_scenario
from brink.model.compiled import Model
from brink.model.history import state_after
from brink.scenario.loader import load_scenario
from tests.cli import run


@pytest.fixture(scope="module")
def models():
    return {}


def _model(models, scenario_id) -> Model:
    if scenario_id not in models:
        models[scenario_id] = Model(load_scenario(scenario_id))
    return models[scenario_id]


def _random_states(m: Model, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = m.lo.copy(), m.hi.copy()
    week = m.var_index.get("world.week")
    if week is not None:
        lo[week], hi[week] = 0.0, 52.0
    S = lo + rng.random((n, lo.size)) * (hi - lo)
    for col in m.negotiation.settle_col:
        S[:, col] = (rng.random(n) < 0.3).astype(float)
    for c in (i for name, i in m.var_index.items() if name.startswith("channel.")):
        S[:, c] = (rng.random(n) < 0.8).astype(float)
    return S


def test_every_builtin_scenario_settles_issues_and_names_a_collective_deal(models, scenario_id):
    m = _model(models, scenario_id)
    sc = m.scenario
    assert m.negotiation is not None and len(m.negotiation.linked) >= 2
    ids = {o.id for o in m.episodes}
    for issue in sc.settled_issues():
        assert f"{issue.id}_settlement" in ids
    assert sc.negotiation.collective.id in ids


def test_in_the_start_state_the_link_is_the_static_bargain(models, scenario_id):
    m = _model(models, scenario_id)
    static = case_from_scenario(m.scenario)
    moved = m.negotiation.case(m._initial)
    for name in ("position", "salience", "capability"):
        np.testing.assert_array_equal(getattr(moved, name), getattr(static, name))
    a = forecast(static, draws=0).to_frame()
    b = forecast(moved, draws=0).to_frame()
    assert a.equals(b)
    # and the moves are not idle: in the as_of state some stance has moved
    S, _ = state_after(m, None)
    assert not np.allclose(np.nan_to_num(m.negotiation.stances(S)), np.nan_to_num(m.negotiation.base))


@pytest.mark.parametrize("model_name", ["compromise", "median", "exchange", "eu"])
def test_the_step_forecast_equals_brink_bargain_state_by_state(models, scenario_id, model_name):
    m = _model(models, scenario_id)
    ng = m.negotiation
    saved = ng.model_name
    ng.model_name = model_name
    try:
        S = _random_states(m, 12, seed=3)
        res = ng.step(S)
    finally:
        ng.model_name = saved
    held = ng.settled(S) & ~res.broken
    checked = 0
    for row in range(S.shape[0]):
        closed = {ng.linked[l] for l in np.flatnonzero(held[row])}
        open_ = [d for d in range(ng.case0.n_issues) if d not in closed]
        want = predict(ng.case(S[row], open_), model_name)
        np.testing.assert_allclose(res.forecast[row, open_], want, rtol=0, atol=1e-9)
        assert np.isnan(res.forecast[row, sorted(closed)]).all()
        checked += len(open_)
    assert checked > 0


@pytest.mark.parametrize("model_name", ["compromise", "median", "exchange", "eu"])
def test_the_engine_step_on_the_settled_issues_only_gives_the_same_state(models, scenario_id, model_name):
    """The engine calls ``step(S, every_issue=False)``, which skips the unsettled issues where the
    model forecasts issue by issue: the state, what is reached or broken, and the settled issues'
    forecasts must be those of the full step."""
    m = _model(models, scenario_id)
    ng = m.negotiation
    saved = ng.model_name
    ng.model_name = model_name
    try:
        S = _random_states(m, 40 if model_name == "compromise" else 8, seed=5)
        S[::2, ng.settle_col] = 1.0     # half of the rows with every settlement holding (some break)
        full, part = ng.step(S), ng.step(S, every_issue=False)
    finally:
        ng.model_name = saved
    np.testing.assert_array_equal(part.state, full.state)
    for name in ("reached", "broken", "acceptable", "channel_open", "required"):
        np.testing.assert_array_equal(getattr(part, name), getattr(full, name))
    linked = list(ng.linked)
    np.testing.assert_array_equal(part.forecast[:, linked], full.forecast[:, linked])
    others = [d for d in range(ng.case0.n_issues) if d not in linked]
    if others:
        assert np.isnan(part.forecast[:, others]).all() == (model_name != "exchange")
    assert not np.isnan(full.forecast[:, linked]).all()


def _step_on_random_states(models, scenario_id, seed: int, settled: float):
    """The model, its link, 400 random states with every settlement flag at ``settled``, and the step."""
    m = _model(models, scenario_id)
    ng = m.negotiation
    S = _random_states(m, 400, seed=seed)
    S[:, ng.settle_col] = settled
    return m, ng, S


def test_a_settlement_is_reached_only_when_all_its_conditions_hold(models, scenario_id):
    m, ng, S = _step_on_random_states(models, scenario_id, 11, 0.0)
    res = ng.step(S)
    want = res.acceptable & res.channel_open & res.required
    np.testing.assert_array_equal(res.reached, want)
    assert res.reached.any() and (~res.reached).any()
    # the flag is set where reached, and every effect is applied once, on the state before
    for l in range(len(ng.linked)):
        rows = np.flatnonzero(res.reached[:, l])
        assert (res.state[rows, ng.settle_col[l]] == 1.0).all()
        assert (res.state[np.flatnonzero(~res.reached[:, l]), ng.settle_col[l]] == 0.0).all()
    only = np.flatnonzero(res.reached.sum(axis=1) == 1)
    assert only.size  # some state reaches exactly one settlement, so its effects can be checked alone
    r = only[0]
    l = int(np.flatnonzero(res.reached[r])[0])
    expect = m.apply_effects(S[r:r + 1], ng.effects[l])[0]
    changed = [i for i, _ in ng.effects[l]]
    np.testing.assert_allclose(res.state[r, changed], expect[changed])


def test_closed_channels_block_every_settlement(models, scenario_id):
    m, ng, S = _step_on_random_states(models, scenario_id, 12, 0.0)
    for chans in ng.channels:
        S[:, chans] = 0.0
    res = ng.step(S)
    assert not res.reached.any()
    assert not res.channel_open.any()


def test_a_holding_settlement_breaks_down_when_its_condition_holds_and_not_otherwise(models, scenario_id):
    m, ng, S = _step_on_random_states(models, scenario_id, 13, 1.0)
    res = ng.step(S)
    for l in range(len(ng.linked)):
        breaks = np.asarray(ng.breaks[l](S), dtype=bool)
        np.testing.assert_array_equal(res.broken[:, l], breaks)
        # a holding settlement that does not break stays (and is not forecast)
        keep = ~breaks
        assert (res.state[keep, ng.settle_col[l]] == 1.0).all()
        assert np.isnan(res.forecast[keep, ng.linked[l]]).all()
    assert res.broken.any()


def test_offers_are_the_values_of_the_open_settlements_at_their_forecasts(models, scenario_id):
    m = _model(models, scenario_id)
    ng = m.negotiation
    S, _ = state_after(m, None)
    sc = m.scenario
    issues = {i.id: i for i in sc.bargaining}
    st = ng.stances(S[None, :])[0]
    res = ng.step(S[None, :])
    assert not res.reached.any()  # the as_of state of a shipped scenario holds no deal yet
    for a in ng.offer_actors:
        i = ng.case0.actors.index(a)
        total = 0.0
        for l, d in enumerate(ng.linked):
            if not ng.present[i, d]:
                continue
            x, s = st[0, i, d], st[1, i, d]
            q = issues[ng.linked_ids[l]].settlement.status_quo.value
            total += s * (abs(x - q) - abs(x - res.forecast[0, d])) / 100.0
        assert S[m.var_index[f"offer.{a}"]] == pytest.approx(total, abs=1e-12)


def test_brink_bargain_state_file_gives_the_step_forecast(models, scenario_id, tmp_path, capsys):
    m = _model(models, scenario_id)
    ng = m.negotiation
    S, _ = state_after(m, None)
    S = S.copy()
    hot = [i for n, i in m.var_index.items() if n.startswith("front.")]
    S[hot] = 0.9  # every front near war: the stances that move with fronts move
    f = tmp_path / "state.json"
    f.write_text(json.dumps({n: float(S[i]) for n, i in m.var_index.items()
                             if not n.startswith("offer.")}))
    code, text = run(capsys, "bargain", scenario_id, "--state", str(f), "--json", "--draws", "0",
                     "--model", "compromise")
    assert code == 0, text
    out = json.loads(text)
    res = ng.step(m.with_offers(S)[None, :])
    by_id = {it["id"]: it["forecasts"]["compromise"] for it in out["issues"]}
    for d, iid in enumerate(ng.case0.issues):
        assert by_id[iid] == pytest.approx(res.forecast[0, d], abs=1e-9)
    assert {r["issue"] for r in out["state"]["settlements"]} == set(ng.linked_ids)


def test_brink_bargain_state_file_errors_name_the_file_and_the_variable(scenario_id, tmp_path, capsys):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"no.such_variable": 0.5}))
    code, err = run(capsys, "bargain", scenario_id, "--state", str(f), "--draws", "0")
    assert code == 2 and "bad.json" in err and "no.such_variable" in err and "Traceback" not in err
    f.write_text(json.dumps({"front.%s" % load_scenario(scenario_id).fronts[0].id: 7}))
    code, err = run(capsys, "bargain", scenario_id, "--state", str(f), "--draws", "0")
    assert code == 2 and "outside its range" in err
    f.write_text("{not json")
    code, err = run(capsys, "bargain", scenario_id, "--state", str(f), "--draws", "0")
    assert code == 2 and "not valid JSON" in err


def test_brink_bargain_at_a_date_and_explain_show_the_settlements(scenario_id, capsys):
    sc = load_scenario(scenario_id)
    code, out = run(capsys, "bargain", scenario_id, "--at", sc.meta.as_of.isoformat(), "--draws", "0",
                    "--no-history")
    assert code == 0, out
    assert "Settlements in the state on" in out
    for issue in sc.settled_issues():
        assert issue.id in out
    code, out = run(capsys, "bargain", scenario_id, "--at", "2999-01-01", "--draws", "0")
    assert code == 2 and "as_of" in out
    talker = next(a for a in sc.schedule.order if a in sc.offer_actors())
    code, out = run(capsys, "explain", scenario_id, "--actor", talker)
    assert code == 0, out
    assert "settlements on the table" in out and "offer." in out


def test_brink_bargain_takes_a_simulated_round_from_state_means(scenario_id, tmp_path, capsys):
    import pandas as pd

    m = Model(load_scenario(scenario_id))
    S, _ = state_after(m, None)
    rows = []
    for r in range(3):
        row = {"round": r, **{n: float(S[i]) for n, i in m.var_index.items()}}
        for n in m.var_index:
            if n.startswith("front."):
                row[n] = min(1.0, 0.3 * r)
        rows.append(row)
    f = tmp_path / "state_means.parquet"
    pd.DataFrame(rows).to_parquet(f)
    code, text = run(capsys, "bargain", scenario_id, "--state", str(f), "--round", "2", "--json", "--draws", "0",
                     "--model", "compromise")
    assert code == 0, text
    out = json.loads(text)
    S2 = S.copy()
    for n, i in m.var_index.items():
        if n.startswith("front."):
            S2[i] = 0.6
    res = m.negotiation.step(m.with_offers(S2)[None, :])
    got = {it["id"]: it["forecasts"]["compromise"] for it in out["issues"]}
    for d, iid in enumerate(m.negotiation.case0.issues):
        assert got[iid] == pytest.approx(res.forecast[0, d], abs=1e-9)
    code, text = run(capsys, "bargain", scenario_id, "--state", str(f), "--round", "9", "--draws", "0")
    assert code == 2 and "--round 9" in text
    code, text = run(capsys, "bargain", scenario_id, "--round", "1", "--draws", "0")
    assert code == 2 and "--round goes with --state" in text
