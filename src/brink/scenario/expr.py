"""A small, safe expression language for scenario formulas.

Scenario files describe effects, preconditions, concern measures and outcome
predicates as short formulas such as ``"-k_inaction * IRN.grievance"`` or
``"front.IRN_ISR >= war_threshold"``. They are parsed with Python's ``ast``
module (never ``eval``) and only a whitelist of node types is accepted:
arithmetic, comparisons, ``and``/``or``/``not``, the functions ``min``,
``max`` and ``clip``, names (``lambda_irn``) and dotted names (``IRN.unrest``).

Number literals other than 0 and 1 are refused on purpose: every number a user
sees must be traceable, so a constant belongs in the scenario's ``parameters``
with its evidence or assumption, and formulas refer to it by name.

A parsed ``Expr`` is later *bound* to a symbol resolver, which turns it into a
plain Python closure over NumPy arrays: it evaluates for one state or for a
whole batch of trajectories at once.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ALLOWED_LITERALS = (0, 1)
FUNCTIONS = {"min": 2, "max": 2, "clip": 3}

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}


class ExprError(ValueError):
    """A formula that cannot be parsed or uses something not allowed."""


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


@dataclass(frozen=True)
class Expr:
    """A parsed formula: its source text, its AST and the symbols it reads."""

    source: str
    tree: ast.Expression = field(repr=False, compare=False)
    symbols: frozenset[str]

    def bind(self, resolve: Callable[[str], Callable[..., Any]]) -> Callable[..., Any]:
        """Compile to a closure ``f(*ctx)``.

        ``resolve(symbol)`` returns a getter taking the same ``*ctx`` (for
        example ``lambda S, R: S[..., 3]`` for a state variable, or
        ``lambda S, R: 0.25`` for a parameter).
        """
        return _compile(self.tree.body, resolve)


def parse(source: str, literals: bool = False) -> Expr:
    """Parse and check a formula; raise ``ExprError`` naming what is wrong.

    This is the one place a formula is parsed. Schema validation, the
    cross-checks, the compiled model and the kernel generator all call it, and
    the parsed ``Expr`` (immutable) is remembered by its text, so each distinct
    formula is parsed once per process however often it is read.

    ``literals=True`` admits any number: for formulas that are not part of a
    scenario but define a question about it (``front.IRN_ISR >= 0.9`` in a
    forecast question), where the number is the question's own, stated in its file.
    """
    if not isinstance(source, str) or not source.strip():
        raise ExprError("empty formula")
    return _parse(source.strip(), bool(literals))


MAX_FORMULA_CHARS = 2_000   # the longest shipped formula has about 100
MAX_FORMULA_DEPTH = 100     # nesting of the parsed formula (a sum of n terms nests n deep); the deepest shipped one has 9


def _depth(tree: ast.AST) -> int:
    best, stack = 0, [(tree, 1)]
    while stack:  # iterative: a deep tree must not exhaust the stack while it is measured
        node, d = stack.pop()
        best = max(best, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return best


@functools.lru_cache(maxsize=65536)
def _parse(source: str, literals: bool = False) -> Expr:
    if len(source) > MAX_FORMULA_CHARS:
        raise ExprError(f"a formula of {len(source):,} characters: longer than the {MAX_FORMULA_CHARS:,} "
                        "a formula may have")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"cannot parse {source!r}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExprError(f"cannot parse {source[:40]!r}...: nested too deeply") from None
    if _depth(tree) > MAX_FORMULA_DEPTH:
        raise ExprError(f"{source[:40]!r}...: nested more than {MAX_FORMULA_DEPTH} levels deep "
                        "(split it with named parameters or simpler terms)")
    symbols: set[str] = set()
    _check(tree.body, symbols, source, literals)
    return Expr(source=source, tree=tree, symbols=frozenset(symbols))


def _check(node: ast.AST, symbols: set[str], source: str, literals: bool = False) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return
        if isinstance(node.value, (int, float)) and (literals or node.value in ALLOWED_LITERALS):
            return
        raise ExprError(
            f"literal {node.value!r} in {source!r}: put the number in `parameters` "
            "with its evidence or assumption and use its name"
        )
    name = _dotted(node)
    if name is not None:
        symbols.add(name)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _check(node.left, symbols, source, literals)
        _check(node.right, symbols, source, literals)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
        _check(node.operand, symbols, source, literals)
        return
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check(v, symbols, source, literals)
        return
    if isinstance(node, ast.Compare) and all(type(o) in _CMPOPS for o in node.ops):
        _check(node.left, symbols, source, literals)
        for c in node.comparators:
            _check(c, symbols, source, literals)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords or len(node.args) != FUNCTIONS[node.func.id]:
            raise ExprError(f"{node.func.id}() takes {FUNCTIONS[node.func.id]} arguments in {source!r}")
        for a in node.args:
            _check(a, symbols, source, literals)
        return
    raise ExprError(f"{type(node).__name__} is not allowed in a formula ({source!r})")


def _compile(node: ast.AST, resolve: Callable[[str], Callable[..., Any]]) -> Callable[..., Any]:
    if isinstance(node, ast.Constant):
        value = float(node.value)
        return lambda *ctx: value
    name = _dotted(node)
    if name is not None:
        return resolve(name)
    if isinstance(node, ast.BinOp):
        op, left, right = _BINOPS[type(node.op)], _compile(node.left, resolve), _compile(node.right, resolve)
        return lambda *ctx: op(left(*ctx), right(*ctx))
    if isinstance(node, ast.UnaryOp):
        inner = _compile(node.operand, resolve)
        if isinstance(node.op, ast.USub):
            return lambda *ctx: np.negative(inner(*ctx))
        if isinstance(node.op, ast.Not):
            return lambda *ctx: np.logical_not(inner(*ctx))
        return inner
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, resolve) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

        def boolop(*ctx):
            out = parts[0](*ctx)
            for p in parts[1:]:
                out = combine(out, p(*ctx))
            return out

        return boolop
    if isinstance(node, ast.Compare):
        left = _compile(node.left, resolve)
        pairs = [(_CMPOPS[type(o)], _compile(c, resolve)) for o, c in zip(node.ops, node.comparators)]

        def compare(*ctx):
            a = left(*ctx)
            out = None
            for op, rhs in pairs:
                b = rhs(*ctx)
                r = op(a, b)
                out = r if out is None else np.logical_and(out, r)
                a = b
            return out

        return compare
    if isinstance(node, ast.Call):
        args = [_compile(a, resolve) for a in node.args]
        fname = node.func.id  # type: ignore[union-attr]
        if fname == "min":
            return lambda *ctx: np.minimum(args[0](*ctx), args[1](*ctx))
        if fname == "max":
            return lambda *ctx: np.maximum(args[0](*ctx), args[1](*ctx))
        return lambda *ctx: np.clip(args[0](*ctx), args[1](*ctx), args[2](*ctx))
    raise ExprError(f"cannot compile {ast.dump(node)}")  # unreachable after _check
