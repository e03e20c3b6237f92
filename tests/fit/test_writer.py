import datetime as dt
import json

import pytest

from brink.errors import BrinkError
from brink.fit.estimate import DecisionModelFit
from brink.scenario import load_scenario
from brink.scenario.loader import resolve_path


@pytest.fixture(scope="module")
def fit(scenario, mapping):
    return DecisionModelFit("iran-2024").fit(mapping.contexts)


def test_written_scenario_loads_with_the_fitted_values(fit, tmp_path):
    src = resolve_path("iran-2024")
    before = {p.name: p.read_text() for p in src.glob("*.yaml")}
    out = fit.write_scenario(tmp_path / "fitted", today=dt.date(2024, 11, 15))
    sc = load_scenario(out)
    ov = fit.overrides_
    assert sc.parameters["lambda"].value == pytest.approx(ov["lambda"], abs=1e-4)
    for c in sc.actor("IRN").concerns:
        assert c.weight.value == pytest.approx(ov[f"weight.IRN.{c.id}"], abs=1e-4)
        assert "Fitted by `brink fit` on 2024-11-15" in c.weight.assumption
        assert c.weight.evidence  # provenance kept
    assert f"{fit.n_train_} coded episodes of episodes.csv" in sc.parameters["lambda"].assumption
    # the copy is a whole scenario folder: its episodes and mapping rules come along
    assert (out / "fit" / "episodes.csv").read_bytes() == (src / "fit" / "episodes.csv").read_bytes()
    assert (out / "fit" / "mapping.yaml").exists()
    rec = json.loads((out / "fit-record.json").read_text())
    assert rec["n_episodes"] == fit.n_train_ and rec["log_likelihood"] == pytest.approx(fit.loglik_)
    # the shipped scenario is untouched; unchanged lines of the copy are byte-identical
    assert {p.name: p.read_text() for p in src.glob("*.yaml")} == before
    old = before["timeline.yaml"].splitlines()
    assert (out / "timeline.yaml").read_text().splitlines() == old


def test_refuses_existing_or_source(fit, tmp_path):
    out = tmp_path / "x"
    out.mkdir()
    with pytest.raises(BrinkError):
        fit.write_scenario(out)
    fit.write_scenario(out, force=True)
    assert (out / "fit-record.json").exists()
    with pytest.raises(BrinkError):
        fit.write_scenario(resolve_path("iran-2024"), force=True)


def test_written_scenario_carries_the_tendencies_and_reproduces_the_fits_probabilities(fit, mapping, tmp_path):
    from brink.fit.likelihood import category_probabilities, model_parameters, precompute
    from brink.model import compile_model

    out = fit.write_scenario(tmp_path / "fitted", today=dt.date(2024, 11, 15))
    sc = load_scenario(out)
    ov = fit.overrides_
    assert fit.pooled_actors_                      # Hamas decides in no episode: pooled tendencies
    for a in fit.tendency_actors_ + fit.pooled_actors_:
        block = sc.actor(a).tendencies
        cats = [k.split(".")[2] for k in ov if k.startswith(f"tendency.{a}.")]
        assert cats and set(block) == set(cats)   # the block was created: the shipped actors have none
        for c in cats:
            assert block[c].value == pytest.approx(ov[f"tendency.{a}.{c}"], abs=1e-4)
            assert "Fitted by `brink fit` on 2024-11-15" in block[c].assumption
            assert "no tendency declared" in block[c].assumption
    m = compile_model(sc)
    P_written = category_probabilities(precompute(m, mapping.contexts), *model_parameters(m))
    P_fit = fit.predict_proba(mapping.contexts).to_numpy()
    assert abs(P_written - P_fit).max() < 2e-3          # values are written to 4 decimals
    assert abs(P_written - fit.predict_proba(mapping.contexts, fitted=False).to_numpy()).max() > 1e-2
    # writing again over the fitted copy updates the block in place instead of adding a second one
    refit = DecisionModelFit(out, tendency_prior_sd=1.0).fit(mapping.contexts)
    again = refit.write_scenario(tmp_path / "again", today=dt.date(2024, 11, 16))
    text = next(p for p in again.glob("*.yaml") if "tendencies:" in p.read_text()).read_text()
    assert text.count("tendencies:") == len(fit.tendency_actors_ + fit.pooled_actors_)
    assert "Replaces the scenario value" in load_scenario(again).actor("IRN").tendencies["none"].assumption
