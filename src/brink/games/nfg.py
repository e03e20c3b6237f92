"""Read and write Gambit's strategic-game format (``.nfg``, version 1).

Both variants are read: the *payoff* version (``{ 3 2 }`` strategy counts and
a flat list of payoffs) and the *outcome* version (strategy labels, a list of
outcomes, then one outcome number per profile). Profiles are listed with the
first player's strategy changing fastest. :func:`write_nfg` writes the outcome
version, which keeps the strategy labels.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from brink.errors import InputError, Problem
from brink.games.efg import Tokens, _atomic_write, _fmt, _q, read_text, unique_players
from brink.games.tree import NormalFormGame


#: The most strategy profiles a game file may declare: the payoff tensor (players x profiles
#: numbers) is built in memory and every solver walks it.
MAX_PROFILES = 1_000_000


def _profiles_fortran(shape: tuple[int, ...]) -> np.ndarray:
    """Profiles in Gambit order (first player fastest) as an (n_profiles, N) index array."""
    idx = np.indices(shape).reshape(len(shape), -1, order="F").T
    return idx


def read_nfg(path_or_text: str | Path, *, text: str | None = None) -> NormalFormGame:
    """Read a Gambit .nfg file (or, with ``text=``, its contents).

    A game of more than :data:`MAX_PROFILES` strategy profiles is refused before anything is built."""
    if text is None:
        text = read_text(path_or_text)
    file = str(path_or_text)
    tk = Tokens(text, file)
    tk.expect("word", "header", "NFG")
    version = tk.expect("word", "header")
    if version != "1":
        raise tk.fail("header", f"only version 1 .nfg files are supported, got {version}")
    tk.expect("word", "header")
    title = tk.string("title")
    pline = tk.line()
    players = tk.string_list("players")
    if not players:
        raise tk.fail("players", "the game needs at least one player")
    unique_players(players, file, pline)
    n = len(players)
    sline = tk.line()
    tk.expect("{", "strategies")
    if tk.at("{"):  # outcome version: labelled strategies
        strategies = []
        while not tk.at("}"):
            strategies.append(tk.string_list("strategies"))
        tk.expect("}", "strategies")
        counts = [len(s) for s in strategies]
        outcome_form = True
    else:
        counts = []
        while not tk.at("}"):
            counts.append(tk.integer("strategies"))
        tk.expect("}", "strategies")
        outcome_form = False
    if len(counts) != n:
        raise InputError([Problem(file, sline, "strategies", f"{len(counts)} strategy "
                                  f"{'list' if outcome_form else 'count'}{'s' if len(counts) != 1 else ''} "
                                  f"for {n} player{'s' if n != 1 else ''}")])
    for name, c in zip(players, counts):
        if c < 1:
            raise InputError([Problem(file, sline, "strategies", f"player {name!r} has {c} strategies "
                                      "(each player needs at least one)")])
    size = math.prod(counts)  # exact: Python integers do not overflow
    if size > MAX_PROFILES:
        raise InputError([Problem(file, sline, "strategies", f"{' x '.join(f'{c:,}' for c in counts)} = "
                                  f"{size:,} strategy profiles; the limit is {MAX_PROFILES:,}")])
    if not outcome_form:
        strategies = [[str(j + 1) for j in range(c)] for c in counts]
    comment = tk.string("comment") if tk.at("str") else ""
    shape = tuple(counts)
    pay = np.zeros((n, *shape))
    prof = _profiles_fortran(shape)
    if outcome_form:
        tk.expect("{", "outcomes")
        outcomes = [np.zeros(n)]
        while not tk.at("}"):
            line = tk.line()
            tk.expect("{", "outcomes")
            tk.string("outcome name")
            vals = []
            while not tk.at("}"):
                vals.append(tk.number("payoffs"))
            tk.expect("}", "outcomes")
            if len(vals) != n:
                raise InputError([Problem(file, line, "payoffs", f"{len(vals)} payoffs for {n} players")])
            outcomes.append(np.asarray(vals))
        tk.expect("}", "outcomes")
        for r in range(size):
            line = tk.line()
            o = tk.integer("outcome table")
            if not 0 <= o < len(outcomes):
                raise InputError([Problem(file, line, "outcome table", f"no outcome {o}")])
            pay[(slice(None), *prof[r])] = outcomes[o]
    else:
        for r in range(size):
            for i in range(n):
                pay[(i, *prof[r])] = tk.number("payoffs")
    if tk.peek() is not None:
        raise tk.fail("body", f"more entries than the {size} strategy profiles need")
    return NormalFormGame(players, strategies, pay, title=title, comment=comment)


def write_nfg(game: NormalFormGame, path: str | Path | None = None) -> str:
    """Write ``game`` in the outcome version of .nfg; return the text (and save it)."""
    lines = [f"NFG 1 R {_q(game.title)} {{ {' '.join(_q(p) for p in game.players)} }}", ""]
    lines.append("{")
    for s in game.strategies:
        lines.append("{ " + " ".join(_q(x) for x in s) + " }")
    lines.append("}")
    lines.append(_q(game.comment))
    lines.append("")
    lines.append("{")
    prof = _profiles_fortran(game.shape)
    for r in range(len(prof)):
        vals = ", ".join(_fmt(game.payoffs[(i, *prof[r])]) for i in range(game.num_players))
        lines.append(f'{{ "" {vals} }}')
    lines.append("}")
    lines.append(" ".join(str(r + 1) for r in range(len(prof))))
    text = "\n".join(lines) + "\n"
    if path is not None:
        _atomic_write(Path(path), text)
    return text


def read_game(path: str | Path):
    """Read a .efg or .nfg file, choosing the reader by the file's first word."""
    from brink.games.efg import read_efg

    p = Path(path)
    text = read_text(p)
    head = text.lstrip()[:3]
    if head == "EFG":
        return read_efg(p, text=text)
    if head == "NFG":
        return read_nfg(p, text=text)
    if not text.strip():
        raise InputError([Problem(str(p), None, "header", "the file is empty (a Gambit game file starts with "
                                  "EFG or NFG)")])
    line = text[: len(text) - len(text.lstrip())].count("\n") + 1
    raise InputError([Problem(str(p), line, "header", "not a Gambit game file (expected EFG or NFG)")])
