"""The dashboard in a real headless Chromium (Debian's): every page on both scenarios, a slider that
moves the choice to what the API says, a forecast started and waited for; screenshots as artefacts
(tests/web/artefacts/, or $BRINK_SCREENSHOTS)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from brink.web.app import create_app
from brink.web.limits import Limits
from tests.web.browser import requires_browser, screenshot, serve, wait_for, wait_text
from tests.web.browser import browser as open_browser

pytestmark = requires_browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from brink.cli import main
    from tests.scenario.test_provenance import SHARED

    results = tmp_path_factory.mktemp("results")  # a small sensitivity run for the sensitivity page
    try:
        main(["sensitivity", "synthetic-standoff", "--questions", "standoff", "--params", "lambda,weight.NRT.*",
              "--method", "morris", "--n", "2", "--runs", "30", "--backend", "numpy", "--out",
              str(results / "sensitivity-morris-synthetic-standoff-test")])
    except SystemExit as exc:
        assert not exc.code
    app = create_app(None, Limits(max_runs=5000), [SHARED / "seeds", SHARED / "data"], results=results)
    with serve(app) as base, open_browser() as driver:
        yield base, driver


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.loads(r.read())


@pytest.mark.parametrize("sid", ["iran-2024", "synthetic-standoff"])
def test_every_page_shows_its_view(site, sid):
    base, d = site
    d.get(f"{base}/s/{sid}")
    wait_for(d, "#actors")
    assert d.find_elements("css selector", "#actors tbody tr")
    # a number's provenance on click: here a parameter's assumption and its rationale (the API test
    # checks the cited source lines' text)
    from brink.scenario.loader import load_scenario

    first = next(iter(load_scenario(sid).parameters.values()))
    d.find_element("css selector", "#parameters .num").click()
    body = wait_for(d, "#prov-body").text
    assert "assumption" in body and first.assumption[:30] in " ".join(body.split())
    d.execute_script("document.getElementById('parameters').scrollIntoView()")
    screenshot(d, f"{sid}-scenario")
    d.get(f"{base}/s/{sid}/decision")
    wait_for(d, "#choice-table tbody tr")
    screenshot(d, f"{sid}-decision")
    d.get(f"{base}/s/{sid}/game")
    wait_for(d, "#result-table tbody tr")
    screenshot(d, f"{sid}-game")
    d.get(f"{base}/s/{sid}/bargain?draws=0")
    wait_for(d, "#result-table tbody tr")
    screenshot(d, f"{sid}-bargain")
    d.get(f"{base}/s/{sid}/sensitivity")
    what = wait_text(d, "#what", lambda t: bool(t.strip()))
    if sid == "synthetic-standoff":  # the run made above: its table and chart
        assert "morris" in what
        wait_for(d, "#result-table tbody tr")
    else:
        assert "no finished brink sensitivity run" in what
    screenshot(d, f"{sid}-sensitivity")


def test_moving_a_slider_changes_the_choice_to_what_the_api_returns(site):
    base, d = site
    d.get(f"{base}/s/iran-2024/decision?at=after_haniyeh")
    first = wait_for(d, "#choice-table tbody tr td.p")
    before = [c.get_attribute("data-value") for c in d.find_elements("css selector", "#choice-table td.p")]
    slider = d.find_element("css selector", "input[data-name='lambda']")
    d.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));", slider, "12")
    wait_text(d, "#choice-title", lambda t: "what-if" in t)
    value = d.execute_script("return arguments[0].value;", slider)  # the slider's own step may round 12
    assert abs(float(value) - 12) < 1
    api = get_json(f"{base}/api/v1/scenarios/iran-2024/decision?at=after_haniyeh&set=lambda%3D{value}")

    def shown():
        return [c.get_attribute("data-value") for c in d.find_elements("css selector", "#choice-table td.p")]

    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(d, 30).until(lambda _: shown() != before)
    assert [float(x) for x in shown()] == pytest.approx([a["probability"] for a in api["actions"]], abs=1e-12)
    assert f"set=lambda%3D{value}" in d.current_url  # the URL reproduces the view
    assert first is not None
    screenshot(d, "iran-2024-decision-lambda12")


@pytest.mark.parametrize("sid, query", [("synthetic-standoff", "mode=questions&questions=standoff&runs=400&seed=1&run=1"),
                                        ("iran-2024", "mode=simulate&runs=300&horizon=8&seed=1&run=1")])
def test_a_forecast_runs_with_a_progress_bar_and_its_link_reproduces_it(site, sid, query):
    base, d = site
    d.get(f"{base}/s/{sid}/forecast?{query}")
    wait_for(d, "#result-table tbody tr", timeout=240)
    cells = [float(c.get_attribute("data-value")) for c in d.find_elements("css selector", "#result-table td.p")]
    assert cells and all(0 <= p <= 1 for p in cells)
    screenshot(d, f"{sid}-forecast")
    d.get(f"{base}/s/{sid}/forecast?{query}")  # the same request: the cached result, the same numbers
    wait_for(d, "#result-table tbody tr", timeout=60)
    again = [float(c.get_attribute("data-value")) for c in d.find_elements("css selector", "#result-table td.p")]
    assert again == cells


def test_compare_runs_a_shipped_intervention(site):
    base, d = site
    d.get(f"{base}/s/synthetic-standoff/compare?intervention=no-mediation&runs=300&horizon=10&seed=2&run=1")
    wait_for(d, "#result-table tbody tr", timeout=240)
    assert d.find_elements("css selector", "#result-table td.p")
    screenshot(d, "synthetic-standoff-compare")
