"""The JSON API with FastAPI's test client: every view on both scenarios, the same numbers as the
CLI's functions, bad requests answered 4xx with the field named, limits, caching, downloads."""

from __future__ import annotations

import threading
import time
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*")
from fastapi.testclient import TestClient  # noqa: E402

from brink.web.app import create_app  # noqa: E402
from brink.web.limits import Limits  # noqa: E402


@pytest.fixture(scope="module")
def client():
    from tests.scenario.test_provenance import SHARED

    app = create_app(None, Limits(max_runs=3000, max_jobs=1), [SHARED / "seeds", SHARED / "data"])
    with TestClient(app) as c:
        yield c


def wait(client, url: str, timeout: float = 240) -> dict:
    t = time.time()
    while time.time() - t < timeout:
        s = client.get(url).json()
        if s["status"] != "running":
            return s
        time.sleep(0.1)
    raise AssertionError(f"{url} did not finish")


def fields(resp) -> list[str]:
    return [".".join(str(x) for x in e["loc"][1:]) for e in resp.json()["detail"]]


def test_the_server_lists_what_it_serves_with_meta(client):
    body = client.get("/api/v1/scenarios").json()
    assert [s["id"] for s in body["scenarios"]] == ["iran-2024", "synthetic-standoff"]
    assert body["meta"]["brink_version"]
    schema = client.get("/openapi.json").json()
    assert "/api/v1/scenarios/{sid}/decision" in schema["paths"] and client.get("/docs").status_code == 200


def test_every_number_of_the_scenario_view_carries_its_provenance(client, scenario_id):
    from brink.scenario.loader import load_scenario

    body = client.get(f"/api/v1/scenarios/{scenario_id}").json()
    assert body["meta"]["scenario"] == scenario_id
    sc = load_scenario(scenario_id)
    assert len(body["actions"]) == len(sc.actions) and len(body["parameters"]) == len(sc.parameters)
    numbers = [c["weight"] for a in body["actors"] for c in a["concerns"]] + [p for p in body["parameters"]]
    assert numbers and all(n["evidence"] or n["assumption"] for n in numbers)
    cited = [e for n in numbers for e in n["evidence"]]
    if scenario_id == "iran-2024":  # the cited line's own text, read from shared/seeds
        from brink.scenario.provenance import resolve_citation
        from tests.scenario.test_provenance import SHARED

        assert cited and all(e["text"] == resolve_citation(e["cite"], [SHARED / "seeds", SHARED / "data"])
                             for e in cited[:20])


