"""``forecast``: each question's probability, 95 % interval and median time, from simulated event histories.

Questions are grouped by origin (``as_of``) so that each origin is simulated
once, for as many rounds as the group's longest window counts (the time rule
is :mod:`brink.forecast.timing`). Per question, with ``R`` the last round its
window counts and ``first`` the per-run first round of its event
(:func:`brink.forecast.events.first_round`):

* probability = share of runs with ``1 <= first <= R``, with a 95 % Wilson
  interval (``brink.sim.results.wilson``);
* with ``given``: the same share among the runs in which the given question's
  event happened inside its (identical) window, i.e. P(A and B) / P(B); when no
  run satisfies the condition the probability is undefined (NaN);
* ``median_days``: the median date, in days after the origin, of the event
  among the runs in which it happens inside the window (NaN when none);
* ``runs``: the number of runs the probability is computed on.

The simulation is the engine's ``simulate(..., as_of=origin, watch={...})``;
the same inputs and seed give identical numbers for any worker count.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from brink.errors import BrinkError, InputError, Problem
from brink.located_csv import open_csv, rows as csv_rows
from brink.forecast.events import compile_event, first_round, watches
from brink.forecast.questions import Question, QuestionSet
from brink.forecast.timing import last_round, median_day
from brink.frames import records
from brink.sim.event_history import EventHistory
from brink.sim.results import wilson

COLUMNS = ("id", "text", "as_of", "window_days", "given", "probability", "lo95", "hi95", "median_days",
           "runs", "last_round")
TIME_RULE = ("round r covers days ((r-1)d, rd] after the origin and an event in it is dated at its "
             "midpoint (r - 1/2)d; a window of D days counts round r iff (r - 1/2)d <= D")


@dataclass
class ForecastResult:
    """One row per question (``to_frame()``), and how it was computed (``meta``)."""

    rows: pd.DataFrame
    meta: dict = field(default_factory=dict)
    # per origin and scenario outcome (episode): the share of runs in which it starts within the
    # origin's longest question window (as_of, outcome, days, probability, runs)
    outcomes: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_dict(self) -> dict:
        """JSON-able: ``meta`` (scenario, runs, seed, round_days, time_rule...) and ``questions``."""
        return {**self.meta, "questions": records(self.rows)}

    def write(self, out_dir: str | Path) -> Path:
        """Write ``forecast.csv`` and ``forecast.json`` into ``out_dir`` (each atomically; the JSON is valid
        whatever the numbers: an undefined probability is null); return the folder. ``brink forecast``
        writes into a staged folder renamed into place whole (``brink.sim.outdir.staged``)."""
        from brink.sim.outdir import dumps

        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        frame = self.rows.copy()
        frame["as_of"] = frame["as_of"].map(lambda d: d.isoformat() if hasattr(d, "isoformat") else d)
        _atomic(folder / "forecast.csv", frame.to_csv(index=False))
        _atomic(folder / "forecast.json", dumps(self.to_dict()))
        return folder


def _atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def answer(questions: list[Question], history: EventHistory, round_days: float, scenario) -> list[dict]:
    """The rows of questions that share one origin, from that origin's event histories."""
    by_id = {q.id: q for q in questions}
    firsts: dict[str, np.ndarray] = {}
    horizon = {}

    def hits(q: Question) -> np.ndarray:
        if q.id not in firsts:
            firsts[q.id] = first_round(compile_event(q.event, scenario), history)
            horizon[q.id] = last_round(q.days, round_days)
        f = firsts[q.id]
        return (f >= 1) & (f <= horizon[q.id])

    rows = []
    for q in questions:
        hit = hits(q)
        if q.given is not None:
            if q.given not in by_id:
                raise BrinkError(f"question {q.id}: given {q.given!r} is not a question of the same origin")
            cond = hits(by_id[q.given])
        else:
            cond = np.ones(history.n, dtype=bool)
        n = int(cond.sum())
        k = int((hit & cond).sum())
        if n == 0:
            p = lo = hi = math.nan
        else:
            p = k / n
            lo_a, hi_a = wilson(np.array([k]), n)
            lo, hi = float(lo_a[0]), float(hi_a[0])
        rows.append({
            "id": q.id, "text": q.text, "as_of": q.as_of, "window_days": q.days, "given": q.given or "",
            "probability": p, "lo95": lo, "hi95": hi,
            "median_days": median_day(firsts[q.id][hit & cond], round_days),
            "runs": n, "last_round": horizon[q.id],
        })
    return rows


def _simulate_from(scenario, runs, horizon, seed, origin, watch, workers, progress, **kw):
    """``brink.sim.simulate`` from ``origin``, watching the questions' formulas."""
    from brink.sim import simulate

    return simulate(scenario, runs, horizon, seed, as_of=origin, watch=watch or None, workers=workers,
                    progress=progress, **kw)


