import datetime as dt

import numpy as np

from brink.fit.episodes import Episode
from brink.fit.mapping import category_order, map_episode, resolve_actor
from brink.model import evaluate


def _by_id(mapping):
    m = {c.episode_id: c for c in mapping.contexts}
    u = {x.episode.episode_id: x for x in mapping.unmapped}
    return m, u


def test_every_episode_is_mapped_or_listed_with_a_reason(mapping, episodes):
    m, u = _by_id(mapping)
    assert set(m) | set(u) == {e.episode_id for e in episodes}
    assert not set(m) & set(u)
    assert all(x.reason for x in mapping.unmapped)
    assert mapping.table().shape[0] == len(episodes)


def test_specific_rules(mapping, model):
    m, u = _by_id(mapping)
    assert "joint" in u["EP14"].reason                  # US+UK+Israel
    assert "not a scenario actor" in u["EP23"].reason   # Pakistan
    assert "no catalogue action of category" in u["EP05"].reason
    assert m["EP19"].actor == "USA"                     # US+UK led by the US
    assert m["EP17"].actor == "HEZ" and m["EP06"].actor == "IQM"
    # decision points that cite an episode line give the model's own state there
    for dp in model.scenario.decision_points:
        for c in mapping.contexts:
            if f"episodes_2019_2024.csv:L{c.episode.line}" in dp.evidence and dp.actor == c.actor:
                assert c.source == f"decision_point:{dp.id}"
                assert np.allclose(c.state, model.state_at(dp.id))


def test_observed_category_is_always_in_the_choice_set(mapping, model):
    for c in mapping.contexts:
        assert c.observed in c.categories
        acts = model.actors[c.actor].actions
        feas = model.feasible_mask(c.state, c.actor)
        cats = {model.scenario.action(a).category for a, f in zip(acts, feas) if f}
        assert set(c.categories) == cats


def test_constructed_state_applies_the_trigger(model):
    ep = Episode("X1", dt.date(2020, 11, 27), "killing", "Israel", "Iran", dt.date(2020, 12, 1),
                 "rhetoric_only", trigger_scenario_actor="ISR", trigger_category="assassination")
    c = map_episode(model, ep)
    assert c.source == "constructed" and "ISR_assassination" in c.note
    S0 = model.initial_state()
    w = model.var_index["world.week"]
    S0[w] = np.clip(model.week_of(ep.trigger_date), model.lo[w], model.hi[w])
    assert np.allclose(c.state, model.apply(S0, "ISR_assassination"))


def test_after_as_of_is_not_used(model):
    late = model.scenario.meta.as_of + dt.timedelta(days=3)
    ep = Episode("X2", late, "t", "Israel", "Iran", late, "none", trigger_category="assassination")
    r = map_episode(model, ep)
    assert not hasattr(r, "state") and "as_of" in r.reason


def test_actor_names_resolve_through_aliases(model):
    assert resolve_actor(model, "Kataib Hezbollah")[0] == "IQM"
    assert resolve_actor(model, "United States")[0] == "USA"
    assert resolve_actor(model, "Iran (IRGC)")[0] == "IRN"
    assert resolve_actor(model, "Pakistan")[0] is None


def test_category_probability_is_the_sum_over_its_actions(mapping, model):
    from brink.fit.likelihood import category_probabilities, model_parameters, precompute

    cats = category_order(model)
    pre = precompute(model, mapping.contexts)
    P = category_probabilities(pre, *model_parameters(model))
    for i, c in enumerate(mapping.contexts[:8]):
        ev = evaluate(model, c.state, c.actor)
        for k, cat in enumerate(cats):
            s = sum(p for a, p in zip(ev.actions, ev.probability) if model.scenario.action(a).category == cat)
            assert abs(P[i, k] - s) < 1e-12
        assert abs(P[i].sum() - 1) < 1e-12
