"""Read scenario YAML files, merge them, and validate with file/line/field errors.

A scenario is a folder of YAML files (or one file). Each file holds top-level
sections (``actors:``, ``actions:``, ``parameters:``...); list sections from
several files are concatenated, mapping sections merged, so an analyst can keep
actors, the action catalogue and the timeline in separate files.

Files are read by ``brink.scenario.yamlread`` (ruamel.yaml's round-trip loader,
which keeps the line of every key and item, with limits on size, nesting and
aliases), the one YAML reader of the project. While merging we remember where each
item came from, and every validation error — from pydantic or from the
cross-reference checks — is mapped back to the file, line and field.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
import types
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from brink.errors import InputError, Problem
from brink.scenario.schema import Scenario
from brink.scenario.yamlread import plain, read_yaml

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


def _kind(node: Any) -> str:
    """What a YAML value is, in a user's words."""
    if node is None:
        return "empty (nothing after the colon)"
    if isinstance(node, list):
        return "a list"
    if isinstance(node, dict):
        return "a mapping"
    return f"the single value {str(node)[:40]!r}"


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


_plain = plain  # the one conversion of round-trip nodes to plain data (``yamlread.plain``)


def _read_yaml(path: Path, display: str, problems: list[Problem]) -> Any:
    """Read one YAML file through the one safe reader (``brink.scenario.yamlread``); a problem
    is appended to ``problems`` (and ``None`` returned) instead of raised."""
    try:
        return read_yaml(path, display)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


# A name whose stem ends like an editor's or a file manager's copy: actors.bak.yaml, "actors copy.yaml",
# actors (1).yaml, actors.yaml~ ... (checked on the name without its last extension).
_COPY_RE = re.compile(r"(~|\.(bak|orig|old|backup|save|sav|swp|swo|tmp|rej|copy)|[ _-]copy( ?\d+)?| \(\d+\)|#)$",
                      re.IGNORECASE)
YAML_SUFFIXES = (".yaml", ".yml")
# top-level keys of the companion files, which a user may drop among the sections by mistake
_COMPANION_SECTIONS = {"questions": ("a question file", "questions"),
                       "intervention": ("an intervention file", "interventions"),
                       "joint_actors": ("the fit's mapping rules", "fit"), "cited_as": ("the fit's mapping rules", "fit")}


def looks_like_copy(path: str | Path) -> bool:
    """True for a name that says it is a copy: ``actors.bak.yaml``, ``actors copy.yaml``,
    ``actors (1).yaml``, ``actors~.yaml`` (the rule for every folder brink lists)."""
    return bool(_COPY_RE.search(Path(path).stem))


def _is_yaml(p: Path) -> bool:
    return p.suffix.lower() in YAML_SUFFIXES


def scenario_files(folder: Path) -> tuple[list[Path], list[Problem], list[Path]]:
    """The files of a scenario folder: ``(read, problems, not_read)``.

    Every ``*.yaml``/``*.yml`` file at the top of the folder is read (``.yaml``
    files first, each group in name order). A file whose name says it is a copy
    (``actors.bak.yaml``, ``actors copy.yaml``, ``actors (1).yaml``) is a
    problem, not read: its sections would be merged a second time. Hidden files
    and editor droppings that do not end in ``.yaml``/``.yml`` (``actors.yaml~``,
    ``actors.yaml.bak``, ``.#actors.yaml``) are not read; they are returned in
    ``not_read`` so ``brink validate`` can say so.
    """
    read: list[Path] = []
    problems: list[Problem] = []
    not_read: list[Path] = []
    entries = sorted(folder.iterdir(), key=lambda p: (p.suffix.lower() != ".yaml", p.name))
    for p in entries:
        name = p.name
        looks_yaml = ".yaml" in name.lower() or ".yml" in name.lower()
        if name.startswith((".", "#")) or not _is_yaml(p):
            if looks_yaml and not p.is_dir():
                not_read.append(p)
            continue
        if looks_like_copy(p):
            problems.append(Problem(str(p), None, "(file)",
                                    "looks like a backup copy; every .yaml/.yml file of a scenario folder is read "
                                    "and merged, so its sections would count twice: move it out of the folder"))
            continue
        if p.is_dir():
            problems.append(Problem(str(p), None, "(file)", "is a folder named like a YAML file; a scenario "
                                                            "folder's companion folders have plain names"))
            continue
        read.append(p)
    return read, problems, not_read


def unread_files(name_or_path: str | Path) -> list[Path]:
    """Files of a scenario folder that look like YAML but are not read (``actors.yaml~``...)."""
    path = resolve_path(name_or_path)
    return scenario_files(path)[2] if path.is_dir() else []


