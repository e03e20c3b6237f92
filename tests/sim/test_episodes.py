"""Episodes start, end and start again as their scenario defines them; the event history counts them.

The constructed cases replace a built-in scenario's outcomes by episodes whose
thresholds are computed from a deterministic path of one front (every move that
touches it is forced or disabled), so the rounds at which a war must start and
end are known exactly, for both backends.
"""

import numpy as np
import pytest

from brink.model.compiled import Model
from brink.model.history import state_after
from brink.model.intervention import Force, Intervention
from brink.scenario.schema import Outcome, Param
from brink.sim import simulate
from brink.sim.engine import Engine

FRONT = "front.LBN"
ATTACKER = "HEZ"


def _with_outcomes(scenario, *outcomes, **params: float):
    """The scenario with these episodes (and the default state), and extra named parameters;
    its settlements can never be reached (``requires`` is 0), so no bargaining step moves the
    constructed front (their episodes stay in the model, after the constructed ones)."""
    default = next(o for o in scenario.outcomes if o.default)
    extra = {k: Param(value=v, assumption="constructed test case") for k, v in params.items()}
    extra["no_settlement"] = Param(value=0.0, assumption="constructed test case: no settlement")
    shut = [i.model_copy(update={"settlement": i.settlement.model_copy(update={"requires": "no_settlement"})})
            if i.settlement is not None else i for i in scenario.bargaining]
    return scenario.model_copy(update={"outcomes": [*outcomes, default], "bargaining": shut,
                                       "parameters": {**scenario.parameters, **extra}})


def _war(when: str, ends_when: str | None = None, absorbing: bool = False, oid: str = "lebanon_war"):
    return Outcome(id=oid, label="constructed war on one front", when=when, ends_when=ends_when,
                   absorbing=absorbing, assumption="test case")


def test_episode_step_starts_ends_and_restarts(scenario):
    sc = _with_outcomes(scenario, _war(f"{FRONT} >= t_start", f"{FRONT} < t_end"),
                        _war(f"{FRONT} >= t_start", oid="plain"),
                        _war(f"{FRONT} >= t_start", absorbing=True, oid="forever"), t_start=0.6, t_end=0.3)
    m = Model(sc)
    S = np.tile(m.initial_state(), (1, 1))
    col = m.var_index[FRONT]
    active = np.zeros((1, len(m.episodes)), dtype=bool)
    path = [0.7, 0.5, 0.2, 0.65, 0.1]
    seen = []
    for level in path:
        S[:, col] = level
        active, started = m.episode_step(S, active)
        seen.append((active[0].tolist(), started[0].tolist()))
    # with ends_when (hysteresis): starts at 0.7, holds at 0.5, ends at 0.2, restarts at 0.65
    assert [a[0] for a, _ in seen] == [True, True, False, True, False]
    assert [s[0] for _, s in seen] == [True, False, False, True, False]
    # without ends_when: under way only while `when` holds
    assert [a[1] for a, _ in seen] == [True, False, False, True, False]
    # absorbing: starts once and never ends
    assert [a[2] for a, _ in seen] == [True] * 5 and [s[2] for _, s in seen] == [True, False, False, False, False]


