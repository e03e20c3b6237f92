"""What the user sees when brink itself fails: one line, and the traceback in a log file.

An unexpected exception is a bug in brink, not a mistake of the user's, so it
is not dressed up as an input error; but a traceback on the screen tells an
analyst nothing and hides the one line that matters. ``write_crash_log`` keeps
the whole story (command line, version, traceback) in a file the user can
attach to a bug report; the CLI prints where it is.

The log folder is ``$BRINK_LOG_DIR`` if set, else ``$XDG_CACHE_HOME/brink/logs``
(``~/.cache/brink/logs``); if neither can be written, the system's temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import traceback
from pathlib import Path

def log_dir() -> Path:
    """Where crash logs go (see the module docstring)."""
    if os.environ.get("BRINK_LOG_DIR"):
        return Path(os.environ["BRINK_LOG_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "brink" / "logs"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("brinkmanship")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


def write_crash_log(exc: BaseException, argv: list[str] | None = None) -> Path | None:
    """Write the traceback of ``exc`` with the command line and version; return the file (None if
    no folder could be written)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"brink {_version()} on Python {sys.version.split()[0]}\n"
            f"command: brink {' '.join(argv if argv is not None else sys.argv[1:])}\n"
            f"cwd: {os.getcwd()}\n\n"
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    for folder in (log_dir(), Path(tempfile.gettempdir()) / "brink-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return Path(name)
        except OSError:
            continue
    return None


def crash_line(exc: BaseException, log: Path | None) -> str:
    """The one line printed for an unexpected exception."""
    what = f"{type(exc).__name__}: {exc}".splitlines()[0][:200] if str(exc) else type(exc).__name__
    where = f"the traceback is in {log}" if log else "no log file could be written"
    return f"internal error ({what}). This is a bug in brink: please report it with the log file; {where}"
