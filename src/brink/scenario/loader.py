"""Read scenario YAML files, merge them, and validate with file/line/field errors.

A scenario is a folder of YAML files (or one file). Each file holds top-level
sections (``actors:``, ``actions:``, ``parameters:``...); list sections from
several files are concatenated, mapping sections merged, so an analyst can keep
actors, the action catalogue and the timeline in separate files.

ruamel.yaml's round-trip loader is used because it keeps the line of every key
and item; it only builds plain mappings, sequences and scalars (no Python
objects from tags), so loading is safe. While merging we remember where each
item came from, and every validation error — from pydantic or from the
cross-reference checks — is mapped back to the file, line and field.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from brink.errors import InputError, Problem
from brink.scenario.schema import Scenario

LIST_SECTIONS = {
    "sources", "actors", "relations", "fronts", "channels", "rungs", "actions",
    "timeline", "decision_points", "outcomes", "bargaining",
}
MAP_SECTIONS = {"parameters", "world", "dynamics"}
SINGLE_SECTIONS = {"meta", "schedule", "games", "negotiation"}
ALL_SECTIONS = LIST_SECTIONS | MAP_SECTIONS | SINGLE_SECTIONS

BUILTIN_PACKAGE = "brink.scenario.builtin"


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    root = resources.files(BUILTIN_PACKAGE)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))


def resolve_path(name_or_path: str | Path) -> Path:
    """A built-in scenario name or a file/folder path -> a path on disk."""
    p = Path(name_or_path)
    if p.exists():
        return p
    if isinstance(name_or_path, str) and name_or_path in builtin_names():
        return Path(str(resources.files(BUILTIN_PACKAGE) / name_or_path))
    known = ", ".join(builtin_names()) or "none"
    raise InputError([Problem(str(name_or_path), None, "scenario",
                              f"no such file or folder, and not a built-in scenario (built-in: {known})")])


@dataclass
class _Origin:
    """Where a merged piece of data came from: the file and the YAML node."""

    file: str
    node: Any


@dataclass
class Located:
    """The merged plain data plus a map from data paths back to file lines."""

    data: dict[str, Any]
    list_origins: dict[str, list[_Origin]] = field(default_factory=dict)
    key_origins: dict[tuple[str, str], _Origin] = field(default_factory=dict)
    section_origins: dict[str, _Origin] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def locate(self, loc: tuple[Any, ...]) -> tuple[str, int | None, str]:
        """(file, line, field) for a pydantic-style location tuple."""
        if not loc:
            return (self.files[0] if self.files else "?", None, "(scenario)")
        section = loc[0]
        rest = list(loc[1:])
        origin: _Origin | None = None
        node: Any = None
        line: int | None = None
        if section in self.list_origins and rest and isinstance(rest[0], int):
            i = rest.pop(0)
            if i < len(self.list_origins[section]):
                origin = self.list_origins[section][i]
                node = origin.node
                line = _node_line(node)
        elif section in MAP_SECTIONS and rest and (section, str(rest[0])) in self.key_origins:
            key = str(rest.pop(0))
            origin = self.key_origins[(section, key)]
            parent = origin.node
            line = parent.lc.key(key)[0] + 1 if isinstance(parent, CommentedMap) and key in parent else None
            node = parent.get(key) if isinstance(parent, CommentedMap) else None
        elif section in self.section_origins:
            origin = self.section_origins[section]
            parent = origin.node
            if isinstance(parent, CommentedMap) and section in parent:
                line = parent.lc.key(section)[0] + 1
                node = parent[section]
        if origin is None:
            return (self.files[0] if self.files else "?", None, _field_name(loc, self.data))
        for k in rest:
            if isinstance(node, CommentedMap) and k in node:
                line = node.lc.key(k)[0] + 1
                node = node[k]
            elif isinstance(node, CommentedSeq) and isinstance(k, int) and k < len(node):
                line = node.lc.item(k)[0] + 1
                node = node[k]
            # else: a pydantic-internal loc element (union branch name); skip it
        return (origin.file, line, _field_name(loc, self.data))


def _node_line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return None if lc is None else lc.line + 1


def _field_name(loc: tuple[Any, ...], data: Any) -> str:
    """Human path: actors[IRN].concerns[credibility].weight rather than actors.3.concerns.0."""
    out = ""
    node = data
    for k in loc:
        if isinstance(k, int) and isinstance(node, list):
            item = node[k] if k < len(node) else None
            label = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else k
            out += f"[{label}]"
            node = item
        elif isinstance(node, dict) and k in node:
            out += f".{k}" if out else str(k)
            node = node[k]
        elif isinstance(k, str) and ("[" in k or "function-" in k or k.startswith("<")):
            continue  # pydantic union-branch names (and our "<tag>" union tags) are noise for a user
        else:
            out += f".{k}" if out else str(k)
            node = None
    return out or "(scenario)"


def _plain(node: Any) -> Any:
    """CommentedMap/Seq -> dict/list; datetimes -> dates; leaves scalars as they are."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, dt.datetime):
        return node.date()
    return node


