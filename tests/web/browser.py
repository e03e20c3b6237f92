"""Helpers for the web app's browser tests: a real uvicorn server, headless Chromium, screenshots.

The browser is Debian's (``apt-get install chromium chromium-driver``: /usr/bin/chromium and
/usr/bin/chromedriver). Nothing here downloads a browser or a driver: Selenium gets the driver
through an explicit ``Service`` path and the browser through ``binary_location``, so Selenium
Manager never runs. Without both binaries the tests marked ``requires_browser`` are skipped, and
``tests/conftest.py`` prints one line about it (with BRINK_REQUIRE_BROWSER=1, as in CI, such a skip
fails the session).

Selenium and uvicorn are imported inside the functions, so importing this module (as conftest.py
does, for the skip reason) needs neither.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium.webdriver import Chrome
    from selenium.webdriver.remote.webelement import WebElement

# Selenium Manager is never needed (explicit paths below); should anything call it, keep it quiet
# and offline.
os.environ.setdefault("SE_AVOID_STATS", "true")
os.environ.setdefault("SE_OFFLINE", "true")

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "tests" / "web" / "artefacts"

# tests/conftest.py recognises a skip for want of a browser by this text.
NO_BROWSER_REASON = (
    "no chromium/chromedriver: browser tests skipped (apt-get install chromium chromium-driver)"
)

CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
)


def _executable(path: str | None) -> str | None:
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) paths when both are installed, else None."""
    chromium = (
        _executable("/usr/bin/chromium")
        or _executable(shutil.which("chromium"))
        or _executable(shutil.which("chromium-browser"))
    )
    driver = _executable("/usr/bin/chromedriver") or _executable(shutil.which("chromedriver"))
    return (chromium, driver) if chromium and driver else None


requires_browser = pytest.mark.skipif(find_browser() is None, reason=NO_BROWSER_REASON)


@contextmanager
def serve(app, *, startup_timeout: float = 20.0) -> Iterator[str]:
    """Run the ASGI ``app`` under uvicorn in a background thread; yield its base URL.

    The listening socket is bound (to a free port on 127.0.0.1) before the thread starts and handed
    to uvicorn, so no other process can take the port in between.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if failure or not thread.is_alive():
                raise RuntimeError(f"uvicorn stopped before it served on port {port}") from (
                    failure[0] if failure else None
                )
            if server.started:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"uvicorn did not accept connections on port {port} within {startup_timeout} s"
                )
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        if thread.is_alive():  # a connection that will not close: stop waiting for it
            server.force_exit = True
            thread.join(timeout=10)
        sock.close()


@contextmanager
def browser(*, page_load_timeout: float = 60.0) -> Iterator[Chrome]:
    """A headless Chromium (Debian's) driven by Debian's chromedriver, with a fresh profile."""
    found = find_browser()
    if found is None:
        pytest.skip(NO_BROWSER_REASON)
    chromium, chromedriver = found

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="brink-chromium-", ignore_cleanup_errors=True) as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in CHROME_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(chromedriver), options=options)
        try:
            driver.set_page_load_timeout(page_load_timeout)
            yield driver
        finally:
            driver.quit()


def screenshot(driver: Chrome, name: str) -> Path:
    """Save a PNG of the window into $BRINK_SCREENSHOTS (or tests/web/artefacts/); return its path."""
    folder = Path(os.environ["BRINK_SCREENSHOTS"]) if os.environ.get("BRINK_SCREENSHOTS") else ARTEFACTS
    folder.mkdir(parents=True, exist_ok=True)
    stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    path = folder / (stem if stem.lower().endswith(".png") else f"{stem}.png")
    if not driver.save_screenshot(str(path)):
        raise RuntimeError(f"the browser could not save a screenshot to {path}")
    return path


def wait_for(driver: Chrome, css: str, timeout: float = 60, *, visible: bool = True) -> WebElement:
    """The first element matching ``css`` once it is there (and, by default, visible)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    condition = EC.visibility_of_element_located if visible else EC.presence_of_element_located
    return WebDriverWait(driver, timeout).until(
        condition((By.CSS_SELECTOR, css)),
        message=f"no {'visible ' if visible else ''}element matched {css!r} within {timeout} s",
    )


def wait_text(driver: Chrome, css: str, predicate: Callable[[str], bool], timeout: float = 60) -> str:
    """The text of the first element matching ``css`` once ``predicate`` accepts it."""
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    seen: list[str] = []

    def check(d) -> tuple[str] | bool:
        text = d.find_element(By.CSS_SELECTOR, css).text
        seen[:] = [text]
        return (text,) if predicate(text) else False

    wait = WebDriverWait(
        driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
    )
    try:
        (text,) = wait.until(check)
    except TimeoutException:
        last = f"last text {seen[0]!r}" if seen else "no element matched"
        raise TimeoutException(
            f"text of {css!r} never satisfied the predicate within {timeout} s ({last})"
        ) from None
    return text
