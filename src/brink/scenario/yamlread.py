"""The one reader of YAML files: every YAML file brink reads goes through :func:`read_yaml`.

Scenario files, intervention files, question files, actor dictionaries, the
fit's mapping rules, ``brink bargain --state`` and the fit writer's round-trip
edit all read YAML here, so a malformed or hostile file gets the same refusal
everywhere: an ``InputError`` naming the file, the line and the field, before
anything is built from it.

ruamel.yaml's round-trip loader (pure Python) keeps the line of every key and
item and builds only plain mappings, sequences and scalars (no Python objects
from tags). On top of it these limits hold; each is far above what a real
scenario needs (the largest shipped file has ~60 KB, ~2,500 nodes, nesting 7,
no alias) and each refusal names the limit:

=========================  ==========  =========================================
``MAX_FILE_BYTES``         8 MiB       size of one file, checked before reading
``MAX_LINE_CHARS``         20,000      characters on one line
``MAX_DEPTH``              50          nesting of mappings and lists
``MAX_ALIASES``            1,000       ``*alias`` uses in one file
``MAX_NODES``              1,000,000   values once every alias is expanded
                                       (a "billion laughs" file is refused here)
``MAX_NUMBER_CHARS``       100         characters of one number
=========================  ==========  =========================================

Text must be UTF-8 (a byte-order mark is accepted and dropped); a NUL byte
means a binary file. A plain scalar that looks like a date but is not one
(``2024-13-45``) is kept as text, so the schema says which field wanted a
date; elsewhere (a label) it is simply text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from brink.errors import InputError, Problem

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_LINE_CHARS = 20_000
MAX_DEPTH = 50
MAX_ALIASES = 1_000
MAX_NODES = 1_000_000
MAX_NUMBER_CHARS = 100


class _Limit(MarkedYAMLError):
    """A limit of this reader exceeded at a place in the file (``field`` where known)."""

    def __init__(self, message: str, mark: Any, field: str):
        super().__init__(None, None, message, mark)
        self.field = field


_STANDARD_TAGS = {f"tag:yaml.org,2002:{t}" for t in
                  ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "omap", "set")}


def _tag_name(tag: Any) -> str:
    return str(getattr(tag, "value", None) or tag or "")


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _GuardedComposer(Composer):
    """ruamel's composer, counting nesting, aliases and expanded values as it goes."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False  # legal YAML (the later one wins); ruamel's warning is noise
        self._depth = 0
        self._aliases = 0
        self._nodes = 0
        self._sizes: dict[Any, int] = {}
        self._path: list[str] = []

    def compose_document(self: Any) -> Any:
        # the limits are per document: a YAML instance reused for another file starts afresh
        self._depth = self._aliases = self._nodes = 0
        self._sizes, self._path = {}, []
        return super().compose_document()

    def _field(self) -> str:
        out = ""
        for part in self._path:
            out += part if part.startswith("[") or not out else "." + part
        if not out:
            return "(yaml)"
        return out if len(out) <= 80 else "..." + out[-77:]

    def _count(self, n: int, mark: Any) -> None:
        self._nodes += n
        if self._nodes > MAX_NODES:
            raise _Limit(f"more than {MAX_NODES:,} values once aliases are expanded (the limit of a YAML "
                         "file; an alias bomb?)", mark, self._field())

    def compose_node(self, parent: Any, index: Any) -> Any:
        if isinstance(parent, SequenceNode):
            self._path.append(f"[{index}]")
        elif isinstance(parent, MappingNode):
            self._path.append(str(index.value) if isinstance(index, ScalarNode) else "(key)")
        try:
            return self._compose(parent, index)
        finally:
            if parent is not None:
                self._path.pop()

    def _compose(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(f"more than {MAX_ALIASES:,} aliases (the limit of a YAML file)",
                             event.start_mark, self._field())
            self._count(self._sizes.get(event.anchor, 1), event.start_mark)
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Limit(f"nested more than {MAX_DEPTH} levels deep (the limit of a YAML file)",
                         event.start_mark, self._field())
        before = self._nodes
        self._count(1, event.start_mark)
        explicit = _tag_name(getattr(event, "ctag", None))
        if explicit and explicit != "!" and explicit not in _STANDARD_TAGS:
            raise _Limit(f"the tag {_short(explicit)} is not allowed (only plain YAML values are read)",
                         event.start_mark, self._field())
        node = super().compose_node(parent, index)
        if explicit and isinstance(node, ScalarNode):
            self._check_explicit(node, explicit)
        self._depth -= 1
        if event.anchor is not None:
            self._sizes[event.anchor] = self._nodes - before
        if isinstance(node, ScalarNode):
            self._check_scalar(node)
        return node

    def _check_explicit(self, node: ScalarNode, tag: str) -> None:
        """``!!int``/``!!float``/``!!bool``/``!!null`` on a value that is not one: refused here, where
        its line is known (ruamel's constructor would fail later without one)."""
        kind = tag.rsplit(":", 1)[-1]
        if kind in ("int", "float", "bool", "null"):
            try:
                getattr(self.loader.constructor, f"construct_yaml_{kind}")(node)
            except Exception:  # noqa: BLE001 - whatever the converter says, the value is not one
                raise _Limit(f"{node.value!r} is not a valid {kind} (tagged {_short(tag)})", node.start_mark,
                             self._field()) from None

    def _check_scalar(self, node: ScalarNode) -> None:
        tag = _tag_name(node.tag)
        if tag.endswith((":int", ":float")) and len(node.value) > MAX_NUMBER_CHARS:
            raise _Limit(f"a number of {len(node.value):,} characters (the limit is {MAX_NUMBER_CHARS})",
                         node.start_mark, self._field())
        if tag.endswith(":timestamp") and node.style is None:
            try:
                self.loader.constructor.construct_yaml_timestamp(node)
            except Exception:  # noqa: BLE001 - not a real date
                # not a real date: keep it as text, and let the schema say where a date was wanted
                node.tag = self.resolver.resolve(ScalarNode, node.value, (False, False))


def new_yaml(**settings: Any) -> YAML:
    """A round-trip YAML instance with this module's limits (``settings`` set as attributes:
    ``preserve_quotes``, ``width``...). For a reader that must also write the file back."""
    y = YAML(typ="rt", pure=True)
    y.Composer = _GuardedComposer
    for k, v in settings.items():
        setattr(y, k, v)
    return y


def _line_of(data: bytes | str, offset: int) -> int:
    return data[:offset].count(b"\n" if isinstance(data, bytes) else "\n") + 1


def read_text(path: str | Path, display: str | None = None, what: str = "a YAML") -> str:
    """A file's text, refused with a located problem if it is not a readable, UTF-8, text file."""
    p = Path(path)
    display = display or str(p)

    def bad(line: int | None, message: str) -> InputError:
        return InputError([Problem(display, line, "(file)", message)])

    if p.is_dir():
        raise bad(None, f"is a folder, not {what} file")
    if not p.exists():
        raise bad(None, "no such file")
    if not p.is_file():
        raise bad(None, f"not a regular file (a device or a pipe?), so not {what} file")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise bad(None, f"{size:,} bytes: larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit "
                            "of a YAML file")
        with p.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise bad(None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise bad(None, f"larger than the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit of a YAML file")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise bad(_line_of(data, nul), f"a binary file (NUL byte), not {what} file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise bad(_line_of(data, exc.start), f"not UTF-8 text (byte 0x{data[exc.start]:02x} "
                                             f"at offset {exc.start}); save the file as UTF-8") from None
    return text


def check_lines(text: str, display: str) -> None:
    """Refuse a line longer than ``MAX_LINE_CHARS`` (naming it)."""
    if len(text) <= MAX_LINE_CHARS:
        return
    for i, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError([Problem(display, i, "(file)", f"line of {len(line):,} characters: longer than "
                                                            f"the {MAX_LINE_CHARS:,} limit of a YAML file")])


def parse_yaml(text: str, display: str, yaml: YAML | None = None) -> Any:
    """Parse YAML text (round-trip nodes: ``CommentedMap``/``CommentedSeq``; ``None`` when empty).

    ``yaml``: an instance from :func:`new_yaml` (to write the document back with
    the same settings); any problem is an ``InputError`` naming file, line, field.
    """
    check_lines(text, display)
    y = yaml if yaml is not None else new_yaml()
    try:
        return y.load(text)
    except _Limit as exc:
        raise InputError([Problem(display, exc.problem_mark.line + 1, exc.field, exc.problem)]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InputError([Problem(display, line, "(yaml)", msg or str(exc).splitlines()[0])]) from None
    except YAMLError as exc:  # the reader's unacceptable characters (with a position), bad tags...
        pos = getattr(exc, "position", None)
        line = _line_of(text, pos) if isinstance(pos, int) else None
        raise InputError([Problem(display, line, "(yaml)", str(exc).splitlines()[0])]) from None
    except RecursionError:
        raise InputError([Problem(display, None, "(yaml)", "nested too deeply to read")]) from None
    except Exception as exc:  # noqa: BLE001 - the parser failing on this text (ruamel gives no mark)
        raise InputError([Problem(display, None, "(yaml)",
                                  f"cannot read this YAML ({type(exc).__name__}: {exc})")]) from None


def read_yaml(path: str | Path, display: str | None = None, what: str = "a YAML",
              yaml: YAML | None = None) -> Any:
    """Read and parse one YAML file with every check of this module (``InputError`` when bad)."""
    display = display or str(path)
    return parse_yaml(read_text(path, display, what), display, yaml)


def plain(node: Any) -> Any:
    """Round-trip nodes as plain data: dicts (string keys), lists, scalars; datetimes as dates."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, dt.datetime):
        return node.date()
    return node
