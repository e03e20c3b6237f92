"""Read and write Gambit's extensive-game format (``.efg``, version 2).

The format lists the nodes of the tree in prefix order; information sets,
chance events and outcomes are numbered, and their descriptions may be given
only on first use. Outcomes at inner nodes add to the payoffs below them. See
Gambit's documentation, "The extensive game (.efg) file format".

Errors name the file, the line and the field (:class:`brink.errors.InputError`).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from brink.errors import InputError, Problem
from brink.games.tree import CHANCE, TERMINAL, ExtensiveGame, GameBuilder

#: The most nodes a game file may describe, and the most cells (nodes x the widest move) the tree's
#: arrays may take: past these the solvers would exhaust memory or never finish.
MAX_NODES = 1_000_000
MAX_CELLS = 20_000_000

_TOKEN = re.compile(r'\s*(?:(")((?:[^"\\]|\\.)*)"|([{}])|([^\s{}",]+)|(,))', re.S)


_KINDS = {"word": "a number or letter", "str": "a quoted string", "{": "'{'", "}": "'}'"}


def _shown(text: str, width: int = 30) -> str:
    """A token as quoted in an error message, cut to ``width`` characters."""
    return repr(text if len(text) <= width else text[:width] + "...")


class Tokens:
    """A stream of tokens with line numbers, shared by the .efg and .nfg readers."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.items: list[tuple[str, str, int]] = []  # (kind, value, line)
        pos, line = 0, 1
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                if text[pos:].strip() == "":
                    break
                start = pos + len(text[pos:]) - len(text[pos:].lstrip())
                lineno = line + text.count("\n", pos, start)
                raise InputError([Problem(file, lineno, "syntax", f"cannot read {text[start:start + 20]!r}")])
            start = m.end() - len(m.group(0).lstrip())
            tok_line = line + text.count("\n", pos, start)
            if m.group(1):
                self.items.append(("str", m.group(2).replace('\\"', '"').replace("\\\\", "\\"), tok_line))
            elif m.group(3):
                self.items.append((m.group(3), m.group(3), tok_line))
            elif m.group(4):
                self.items.append(("word", m.group(4), tok_line))
            # commas are separators only
            line += text.count("\n", pos, m.end())
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.i] if self.i < len(self.items) else None

    def line(self) -> int | None:
        t = self.peek()
        return t[2] if t else (self.items[-1][2] if self.items else None)

    def fail(self, field: str, msg: str) -> InputError:
        return InputError([Problem(self.file, self.line(), field, msg)])

    def next(self, field: str) -> tuple[str, str, int]:
        t = self.peek()
        if t is None:
            raise self.fail(field, "unexpected end of file")
        self.i += 1
        return t

    def expect(self, kind: str, field: str, value: str | None = None) -> str:
        t = self.peek()
        if t is None or t[0] != kind or (value is not None and t[1] != value):
            got = "the end of the file (is it cut short?)" if t is None else _shown(t[1])
            raise self.fail(field, f"expected {value or _KINDS.get(kind, kind)}, got {got}")
        self.i += 1
        return t[1]

    def string(self, field: str) -> str:
        return self.expect("str", field)

    def integer(self, field: str) -> int:
        w = self.expect("word", field)
        try:
            return int(w)
        except ValueError:
            raise InputError([Problem(self.file, self.items[self.i - 1][2], field, f"expected an integer, got {_shown(w)}")]) from None

    def number(self, field: str) -> float:
        w = self.expect("word", field)
        line = self.items[self.i - 1][2]
        try:
            x = float(Fraction(w)) if "/" in w else float(w)
        except (ValueError, ZeroDivisionError, OverflowError):
            raise InputError([Problem(self.file, line, field, f"expected a number, got {_shown(w)}")]) from None
        if not math.isfinite(x):
            raise InputError([Problem(self.file, line, field, f"{_shown(w)} is not a finite number")])
        return x

    def at(self, kind: str) -> bool:
        t = self.peek()
        return t is not None and t[0] == kind

    def string_list(self, field: str) -> list[str]:
        self.expect("{", field)
        out = []
        while not self.at("}"):
            out.append(self.string(field))
        self.expect("}", field)
        return out


def _fmt(x: float) -> str:
    """A number as Gambit reads it: integers plainly, other values with full precision."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_text(path: str | Path) -> str:
    """The text of a game file, or a located error: unreadable, a folder, or not UTF-8 text."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError([Problem(str(p), None, "file", f"cannot read: {exc.strerror or exc}")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError([Problem(str(p), line, "file", f"not UTF-8 text (byte {exc.start + 1}: {exc.reason}); "
                                  "a game file is plain text")]) from None


