import datetime as dt
import json

import numpy as np
import pytest

from brink.model.history import state_at
from brink.errors import InputError
from brink.fit.episodes import Episode
from brink.fit.mapping import category_order, citations, map_episode, read_rules, resolve_actor
from brink.model import evaluate


def _by_id(mapping):
    m = {c.episode_id: c for c in mapping.contexts}
    u = {x.episode.episode_id: x for x in mapping.unmapped}
    return m, u


def test_every_episode_is_mapped_or_listed_with_a_reason(mapped):
    model, episodes, mapping = mapped
    m, u = _by_id(mapping)
    assert set(m) | set(u) == {e.episode_id for e in episodes}
    assert not set(m) & set(u)
    assert mapping.contexts, "a scenario's own episodes should map to some decisions of its model"
    assert all(x.reason for x in mapping.unmapped)
    frame = mapping.to_frame()
    assert frame.shape[0] == len(episodes) and frame["mapped"].sum() == len(mapping.contexts)
    rec = json.loads(json.dumps(mapping.to_dict(), allow_nan=False))
    assert rec["mapped"] == len(mapping.contexts) and len(rec["episodes"]) == len(episodes)


def test_decision_points_that_cite_an_episode_give_the_models_state(mapped, scenario_id):
    model, _, mapping = mapped
    rules = read_rules(scenario_id, model.scenario)
    for dp in model.scenario.decision_points:
        for c in mapping.contexts:
            if dp.actor == c.actor and set(citations(c.episode, rules)) & set(dp.evidence):
                assert c.source == f"decision_point:{dp.id}"
                assert np.allclose(c.state, state_at(model, dp.id))


def test_specific_rules(mapping, model):
    m, u = _by_id(mapping)
    assert "not a scenario actor" in u["EP23"].reason   # Pakistan
    assert m["EP19"].actor == "USA"                     # US+UK led by the US (fit/mapping.yaml)
    assert "led by the United States" in m["EP19"].note
    assert m["EP17"].actor == "HEZ" and m["EP06"].actor == "IQM"
    # the decision points cite the source the episodes file copies (cited_as in fit/mapping.yaml)
    assert m["EP33"].source == "decision_point:after_haniyeh"
    assert "cites episodes_2019_2024.csv:L34" in m["EP33"].note


def test_every_iran_2024_episode_but_pakistans_is_mapped(mapping, episodes):
    m, u = _by_id(mapping)
    assert set(u) == {"EP23"} and "Pakistan" in u["EP23"].reason
    assert len(m) == len(episodes) - 1
    # the moves that were missing from the catalogue before issue 12, each in its episode's choice set
    for ep, actor, cat in [("EP01", "USA", "sanctions"), ("EP09", "USA", "sanctions"),
                           ("EP02", "IRN", "limited_precision_strike"),
                           ("EP05", "USA", "limited_precision_strike"), ("EP18", "USA", "limited_precision_strike"),
                           ("EP07", "USA", "assassination"), ("EP14", "USA", "rhetoric_only"),
                           ("EP25", "IQM", "ceasefire")]:
        assert m[ep].actor == actor and m[ep].observed == cat and cat in m[ep].categories, ep


def test_us_actions_that_answer_militias_need_us_forces_under_attack(model):
    """The strikes on militias and the killing of a commander are gated on the front of US forces:
    not feasible at its 31 March 2024 level, feasible after a militia attack; designations and
    warnings need no attack, and 'maximum pressure' still waits for January 2025."""
    S = model.initial_state()
    acts = model.actors["USA"].actions
    quiet = dict(zip(acts, model.feasible_mask(S, "USA")))
    hot = dict(zip(acts, model.feasible_mask(model.apply(S, "IQM_attack"), "USA")))
    for a in ("USA_militia_strike", "USA_kill_commander"):
        assert not quiet[a] and hot[a], a
    assert quiet["USA_sanctions"] and quiet["USA_warn_iran"] and not quiet["USA_max_pressure"]
    iqm = model.actors["IQM"].actions
    pause = iqm.index("IQM_ceasefire")
    assert not model.feasible_mask(S, "IQM")[pause] and model.feasible_mask(model.apply(S, "IQM_attack"), "IQM")[pause]


def test_the_us_uk_israel_rule_codes_the_mercer_street_answer_as_the_us(mapping, model):
    rules = read_rules("iran-2024", model.scenario)
    actor, note = resolve_actor(model, "US + UK + Israel", rules)
    assert actor == "USA" and "CENTCOM" in note
    m, _ = _by_id(mapping)
    assert m["EP14"].actor == "USA" and "CENTCOM" in m["EP14"].note


