"""Fixtures shared by every capability's tests.

``scenario_id`` runs a test once per built-in scenario, so every capability is
checked on more than the flagship system (``tests/scenario`` asserts that at
least two ship).
"""

import os

import pytest

from brink.scenario.loader import builtin_names

# A small run with no compiled kernel yet takes the NumPy path and starts a detached compile for
# next time (brink.sim.kernel.compile_in_background); tests start no detached processes.
os.environ.setdefault("BRINK_NO_BACKGROUND_COMPILE", "1")

BUILTIN = tuple(builtin_names())


@pytest.fixture(params=BUILTIN)
def scenario_id(request) -> str:
    return request.param


# Browser tests (tests/web) skip without Debian's chromium and chromedriver. Such skips are
# counted: the summary says so in one line, and with BRINK_REQUIRE_BROWSER=1 (set by .ci/run) any
# of them fails the session, so CI never passes on browser tests that did not run.
from tests.web.browser import NO_BROWSER_REASON  # noqa: E402  (stdlib and pytest only)

_BROWSER_SKIPS = pytest.StashKey[list]()


def _browser_required() -> bool:
    return os.environ.get("BRINK_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


def pytest_configure(config):
    config.stash[_BROWSER_SKIPS] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and NO_BROWSER_REASON in str(longrepr[-1]):
        item.config.stash[_BROWSER_SKIPS].append(item.nodeid)
    return report


def pytest_sessionfinish(session, exitstatus):
    if session.config.stash.get(_BROWSER_SKIPS, None) and _browser_required() and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = config.stash.get(_BROWSER_SKIPS, None)
    if not skipped:
        return
    if _browser_required():
        terminalreporter.write_line(
            f"browser tests: {len(skipped)} skipped, no chromium/chromedriver, and "
            "BRINK_REQUIRE_BROWSER=1 makes that a failure (apt-get install chromium chromium-driver)",
            red=True,
        )
    else:
        terminalreporter.write_line(
            f"browser tests: {len(skipped)} skipped, no chromium/chromedriver "
            "(apt-get install chromium chromium-driver)",
            yellow=True,
        )