def forecast(scenario, questions: QuestionSet, runs: int = 10_000, seed: int = 0, *, workers: int = 1,
             progress: Callable[[int], None] | None = None, simulate_fn=None, **kw) -> ForecastResult:
    """Forecast every question (see the module docstring); one simulation per origin.

    ``scenario`` is a loaded ``Scenario`` (the one ``questions`` were checked
    against when None). ``progress(k)`` is called with the runs done, over all
    origins (``runs * number of origins`` in all). ``simulate_fn`` replaces the
    engine (tests); ``kw`` go to ``simulate`` (``backend``, ``batch_size``).
    """
    from brink.scenario.loader import load_scenario

    sc = scenario if scenario is not None else questions.scenario
    if sc is None:
        raise BrinkError("forecast: no scenario (load the questions with their scenario)")
    if isinstance(sc, (str, Path)):
        sc = load_scenario(sc)
    if questions.scenario_id is not None and questions.scenario_id != sc.meta.id:
        raise BrinkError(f"the questions were checked against {questions.scenario_id}, not {sc.meta.id}")
    run = simulate_fn or _simulate_from
    d = sc.round_days
    groups: dict = {}
    for q in questions:
        groups.setdefault(q.as_of, []).append(q)
    rows, origins, out_rows = [], [], []
    for origin in sorted(groups):
        qs = groups[origin]
        horizon = max(last_round(q.days, d) for q in qs)
        watch: dict[str, str] = {}
        for q in qs:
            watch.update(watches(q.event))
        res = run(sc, runs, horizon, seed, origin, watch, workers, progress, **kw)
        rd = 7.0 * float(res.round_weeks)
        if abs(rd - d) > 1e-9:
            raise BrinkError(f"the simulation's rounds are {rd:g} days, the questions were timed for {d:g}")
        rows += answer(qs, res.history, rd, sc)
        out_rows += outcome_rows(res.history, origin, horizon, rd)
        origins.append({"as_of": origin.isoformat(), "horizon": horizon, "questions": [q.id for q in qs]})
    order = {qid: i for i, qid in enumerate(questions.ids)}
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.sort_values("id", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    meta = {"scenario": sc.meta.id, "questions_file": questions.file, "runs": int(runs), "seed": int(seed),
            "round_days": d, "time_rule": TIME_RULE, "origins": origins}
    return ForecastResult(frame, meta, pd.DataFrame(out_rows, columns=["as_of", "outcome", "days", "probability",
                                                                       "runs"]))


def outcome_rows(history: EventHistory, origin, horizon: int, round_days: float) -> list[dict]:
    """Each scenario outcome's share of runs in which it starts in rounds 1..``horizon`` after ``origin``."""
    from brink.sim.event_history import OUTCOME

    out = []
    for e in history.episode_ids:
        f = history.first_of([OUTCOME + e])
        out.append({"as_of": origin, "outcome": e, "days": horizon * round_days,
                    "probability": float(((f >= 1) & (f <= horizon)).mean()) if history.n else math.nan,
                    "runs": history.n})
    return out


def read_forecast(path: str | Path, questions: QuestionSet | None = None) -> pd.DataFrame:
    """Read a ``forecast.csv`` (or the folder holding one) that ``ForecastResult.write`` wrote.

    With ``questions``, its ids must be exactly the question file's. Problems
    name the file, line and column (``InputError``).
    """
    p = Path(path)
    if p.is_dir():
        p = p / "forecast.csv"
    display, reader = open_csv(p, ("id", "probability"), "a forecast")
    problems: list[Problem] = []
    rows, lines = [], {}
    for line, rec in csv_rows(display, reader, problems):
        qid = rec["id"].strip()
        if qid in lines:
            problems.append(Problem(display, line, "id", f"{qid} already on line {lines[qid]}"))
            continue
        lines[qid] = line
        row = dict(rec)
        for col in ("probability", "lo95", "hi95", "median_days", "runs", "window_days", "last_round"):
            if col not in rec:
                continue
            v = rec[col].strip()
            try:
                row[col] = float(v) if v else math.nan
            except ValueError:
                problems.append(Problem(display, line, col, f"{v!r} is not a number"))
                continue
            if col == "probability" and not (math.isnan(row[col]) or 0.0 <= row[col] <= 1.0):
                problems.append(Problem(display, line, col, f"{v} is not a probability in [0, 1]"))
        row["id"] = qid
        rows.append(row)
    if questions is not None and not problems:
        want = questions.by_id()
        for row in rows:
            qid, line = row["id"], lines[row["id"]]
            if qid not in want:
                problems.append(Problem(display, line, "id", f"{qid} is not a question of {questions.file}"))
                continue
            q = want[qid]
            # a forecast of an edited question answers another question
            for col, now in (("as_of", q.as_of.isoformat()), ("window_days", float(q.days)),
                             ("given", q.given or "")):
                was = row.get(col)
                if col in row and not (was == now or (col == "given" and not was and not now)):
                    problems.append(Problem(display, line, col, f"{qid}: the forecast has {was!r}, the question "
                                                                f"file {now!r} (forecast the file again)"))
        for qid in questions.ids:
            if qid not in lines:
                problems.append(Problem(display, None, "id", f"question {qid} of {questions.file} is missing "
                                                             "(forecast another question file?)"))
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows)
