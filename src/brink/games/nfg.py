"""Read and write Gambit's strategic-game format (``.nfg``, version 1).

Both variants are read: the *payoff* version (``{ 3 2 }`` strategy counts and
a flat list of payoffs) and the *outcome* version (strategy labels, a list of
outcomes, then one outcome number per profile). Profiles are listed with the
first player's strategy changing fastest. :func:`write_nfg` writes the outcome
version, which keeps the strategy labels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from brink.errors import InputError, Problem
from brink.games.efg import Tokens, _atomic_write, _fmt, _q
from brink.games.tree import NormalFormGame


def _profiles_fortran(shape: tuple[int, ...]) -> np.ndarray:
    """Profiles in Gambit order (first player fastest) as an (n_profiles, N) index array."""
    idx = np.indices(shape).reshape(len(shape), -1, order="F").T
    return idx


def read_nfg(path_or_text: str | Path, *, text: str | None = None) -> NormalFormGame:
    """Read a Gambit .nfg file (or, with ``text=``, its contents)."""
    if text is None:
        p = Path(path_or_text)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError([Problem(str(p), None, "file", f"cannot read: {exc.strerror or exc}")]) from None
        file = str(p)
    else:
        file = str(path_or_text)
    tk = Tokens(text, file)
    tk.expect("word", "header", "NFG")
    version = tk.expect("word", "header")
    if version != "1":
        raise tk.fail("header", f"only version 1 .nfg files are supported, got {version}")
    tk.expect("word", "header")
    title = tk.string("title")
    players = tk.string_list("players")
    if not players:
        raise tk.fail("players", "the game needs at least one player")
    n = len(players)
    tk.expect("{", "strategies")
    if tk.at("{"):  # outcome version: labelled strategies
        strategies = []
        while not tk.at("}"):
            strategies.append(tk.string_list("strategies"))
        tk.expect("}", "strategies")
        outcome_form = True
    else:
        counts = []
        while not tk.at("}"):
            counts.append(tk.integer("strategies"))
        tk.expect("}", "strategies")
        strategies = [[str(j + 1) for j in range(c)] for c in counts]
        outcome_form = False
    if len(strategies) != n or any(len(s) == 0 for s in strategies):
        raise tk.fail("strategies", f"need a non-empty strategy list for each of the {n} players")
    comment = tk.string("comment") if tk.at("str") else ""
    shape = tuple(len(s) for s in strategies)
    size = int(np.prod(shape))
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
    try:
        head = p.read_text(encoding="utf-8").lstrip()[:3]
    except OSError as exc:
        raise InputError([Problem(str(p), None, "file", f"cannot read: {exc.strerror or exc}")]) from None
    if head == "EFG":
        return read_efg(p)
    if head == "NFG":
        return read_nfg(p)
    raise InputError([Problem(str(p), 1, "header", "not a Gambit game file (expected EFG or NFG)")])