def _where(origin: _Origin, key: Any = None) -> str:
    """``file:line`` of a key of ``origin.node`` (or of the node itself)."""
    line = None
    node = origin.node
    if key is not None and isinstance(node, CommentedMap) and key in node:
        line = node.lc.key(key)[0] + 1
    elif key is None:
        line = _node_line(node)
    return origin.file if line is None else f"{origin.file}:{line}"


def read_located(path: Path) -> tuple[Located, list[Problem]]:
    """Read one file or every *.yaml in a folder and merge their sections."""
    problems: list[Problem] = []
    if path.is_dir():
        files, problems, _ = scenario_files(path)
        if not files and not problems:
            problems.append(Problem(str(path), None, "(folder)", "no .yaml files in this folder"))
    else:
        files = [path]
    loc = Located(data={})
    for f in files:
        display = str(f)
        loc.files.append(display)
        try:
            root = read_yaml(f, display, "a scenario")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if root is None:
            if not path.is_dir():
                problems.append(Problem(display, None, "(file)",
                                        "empty (or only comments): a scenario needs at least the sections "
                                        "meta, sources and actors"))
            continue
        if not isinstance(root, CommentedMap):
            problems.append(Problem(display, _node_line(root) or 1, "(file)",
                                    f"top level must be a mapping of sections (meta:, actors: ...), not {_kind(root)}"))
            continue
        for section, value in root.items():
            line = root.lc.key(section)[0] + 1
            if section not in ALL_SECTIONS:
                near = difflib.get_close_matches(str(section), sorted(ALL_SECTIONS), n=1)
                hint = f"did you mean {near[0]!r}? " if near else ""
                if str(section) in _COMPANION_SECTIONS:
                    hint = (f"this looks like {_COMPANION_SECTIONS[str(section)][0]}, which lives in the "
                            f"scenario folder's {_COMPANION_SECTIONS[str(section)][1]}/ sub-folder; ")
                problems.append(Problem(display, line, str(section),
                                        f"unknown section; {hint}expected one of {', '.join(sorted(ALL_SECTIONS))}"))
                continue
            if section in LIST_SECTIONS:
                if not isinstance(value, CommentedSeq):
                    problems.append(Problem(display, line, section, f"must be a list, not {_kind(value)}"))
                    continue
                loc.data.setdefault(section, []).extend(_plain(value))
                loc.list_origins.setdefault(section, []).extend(_Origin(display, item) for item in value)
            elif section in MAP_SECTIONS:
                if not isinstance(value, CommentedMap):
                    problems.append(Problem(display, line, section, f"must be a mapping, not {_kind(value)}"))
                    continue
                target = loc.data.setdefault(section, {})
                for key in value:
                    if str(key) in target:
                        first = loc.key_origins[(section, str(key))]
                        problems.append(Problem(display, value.lc.key(key)[0] + 1, f"{section}.{key}",
                                                f"defined twice (first at {_where(first, key)})"))
                        continue
                    target[str(key)] = _plain(value[key])
                    loc.key_origins[(section, str(key))] = _Origin(display, value)
            else:
                if section in loc.data:
                    first = loc.section_origins[section]
                    problems.append(Problem(display, line, section,
                                            f"defined twice (first at {_where(first, section)})"))
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
    root = read_yaml(p, display, what)
    if root is None:
        raise InputError([Problem(display, None, "(file)", f"empty (or only comments): not {what} file")])
    if not isinstance(root, CommentedMap):
        raise InputError([Problem(display, _node_line(root) or 1, "(file)",
                                  f"the top level of {what} file must be a mapping, not {_kind(root)}")])
    located = Located(data=_plain(root), files=[display])
    for key in root:
        located.section_origins[str(key)] = _Origin(display, root)
    if model is None:
        return None, located
    try:
        return model.model_validate(located.data), located
    except ValidationError as exc:
        raise InputError(located_problems(located, exc, model=model)) from None


