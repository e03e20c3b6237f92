"""What the doc generators in ``docs/gen/`` share: blocks, tables, writing, and the up-to-date check.

The check compares what a reader sees, so that it holds on any machine: every
decimal number of the regenerated text must equal the committed one at the
printed precision, give or take one unit in the last printed digit (a rounding
tie that falls the other way on another machine, or the last bit of a sum), and
everything else must be byte-equal. Numbers are printed through
``brink.numfmt.number``, which never prints a negative zero.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from brink.numfmt import number

DECIMAL = re.compile(r"([-+]?\d+\.\d+)")


def differences(committed: str, fresh: str, limit: int = 10) -> list[str]:
    """Where ``fresh`` differs from ``committed`` beyond one unit in a number's last digit (``[]``: same)."""
    a, b = DECIMAL.split(committed), DECIMAL.split(fresh)
    out: list[str] = []
    line = 1
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            if x is None or y is None or i % 2 == 0 or not _within_last_digit(x, y):
                out.append(f"line {line}: {_show(x)} -> {_show(y)}")
                if len(out) >= limit or x is None or y is None or i % 2 == 0:
                    break  # text no longer lines up: one report is enough
        line += (x or "").count("\n")
    return out


def _within_last_digit(x: str, y: str) -> bool:
    dx, dy = x.split(".")[1], y.split(".")[1]
    if len(dx) != len(dy):
        return False
    return abs(Decimal(x) - Decimal(y)) <= Decimal(1).scaleb(-len(dx))


def _show(part: str | None) -> str:
    if part is None:
        return "(end of text)"
    part = part if len(part) <= 60 else part[:57] + "..."
    return repr(part)


def check(path: Path, fresh: str, command: str) -> int:
    """Exit status of ``--check``: 0 when ``path`` reads like ``fresh``, else 1 with the differences."""
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    diffs = differences(committed, fresh)
    if not diffs:
        print(f"{path}: up to date")
        return 0
    print(f"{path} is stale (regenerate: {command}):")
    for d in diffs:
        print(f"  {d}")
    return 1


def replace_blocks(text: str, blocks: dict[str, str], where: Path | str) -> str:
    """Replace the text between ``<!-- BEGIN name -->`` and ``<!-- END name -->`` for each block."""
    for name, body in blocks.items():
        pat = re.compile(rf"(<!-- BEGIN {re.escape(name)} -->\n).*?(<!-- END {re.escape(name)} -->)", re.S)
        if not pat.search(text):
            raise SystemExit(f"{where}: no block {name!r} (<!-- BEGIN {name} --> ... <!-- END {name} -->)")
        text = pat.sub(lambda m: m.group(1) + body + m.group(2), text)
    return text


def md_table(df, spec: str = ".3f", counts: tuple[str, ...] = ("n", "episodes")) -> str:
    """A DataFrame as a Markdown table; floats through ``number(value, spec)``, count columns as integers."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        cells = [str(int(v)) if c in counts and v == v else
                 number(v, spec) if isinstance(v, float) else str(v) for c, v in zip(cols, r)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary sibling, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def blocks_main(argv, description: str, blocks, command: str) -> int:
    """The command line of a generator that rewrites named blocks of one page (``DOC [--check]``).

    ``blocks()`` returns ``{name: text}``; ``--check`` compares without writing.
    """
    import argparse

    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("doc", type=Path, help="the page to update")
    ap.add_argument("--check", action="store_true", help="exit 1 if the page's generated blocks are stale")
    args = ap.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    fresh = replace_blocks(text, blocks(), args.doc)
    if args.check:
        return check(args.doc, fresh, command)
    write_text(args.doc, fresh)
    print(f"wrote {args.doc}")
    return 0