def _front_path(m: Model, start: np.ndarray, moves: list[str]) -> list[float]:
    """The front's level at the end of each round when only ``moves`` (one per round) touch it."""
    S = start.copy()
    out = []
    for aid in moves:
        S = m.step_dynamics(m.apply(S, aid, m.random_means(S, aid)))
        out.append(float(S[m.var_index[FRONT]]))
    return out


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_a_war_ends_in_a_ceasefire_in_a_constructed_case(scenario, backend):
    attack = next(a.id for a in scenario.actions if a.actor == ATTACKER and a.category == "proxy_attack")
    truce = next(a.id for a in scenario.actions if a.actor == ATTACKER and a.category == "ceasefire")
    hold = next(a.id for a in scenario.actions if a.actor == ATTACKER and a.category == "none")
    base = Model(scenario)
    col = base.var_index[FRONT]
    others = tuple(a for a, am in base.actions.items() if col in am.targets and base.actions[a].actor != ATTACKER)
    moves = [attack, attack, attack, truce, hold]
    start, _ = state_after(base, None)
    levels = _front_path(base, start, moves)
    assert levels[2] > levels[1] > levels[0] and levels[4] < levels[3] < levels[2]
    # the war starts when the front passes the level of round 2 and ends below the cease-fire's level
    start_at = (levels[1] + levels[0]) / 2
    end_at = (levels[3] + min(levels[0], levels[2])) / 2
    assert levels[3] < end_at < start_at <= levels[1]
    sc = _with_outcomes(scenario, _war(f"{FRONT} >= t_start", f"{FRONT} < t_end"), t_start=start_at, t_end=end_at)
    force = tuple(Force(ATTACKER, aid, (r,)) for r, aid in enumerate(moves, start=1))
    iv = Intervention(id="constructed", disable=others, force=force)
    eng = Engine(sc, iv, horizon=5, backend=backend)
    assert eng.backend == backend
    b = eng.run_batch(seed=3, first_block=0, n_blocks=1, n=200)
    h = b.history
    war = h.col("outcome:lebanon_war")
    assert b.forced_skipped == 0
    assert (h.first[:, h.col(truce)] == 4).all()
    assert (h.first[:, war] == 2).all()          # starts in round 2 ...
    assert (b.active_counts[:, 0] == [0, 0, 200, 200, 0, 0]).all()
    assert b.active_counts[:, 1:].sum() == 0  # the settlements (shut) never start  # ... and ends with the cease-fire, round 4
    assert (h.count[:, war] == 1).all() and not b.end_active.any()
    assert (b.quiet_counts == [200, 200, 0, 0, 200, 200]).all()


def test_trajectories_run_the_whole_horizon_with_several_episodes(scenario):
    res = simulate(scenario, runs=1000, horizon=26, seed=2)
    h = res.history
    # every actor decides in every round of every run
    ac = res.action_counts.groupby("round")["count"].sum()
    assert (ac == 1000 * len(set(scenario.schedule.order))).all() and len(ac) == 26
    # an episode can end: some run has an episode under way at some round and not at the horizon
    ep = [h.col("outcome:" + e) for e in res.episode_ids]
    started = h.first[:, ep] >= 1
    ended = started & ~np.asarray(res.runs["end_state"].to_numpy()[:, None] == np.array(res.episode_ids)[None, :])
    assert ended.any()
    assert np.isclose(res.under_way[res.default_outcome].iloc[-1],
                      (res.runs["end_state"] == res.default_outcome).mean())


def test_watched_states_are_recorded(scenario):
    res = simulate(scenario, runs=300, horizon=6, seed=1, watch={"hot": "front.IRN_ISR >= 0", "never": "front.IRN_ISR > 2"})
    h = res.history
    assert (h.first[:, h.col("state:hot")] == 1).all() and (h.count[:, h.col("state:hot")] == 6).all()
    assert (h.first[:, h.col("state:never")] == -1).all()
    from brink.errors import BrinkError

    with pytest.raises(BrinkError, match="watched state 'bad'"):
        simulate(scenario, runs=10, horizon=2, watch={"bad": "no_such_thing > 1"})


def test_forecast_origin_replays_the_timeline(scenario):
    import datetime as dt

    from brink.model.history import state_on

    day = dt.date(2024, 8, 1)
    eng = Engine(scenario, horizon=2, as_of=day)
    assert np.array_equal(eng.start, state_on(eng.model, day))
    assert eng.start[eng.model.var_index["world.week"]] == pytest.approx((day - scenario.meta.as_of).days / 7)
    res = simulate(scenario, runs=100, horizon=2, seed=1, as_of="2024-08-01")
    assert res.meta["origin"] == "2024-08-01"
    from brink.errors import BrinkError

    with pytest.raises(BrinkError, match="after the scenario's as_of"):
        simulate(scenario, runs=10, horizon=2, as_of="2030-01-01")
    with pytest.raises(BrinkError, match="expected a date"):
        simulate(scenario, runs=10, horizon=2, as_of="soon")
