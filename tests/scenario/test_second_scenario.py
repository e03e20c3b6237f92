"""The second built-in scenario, synthetic-standoff, through every capability.

synthetic-standoff is a small SYNTHETIC system (two invented rival states and a
mediator) written in YAML alone. Each test runs one capability on it through the
command line (``brink.cli.main``) or the public API, so a capability that still
assumes the flagship scenario fails here.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ruamel.yaml import YAML

from tests.cli import run
from brink.scenario import load_scenario
from brink.scenario.folder import companion, companion_files, scenario_folder
from brink.scenario.loader import builtin_names

NAME = "synthetic-standoff"


def run_json(capsys, *argv):
    code, out = run(capsys, *argv, "--json")
    assert code == 0, out
    return json.loads(out)


@pytest.fixture(scope="module")
def sc():
    return load_scenario(NAME)


@pytest.fixture(scope="module")
def folder() -> Path:
    return scenario_folder(NAME)


# --------------------------------------------------------------------- scenario
def test_at_least_two_builtin_scenarios_ship():
    names = builtin_names()
    assert len(names) >= 2
    assert NAME in names and "iran-2024" in names
    for n in names:  # each one loads and validates
        assert load_scenario(n).meta.id == n


def test_validate_is_clean(capsys):
    code, out = run(capsys, "validate", NAME)
    assert code == 0 and "valid" in out and "3 actors" in out and "3 decision points" in out


def test_a_broken_copy_reports_file_line_and_field(tmp_path, folder, capsys):
    copy = tmp_path / NAME
    shutil.copytree(folder, copy)
    actions = copy / "actions.yaml"
    lines = actions.read_text(encoding="utf-8").splitlines(keepends=True)
    # NRT_threat's actor becomes an unknown id; find the exact line it is on
    start = next(i for i, ln in enumerate(lines) if ln.strip() == "- id: NRT_threat")
    i = next(j for j in range(start, len(lines)) if lines[j].strip() == "actor: NRT")
    lines[i] = lines[i].replace("actor: NRT", "actor: NOBODY")
    actions.write_text("".join(lines), encoding="utf-8")
    code, out = run(capsys, "validate", str(copy))
    assert code == 1
    assert f"{actions}:{i + 1}" in out
    assert "actions[NRT_threat].actor" in out and "unknown actor 'NOBODY'" in out
    assert "Traceback" not in out


def test_labelled_synthetic_and_every_number_rests_on_an_assumption(sc):
    from brink.scenario.provenance import assumptions, walk

    assert "SYNTHETIC" in sc.meta.title and "SYNTHETIC" in sc.meta.description
    rows = assumptions(sc)
    assert rows and all(r.assumption.startswith("Synthetic") for r in rows)
    # every number is an assumption, except intensities read off the CAMEO/Goldstein table
    for r in walk(sc):
        if r.value is not None and not r.assumption:
            assert r.path.endswith(".intensity") and all(c.startswith("CAMEO_goldstein.tsv:") for c in r.evidence), r


def test_every_citation_resolves_inside_the_folder_or_the_coding_tables(sc, folder):
    import brink.events
    from brink.scenario.provenance import resolve_citation
    from brink.scenario.validate import iter_citations

    dirs = [folder, Path(brink.events.__file__).parent / "tables"]
    cites = list(iter_citations(sc))
    assert len(cites) > 20
    for loc, cite in cites:
        lines = resolve_citation(cite, dirs)
        assert lines is not None, f"{cite} at {loc}: file not found"
        assert all(x.strip() for x in lines), f"{cite} at {loc}: empty line"
    # the decision points cite the coded episode of the same decision
    eps = pd.read_csv(folder / "fit" / "episodes.csv")
    for dp in sc.decision_points:
        line = next(int(c.split(":L")[1]) for c in dp.evidence if c.startswith("episodes.csv:"))
        ep = eps.iloc[line - 2]
        assert ep.trigger_date == dp.date.isoformat()


def test_show_assumptions(sc, capsys):
    from brink.scenario.provenance import assumptions

    code, out = run(capsys, "show", NAME, "--assumptions")
    assert code == 0
    assert f"{NAME}: {len(assumptions(sc))} assumptions" in out
    assert "parameters.lambda" in out and "Synthetic" in out


# ---------------------------------------------------------------------- explain
def test_explain_at_each_decision_point(sc, capsys):
    for dp in sc.decision_points:
        d = run_json(capsys, "explain", NAME, "--at", dp.id)
        assert d["decision_point"] == dp.id and d["actor"] == dp.actor and d["taken"] == dp.taken
        p = {a["action"]: a["probability"] for a in d["actions"]}
        assert sum(p.values()) == pytest.approx(1)
        assert set(p) == {a.id for a in sc.actions if a.actor == dp.actor}
        assert p[dp.taken] > 0


@pytest.mark.parametrize("actor", ["NRT", "STH", "MED"])
def test_explain_as_of_for_each_deciding_actor(actor, capsys):
    d = run_json(capsys, "explain", NAME, "--at", "as-of", "--actor", actor)
    assert d["actor"] == actor and d["decision_point"] is None
    assert sum(a["probability"] for a in d["actions"]) == pytest.approx(1)
    assert all(a["action"].startswith(actor + "_") for a in d["actions"])


def test_explain_set_moves_probabilities_the_expected_way(capsys):
    def probs(*extra):
        d = run_json(capsys, "explain", NAME, "--at", "after_shelling", *extra)
        return {a["action"]: a["probability"] for a in d["actions"]}

    base = probs()
    # a dearer inaction: restraint less likely, a reprisal more likely
    costly = probs("--set", "inaction_cost=0.6")
    assert costly["NRT_hold"] < base["NRT_hold"]
    assert costly["NRT_limited_strike"] > base["NRT_limited_strike"]
    # the League's channel closed: talks become infeasible
    closed = probs("--set", "channel.TALKS=0")
    assert closed["NRT_talks"] == 0 and base["NRT_talks"] > 0
    assert sum(closed.values()) == pytest.approx(1)


def test_replay(sc, capsys):
    d = run_json(capsys, "explain", NAME, "--replay")
    rows = d["rows"]
    assert [r["decision_point"] for r in rows] == [x.id for x in sorted(sc.decision_points, key=lambda x: x.date)]
    for r in rows:
        assert 0 < r["p_taken"] <= r["p_top"] <= 1 and r["rank_taken"] >= 1
    assert d["log_score"] == pytest.approx(sum(math.log(r["p_taken"]) for r in rows))


# --------------------------------------------------------------------- simulate
def _simulate_cli(capsys, out: Path, seed: int, *extra) -> pd.DataFrame:
    code, text = run(capsys, "simulate", NAME, "--runs", "600", "--horizon", "12", "--seed", str(seed),
                     "--out", str(out), *extra)
    assert code == 0, text
    p = pd.read_parquet(out / "probabilities.parquet")
    assert p["probability"].between(0, 1).all()
    assert list(p["outcome"]) == ["border_war", "strait_closed", "settlement", "narrows_passage_settlement",
                                  "border_line_settlement", "grand_settlement", "armed_standoff"]
    return pd.read_parquet(out / "runs.parquet")


def test_simulate_numpy_is_reproducible_and_seeded(tmp_path, capsys):
    a = _simulate_cli(capsys, tmp_path / "a", 3, "--backend", "numpy")
    b = _simulate_cli(capsys, tmp_path / "b", 3, "--backend", "numpy")
    c = _simulate_cli(capsys, tmp_path / "c", 4, "--backend", "numpy")
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert a["first_outcome"].nunique() >= 2


def test_simulate_compiled_backend_matches_numpy(tmp_path, capsys):
    from brink.sim import simulate

    compiled = _simulate_cli(capsys, tmp_path / "compiled", 5, "--backend", "numba")
    meta = json.loads((tmp_path / "compiled" / "meta.json").read_text())
    assert not meta.get("backend_note"), meta  # it did not fall back to NumPy
    ref = simulate(NAME, 600, 12, 5, backend="numpy").runs
    pd.testing.assert_frame_equal(compiled.reset_index(drop=True), ref.reset_index(drop=True), check_dtype=False)


# ---------------------------------------------------------------------- compare
def test_compare_with_each_shipped_intervention(tmp_path, capsys):
    shipped = companion_files(NAME, "interventions")
    assert set(shipped) == {"no-blockade", "no-mediation"}
    code, out = run(capsys, "compare", NAME, "--all", "--runs", "2000", "--horizon", "26", "--seed", "1",
                    "--backend", "numpy", "--out", str(tmp_path))
    assert code == 0, out
    diffs = {iv: pd.read_parquet(tmp_path / iv / "differences.parquet").set_index("outcome") for iv in shipped}
    for d in diffs.values():
        assert (d["difference"] - (d["variant"] - d["baseline"])).abs().max() < 1e-12
        assert d["baseline"].between(0, 1).all() and d["variant"].between(0, 1).all()
    # without the blockade the Narrows cannot close
    nb = diffs["no-blockade"]
    assert nb.loc["strait_closed", "variant"] == 0 and nb.loc["strait_closed", "baseline"] > 0
    # without the League's channel there is no settlement, and war becomes likelier
    nm = diffs["no-mediation"]
    assert nm.loc["settlement", "difference"] < 0 and nm.loc["settlement", "hi95"] < 0
    assert nm.loc["border_war", "difference"] > 0


def test_compare_api_with_a_flag_intervention():
    from brink.sim import Intervention, compare

    cmp = compare(NAME, Intervention(id="no-talks", disable=("NRT_talks", "STH_talks")), runs=1000, horizon=26,
                  seed=2, backend="numpy")
    d = cmp.differences().set_index("outcome")
    assert d.loc["settlement", "difference"] < 0


# ---------------------------------------------------------------------- bargain
def test_bargain(sc, capsys):
    d = run_json(capsys, "bargain", NAME, "--draws", "20")
    assert [i["id"] for i in d["issues"]] == [b.id for b in sc.bargaining]
    for issue in d["issues"]:
        pos = [a["position"] for a in issue["actors"]]
        assert {a["actor"] for a in issue["actors"]} == {"NRT", "STH", "MED"}
        for model, x in issue["forecasts"].items():
            assert min(pos) - 1e-9 <= x <= max(pos) + 1e-9, (issue["id"], model, x)
        assert sum(a["prevail"] for a in issue["actors"]) == pytest.approx(1)
        assert all(a["provenance"]["position"]["assumption"].startswith("Synthetic") for a in issue["actors"])


# ------------------------------------------------------------------------- game
def test_game_at_a_decision_point(sc, capsys):
    d = run_json(capsys, "game", NAME, "--at", "after_reprisal")
    assert d["decision_point"] == "after_reprisal"
    players = d["players"]
    assert "STH" in players and set(players) <= {"NRT", "STH", "MED"}
    movers = [s["mover"] for s in d["spe"]["path"] if s["mover"] not in ("", "chance")]
    assert movers and movers[0] == "STH"  # the decision point's actor moves first
    first = d["qre"]["sequential"]["first_mover"]
    assert 2 <= len(first) <= len([a for a in sc.actions if a.actor == "STH"])
    assert sum(first.values()) == pytest.approx(1)
    oc = d["qre"]["sequential"]["outcomes"]
    assert set(oc) <= {o.id for o in sc.outcomes} and sum(oc.values()) == pytest.approx(1)


# ----------------------------------------------------------------------- events
REPORTS = """\
id,date,actor,target,cameo,text
r1,2023-06-02,Sothmark army,Nortian border guards,195,SYNTHETIC report: Sothmark shells a border post
r2,2023-06-09,Nortian army,Sothmark army,195,SYNTHETIC report: Nortia strikes back
r3,2023-06-12,Meridian League,Nortia,045,SYNTHETIC report: the League calls both sides to talks
"""


def _dictionary(sc):
    from brink.events.dictionary import load_dictionary

    path = companion(NAME, "events", "dictionary.yaml")
    assert path is not None
    return load_dictionary(path, known_actors={a.id for a in sc.actors}, known_fronts=[f.id for f in sc.fronts])


def test_events_timeline_and_candidate_decision_points(sc, tmp_path):
    from brink.events import scenario_link as sl
    from brink.events.store import EventStore

    dic = _dictionary(sc)
    assert set(dic.actors) == {"NRT", "STH", "MED"}
    reports = tmp_path / "reports.csv"
    reports.write_text(REPORTS, encoding="utf-8")
    with EventStore(tmp_path / "events.duckdb") as store:
        r = sl.load_timeline(store, sc, dic)
        assert r.inserted == len(sc.timeline)
        ev = store.events(source="scenario").set_index("source_id")
        for t in sc.timeline:
            row = ev.loc[f"{NAME}/{t.id}"]
            assert row.actor == t.actor and row.intensity == sc.action(t.action).intensity.value
            assert (row.target if isinstance(row.target, str) else None) == t.target
        rep = store.import_file(reports, "csv", dic)
        assert rep.inserted == 3 and rep.unmapped_events == 0
        cands = sl.candidate_decision_points(store, sc)
    # Sothmark's shelling of 2 June makes Nortia decide; its strike of 9 June is the response
    c = cands.set_index("id").loc["cand_20230602_sth_nrt"]
    assert c.actor == "NRT" and c.trigger_actor == "STH" and c.front == "BORDER"
    assert c.taken == "NRT_limited_strike"


def test_events_cli_uses_the_scenario_dictionary(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "events.duckdb"
    (tmp_path / "reports.csv").write_text(REPORTS, encoding="utf-8")
    code, out = run(capsys, "events", "load-scenario", NAME, "--db", str(db))
    assert code == 0, out
    code, out = run(capsys, "events", "import", str(tmp_path / "reports.csv"), "--format", "csv", "--db", str(db),
                    "--dictionary", NAME)
    assert code == 0, out
    from brink.events.store import EventStore

    with EventStore(db) as store:  # the invented names are mapped by the scenario's dictionary, named by id
        ev = store.events()
    reports = ev[ev["source"] != "scenario"]
    assert len(reports) == 3
    assert list(reports.sort_values("date")["actor"]) == ["STH", "NRT", "MED"], reports[["actor", "target"]]
    snippet = tmp_path / "cands.yaml"
    code, out = run(capsys, "events", "decision-points", NAME, "--db", str(db), "--yaml", str(snippet))
    assert code == 0, out
    doc = YAML(typ="safe").load(snippet.read_text(encoding="utf-8"))
    # Sothmark's shelling makes Nortia decide (it strikes back); Nortia's strike in turn makes
    # Sothmark decide, and no Sothmark report follows within 30 days: its "none" action
    assert [(d["actor"], d.get("taken")) for d in doc["decision_points"]] == [
        ("NRT", "NRT_limited_strike"), ("STH", "STH_restraint")]


# -------------------------------------------------------------------- fit, backtest
def test_episodes_map_to_decisions_of_the_model(sc):
    from brink.fit.episodes import read_episodes
    from brink.fit.mapping import map_episodes
    from brink.model import compile_model

    path = companion(NAME, "fit", "episodes.csv")
    eps = read_episodes(path)
    assert 8 <= len(eps) <= 12
    mapping = map_episodes(compile_model(sc), eps)
    assert not mapping.unmapped, mapping.to_frame()
    sources = {c.episode_id: c.source for c in mapping.contexts}
    # the three 2023 episodes are the scenario's decision points
    assert sorted(s for s in sources.values() if s.startswith("decision_point:")) == sorted(
        f"decision_point:{d.id}" for d in sc.decision_points)
    assert {c.actor for c in mapping.contexts} == {"NRT", "STH", "MED"}


def test_fit_on_the_scenario_episodes(capsys, tmp_path):
    d = run_json(capsys, "fit", NAME, "--bootstrap", "0", "--no-write")
    assert not d["unmapped"]
    assert d["log_likelihood"] >= d["log_likelihood_unfitted"] - 1e-9
    est = {r["parameter"]: r for r in d["estimates"]}
    assert "lambda" in est and any(k.startswith("weight.NRT.") for k in est)
    assert all(np.isfinite(r["estimate"]) for r in est.values())


def test_fit_api_improves_the_penalised_likelihood(sc):
    from brink.fit.episodes import read_episodes
    from brink.fit.estimate import DecisionModelFit
    from brink.fit.mapping import map_episodes
    from brink.model import compile_model

    mapping = map_episodes(compile_model(sc), read_episodes(companion(NAME, "fit", "episodes.csv")))
    fit = DecisionModelFit(sc).fit(mapping.contexts)
    assert fit.penalised_loglik_ >= fit.loglik_unfitted_ - 1e-9
    P = fit.predict_proba(mapping.contexts)
    assert np.allclose(P.sum(axis=1), 1)


def test_backtest_on_the_scenario_episodes(capsys):
    d = run_json(capsys, "backtest", NAME, "--split", "2022-01-01")
    assert d["test_episodes"] == ["SS08", "SS09", "SS10", "SS11", "SS12"]
    table = {r["forecaster"]: r for r in d["table"]}
    assert {"uniform", "base rate", "tit-for-tat"} <= set(table)
    assert all(r["episodes"] == 5 and np.isfinite(r["log_score"]) for r in table.values())


def test_backtest_api_uniform_scores_by_choice_set(sc):
    import datetime as dt

    from brink.fit.backtest import backtest
    from brink.fit.episodes import read_episodes
    from brink.fit.mapping import map_episodes
    from brink.model import compile_model

    model = compile_model(sc)
    mapping = map_episodes(model, read_episodes(companion(NAME, "fit", "episodes.csv")))
    res = backtest(model, mapping, split=dt.date(2022, 1, 1))
    test = [c for c in mapping.contexts if c.episode.response_date >= dt.date(2022, 1, 1)]
    uniform = res.to_frame().set_index("forecaster").loc["uniform", "log_score"]
    assert uniform == pytest.approx(np.mean([-math.log(len(c.categories)) for c in test]))


# -------------------------------------------------------------------- questions
def test_questions_name_what_the_scenario_has(sc):
    files = companion_files(NAME, "questions")
    assert list(files) == ["standoff"]
    doc = YAML(typ="safe").load(files["standoff"].read_text(encoding="utf-8"))
    assert doc["scenario"] == NAME
    qs = doc["questions"]
    assert 3 <= len(qs) <= 5 and len({q["id"] for q in qs}) == len(qs)
    actors = {a.id for a in sc.actors}
    categories = {a.category for a in sc.actions}
    outcomes = {o.id for o in sc.outcomes}

    def as_list(v):
        return v if isinstance(v, list) else [v]

    for q in qs:
        assert q["as_of"] == sc.meta.as_of and "resolved" not in q  # posed at as_of, open
        assert q["text"].startswith("SYNTHETIC")
        ev = q["event"]
        if "action" in ev:
            a = ev["action"]
            assert set(as_list(a.get("actor", []))) | set(as_list(a.get("target", []))) <= actors
            assert set(as_list(a.get("category", []))) <= categories
        else:
            assert ev["outcome"] in outcomes
        if "given" in q:
            assert q["given"] in {x["id"] for x in qs}


def test_run_explains_the_latest_decision_then_forecasts(sc, capsys, tmp_path, monkeypatch):
    from brink.model import compile_model, latest_decision_point

    monkeypatch.chdir(tmp_path)  # the forecast writes its results folder here
    code, out = run(capsys, "run", NAME, "--runs", "2000")
    assert code == 0, out
    assert latest_decision_point(compile_model(sc)) in out and "Episodes" in out and "Probability by week" in out
    assert all(o.id in out for o in sc.outcomes)
    # the folder name ends with the run's hash (brink.sim.outdir)
    assert [p.is_file() for p in tmp_path.glob(f"brink-results/simulate-{NAME}-baseline-seed7-*/report.html")] == [True]
