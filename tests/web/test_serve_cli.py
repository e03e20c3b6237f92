"""``brink serve``'s own mistakes are one line (exit 2) before anything is loaded."""

from __future__ import annotations

import socket

import pytest

from tests.cli import run


def test_a_port_in_use_is_one_line(capsys):
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        code, out = run(capsys, "serve", "synthetic-standoff", "--port", str(port))
    assert code == 2 and f"--port {port}: cannot listen there" in out and "Traceback" not in out, out


@pytest.mark.parametrize("argv, says", [
    (["--port", "0"], "--port 0: must be in 1..65535"),
    (["--port", "70000"], "--port 70000: must be in 1..65535"),
    (["--max-jobs", "0"], "must be at least 1"),
    (["nosuch-scenario"], "nosuch-scenario"),
])
def test_bad_serve_options_are_one_line(capsys, argv, says):
    if "--port" not in argv:  # a port that is free, so the mistake under test is the one reported
        with socket.create_server(("127.0.0.1", 0)) as s:
            argv = [*argv, "--port", str(s.getsockname()[1])]
    code, out = run(capsys, "serve", *argv)
    assert code == 2 and says in out and "Traceback" not in out, out
