"""``score``: Brier and log scores of a forecast on the resolved questions, beside two baselines.

Only resolved questions are scored; their resolution comes from the question
file's ``resolved`` or from a resolutions CSV (``id,resolved,resolved_on``,
:func:`read_resolutions`) that overrides it. Unresolved questions are listed,
not scored. A conditional question whose condition did not happen (its
``given`` question resolved no) is void, and a question the forecast left
undefined (NaN: no run satisfied its condition) cannot be scored; both are
listed with the reason.

* **Brier score**: mean of ``(p - o)^2`` (0 best, 0.25 for always saying 50 %).
* **Log score**: mean of ``ln`` of the probability given to what happened
  (0 best, ``ln 0.5`` for 50 %). Probabilities are clipped to
  ``[0.001, 0.999]`` first, so that one confident miss does not give minus
  infinity: a forecast of 0 counts as 0.001.

Each beside the **50 %** forecaster and the **base-rate** forecaster
(:mod:`brink.forecast.baserate`). The **reliability table** bins the model's
forecasts into ten bins of width 0.1 (the last includes 1.0): count, mean
forecast, observed frequency. Each question's ``contribution`` is its share of
the mean Brier score (its squared error divided by the number scored).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from brink.errors import InputError, Problem
from brink.located_csv import open_csv, rows
from brink.forecast.questions import QuestionSet, _yes_no
from brink.frames import records

CLIP = (0.001, 0.999)
BINS = 10


def brier(p: float, outcome: bool) -> float:
    return (float(p) - float(outcome)) ** 2


def log_score(p: float, outcome: bool) -> float:
    """``ln`` of the probability given to what happened, ``p`` clipped to ``CLIP``."""
    q = min(max(float(p), CLIP[0]), CLIP[1])
    return math.log(q if outcome else 1.0 - q)


@dataclass(frozen=True)
class Resolution:
    resolved: bool
    resolved_on: dt.date | None = None
    source: str = ""


def read_resolutions(path: str | Path, questions: QuestionSet | None = None) -> dict[str, Resolution]:
    """Read a resolutions CSV (``id,resolved,resolved_on``); problems name file, line and column."""
    display, reader = open_csv(path, ("id", "resolved"))
    known = set(questions.ids) if questions is not None else None
    out: dict[str, Resolution] = {}
    problems: list[Problem] = []
    for line, rec in rows(display, reader, problems):
        qid = rec["id"].strip()
        if not qid and not any(v.strip() for v in rec.values()):
            continue
        if known is not None and qid not in known:
            problems.append(Problem(display, line, "id", f"{qid!r} is not a question of {questions.file}"))
            continue
        if qid in out:
            problems.append(Problem(display, line, "id", f"{qid} is listed twice"))
            continue
        try:
            res = _yes_no(rec["resolved"].strip())
        except ValueError as exc:
            problems.append(Problem(display, line, "resolved", str(exc)))
            continue
        on = (rec.get("resolved_on") or "").strip()
        date = None
        if on:
            try:
                date = dt.date.fromisoformat(on)
            except ValueError:
                problems.append(Problem(display, line, "resolved_on", f"{on!r} is not a date (YYYY-MM-DD)"))
                continue
        if known is not None:
            q = questions.by_id()[qid]
            end = q.as_of + dt.timedelta(days=q.days)
            if date is not None and not res:
                problems.append(Problem(display, line, "resolved_on", "a question resolved `no` has no resolution date"))
                continue
            if date is not None and not q.as_of <= date <= end:
                problems.append(Problem(display, line, "resolved_on", f"{date} is outside {qid}'s window "
                                                                      f"({q.as_of} + {q.days} days)"))
                continue
        out[qid] = Resolution(bool(res), date, f"{display}:{line}")
    if problems:
        raise InputError(problems)
    return out


@dataclass
class ScoreResult:
    """Scores (``to_dict()``), one row per question (``to_frame()``), the reliability table."""

    brier: float
    log_score: float
    baselines: dict
    questions: pd.DataFrame
    unresolved: list[dict]
    reliability: pd.DataFrame
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.questions)

    def to_frame(self) -> pd.DataFrame:
        return self.questions.copy()

    def to_dict(self) -> dict:
        return {**self.meta, "scored": self.n, "brier": _num(self.brier), "log_score": _num(self.log_score),
                "baselines": self.baselines, "questions": records(self.questions),
                "unresolved": self.unresolved, "reliability": records(self.reliability)}


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def reliability(p: np.ndarray, o: np.ndarray, bins: int = BINS) -> pd.DataFrame:
    """Ten bins of forecast probability: n, mean forecast, observed frequency (NaN in an empty bin)."""
    p = np.asarray(p, dtype=float)
    o = np.asarray(o, dtype=float)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        n = int(m.sum())
        rows.append({"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "lo": b / bins, "hi": (b + 1) / bins, "n": n,
                     "mean_forecast": float(p[m].mean()) if n else math.nan,
                     "observed": float(o[m].mean()) if n else math.nan})
    return pd.DataFrame(rows)


def score(questions: QuestionSet, forecast, resolutions: dict[str, Resolution] | str | Path | None = None, *,
          record=None) -> ScoreResult:
    """Score ``forecast`` (a ``ForecastResult`` or its frame) on the resolved questions.

    ``resolutions`` (a mapping or a CSV path) override the file's. ``record``
    is the base-rate forecaster's record (``baserate.scenario_record``); by
    default it is built from the scenario the questions were checked against.
    """
    from brink.forecast.baserate import base_rate, scenario_record

    frame = forecast.to_frame() if hasattr(forecast, "to_frame") else pd.DataFrame(forecast)
    probs = dict(zip(frame["id"].astype(str), frame["probability"].astype(float)))
    if isinstance(resolutions, (str, Path)):
        resolutions = read_resolutions(resolutions, questions)
    resolutions = dict(resolutions or {})
    if record is None:
        if questions.scenario is None:
            raise InputError([Problem(questions.file, None, "(file)",
                                      "scoring needs the scenario the questions were checked against")])
        record = scenario_record(questions.scenario, questions.scenario_ref)

    def resolution(q) -> Resolution | None:
        if q.id in resolutions:
            return resolutions[q.id]
        if q.resolved is not None:
            return Resolution(q.resolved, q.resolved_on, f"{questions.file}:{questions.lines.get(q.id, '')}")
        return None

    by_id = questions.by_id()
    rows, unresolved = [], []
    for q in questions:
        r = resolution(q)
        entry = {"id": q.id, "text": q.text}
        if r is None:
            unresolved.append({**entry, "reason": "unresolved"})
            continue
        if q.given is not None:
            g = resolution(by_id[q.given])
            if g is None or not g.resolved:
                unresolved.append({**entry, "reason": f"void: its condition ({q.given}) "
                                                      f"{'is unresolved' if g is None else 'did not happen'}"})
                continue
        if q.id not in probs:
            unresolved.append({**entry, "reason": "not in the forecast"})
            continue
        p = probs[q.id]
        if math.isnan(p):
            unresolved.append({**entry, "reason": "forecast undefined (no simulated run met its condition)"})
            continue
        b = base_rate(q, record)
        o = bool(r.resolved)
        rows.append({**entry, "as_of": q.as_of, "given": q.given or "", "resolved": o,
                     "resolved_on": r.resolved_on, "probability": p, "brier": brier(p, o),
                     "log_score": log_score(p, o), "base_rate": b, "brier_base_rate": brier(b, o),
                     "log_base_rate": log_score(b, o), "brier_half": 0.25, "log_half": math.log(0.5)})
    cols = ["id", "text", "as_of", "given", "resolved", "resolved_on", "probability", "brier", "log_score",
            "contribution", "base_rate", "brier_base_rate", "log_base_rate", "brier_half", "log_half"]
    qf = pd.DataFrame(rows, columns=[c for c in cols if c != "contribution"])
    n = len(qf)
    qf.insert(cols.index("contribution"), "contribution", qf["brier"] / n if n else [])
    mean = (lambda c: float(qf[c].mean()) if n else math.nan)
    baselines = {"half": {"brier": _num(mean("brier_half")), "log_score": _num(mean("log_half"))},
                 "base_rate": {"brier": _num(mean("brier_base_rate")), "log_score": _num(mean("log_base_rate"))}}
    meta = {"scenario": questions.scenario_id, "questions_file": questions.file,
            "log_clip": list(CLIP),
            "notes": [f"log scores use probabilities clipped to [{CLIP[0]}, {CLIP[1]}]",
                      "base rate: Poisson rate from the scenario's own record before the origin, "
                      "1 - exp(-(k + 0.5) W / T) (assumption; see brink.forecast.baserate)"]}
    return ScoreResult(mean("brier"), mean("log_score"), baselines, qf, unresolved,
                       reliability(qf["probability"].to_numpy(), qf["resolved"].to_numpy()), meta)