def read_efg(path_or_text: str | Path, *, text: str | None = None) -> ExtensiveGame:
    """Read a Gambit .efg file (or, with ``text=``, its contents) into an :class:`ExtensiveGame`.

    Trees of more than :data:`MAX_NODES` nodes, or whose arrays would take more than
    :data:`MAX_CELLS` cells, are refused before they are built."""
    if text is None:
        text = read_text(path_or_text)
    file = str(path_or_text)
    tk = Tokens(text, file)
    tk.expect("word", "header", "EFG")
    version = tk.expect("word", "header")
    if version != "2":
        raise tk.fail("header", f"only version 2 .efg files are supported, got {version}")
    tk.expect("word", "header")  # R or D
    title = tk.string("title")
    pline = tk.line()
    players = tk.string_list("players")
    if not players:
        raise tk.fail("players", "the game needs at least one player")
    unique_players(players, file, pline)
    comment = tk.string("comment") if tk.at("str") else ""
    b = GameBuilder(players, title=title, comment=comment)

    infosets: dict[tuple[int, int], tuple[str, list[str], object]] = {}
    events: dict[int, tuple[str, list[str], list[float]]] = {}
    outcomes: dict[int, tuple[str, list[float]]] = {}

    def read_outcome(node: int) -> None:
        line = tk.line()
        num = tk.integer("outcome")
        if num < 0:
            raise InputError([Problem(file, line, "outcome", f"outcome numbers are 0 (none) or more, got {num}")])
        if tk.at("str"):
            name = tk.string("outcome name")
            tk.expect("{", "payoffs")
            pay = []
            while not tk.at("}"):
                pay.append(tk.number("payoffs"))
            tk.expect("}", "payoffs")
            if num == 0:
                raise InputError([Problem(file, line, "outcome", "outcome 0 cannot have payoffs")])
            if len(pay) != len(players):
                raise InputError([Problem(file, line, "payoffs", f"{len(pay)} payoffs for {len(players)} players")])
            if num in outcomes and outcomes[num][1] != pay:
                raise InputError([Problem(file, line, "outcome", f"outcome {num} redefined differently")])
            outcomes[num] = (name, pay)
        if num == 0:
            return
        if num not in outcomes:
            raise InputError([Problem(file, line, "outcome", f"outcome {num} used before it is defined")])
        name, pay = outcomes[num]
        b.outcome(node, pay, label=name)

    widest = 1

    def grown(kids: list[int], line: int | None) -> list[int]:
        nonlocal widest
        widest = max(widest, len(kids))
        nodes = len(b._kind)
        if nodes > MAX_NODES or nodes * widest > MAX_CELLS:
            raise InputError([Problem(file, line, "tree", too_large(nodes, widest))])
        return kids

    def read_node(node: int) -> list[int]:
        """Read the line of ``node``; return its children (read next, in order)."""
        line = tk.line()
        kind = tk.expect("word", "node type")
        if kind not in ("p", "c", "t"):
            raise InputError([Problem(file, line, "node type", f"expected p, c or t, got {kind!r}")])
        label = tk.string("node name")
        if kind == "t":
            read_outcome(node)
            return []
        if kind == "p":
            pl = tk.integer("player")
            if not 1 <= pl <= len(players):
                raise InputError([Problem(file, line, "player", f"no player {pl} (players are numbered 1 to "
                                          f"{len(players)})")])
            num = tk.integer("infoset")
            if num < 1:
                raise InputError([Problem(file, line, "infoset", f"information sets are numbered from 1, got {num}")])
            key = (pl, num)
            if tk.at("str"):
                iname = tk.string("infoset name")
                acts = tk.string_list("actions")
                if not acts:
                    raise InputError([Problem(file, line, "actions", "an information set needs actions")])
                if key in infosets and infosets[key][1] != acts:
                    raise InputError([Problem(file, line, "actions", f"information set {num} of player {pl} "
                                              f"redefined differently ({infosets[key][1]} before, {acts} here)")])
                infosets.setdefault(key, (iname, acts, key))
            if key not in infosets:
                raise InputError([Problem(file, line, "infoset", f"information set {num} of player {pl} used before it is defined")])
            iname, acts, ikey = infosets[key]
            kids = grown(b.move(node, pl - 1, acts, infoset=ikey, label=label, infoset_label=iname), line)
        else:
            num = tk.integer("event")
            if num < 1:
                raise InputError([Problem(file, line, "event", f"chance events are numbered from 1, got {num}")])
            if tk.at("str"):
                ename = tk.string("event name")
                tk.expect("{", "actions")
                acts, probs = [], []
                while not tk.at("}"):
                    acts.append(tk.string("actions"))
                    probs.append(tk.number("probabilities"))
                tk.expect("}", "actions")
                if not acts:
                    raise InputError([Problem(file, line, "actions", "a chance event needs branches")])
                if num in events and (events[num][1] != acts or events[num][2] != probs):
                    raise InputError([Problem(file, line, "actions", f"chance event {num} redefined differently")])
                events.setdefault(num, (ename, acts, probs))
            if num not in events:
                raise InputError([Problem(file, line, "event", f"chance event {num} used before it is defined")])
            ename, acts, probs = events[num]
            pr = np.asarray(probs)
            if (pr < 0).any() or abs(pr.sum() - 1) > 1e-9:
                raise InputError([Problem(file, line, "probabilities", f"chance probabilities {probs} must be non-negative and sum to 1")])
            kids = grown(b.chance(node, acts, pr, label=ename), line)
            b._label[node] = label
        read_outcome(node)
        return kids

    # prefix order without recursion (a deep tree must not exhaust Python's stack)
    todo = [b.root]
    while todo:
        todo.extend(reversed(read_node(todo.pop())))
    if tk.peek() is not None:
        raise tk.fail("body", "text after the last node of the tree")
    return b.build()