def _read_yaml(path: Path, display: str, problems: list[Problem]) -> Any:
    yaml = YAML(typ="rt", pure=True)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(display, None, "(file)", f"cannot read: {exc}"))
        return None
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.append(Problem(display, line, "(yaml)", msg or str(exc)))
    except Exception as exc:  # ruamel raises a few non-marked errors (e.g. bad tags)
        problems.append(Problem(display, None, "(yaml)", str(exc).splitlines()[0]))
    return None


def read_located(path: Path) -> tuple[Located, list[Problem]]:
    """Read one file or every *.yaml in a folder and merge their sections."""
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    problems: list[Problem] = []
    loc = Located(data={})
    if not files:
        problems.append(Problem(str(path), None, "(folder)", "no .yaml files in this folder"))
    for f in files:
        display = str(f)
        loc.files.append(display)
        root = _read_yaml(f, display, problems)
        if root is None:
            continue
        if not isinstance(root, CommentedMap):
            problems.append(Problem(display, 1, "(file)", "top level must be a mapping of sections"))
            continue
        for section, value in root.items():
            line = root.lc.key(section)[0] + 1
            if section not in ALL_SECTIONS:
                problems.append(Problem(display, line, str(section),
                                        f"unknown section; expected one of {', '.join(sorted(ALL_SECTIONS))}"))
                continue
            if section in LIST_SECTIONS:
                if not isinstance(value, CommentedSeq):
                    problems.append(Problem(display, line, section, "must be a list"))
                    continue
                loc.data.setdefault(section, []).extend(_plain(value))
                loc.list_origins.setdefault(section, []).extend(_Origin(display, item) for item in value)
            elif section in MAP_SECTIONS:
                if not isinstance(value, CommentedMap):
                    problems.append(Problem(display, line, section, "must be a mapping"))
                    continue
                target = loc.data.setdefault(section, {})
                for key in value:
                    if key in target:
                        first = loc.key_origins[(section, str(key))]
                        problems.append(Problem(display, value.lc.key(key)[0] + 1, f"{section}.{key}",
                                                f"defined twice (first in {first.file})"))
                        continue
                    target[str(key)] = _plain(value[key])
                    loc.key_origins[(section, str(key))] = _Origin(display, value)
            else:
                if section in loc.data:
                    first = loc.section_origins[section]
                    problems.append(Problem(display, line, section, f"defined twice (first in {first.file})"))
                    continue
                loc.data[section] = _plain(value)
                loc.section_origins[section] = _Origin(display, root)
    return loc, problems


def load_document(path: str | Path, model: type[BaseModel], what: str) -> BaseModel:
    """Read one YAML document whose top level is ``model`` (an intervention file, say).

    The same reader and error locating as scenario files: every problem names
    the file, the line and the field, all problems at once.
    """
    return read_document(path, what, model)[0]


def read_document(path: str | Path, what: str, model: type[BaseModel] | None = None) -> tuple[BaseModel | None, Located]:
    """Read one YAML document (and validate it as ``model`` when given): ``(object, located)``.

    ``located.locate(loc)`` maps a pydantic-style path into the document back to
    its file, line and field, for checks that run after the shape is valid (a
    question file cross-checked against a scenario, say).
    """
    p = Path(path)
    display = str(p)
    problems: list[Problem] = []
    if not p.is_file():
        raise InputError([Problem(display, None, "(file)", f"no such {what} file")])
    root = _read_yaml(p, display, problems)
    if problems:
        raise InputError(problems)
    if not isinstance(root, CommentedMap):
        raise InputError([Problem(display, 1, "(file)", f"the top level of {what} file must be a mapping")])
    located = Located(data=_plain(root), files=[display])
    for key in root:
        located.section_origins[str(key)] = _Origin(display, root)
    if model is None:
        return None, located
    try:
        return model.model_validate(located.data), located
    except ValidationError as exc:
        raise InputError(located_problems(located, exc)) from None


