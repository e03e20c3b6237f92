"""The scenarios a server may open: exactly those named on ``brink serve``'s command line.

A request names a scenario by its id (``meta.id``); nothing in a request is ever a path, so no
request reaches a file the operator did not list (no path traversal). Scenarios are loaded once,
at start-up; the cited source files are looked up in the given source folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from brink.errors import BrinkError


@dataclass
class Catalog:
    """Scenario id -> loaded scenario (and the target it was given as)."""

    scenarios: dict = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)
    sources: list[Path] = field(default_factory=list)
    results: Path | None = None   # where brink sensitivity wrote its folders (shown where they exist)

    @classmethod
    def open(cls, targets: list[str] | None = None, sources: list[str | Path] | None = None,
             results: str | Path | None = "brink-results") -> Catalog:
        """Load each target (built-in name or folder/file; default every built-in scenario)."""
        from brink.scenario.loader import builtin_names, load_scenario

        cat = cls(sources=[Path(s) for s in (sources if sources is not None else default_sources())],
                  results=None if results is None else Path(results))
        for t in targets or list(builtin_names()):
            sc = load_scenario(t)
            if sc.meta.id in cat.scenarios and cat.targets[sc.meta.id] != str(t):
                raise BrinkError(f"{t}: its id {sc.meta.id!r} is already served from {cat.targets[sc.meta.id]}")
            cat.scenarios[sc.meta.id] = sc
            cat.targets[sc.meta.id] = str(t)
        return cat

    _memo: dict = field(default_factory=dict, repr=False)

    def get(self, sid: str):
        if sid not in self.scenarios:
            raise KeyError(sid)
        return self.scenarios[sid]

    def _once(self, key, make):
        """Computed once per server: the scenarios do not change while it runs."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def digest(self, sid: str) -> str:
        """The content hash of a served scenario (job keys: the same content, the same job)."""
        from brink.sim.outdir import scenario_digest

        return self._once(("digest", sid), lambda: scenario_digest(self.get(sid)))

    def model(self, sid: str):
        """The compiled scenario without what-ifs (for checking what-if values by its rule)."""
        from brink.model import compile_model

        return self._once(("model", sid), lambda: compile_model(self.get(sid), {}))

    def sensitivity(self, sid: str) -> list[dict]:
        """The finished ``brink sensitivity`` runs of scenario ``sid`` under the results folder, newest
        first: their meta.json and the path of their indices (read fresh: runs may finish meanwhile)."""
        import json

        out = []
        if self.results is None or not self.results.is_dir():
            return out
        for meta_path in self.results.glob("sensitivity-*/meta.json"):
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if meta.get("scenario") == sid and meta.get("complete") and (meta_path.parent / "indices.parquet").is_file():
                out.append({"folder": meta_path.parent.name, "meta": meta,
                            "indices": meta_path.parent / "indices.parquet",
                            "mtime": meta_path.stat().st_mtime})
        return sorted(out, key=lambda r: -r["mtime"])

    def questions(self, sid: str, name: str):
        """A shipped question file, loaded and checked against the scenario once."""
        from brink.forecast.questions import load_questions

        return self._once(("questions", sid, name), lambda: load_questions(name, self.targets[sid]))


def default_sources() -> list[Path]:
    """Where cited source files are looked for: ``$BRINK_SOURCES`` (os.pathsep-separated), else the
    ``shared/seeds`` and ``shared/data`` folders beside the working folder or above it."""
    env = os.environ.get("BRINK_SOURCES")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    out = []
    here = Path.cwd().resolve()
    for base in [here, *here.parents][:4]:
        for sub in ("shared/seeds", "shared/data"):
            if (base / sub).is_dir():
                out.append(base / sub)
        if out:
            break
    return out