def too_large(nodes: int, widest: int) -> str:
    return (f"the tree has {nodes:,} nodes, up to {widest:,} actions at a node ({nodes * widest:,} cells); "
            f"the limit is {MAX_NODES:,} nodes and {MAX_CELLS:,} cells")


def unique_players(players: list[str], file: str, line: int | None) -> None:
    """Refuse a player list naming someone twice (results are keyed by player name)."""
    seen = set()
    for name in players:
        if name in seen:
            raise InputError([Problem(file, line, "players", f"player {name!r} is listed twice (names must be unique)")])
        seen.add(name)


def write_efg(game: ExtensiveGame, path: str | Path | None = None) -> str:
    """Write ``game`` in .efg format; return the text (and save it when ``path`` is given).

    Payoffs are written at the terminal nodes (one outcome per terminal).
    """
    lines = [f"EFG 2 R {_q(game.title)} {{ {' '.join(_q(p) for p in game.players)} }}", _q(game.comment), ""]
    # number infosets per player as they first appear in prefix order
    numbers: dict[int, int] = {}
    per_player: dict[int, int] = {}
    seen: set[int] = set()
    chance_num: dict[int, int] = {}
    seen_chance: set[int] = set()
    outcome_no = 0
    uniq = _Uniquifier()
    stack = [0]
    while stack:
        v = stack.pop()
        kind = game.node_player[v]
        label = _q(uniq("node", game.node_label[v]))
        if kind == TERMINAL:
            outcome_no += 1
            pay = " ".join(_fmt(x) for x in game.payoff[v])
            lines.append(f"t {label} {outcome_no} {_q(uniq('outcome', game.outcome_label[v]))} {{ {pay} }}")
        elif kind == CHANCE:
            k = int(game.node_infoset[v])
            if k not in chance_num:
                chance_num[k] = len(chance_num) + 1
            ch = game.chance[k]
            desc = ""
            if k not in seen_chance:
                seen_chance.add(k)
                body = " ".join(f"{_q(a)} {p}" for a, p in zip(ch.actions, _exact_probs(ch.probs)))
                desc = f" {_q(uniq('chance', ch.label))} {{ {body} }}"
            lines.append(f"c {label} {chance_num[k]}{desc} 0")
        else:
            k = int(game.node_infoset[v])
            info = game.infosets[k]
            if k not in numbers:
                per_player[info.player] = per_player.get(info.player, 0) + 1
                numbers[k] = per_player[info.player]
            desc = ""
            if k not in seen:
                seen.add(k)
                desc = f" {_q(uniq(('infoset', info.player), info.label))} {{ {' '.join(_q(a) for a in info.actions)} }}"
            lines.append(f"p {label} {info.player + 1} {numbers[k]}{desc} 0")
        n = game.n_children[v]
        if n:
            stack.extend(reversed(range(game.first_child[v], game.first_child[v] + n)))
    text = "\n".join(lines) + "\n"
    if path is not None:
        _atomic_write(Path(path), text)
    return text


class _Uniquifier:
    """Gambit 16.7 wants labels unique (nodes, outcomes, each player's infosets): repeats get " #2", " #3"..."""

    def __init__(self) -> None:
        self.seen: dict[object, dict[str, int]] = {}

    def __call__(self, scope: object, label: str) -> str:
        if not label:
            return label
        used = self.seen.setdefault(scope, {})
        if label not in used:
            used[label] = 1
            return label
        n = used[label] + 1
        while f"{label} #{n}" in used:
            n += 1
        used[label] = n
        used[f"{label} #{n}"] = 1
        return f"{label} #{n}"


def _exact_probs(probs) -> list[str]:
    """Decimal strings that sum to exactly 1 (Gambit checks this exactly); the last absorbs rounding."""
    from decimal import Decimal

    ds = [Decimal(_fmt(p)) for p in probs[:-1]]
    last = Decimal(1) - sum(ds, Decimal(0))
    if last < 0:
        raise ValueError(f"chance probabilities {list(probs)} sum to more than 1")
    return [str(d) for d in ds] + [str(last)]


def _atomic_write(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a failure never leaves half a file."""
    from brink.errors import BrinkError

    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BrinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