def test_state_sources_replayed_from_the_timelines_start(mapping, model):
    """Episodes on or after the timeline's first event are never 'constructed'; a replayed state is
    history.state_on on the trigger date plus the trigger; the counts add up."""
    from brink.fit.mapping import trigger_action
    from brink.model.history import ordered_timeline, state_on

    start = ordered_timeline(model)[0].date
    assert start == dt.date(2024, 4, 1)
    counts = mapping.state_sources()
    assert sum(counts.values()) == len(mapping.contexts)
    assert counts["replayed"] >= 1 and counts["constructed"] >= 1
    for c in mapping.contexts:
        kind = c.source.split(":")[0]
        if c.episode.trigger_date >= start:
            assert kind != "constructed", c.episode_id
        else:
            assert kind == "constructed", c.episode_id
        if kind == "replayed":
            S = state_on(model, c.episode.trigger_date)
            trig = trigger_action(model, c.episode, c.actor, S)
            assert trig is not None and trig in c.note
            assert np.allclose(c.state, model.with_offers(model.pin(model.apply(S, trig))))


def test_a_group_deciding_after_its_own_attack_gets_its_own_action_as_trigger(mapping):
    m, _ = _by_id(mapping)
    assert m["EP25"].actor == "IQM" and "trigger applied as IQM_attack" in m["EP25"].note
    assert "stand-in" not in m["EP25"].note


def test_observed_category_is_always_in_the_choice_set(mapped):
    model, _, mapping = mapped
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


def test_after_as_of_is_not_used(mapped):
    model = mapped[0]
    decider = next(a for a in model.scenario.actors if a.id in model.actors)
    late = model.scenario.meta.as_of + dt.timedelta(days=3)
    ep = Episode("X2", late, "t", "someone", decider.name, late, "none")
    r = map_episode(model, ep)
    assert not hasattr(r, "state") and "as_of" in r.reason


def test_every_actor_resolves_by_id_name_and_alias(mapped):
    model = mapped[0]
    for a in model.scenario.actors:
        for name in (a.id, a.name, f"{a.name} (some detail)", *a.aliases):
            assert resolve_actor(model, name)[0] == a.id, name
    assert resolve_actor(model, "No Such Actor Anywhere")[0] is None


def test_actor_names_resolve_through_aliases(model):
    assert resolve_actor(model, "Kataib Hezbollah")[0] == "IQM"
    assert resolve_actor(model, "United States")[0] == "USA"
    assert resolve_actor(model, "Iran (IRGC)")[0] == "IRN"
    assert resolve_actor(model, "Pakistan")[0] is None


def test_joint_actors_come_from_the_scenarios_rules(model):
    rules = read_rules("iran-2024", model.scenario)
    assert resolve_actor(model, "US + UK", rules)[0] == "USA"
    assert resolve_actor(model, "US+UK")[0] is None           # no rules, no joint decision
    assert "joint" in resolve_actor(model, "US+UK+Israel")[1]
    assert "joint" in resolve_actor(model, "US+Israel", rules)[1]  # a combination with no rule


def _rules_folder(tmp_path, text):
    (tmp_path / "fit").mkdir(parents=True)
    (tmp_path / "fit" / "mapping.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_rules_errors_name_file_line_and_field(tmp_path, scenario):
    folder = _rules_folder(tmp_path, "cited_as: no_such_source.csv\nextra: 1\njoint_actors:\n"
                                     "  - {name: A+B, actor: NOPE}\n  - {name: C+D}\n"
                                     "  - {name: a + b, actor: USA, colour: red}\n")
    with pytest.raises(InputError) as exc:
        read_rules(folder, scenario)
    got = {(p.line, p.field) for p in exc.value.problems}
    assert got == {(1, "cited_as"), (2, "extra"), (4, "joint_actors[0].actor"), (5, "joint_actors[1]"),
                   (6, "joint_actors[2].colour"), (6, "joint_actors[2].name")}
    assert all(p.file.endswith("mapping.yaml") for p in exc.value.problems)
    bad = _rules_folder(tmp_path / "b", "joint_actors: [\n")
    with pytest.raises(InputError) as exc:
        read_rules(bad)
    assert exc.value.problems[0].field == "(yaml)" and exc.value.problems[0].line


def test_a_scenario_without_rules_has_none(tmp_path):
    rules = read_rules(tmp_path)
    assert rules.joint_actors == {} and rules.cited_as is None


def test_category_probability_is_the_sum_over_its_actions(mapped):
    from brink.fit.likelihood import category_probabilities, model_parameters, precompute

    model, _, mapping = mapped
    cats = category_order(model)
    pre = precompute(model, mapping.contexts)
    P = category_probabilities(pre, *model_parameters(model))
    for i, c in enumerate(mapping.contexts[:8]):
        ev = evaluate(model, c.state, c.actor)
        for k, cat in enumerate(cats):
            s = sum(p for a, p in zip(ev.actions, ev.probability) if model.scenario.action(a).category == cat)
            assert abs(P[i, k] - s) < 1e-12
        assert abs(P[i].sum() - 1) < 1e-12