def located_problems(located: Located, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> list[Problem]:
    """A pydantic error as problems naming file, line and field, in file order.

    ``prefix`` is the path of the validated part inside the document (an item
    of a list validated on its own, say).
    """
    problems = []
    for err in exc.errors(include_url=False):
        file, line, fld = located.locate(prefix + tuple(err["loc"]))
        problems.append(Problem(file, line, fld, err["msg"].removeprefix("Value error, ")))
    return ordered_problems(problems)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load, merge and fully validate a scenario; raise ``InputError`` listing every problem."""
    from brink.scenario.validate import KnownNames, cross_check

    path = resolve_path(name_or_path)
    located, problems = read_located(path)
    if problems:
        raise InputError(problems)
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            file, line, fld = located.locate(tuple(err["loc"]))
            problems.append(Problem(file, line, fld, err["msg"].removeprefix("Value error, ")))
        # Cross-check the parts that are well-formed too, so one pass reports everything.
        partial, index_maps = _partial_scenario(located.data)
        for loc_tuple, msg in cross_check(partial, KnownNames.from_raw(located.data)):
            if loc_tuple and loc_tuple[0] in index_maps and len(loc_tuple) > 1:
                loc_tuple = (loc_tuple[0], index_maps[loc_tuple[0]][loc_tuple[1]]) + tuple(loc_tuple[2:])
            file, line, fld = located.locate(loc_tuple)
            problems.append(Problem(file, line, fld, msg))
        raise InputError(ordered_problems(problems)) from None
    for loc_tuple, msg in cross_check(scenario):
        file, line, fld = located.locate(loc_tuple)
        problems.append(Problem(file, line, fld, msg))
    if problems:
        raise InputError(ordered_problems(problems))
    return scenario


def ordered_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order, each reported once."""
    seen, out = set(), []
    for p in sorted(problems, key=lambda p: (p.file, p.line or 0, p.field)):
        if (p.file, p.line, p.field, p.message) not in seen:
            seen.add((p.file, p.line, p.field, p.message))
            out.append(p)
    return out


def _repaired(adapter: TypeAdapter, item: Any, tries: int = 20) -> Any:
    """Validate ``item``, dropping the offending optional keys until it passes.

    Used only to cross-check the rest of a broken item (its actor, its other
    effects...): the dropped parts have already been reported. None when a
    required part is broken.
    """
    item = copy.deepcopy(item)
    for _ in range(tries):
        try:
            return adapter.validate_python(item)
        except ValidationError as exc:
            if not any(_drop(item, tuple(e["loc"])) for e in exc.errors()):
                return None
    return None


def _drop(node: Any, loc: tuple[Any, ...]) -> bool:
    """Delete the deepest existing key/item along ``loc``; True if something went."""
    parent, key = None, None
    for k in loc:
        if isinstance(node, dict) and k in node:
            parent, key, node = node, k, node[k]
        elif isinstance(node, list) and isinstance(k, int) and k < len(node):
            parent, key, node = node, k, node[k]
        elif isinstance(k, str) and ("[" in k or "function-" in k):
            continue
        else:
            break
    if parent is None:
        return False
    del parent[key]
    return True


def _partial_scenario(data: dict[str, Any]) -> tuple[Scenario, dict[str, list[int]]]:
    """A Scenario built from only the items that pass their own shape checks.

    Returns it with, per list section, the original index of each kept item, so
    cross-check locations can be mapped back to the files.
    """
    fields = Scenario.model_fields
    values: dict[str, Any] = {}
    index_maps: dict[str, list[int]] = {}
    for name, info in fields.items():
        raw = data.get(name)
        if raw is None:
            values[name] = info.get_default(call_default_factory=True)
            continue
        if name in LIST_SECTIONS:
            item_type = info.annotation.__args__[0]  # list[Model]
            kept, idx = [], []
            for i, item in enumerate(raw):
                repaired = _repaired(TypeAdapter(item_type), item)
                if repaired is not None:
                    kept.append(repaired)
                    idx.append(i)
            values[name], index_maps[name] = kept, idx
        elif name in MAP_SECTIONS:
            adapter = TypeAdapter(info.annotation.__args__[1])
            good = {}
            for k, v in (raw or {}).items():
                repaired = _repaired(adapter, v)
                if repaired is not None:
                    good[k] = repaired
            values[name] = good
        else:
            try:
                values[name] = TypeAdapter(info.annotation).validate_python(raw)
            except ValidationError:
                values[name] = None
    return Scenario.model_construct(**values), index_maps
