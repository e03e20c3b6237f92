"""Readers for the two actor-table formats bargaining models are usually fed.

* **Plain table** (the format of the public replications of Bueno de Mesquita's
  model): a header ``Actor,Capability,Position,Salience`` in any order and any
  letter case, one row per actor. An optional ``Issue`` column turns it into a
  multi-issue table (one row per actor and issue). Salience is on 0-1; a column
  whose largest value exceeds 1 is read as 0-100 and divided by 100.
* **KTAB** (KAPSARC Toolkit for Behavioral Analysis) input CSV: line 1 holds the
  scenario name, a description, the number of actors and of dimensions; line 2
  the header ``Actor,Description,Influence,<dim> Position,<dim> Salience,...``;
  then one row per actor. Salience is on 0-100 and is divided by 100.

Every problem found is reported at once as an :class:`brink.errors.InputError`
naming the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from brink.bargain.case import Case
from brink.errors import InputError
from brink.errors import Problem

PLAIN_FIELDS = ("actor", "capability", "position", "salience")


def read_table(path: str | Path) -> Case:
    """Read a plain or KTAB actor table, detecting the format from its first lines."""
    path = Path(path)
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(display, None, "(file)", "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise InputError([Problem(display, None, "(file)", f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:
        raise InputError([Problem(display, None, "(file)", str(exc))]) from None
    rows = list(csv.reader(io.StringIO(text)))
    rows = [[c.strip() for c in r] for r in rows]
    if not rows or not any(any(r) for r in rows):
        raise InputError([Problem(display, 1, "(file)", "the file is empty")])
    first = [c.lower() for c in rows[0]]
    if "actor" in first and "position" in first:
        return _read_plain(rows, display)
    if len(rows) > 1 and [c.lower() for c in rows[1][:3]] == ["actor", "description", "influence"]:
        return _read_ktab(rows, display)
    raise InputError(
        [
            Problem(
                display,
                1,
                "(header)",
                "not a known actor table: expected a header with Actor,Capability,Position,Salience "
                "or a KTAB file whose line 2 starts with Actor,Description,Influence",
            )
        ]
    )


def _number(cell: str, display: str, line: int, field: str, problems: list) -> float | None:
    if cell == "":
        problems.append(Problem(display, line, field, "missing value"))
        return None
    try:
        v = float(cell)
    except ValueError:
        problems.append(Problem(display, line, field, f"{cell!r} is not a number"))
        return None
    if not math.isfinite(v):
        problems.append(Problem(display, line, field, f"{cell!r} is not a finite number"))
        return None
    return v


def _read_plain(rows: list[list[str]], display: str) -> Case:
    problems: list = []
    header = [c.lower() for c in rows[0]]
    col = {}
    for name in PLAIN_FIELDS + ("issue",):
        if name in header:
            if header.count(name) > 1:
                problems.append(Problem(display, 1, name, "column appears more than once"))
            col[name] = header.index(name)
    for name in PLAIN_FIELDS:
        if name not in col:
            problems.append(Problem(display, 1, name, "required column is missing"))
    if problems:
        raise InputError(problems)
    records = []  # (line, issue, actor, cap, pos, sal)
    seen: dict[tuple[str, str], int] = {}
    for ln, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        actor = row[col["actor"]]
        if not actor:
            problems.append(Problem(display, ln, "Actor", "missing actor name"))
            continue
        issue = row[col["issue"]] if "issue" in col else "issue"
        if "issue" in col and not issue:
            problems.append(Problem(display, ln, "Issue", "missing issue name"))
            continue
        key = (issue, actor)
        if key in seen:
            problems.append(Problem(display, ln, "Actor", f"{actor!r} already listed on line {seen[key]}"
                                   + (f" for issue {issue!r}" if "issue" in col else "")))
            continue
        seen[key] = ln
        cap = _number(row[col["capability"]], display, ln, "Capability", problems)
        pos = _number(row[col["position"]], display, ln, "Position", problems)
        sal = _number(row[col["salience"]], display, ln, "Salience", problems)
        if cap is not None and cap <= 0:
            problems.append(Problem(display, ln, "Capability", f"must be > 0, got {cap:g}"))
        if sal is not None and not 0 <= sal <= 100:
            problems.append(Problem(display, ln, "Salience", f"must be in [0, 1] (or 0-100), got {sal:g}"))
        records.append((ln, issue, actor, cap, pos, sal))
    if not records and not problems:
        problems.append(Problem(display, 2, "(rows)", "no actor rows"))
    if problems:
        raise InputError(problems)
    issues = list(dict.fromkeys(r[1] for r in records))
    actors = list(dict.fromkeys(r[2] for r in records))
    n, m = len(actors), len(issues)
    P = np.full((n, m), np.nan)
    S = np.full((n, m), np.nan)
    C = np.full((n, m), np.nan)
    sal_max = {iss: max(r[5] for r in records if r[1] == iss) for iss in issues}
    for iss in issues:
        rows_of = [r for r in records if r[1] == iss]
        named = f"issue {iss!r}: " if "issue" in col else ""
        if sal_max[iss] == 0:
            problems.append(Problem(display, rows_of[0][0], "Salience", f"{named}every actor's salience is 0, "
                                    "so nothing weighs on the outcome"))
        elif sal_max[iss] > 1:  # read as 0-100: a fraction below 1 beside it means two scales are mixed
            for ln, _, a, _, _, sal in rows_of:
                if 0 < sal < 1:
                    problems.append(Problem(display, ln, "Salience", f"{named}{sal:g} looks like the 0-1 scale "
                                            f"but the column reaches {sal_max[iss]:g} (read as 0-100): give "
                                            "every salience on one scale"))
    if problems:
        raise InputError(problems)
    scaled = []
    for ln, iss, a, cap, pos, sal in records:
        i, d = actors.index(a), issues.index(iss)
        div = 100.0 if sal_max[iss] > 1 else 1.0
        P[i, d], S[i, d], C[i, d] = pos, sal / div, cap
    for iss in issues:
        if sal_max[iss] > 1:
            scaled.append(iss)
    for d, iss in enumerate(issues):
        if np.sum(~np.isnan(P[:, d])) < 2:
            problems.append(Problem(display, None, "Actor", f"issue {iss!r} needs at least two actors"))
    if problems:
        raise InputError(problems)
    return Case(
        actors=tuple(actors),
        issues=tuple(issues),
        position=P,
        salience=S,
        capability=C,
        source=display,
        provenance={"format": "plain", "salience_read_as_percent": tuple(scaled)},
    )


def _read_ktab(rows: list[list[str]], display: str) -> Case:
    problems: list = []
    head = rows[0]
    scenario = head[0] if head else ""
    description = head[1] if len(head) > 1 else ""
    n_act = n_dim = None
    if len(head) < 4:
        problems.append(Problem(display, 1, "(scenario line)", "expected name,description,actors,dimensions"))
    else:
        for idx, field in ((2, "number of actors"), (3, "number of dimensions")):
            try:
                v = int(head[idx])
                if v <= 0:
                    raise ValueError
                if idx == 2:
                    n_act = v
                else:
                    n_dim = v
            except ValueError:
                problems.append(Problem(display, 1, field, f"{head[idx]!r} is not a positive integer"))
    header = rows[1]
    while header and header[-1] == "":
        header = header[:-1]
    dims_cols = header[3:]
    if len(dims_cols) % 2 or not dims_cols:
        problems.append(Problem(display, 2, "(header)", "after Actor,Description,Influence the columns must come "
                               "in Position,Salience pairs"))
        raise InputError(problems)
    dims = []
    for k in range(0, len(dims_cols), 2):
        pc, sc = dims_cols[k], dims_cols[k + 1]
        if not pc.lower().endswith("position"):
            problems.append(Problem(display, 2, pc or f"column {4 + k}", "expected a '... Position' column"))
        if not sc.lower().endswith("salience"):
            problems.append(Problem(display, 2, sc or f"column {5 + k}", "expected a '... Salience' column"))
        dims.append(pc[: -len("position")].strip() if pc.lower().endswith("position") else pc)
    if n_dim is not None and n_dim != len(dims):
        problems.append(Problem(display, 1, "number of dimensions",
                               f"says {n_dim} but the header has {len(dims)} position/salience pairs"))
    actors, descs, caps, pos, sal = [], [], [], [], []
    seen: dict[str, int] = {}
    for ln, row in enumerate(rows[2:], start=3):
        if not any(row):
            continue
        row = row + [""] * max(0, len(header) - len(row))
        name = row[0]
        if not name:
            problems.append(Problem(display, ln, "Actor", "missing actor name"))
            continue
        if name in seen:
            problems.append(Problem(display, ln, "Actor", f"{name!r} already listed on line {seen[name]}"))
            continue
        seen[name] = ln
        c = _number(row[2], display, ln, "Influence", problems)
        if c is not None and c <= 0:
            problems.append(Problem(display, ln, "Influence", f"must be > 0, got {c:g}"))
        p_row, s_row = [], []
        for k, dname in enumerate(dims):
            pcol, scol = header[3 + 2 * k], header[4 + 2 * k]
            p = _number(row[3 + 2 * k], display, ln, pcol, problems)
            s = _number(row[4 + 2 * k], display, ln, scol, problems)
            if s is not None and not 0 <= s <= 100:
                problems.append(Problem(display, ln, scol, f"must be in [0, 100], got {s:g}"))
            if p is not None and not 0 <= p <= 100:
                problems.append(Problem(display, ln, pcol, f"must be on the 0-100 scale, got {p:g}"))
            p_row.append(p)
            s_row.append(s)
        actors.append(name)
        descs.append(row[1])
        caps.append(c)
        pos.append(p_row)
        sal.append(s_row)
    if n_act is not None and n_act != len(actors):
        problems.append(Problem(display, 1, "number of actors", f"says {n_act} but {len(actors)} actor rows follow"))
    if len(actors) < 2 and not problems:
        problems.append(Problem(display, 3, "(rows)", "needs at least two actors"))
    if not problems:
        for k, dname in enumerate(dims):
            if all(row[k] == 0 for row in sal):
                problems.append(Problem(display, 2, header[4 + 2 * k], f"every actor's salience on {dname!r} is 0, "
                                        "so nothing weighs on the outcome"))
    if problems:
        raise InputError(problems)
    m = len(dims)
    P = np.array(pos, dtype=float).reshape(len(actors), m)
    S = np.array(sal, dtype=float).reshape(len(actors), m) / 100.0
    C = np.repeat(np.array(caps, dtype=float)[:, None], m, axis=1)
    issue_ids = tuple(d.lower().replace(" ", "_") or f"dim{k}" for k, d in enumerate(dims))
    return Case(
        actors=tuple(actors),
        issues=issue_ids,
        position=P,
        salience=S,
        capability=C,
        labels=tuple(dims),
        scale=tuple((0.0, 100.0) for _ in dims),
        source=display,
        actor_labels=tuple(descs),
        provenance={"format": "ktab", "scenario": scenario, "description": description},
    )
