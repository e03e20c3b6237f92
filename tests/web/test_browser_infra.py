"""The browser-test infrastructure itself: a real server, a real headless Chromium, a click, a
fetch, a screenshot. If this fails, every web test would; it says which piece is broken."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from tests.web.browser import requires_browser, screenshot, serve, wait_for, wait_text
from tests.web.browser import browser as open_browser

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>brink browser self-test</title></head>
<body>
  <button id="go" type="button">ping</button>
  <span id="out">waiting</span>
  <script>
    document.getElementById("go").addEventListener("click", async () => {
      const reply = await fetch("/api/ping");
      const data = await reply.json();
      document.getElementById("out").textContent = String(data.n + 1);
    });
  </script>
</body></html>
"""


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return PAGE

    @app.get("/api/ping")
    def ping() -> dict[str, int]:
        return {"n": 41}

    return app


@requires_browser
def test_a_click_fetches_from_the_server_and_the_page_shows_the_answer():
    with serve(_app()) as base_url, open_browser() as driver:
        driver.get(base_url + "/")
        assert wait_text(driver, "#out", lambda t: t == "waiting") == "waiting"
        wait_for(driver, "#go").click()
        assert wait_text(driver, "#out", lambda t: t == "42") == "42"
        shot = screenshot(driver, "browser_infra")
    data = shot.read_bytes()
    assert len(data) > 100 and data.startswith(b"\x89PNG\r\n\x1a\n")