def located_problems(located: Located, exc: ValidationError, prefix: tuple[Any, ...] = (),
                     model: type[BaseModel] | None = None) -> list[Problem]:
    """A pydantic error as problems naming file, line and field, in file order.

    ``prefix`` is the path of the validated part inside the document (an item
    of a list validated on its own, say); ``model`` (the validated type) lets an
    unknown field's message suggest the nearest allowed one.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        file, line, fld = located.locate(prefix + loc)
        problems.append(Problem(file, line, fld, error_message(err, model)))
    return ordered_problems(problems)


_NOISE = ("function-", "[")


def _fields_at(model: Any, loc: tuple[Any, ...]) -> list[str] | None:
    """The field names allowed at ``loc`` inside ``model`` (None when it cannot be told)."""
    import typing

    def unwrap(tp: Any) -> Any:
        while True:
            origin = typing.get_origin(tp)
            if origin is typing.Annotated:
                tp = typing.get_args(tp)[0]
            elif origin in (typing.Union, types.UnionType):
                args = [a for a in typing.get_args(tp) if a is not type(None)]
                models = [a for a in args if isinstance(unwrap(a), type) and issubclass(unwrap(a), BaseModel)]
                if len(args) == 1:
                    tp = args[0]
                elif len(models) == 1:
                    tp = models[0]
                else:
                    return tp
            else:
                return tp

    tp = model
    for k in loc:
        tp = unwrap(tp)
        if isinstance(k, str) and (k.startswith("<") or any(n in k for n in _NOISE)):
            continue
        origin = typing.get_origin(tp)
        if isinstance(k, int) and origin in (list, tuple):
            tp = typing.get_args(tp)[0]
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and k in tp.model_fields:
            tp = tp.model_fields[k].annotation
        else:
            return None
    tp = unwrap(tp)
    return list(tp.model_fields) if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def error_message(err: dict[str, Any], model: type[BaseModel] | None = None) -> str:
    """A pydantic error's message in a user's words: what was given, what is allowed."""
    kind, loc = str(err.get("type", "")), tuple(err.get("loc", ()))
    if kind == "missing":
        if model is Scenario and len(loc) == 1:
            return "missing section (a scenario needs at least meta, sources and actors)"
        return err["msg"]
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1]) if model is not None and loc else None
        if not allowed:
            return err["msg"]
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return f"{err['msg']} (unknown field; {hint}allowed: {', '.join(allowed)})"
    msg = err["msg"].removeprefix("Value error, ")
    given = err.get("input")
    if kind not in ("value_error", "assertion_error") and isinstance(given, (str, int, float, bool)):
        text = repr(given)
        msg += f" (got {text if len(text) <= 60 else text[:57] + '...'})"
    elif kind not in ("value_error", "assertion_error") and isinstance(given, (list, dict)):
        msg += f" (got {_kind(given)})"
    elif kind == "string_type" and isinstance(given, dt.date):
        msg += f" (got the date {given.isoformat()}: put it in quotes to make it text)"
    elif kind.endswith("_type") and given is None:
        msg += " (got nothing: the value is empty or null)"
    return msg


def located_problem(located: Located, loc: tuple[Any, ...], msg: str, remap=lambda loc: loc) -> Problem:
    """A cross-check's ``(loc, message)`` as a problem at its file and line. A message that
    carries ``first`` (``validate.SeeFirst``: a duplicate) names the first one's file and line."""
    file, line, fld = located.locate(loc)
    first = getattr(msg, "first", None)
    if first is not None:
        ffile, fline, _ = located.locate(remap(first))
        msg = f"{msg.removesuffix(getattr(msg, 'tail', ''))}(first at {ffile}{'' if fline is None else f':{fline}'})"
    return Problem(file, line, fld, str(msg))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load, merge and fully validate a scenario; raise ``InputError`` listing every problem."""
    from brink.scenario.validate import KnownNames, cross_check

    path = resolve_path(name_or_path)
    located, problems = read_located(path)
    if problems:
        raise InputError(ordered_problems(problems))

    def place(loc_tuple: tuple[Any, ...], msg: str, index_maps: dict[str, list[int]] | None = None) -> Problem:
        def remap(loc: tuple[Any, ...]) -> tuple[Any, ...]:
            if index_maps and loc and loc[0] in index_maps and len(loc) > 1 and isinstance(loc[1], int):
                return (loc[0], index_maps[loc[0]][loc[1]]) + tuple(loc[2:])
            return loc

        return located_problem(located, remap(loc_tuple), msg, remap)

    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(located_problems(located, exc, model=Scenario))
        # Cross-check the parts that are well-formed too, so one pass reports everything.
        partial, index_maps = _partial_scenario(located.data)
        for loc_tuple, msg in cross_check(partial, KnownNames.from_raw(located.data)):
            problems.append(place(loc_tuple, msg, index_maps))
        raise InputError(ordered_problems(problems)) from None
    for loc_tuple, msg in cross_check(scenario):
        problems.append(place(loc_tuple, msg))
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
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            else:  # a required section that is absent (reported already): empty, for the cross-check
                values[name] = [] if name in LIST_SECTIONS else {} if name in MAP_SECTIONS else None
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
