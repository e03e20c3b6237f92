"""Provenance: which numbers and facts rest on sources, and which on assumptions.

``assumptions(scenario)`` is what ``brink show --assumptions`` prints; the same
rows go into reports so a reader can see every judgement the model rests on.
``resolve_citation`` turns ``003_....txt:L14`` into the cited text where the
source files are at hand (the tests use it to check every citation).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from brink.scenario.schema import CITATION_RE, Param, Scenario, Sourced


@dataclass(frozen=True)
class ProvenanceRow:
    """One fact or number: where it sits, its value (for numbers), and its provenance."""

    path: str
    value: float | None
    evidence: tuple[str, ...]
    assumption: str | None


def _label(obj: Any) -> str | None:
    for attr in ("id", "actor", "level"):
        v = getattr(obj, attr, None)
        if isinstance(v, (str, int)) and not isinstance(v, bool):
            return str(v)
    return None


def walk(obj: Any, path: str = "") -> list[ProvenanceRow]:
    """All sourced facts and numbers in a scenario (depth-first, file order)."""
    rows: list[ProvenanceRow] = []
    if isinstance(obj, Sourced):
        value = obj.value if isinstance(obj, Param) else None
        rows.append(ProvenanceRow(path, value, tuple(obj.evidence), obj.assumption))
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            if name in ("evidence", "assumption"):
                continue
            rows += walk(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            rows += walk(v, f"{path}[{_label(v) or i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            rows += walk(v, f"{path}.{k}")
    return rows


def path_of(sc: Scenario, loc: tuple) -> str:
    """The ``walk`` path of the object at data path ``loc`` (``("actors", 0, "precision")`` ->
    ``actors[IRN].precision``), by the same labelling rule."""
    obj, path = sc, ""
    for part in loc:
        if isinstance(part, int):
            obj = obj[part]
            path += f"[{_label(obj) or part}]"
        else:
            obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
            path = f"{path}.{part}" if path else str(part)
    return path


def assumptions(sc: Scenario, numbers_only: bool = False) -> list[ProvenanceRow]:
    """Every fact or number that rests (at least partly) on a stated assumption."""
    return [r for r in walk(sc) if r.assumption and (r.value is not None or not numbers_only)]


def resolve_citation(citation: str, search_dirs: list[Path]) -> list[str] | None:
    """The cited lines' text, or None when the file is not found in ``search_dirs``.

    Raises ``ValueError`` when the file is found but a cited line does not exist.
    """
    m = CITATION_RE.match(citation)
    if not m:
        raise ValueError(f"malformed citation {citation!r}")
    fname, start = m.group("file"), int(m.group("start"))
    end = int(m.group("end") or start)
    for d in search_dirs:
        hits = list(Path(d).rglob(fname))
        if hits:
            lines = hits[0].read_text(encoding="utf-8").splitlines()
            if not 1 <= start <= end <= len(lines):
                raise ValueError(f"{citation}: the file has {len(lines)} lines")
            return lines[start - 1:end]
    return None
