"""Read coded decision episodes (trigger -> what the deciding actor did).

A scenario's episodes live in its folder as ``fit/episodes.csv`` (found by
:func:`episodes_path`); any other file in the same format can be read too. One
row per episode with ``episode_id``, ``trigger_date``, ``trigger``,
``trigger_actor``, ``decision_actor``, ``response_date``,
``response_category``, ``response``, ``scale``, ``advance_warning``,
``lag_days``, ``source_urls``, ``confidence``, ``notes``. Two optional columns,
``trigger_scenario_actor`` and ``trigger_category``, code the trigger in the
scenario's vocabulary; where they are absent, an ``episode_triggers.csv`` beside
the episodes file, else the scenario's ``fit/episode_triggers.csv``, supplies
them for the episodes it lists (same ``episode_id`` and ``trigger_date``).

Every problem is reported at once with file, line and field
(``brink.errors.InputError``); nothing is half read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from brink.errors import BrinkError, InputError, Problem
from brink.located_csv import open_csv, rows
from brink.scenario.folder import companion, scenario_folder

REQUIRED = ("episode_id", "trigger_date", "trigger", "trigger_actor", "decision_actor",
            "response_date", "response_category")
OPTIONAL = ("response", "scale", "advance_warning", "lag_days", "source_urls", "confidence", "notes",
            "trigger_scenario_actor", "trigger_category")
TRIGGER_COLUMNS = ("episode_id", "trigger_date", "trigger_scenario_actor", "trigger_category")
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
WARNING_VALUES = {"yes", "no", "unknown", ""}
CONFIDENCE_VALUES = {"high", "medium", "low", ""}
EPISODES_FILE = ("fit", "episodes.csv")
TRIGGERS_FILE = "episode_triggers.csv"


def episodes_path(scenario: str | Path) -> Path:
    """The scenario's own episodes file (``fit/episodes.csv`` in its folder).

    Raises ``BrinkError`` naming the scenario folder when it has none.
    """
    path = companion(scenario, *EPISODES_FILE)
    if path is not None and path.is_file():
        return path
    folder = scenario_folder(scenario)
    if folder is None:
        raise BrinkError(f"scenario {scenario}: a single-file scenario has no coded episodes; "
                         f"give an episodes CSV (--episodes FILE)")
    raise BrinkError(f"scenario {scenario} has no coded episodes: {folder / Path(*EPISODES_FILE)} does not "
                     f"exist (add it, or give an episodes CSV with --episodes FILE)")


@dataclass(frozen=True)
class Episode:
    """One coded decision episode; ``line`` is its 1-based line in ``file``."""

    episode_id: str
    trigger_date: dt.date
    trigger: str
    trigger_actor: str
    decision_actor: str
    response_date: dt.date
    response_category: str
    response: str = ""
    scale: str = ""
    advance_warning: str = ""
    lag_days: int | None = None
    confidence: str = ""
    notes: str = ""
    trigger_scenario_actor: str | None = None
    trigger_category: str | None = None
    file: str = ""
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def _date(text: str, file: str, line: int, field: str, problems: list[Problem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        problems.append(Problem(file, line, field, f"{text!r} is not a date (YYYY-MM-DD)"))
        return None


def read_episodes(path: str | Path | None = None, *, scenario: str | Path | None = None) -> list[Episode]:
    """Read and check an episodes CSV; raise ``InputError`` listing every problem.

    ``path`` defaults to the scenario's own episodes (:func:`episodes_path`);
    ``scenario`` (a built-in name or a path) also supplies the trigger coding
    when neither the file nor its folder has one (see the module docstring).
    """
    if path is None and scenario is None:
        raise BrinkError("read_episodes: give an episodes file or a scenario")
    p = Path(path) if path is not None else episodes_path(scenario)
    display, reader = open_csv(p, REQUIRED)
    problems: list[Problem] = []
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in REQUIRED and c not in OPTIONAL]
    for c in unknown:
        problems.append(Problem(display, 1, c, f"unknown column (known: {', '.join(REQUIRED + OPTIONAL)})"))
    triggers = {} if "trigger_category" in header else _trigger_coding(p, scenario)
    out: list[Episode] = []
    seen: dict[str, int] = {}
    line = 1
    for line, rec in rows(display, reader, problems):
        if not any(v.strip() for v in rec.values()):
            continue
        n0 = len(problems)
        eid = rec["episode_id"].strip()
        if not eid:
            problems.append(Problem(display, line, "episode_id", "empty"))
        elif eid in seen:
            problems.append(Problem(display, line, "episode_id", f"{eid} already used on line {seen[eid]}"))
        seen.setdefault(eid, line)
        for f in ("decision_actor", "trigger_actor"):
            if not rec[f].strip():
                problems.append(Problem(display, line, f, "empty"))
        td = _date(rec["trigger_date"], display, line, "trigger_date", problems)
        rd = _date(rec["response_date"], display, line, "response_date", problems)
        if td and rd and rd < td:
            problems.append(Problem(display, line, "response_date", f"{rd} is before trigger_date {td}"))
        cat = rec["response_category"].strip()
        if not CATEGORY_RE.match(cat):
            problems.append(Problem(display, line, "response_category",
                                    f"{cat!r} is not a category name (lower_case_with_underscores)"))
        warn = rec.get("advance_warning", "").strip()
        if warn not in WARNING_VALUES:
            problems.append(Problem(display, line, "advance_warning", f"{warn!r}: expected yes, no or unknown"))
        conf = rec.get("confidence", "").strip()
        if conf not in CONFIDENCE_VALUES:
            problems.append(Problem(display, line, "confidence", f"{conf!r}: expected high, medium or low"))
        lag: int | None = None
        lag_text = rec.get("lag_days", "").strip()
        if lag_text:
            try:
                lag = int(lag_text)
                if lag < 0:
                    raise ValueError
            except ValueError:
                problems.append(Problem(display, line, "lag_days", f"{lag_text!r} is not a whole number >= 0"))
        tcat = (rec.get("trigger_category") or "").strip() or None
        tact = (rec.get("trigger_scenario_actor") or "").strip() or None
        if "trigger_category" not in header and eid in triggers and td is not None:
            t_date, t_act, t_cat = triggers[eid]
            if t_date == td:  # the coding applies to the episode it was written for only
                tact, tcat = t_act, t_cat
        if tcat is not None and not CATEGORY_RE.match(tcat):
            problems.append(Problem(display, line, "trigger_category", f"{tcat!r} is not a category name"))
        if len(problems) > n0:
            continue
        out.append(Episode(
            episode_id=eid, trigger_date=td, trigger=rec["trigger"].strip(),
            trigger_actor=rec["trigger_actor"].strip(), decision_actor=rec["decision_actor"].strip(),
            response_date=rd, response_category=cat, response=rec.get("response", "").strip(),
            scale=rec.get("scale", "").strip(), advance_warning=warn, lag_days=lag, confidence=conf,
            notes=rec.get("notes", "").strip(), trigger_scenario_actor=tact, trigger_category=tcat,
            file=display, line=line,
        ))
    if problems:
        raise InputError(problems)
    if not out:
        raise InputError([Problem(display, None, "(file)", "no episodes in the file")])
    return out



def _trigger_coding(path: Path, scenario: str | Path | None) -> dict[str, tuple[dt.date, str | None, str]]:
    """``episode_id -> (trigger_date, trigger_scenario_actor, trigger_category)`` from the triggers file
    beside ``path``, else the scenario's (``{}`` when there is none)."""
    beside = path.with_name(TRIGGERS_FILE)
    found = beside if beside.is_file() else (companion(scenario, "fit", TRIGGERS_FILE) if scenario else None)
    return read_trigger_coding(found) if found is not None else {}


def read_trigger_coding(path: str | Path) -> dict[str, tuple[dt.date, str | None, str]]:
    """Read an ``episode_triggers.csv``; raise ``InputError`` naming file, line and field."""
    display, reader = open_csv(path, TRIGGER_COLUMNS)
    problems: list[Problem] = []
    out: dict[str, tuple[dt.date, str | None, str]] = {}
    for line, rec in rows(display, reader, problems):
        eid = rec["episode_id"].strip()
        td = _date(rec["trigger_date"], display, line, "trigger_date", problems)
        cat = rec["trigger_category"].strip()
        if not CATEGORY_RE.match(cat):
            problems.append(Problem(display, line, "trigger_category", f"{cat!r} is not a category name"))
        if not eid:
            problems.append(Problem(display, line, "episode_id", "empty"))
        elif eid in out:
            problems.append(Problem(display, line, "episode_id", f"{eid} listed twice"))
        elif td is not None:
            out[eid] = (td, rec["trigger_scenario_actor"].strip() or None, cat)
    if problems:
        raise InputError(problems)
    return out
