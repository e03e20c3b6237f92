"""Result folders: named by what determines the result, checked before a run, written whole.

Every command that writes a results folder (``brink simulate``, ``compare``, ``forecast``,
``run``) goes through this module:

* ``run_hash(...)``: a short hash of everything that determines the numbers — the bytes of
  every file the scenario is read from (``scenario_digest``), the intervention's changes, the
  run count, horizon, seed, round length and forecast origin (or, for a forecast, the question
  file's bytes). Not the backend, the worker count or the batch size: those give the same
  numbers bit for bit. The default folder name ends with it, so a different run never lands in
  another run's default folder (an edited copy of a scenario that keeps ``meta.id``, other
  ``--set`` values...).
* ``check_target(folder, hash, overwrite)``: before anything is simulated, refuse a folder that
  cannot be written (a file, a path under a file, an unwritable place), a folder that holds
  another run unless ``overwrite`` (``--overwrite``; ``--force`` is simulate's forced-move
  option), and any non-empty folder that is not a brink results folder (no ``meta.json``):
  brink never deletes files it did not write. The same run (same hash) into its own folder is
  replaced: it gives the same numbers.
* ``staged(folder)``: a context manager that yields an empty temporary sibling folder to write
  into; at the end it is renamed into place whole (an existing folder is renamed away first and
  deleted after), and on any exception or Ctrl-C it is deleted. So an interrupted command leaves
  the previous folder as it was, or none, never a mix.
* ``provenance(...)`` and ``write_json``: what ``meta.json`` records (scenario path, content
  hash, brink version, command line) and a writer that always produces valid JSON (a
  non-finite number is written as null).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from brink.errors import BrinkError

HASH_LENGTH = 10
META = "meta.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# ------------------------------------------------------------------ hashing
def _canonical(obj: Any) -> Any:
    """``obj`` as plain JSON data with a single spelling for each value (for hashing)."""
    if isinstance(obj, float):
        return repr(obj)
    if isinstance(obj, bool) or obj is None or isinstance(obj, (int, str)):
        return obj
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_canonical(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return str(obj)


def digest(obj: Any) -> str:
    """The SHA-256 (hex) of ``obj``'s canonical JSON form."""
    text = json.dumps(_canonical(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _file_digest(paths: list[Path], root: Path | None) -> str:
    h = hashlib.sha256()
    for p in paths:
        name = p.name if root is None else str(p.relative_to(root))
        data = p.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def scenario_digest(scenario: Any) -> str:
    """SHA-256 of a scenario: the bytes of every file it is read from, or, for a ``Scenario``
    object (no files), its validated content."""
    if isinstance(scenario, (str, Path)):
        from brink.scenario.loader import resolve_path, scenario_files

        path = resolve_path(scenario)
        try:
            if path.is_dir():
                return _file_digest(scenario_files(path)[0], path)
            return _file_digest([path], None)
        except OSError as exc:
            raise BrinkError(f"{path}: cannot read the scenario to name its results folder: "
                             f"{exc.strerror or exc}") from None
    return digest(scenario.model_dump(mode="json"))


def file_digest(path: str | Path) -> str:
    """SHA-256 of one file's bytes (a question file)."""
    try:
        return _file_digest([Path(path)], None)
    except OSError as exc:
        raise BrinkError(f"{path}: cannot read it: {exc.strerror or exc}") from None


def intervention_data(iv: Any) -> dict:
    """What an intervention changes, as plain data (its id too: it names output folders)."""
    if iv is None:
        return {"id": "baseline"}
    return {"id": iv.id, "set": dict(sorted(iv.set.items())), "close_channels": list(iv.close_channels),
            "disable": list(iv.disable),
            "force": [[f.actor, f.action, list(f.rounds)] for f in iv.force]}


def run_hash(**fields: Any) -> str:
    """The short hash that ends a default results folder's name (see the module docstring)."""
    return digest(fields)[:HASH_LENGTH]


def safe_name(text: str) -> str:
    """``text`` as one path component: runs of anything but letters, digits, ``.``, ``_`` and ``-``
    become ``_`` (ids come from user files)."""
    out = _UNSAFE.sub("_", str(text)).strip("._") or "x"
    return out[:80]


# ----------------------------------------------------------- the provenance
def brink_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("brinkmanship")
    except PackageNotFoundError:
        from brink import __version__

        return __version__


def provenance(scenario_path: str | Path | None, content_hash: str, **more: Any) -> dict:
    """The fields every ``meta.json`` of a results folder carries."""
    resolved = None
    if scenario_path is not None:
        from brink.scenario.loader import resolve_path

        resolved = str(resolve_path(scenario_path).resolve())
    return {"scenario_path": None if scenario_path is None else str(scenario_path),
            "scenario_resolved": resolved, "content_hash": content_hash, "brink_version": brink_version(),
            "command": list(sys.argv), **more}


def json_safe(obj: Any) -> Any:
    """``obj`` with every non-finite float replaced by None (JSON has no NaN or infinity)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item) and getattr(obj, "ndim", None) == 0:  # numpy scalar
        return json_safe(obj.item())
    return obj


def dumps(obj: Any) -> str:
    """Valid JSON (indented), whatever numbers ``obj`` holds."""
    return json.dumps(json_safe(obj), indent=2, default=str, allow_nan=False) + "\n"


def write_json(path: Path, obj: Any) -> None:
    path.write_text(dumps(obj), encoding="utf-8")


# ------------------------------------------------------- checking a target
def _nearest_existing(path: Path) -> Path:
    p = path
    while not p.exists() and not p.is_symlink():
        if p.parent == p:
            break
        p = p.parent
    return p


def read_meta(folder: Path) -> dict | None:
    """The ``meta.json`` of a results folder, or None where there is none (or it is not JSON)."""
    try:
        data = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_target(folder: str | Path, content_hash: str, overwrite: bool = False, option: str = "--out") -> Path:
    """Refuse, before any work, a results folder this run must not or cannot write (see the module
    docstring). Returns the folder as a Path."""
    out = Path(folder)
    if str(folder).strip() == "" or out.name in ("", ".", ".."):
        raise BrinkError(f"{option} {str(folder)!r}: give the path of a results folder, not {str(folder)!r}")
    try:
        here, target = Path.cwd().resolve(), out.resolve()
    except OSError:
        here = target = None
    if here is not None and (target == here or target in here.parents):
        raise BrinkError(f"{option} {out}: is the current folder or one above it, which a results folder "
                         "replaces whole; give a folder inside it")
    _check_name_lengths(out, option)
    if out.exists() and not out.is_dir():
        raise BrinkError(f"{option} {out}: is a file, not a folder; give the path of a folder "
                         "(it is created) or remove the file")
    if out.is_dir():
        try:
            entries = [p.name for p in out.iterdir()]
        except OSError as exc:
            raise BrinkError(f"{option} {out}: cannot read the folder: {exc.strerror or exc}") from None
        if entries:
            meta = read_meta(out)
            if meta is None:
                raise BrinkError(f"{option} {out}: the folder holds other files and is not a brink results "
                                 f"folder (no {META}); brink replaces only its own results folders: give "
                                 "another --out or empty the folder")
            if meta.get("content_hash") != content_hash and not overwrite:
                what = ", ".join(f"{k} {meta[k]}" for k in ("scenario", "intervention", "runs", "seed")
                                 if k in meta)
                raise BrinkError(f"{option} {out}: holds the results of another run ({what or 'unknown'}"
                                 f", hash {meta.get('content_hash', 'none')}; this run is {content_hash}); "
                                 "give --overwrite to replace it, or another --out")
    base = _nearest_existing(out.parent if not out.exists() else out)
    if not base.is_dir():
        raise BrinkError(f"{option} {out}: {base} is a file, so no folder can be made under it")
    try:
        probe = base / f".brink-write-check-{secrets.token_hex(4)}"
        os.mkdir(probe)
        os.rmdir(probe)
    except OSError as exc:
        raise BrinkError(f"{option} {out}: cannot write there ({exc.strerror or exc} in {base}); "
                         "give a folder you can write to") from None
    if out.is_dir():  # it is replaced by rename: its parent must take new entries
        try:
            probe = out.parent / f".{out.name}.write-check-{secrets.token_hex(4)}"
            os.mkdir(probe)
            os.rmdir(probe)
        except OSError as exc:
            raise BrinkError(f"{option} {out}: cannot replace it ({exc.strerror or exc} in {out.parent})") from None
    return out


def _check_name_lengths(out: Path, option: str) -> None:
    """Each part of the path, and the staging folder's longer name, must fit the file system."""
    base = _nearest_existing(out)
    try:
        limit = os.pathconf(base if base.is_dir() else base.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    staging = f".{out.name}.partial-{'0' * 8}"
    for part in [*out.parts, staging]:
        if len(os.fsencode(part)) > limit:
            shown = part if len(part) <= 40 else part[:37] + "..."
            raise BrinkError(f"{option} {shown}: a folder name of {len(os.fsencode(part))} bytes is longer "
                             f"than this file system allows ({limit}; the results are staged in a sibling "
                             f"named .NAME.partial-XXXXXXXX); give a shorter name")


# ----------------------------------------------------------- writing whole
@contextmanager
def staged(folder: str | Path) -> Iterator[Path]:
    """Yield an empty temporary sibling of ``folder``; on success it becomes ``folder`` whole, on any
    exception (Ctrl-C included) it is deleted and ``folder`` is left as it was."""
    out = Path(folder)
    parent = out.parent
    made = []  # the folders above it that this call creates (removed again if it fails)
    p = parent
    while not p.exists() and p.parent != p:
        made.append(p)
        p = p.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = parent / f".{out.name}.partial-{secrets.token_hex(4)}"
        os.mkdir(tmp)
    except OSError as exc:
        _remove_empty(made)
        raise BrinkError(f"{out}: cannot create the results folder: {exc.strerror or exc}") from None
    try:
        yield tmp
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(made)
        raise


def _remove_empty(folders: list[Path]) -> None:
    for p in folders:  # innermost first
        try:
            p.rmdir()
        except OSError:
            return


def _swap_in(new: Path, out: Path) -> None:
    """Rename ``new`` to ``out``; an existing ``out`` is renamed away first and deleted after."""
    if not (out.exists() or out.is_symlink()):
        os.rename(new, out)
        return
    old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    if old.is_dir() and not old.is_symlink():
        shutil.rmtree(old, ignore_errors=True)
    else:
        old.unlink(missing_ok=True)