def test_the_decision_view_is_brink_explain_with_what_ifs(client, scenario_id):
    from brink.model import compile_model, explain_default
    from brink.scenario.loader import load_scenario

    sc = load_scenario(scenario_id)
    plain = client.get(f"/api/v1/scenarios/{scenario_id}/decision").json()
    ex = explain_default(compile_model(sc, {"lambda": 15.0}))
    moved = client.get(f"/api/v1/scenarios/{scenario_id}/decision", params={"set": "lambda=15"}).json()
    assert [a["probability"] for a in moved["actions"]] == pytest.approx([a.probability for a in ex.actions], abs=1e-15)
    assert moved["what_if"] == {"lambda": 15.0} and plain["what_if"] == {}
    assert [a["probability"] for a in moved["actions"]] != [a["probability"] for a in plain["actions"]]
    names = {s["name"] for s in plain["sliders"]}
    assert "lambda" in names and any(n.startswith("weight.") for n in names)
    assert all(s["lo"] <= s["value"] <= s["hi"] for s in plain["sliders"])
    csv = client.get(f"/api/v1/scenarios/{scenario_id}/decision", params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("action,label,probability")
    assert len(csv.text.splitlines()) == 1 + len(plain["actions"])


@pytest.mark.parametrize("url, params, field, says", [
    ("/api/v1/scenarios/iran-2024/decision", {"at": "nowhere"}, "at", "unknown decision point"),
    ("/api/v1/scenarios/iran-2024/decision", {"set": "lambda=-4"}, "set", "outside the declared range"),
    ("/api/v1/scenarios/iran-2024/decision", {"set": "nosuch=1"}, "set", "unknown name"),
    ("/api/v1/scenarios/iran-2024/decision", {"set": "lambda"}, "set", "NAME=VALUE"),
    ("/api/v1/scenarios/iran-2024/decision", {"format": "xml"}, "format", "json"),
    ("/api/v1/scenarios/iran-2024/game", {}, "at", "Field required"),
    ("/api/v1/scenarios/iran-2024/bargain", {"draws": 100000}, "draws", "less than or equal to 500"),
    ("/api/v1/scenarios/iran-2024/bargain", {"model": "oracle"}, "model", "unknown oracle"),
    ("/api/v1/scenarios/..%2F..%2Fetc", {}, "", "Not Found"),
    ("/api/v1/scenarios/etc%2Fpasswd", {}, "", "Not Found"),
    ("/api/v1/scenarios/nosuch/decision", {}, "sid", "no scenario 'nosuch'"),
    ("/api/v1/jobs/nosuch", {}, "job_id", "no job"),
])
def test_a_bad_request_is_4xx_with_the_field_named(client, url, params, field, says):
    r = client.get(url, params=params)
    assert 400 <= r.status_code < 500, r.text
    assert field in fields(r) and says in r.text, r.text
    assert "Traceback" not in r.text


@pytest.mark.parametrize("kind, body, field, says", [
    ("forecast", {"questions": "nosuch", "runs": 10}, "questions", "not a question file"),
    ("forecast", {"questions": "../../../etc/passwd", "runs": 10}, "questions", "not a question file"),
    ("forecast", {"questions": "standoff", "runs": 999999}, "runs", "less than or equal to 3000"),
    ("forecast", {"questions": "standoff", "runs": "many"}, "runs", "valid integer"),
    ("forecast", {"questions": "standoff", "runs": 10, "set": {"lambda": -1}}, "lambda", "outside the declared"),
    ("simulate", {"runs": 10, "horizon": 1000}, "horizon", "less than or equal to 104"),
    ("simulate", {"runs": 0}, "runs", "greater than or equal to 1"),
    ("compare", {"intervention": "nosuch"}, "intervention", "not an intervention"),
    ("compare", {}, "intervention", "name a shipped intervention or compose one"),
    ("compare", {"intervention": "no-mediation", "set": {"lambda": 20}}, "intervention", "not both"),
    ("compare", {"set": {"lambda": 900}}, "lambda", "outside the declared range"),
    ("compare", {"close_channels": ["NOPE"]}, "intervention", "NOPE"),
])
def test_a_bad_run_request_is_refused_before_it_runs(client, kind, body, field, says):
    r = client.post(f"/api/v1/scenarios/synthetic-standoff/{kind}", json=body)
    assert r.status_code == 422 and field in fields(r) and says in r.text, r.text


def test_a_forecast_job_reports_progress_and_the_same_request_is_served_from_the_cache(client):
    from brink.forecast.forecast import forecast
    from brink.forecast.questions import load_questions

    body = {"questions": "standoff", "runs": 300, "seed": 4}
    first = client.post("/api/v1/scenarios/synthetic-standoff/forecast", json=body).json()
    assert first["meta"] == {"scenario": "synthetic-standoff", "seed": 4, "brink_version": first["meta"]["brink_version"]}
    done = wait(client, first["url"])
    assert done["status"] == "done" and done["done"] == done["total"] == 300
    again = client.post("/api/v1/scenarios/synthetic-standoff/forecast", json=body).json()
    assert again["job"]["id"] == first["job"]["id"] and again["job"]["status"] == "done"
    assert client.get(again["url"]).json()["result"] == done["result"]
    cli = forecast(None, load_questions("standoff", "synthetic-standoff"), 300, 4).rows
    got = {q["id"]: q["probability"] for q in done["result"]["questions"]}
    assert got == pytest.approx(dict(zip(cli["id"], cli["probability"])), abs=0)
    csv = client.get(first["url"], params={"format": "csv"})
    assert csv.status_code == 200 and csv.text.startswith("id,text,as_of")


def test_simulate_and_compare_jobs_give_the_cli_numbers(client):
    from brink.sim import compare, simulate

    s = client.post("/api/v1/scenarios/synthetic-standoff/simulate", json={"runs": 200, "horizon": 8, "seed": 3}).json()
    res = wait(client, s["url"])["result"]
    cli = simulate("synthetic-standoff", 200, 8, 3).probabilities()
    assert [o["probability"] for o in res["outcomes"]] == list(cli["probability"])
    assert res["over_time"] and res["fronts"]
    c = client.post("/api/v1/scenarios/synthetic-standoff/compare",
                    json={"intervention": "no-mediation", "runs": 200, "horizon": 8, "seed": 3}).json()
    res = wait(client, c["url"])["result"]
    from brink.sim.interventions import resolve_intervention

    d = compare("synthetic-standoff", resolve_intervention("no-mediation", "synthetic-standoff"), 200, 8, 3).differences()
    assert [x["difference"] for x in res["differences"]] == pytest.approx(list(d["difference"]), abs=0)
    # one composed in the page: the same as compare with --set
    c = client.post("/api/v1/scenarios/synthetic-standoff/compare",
                    json={"set": {"lambda": 20}, "runs": 200, "horizon": 8, "seed": 3}).json()
    res = wait(client, c["url"])["result"]
    d = compare("synthetic-standoff", None, 200, 8, 3, set={"lambda": 20.0}).differences()
    assert [x["difference"] for x in res["differences"]] == pytest.approx(list(d["difference"]), abs=0)


def test_more_long_runs_than_the_server_allows_are_refused_with_the_limit(client):
    app = client.app
    gate = threading.Event()
    app.state.jobs.submit("held", "test", 1, lambda progress: gate.wait(30) and {})
    try:
        r = client.post("/api/v1/scenarios/synthetic-standoff/simulate", json={"runs": 50, "horizon": 4, "seed": 99})
        assert r.status_code == 429 and "allows 1 at once" in r.text and "--max-jobs" in r.text
    finally:
        gate.set()
    time.sleep(0.2)


def test_game_and_bargain_views(client, scenario_id):
    from brink.scenario.loader import load_scenario

    sc = load_scenario(scenario_id)
    g = client.get(f"/api/v1/scenarios/{scenario_id}/game", params={"at": sc.decision_points[-1].id}).json()
    assert g["meta"]["scenario"] == scenario_id and g["spe"] and g["players"]
    b = client.get(f"/api/v1/scenarios/{scenario_id}/bargain", params={"draws": 0}).json()
    assert b["table"] and all("compromise" in row for row in b["table"])
    csv = client.get(f"/api/v1/scenarios/{scenario_id}/bargain", params={"draws": 0, "format": "csv"})
    assert csv.text.startswith("issue,label")


def test_pages_exist_for_every_view_and_nothing_else(client):
    for sid in ("iran-2024", "synthetic-standoff"):
        for page in ("", "/decision", "/forecast", "/compare", "/game", "/bargain"):
            r = client.get(f"/s/{sid}{page}")
            assert r.status_code == 200 and "/static/plotly.min.js" in r.text
    assert client.get("/s/iran-2024/secrets").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/plotly.min.js").headers["content-type"].startswith("application/javascript")


def test_the_sensitivity_view_shows_the_latest_run_where_one_exists(tmp_path, monkeypatch, capsys):
    from tests.cli import run

    monkeypatch.chdir(tmp_path)
    app = create_app(["synthetic-standoff"], Limits(), [], results=tmp_path / "brink-results")
    with TestClient(app) as c:
        none = c.get("/api/v1/scenarios/synthetic-standoff/sensitivity").json()
        assert none["runs"] == [] and "no finished brink sensitivity run" in none["note"]
        code, out = run(capsys, "sensitivity", "synthetic-standoff", "--questions", "standoff", "--params",
                        "lambda,weight.NRT.*", "--method", "morris", "--n", "2", "--runs", "20", "--backend", "numpy")
        assert code == 0, out
        body = c.get("/api/v1/scenarios/synthetic-standoff/sensitivity", params={"top": 2}).json()
        assert body["method"] == "morris" and body["folder"].startswith("sensitivity-morris-synthetic-standoff")
        import pandas as pd

        ind = pd.read_parquet(next((tmp_path / "brink-results").glob("sensitivity-*/indices.parquet")))
        want = ind[ind["rank"] <= 2].sort_values(["output", "rank"])
        assert [(r["output"], r["name"]) for r in body["top"]] == list(zip(want["output"], want["name"]))
        assert c.get("/s/synthetic-standoff/sensitivity").status_code == 200
