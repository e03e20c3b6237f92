"""Where a scenario's companion files live.

A scenario folder holds everything about its system, not only the YAML
sections the loader merges (``*.yaml`` at the top of the folder). Companion
files sit in sub-folders so that the loader never mistakes them for scenario
sections:

=====================  =====================================================
``interventions/``     what-if files (``brink compare --intervention NAME``)
``questions/``         forecast question files
``events/``            the actor dictionary (``events/dictionary.yaml``)
``fit/``               coded decision episodes (``fit/episodes.csv``)
=====================  =====================================================

Every capability finds its files through :func:`companion`, so no library code
names a scenario; a scenario given as a single file has no companions.
"""

from __future__ import annotations

from pathlib import Path

from brink.errors import InputError, Problem
from brink.scenario.loader import looks_like_copy, resolve_path


def scenario_folder(name_or_path: str | Path) -> Path | None:
    """The folder of a built-in name or a scenario path (None for a single-file scenario)."""
    p = resolve_path(name_or_path)
    return p if p.is_dir() else None


def companion(name_or_path: str | Path, *parts: str) -> Path | None:
    """Path of a companion file or folder of the scenario, or None if it does not exist."""
    folder = scenario_folder(name_or_path)
    if folder is None:
        return None
    path = folder.joinpath(*parts)
    return path if path.exists() else None


def companion_files(name_or_path: str | Path, sub: str, pattern: str = "*.yaml") -> dict[str, Path]:
    """Files in a companion sub-folder by stem (``{}`` when there is none). Hidden files,
    folders and backup copies (``no-blockade copy.yaml``, ``no-blockade.bak.yaml``: the loader's
    ``looks_like_copy``) are not shipped files: ``--all`` would run a copy twice."""
    folder = companion(name_or_path, sub)
    if folder is None or not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob(pattern))
            if not p.name.startswith((".", "_")) and p.is_file() and not looks_like_copy(p)}


def resolve_companion(spec: str | Path, scenario: str | Path, sub: str, what: str, option: str) -> Path:
    """A file path as given, or the name (stem) of a file the scenario ships in ``sub/``.

    The one way a command-line argument names a companion file (``--intervention
    NAME``, a question file...). Neither: ``InputError`` naming ``option`` and
    listing what the scenario ships.
    """
    p = Path(spec)
    if p.is_file():
        return p
    if p.is_dir():
        raise InputError([Problem(str(spec), None, option,
                                  f"is a folder, not {what}{'' if what.endswith('file') else ' file'}")])
    shipped = companion_files(scenario, sub)
    if str(spec) in shipped:
        return shipped[str(spec)]
    raise InputError([Problem(str(spec), None, option,
                              f"no such file, and not {what} shipped with {scenario} "
                              f"(shipped: {', '.join(shipped) or 'none'})")])
