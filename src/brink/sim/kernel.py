"""The compiled round: the decision model written out as straight-line Numba code.

``Engine`` (``brink.sim.engine``) can run a round in two ways. The NumPy
backend calls the decision model as it is (``brink.model.choice.evaluate`` and
``Model.apply``), vectorised over trajectories: every formula is a closure, and
every one of the ~200 (action, anticipated response) pairs of a round copies
and clips the whole state array. That is the definition, and it is slow.

This module turns the same compiled ``Model`` — and nothing else: it never reads
the scenario — into Python source for Numba functions —
one per (actor, action) for its utility, one per actor for its choice, one for
the chosen action, the dynamics and the whole round — and
compiles it. The formulas
are translated node by node from the model's parsed ``Formula`` trees (so a
formula means the same thing in both backends), and the decision rule is the
one in ``brink.model.choice``:

* an action's effects are evaluated on the prior state and added, then clipped
  to each variable's range; only the variables an action touches get new
  locals, the rest are read from the trajectory's row;
* for each feasible action *a* the adversary's feasible responses *b* are
  scored by ``w_j . (m_j(s_ab) - m_j(s_a)) + t_j[b]`` (only concerns whose formula reads a
  variable that *b* changes can differ, so only those are computed: the others
  are exactly zero), turned into logit probabilities ``p_b``, and the actor's
  expected concern change is ``sum_b p_b (m_i(s_ab) - m_i(s))`` (again only for
  concerns that *a* or *b* can change); its utility is ``w_i . that + t_i[a]``
  (``t``: the tendency of the action's category, a run-time argument ``TD``);
* utilities, the logit rule and inverse-CDF sampling are as in ``choice.logit``
  and ``engine.sample_choice``; random quantities enter anticipation at their
  means and the chosen action as Bernoulli draws ``u < mean``.

The utilities are computed lane by lane over a structure-of-arrays copy of the
running trajectories' states, ``X`` of shape (V, M), with no branches in the
loop body: every action and every response is computed in every lane and
selects drop the infeasible ones (so ``and``/``or``/``not`` become ``&``/``|``/``== 0``).
This is about twice as fast as branching per trajectory, because the
feasibility of actions varies from trajectory to trajectory and mispredicted
branches cost more than the work they skip. Sampling and the chosen action then
run per trajectory on X's columns.

Parameter values, concern weights, tendencies, precisions, disabled actions, pinned
variables and forced moves are *arguments*, not constants in the code, so one
compiled kernel serves every intervention and fitted parameter set of a
scenario. The source is written to ``$BRINK_CACHE_DIR`` (default
``~/.cache/brink/kernels``) under the hash of its text, and Numba's on-disk cache
keeps the machine code, so the compile (tens of seconds) is paid once per
machine and scenario structure.

The two backends agree up to floating-point rounding (tests compare them run by
run and the choice probabilities to 1e-12). The kernel assumes every state
stays inside the variables' ranges, which ``unsupported_reason`` checks (a
pinned value outside its range, say); Beta-distributed random quantities are
left to the NumPy backend.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brink.model.compiled import Formula, Model
from brink.scenario.expr import _dotted

KERNEL_FORMAT = 5  # bump when the generated code's meaning changes

_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_CMP = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def param_order(model: Model) -> tuple[str, ...]:
    """The order of the kernel's parameter vector ``p`` (generated code and ``kernel_args`` share it)."""
    return tuple(sorted(model.params))


class _Source:
    """Translate the compiled model's parsed formulas into Numba-friendly Python expressions."""

    def __init__(self, model: Model):
        self.model = model
        self.param_names = param_order(model)
        self.pidx = {n: k for k, n in enumerate(self.param_names)}

    @staticmethod
    def reads(formula: Formula) -> frozenset[int]:
        """State-variable indices a formula reads."""
        return formula.reads

    def expr(self, formula: Formula, env: dict[int, str], rnames: dict[str, str] | None = None) -> str:
        """Python source of a formula; ``env`` maps variable index -> local name (else ``s[i]``)."""
        return self._node(formula.expr.tree.body, env, rnames or {})

    def _node(self, node: ast.AST, env: dict[int, str], rnames: dict[str, str]) -> str:
        if isinstance(node, ast.Constant):
            return repr(float(node.value))
        name = _dotted(node)
        if name is not None:
            if name in rnames:
                return rnames[name]
            if name in self.model.var_index:
                i = self.model.var_index[name]
                return env.get(i, f"s[{i}]")
            return f"p[{self.pidx[name]}]"
        rec = lambda n: self._node(n, env, rnames)  # noqa: E731
        if isinstance(node, ast.BinOp):
            return f"({rec(node.left)} {_BIN[type(node.op)]} {rec(node.right)})"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return f"(-{rec(node.operand)})"
            if isinstance(node.op, ast.Not):
                return f"({rec(node.operand)} == 0)"
            return rec(node.operand)
        # Boolean logic without short-circuits (& and |, chained comparisons split into
        # pairs), so that the loops over trajectories have no branches.
        if isinstance(node, ast.BoolOp):
            op = " & " if isinstance(node.op, ast.And) else " | "
            return "(" + op.join(f"({rec(v)} != 0)" for v in node.values) + ")"
        if isinstance(node, ast.Compare):
            terms = [rec(node.left)] + [rec(c) for c in node.comparators]
            pairs = [f"({a} {_CMP[type(o)]} {b})" for a, o, b in zip(terms, node.ops, terms[1:])]
            return pairs[0] if len(pairs) == 1 else "(" + " & ".join(pairs) + ")"
        if isinstance(node, ast.Call):
            args = [rec(a) for a in node.args]
            f = node.func.id  # type: ignore[union-attr]
            if f == "clip":
                return f"min(max({args[0]}, {args[1]}), {args[2]})"
            return f"{f}({args[0]}, {args[1]})"
        raise ValueError(f"cannot translate {ast.dump(node)}")  # unreachable: parse() checked it


@dataclass
class _Emit:
    lines: list[str]
    n: int = 0

    def fresh(self, stem: str) -> str:
        self.n += 1
        return f"{stem}{self.n}"

    def __call__(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _logit_lines(out: _Emit, depth: int, utils: list[str], feas: list[str], lam: str, probs: list[str]) -> str:
    """Emit the logit rule (as ``choice.logit``) with selects only; returns the name of the total.

    Infeasible options get -1e300 before the shift, so the maximum is over the
    feasible ones, and their weight is set to 0 after the exponential.
    """
    top, tot = out.fresh("top"), out.fresh("tot")
    vals = [out.fresh("v") for _ in utils]
    for v, u, f in zip(vals, utils, feas):
        out(depth, f"{v} = {lam} * {u} if {f} else -1e300")
    out(depth, f"{top} = " + (vals[0] if len(vals) == 1 else "max(" + ", ".join(vals) + ")"))
    out(depth, f"{tot} = 0.0")
    for v, f, pr in zip(vals, feas, probs):
        out(depth, f"{pr} = np.exp({v} - {top}) if {f} else 0.0")
        out(depth, f"{tot} += {pr}")
    for pr in probs:
        # no feasible option: 0; a total that is not a number (a utility that is not): NaN, for the check
        out(depth, f"{pr} = {pr} / {tot} if {tot} > 0 else {tot} - {tot}")
    return tot


_INVARIANT = re.compile(r"\b(p|en|LAM)\[(\d+)\]|\b(W|TD)\[(\d+), (\d+)\]")
_STATE = re.compile(r"\bs\[(\d+)\]")


def _lane_function(header: str, args: str, body: list[str], pre: list[str] | None = None) -> list[str]:
    """A Numba function whose ``body`` runs once per trajectory ``t`` of the SoA state X.

    Parameters, weights, tendencies, precisions and flags are loaded once before the loop and
    the variables the body reads once at its top (``s[i]`` becomes ``s{i} = X{i}[t]``),
    so the loop body is plain arithmetic and selects: no branch to mispredict,
    and nothing that stops LLVM from vectorising what it can.
    """
    text = "\n".join(body)
    names: dict[str, str] = {}

    def hoist(m: re.Match) -> str:
        if m.group(1):
            local = f"{m.group(1).lower()}{m.group(2)}"
            names[local] = f"{m.group(1)}[{m.group(2)}]"
        else:
            local = f"{m.group(3).lower()}{m.group(4)}_{m.group(5)}"
            names[local] = f"{m.group(3)}[{m.group(4)}, {m.group(5)}]"
        return local

    text = _INVARIANT.sub(hoist, text)
    used = sorted({int(i) for i in _STATE.findall(text)})
    text = _STATE.sub(lambda m: f"s{m.group(1)}", text)
    lines = ["@njit(cache=True, error_model='numpy', nogil=True)", f"def {header}({args}):"]
    lines += ["    " + x for x in (pre or [])]
    lines += [f"    {local} = {src}" for local, src in sorted(names.items())]
    lines += [f"    X{i} = X[{i}]" for i in used]
    lines += ["    for t in range(M):"]
    lines += [f"        s{i} = X{i}[t]" for i in used]
    lines += ["        " + x for x in text.split("\n")]
    return lines


class KernelSource:
    """Generate the kernel module's source for a compiled ``Model`` and schedule order."""

    def __init__(self, model: Model, order: tuple[str, ...]):
        self.m = model
        self.order = order
        self.src = _Source(model)
        self.actor_row = {a: k for k, a in enumerate(model.actors)}  # rows of W, TD and LAM
        self.global_action = {aid: g for g, aid in enumerate(model.actions)}  # index into `en`
        self.rnames = {aid: a.random_names for aid, a in model.actions.items()}
        self.rmeans = {aid: {r.name: r.mean for r in a.random} for aid, a in model.actions.items()}
        self.effects = {aid: a.effects for aid, a in model.actions.items()}
        self.targets = {aid: a.targets for aid, a in model.actions.items()}
        self.concerns = {actor: list(am.measures) for actor, am in model.actors.items()}
        self.pre = {aid: a.precondition for aid, a in model.actions.items()}

    # ----------------------------------------------------------- pieces
    def _apply(self, out: _Emit, depth: int, aid: str, env: dict[int, str], stem: str,
               draws: dict[str, str] | None = None) -> dict[int, str]:
        """Emit an action's random means, deltas and clipped new values; return the new env."""
        rn = {}
        for name in self.rnames[aid]:
            local = out.fresh(f"r{stem}_")
            mean = self.src.expr(self.rmeans[aid][name], env)
            if draws is not None:
                out(depth, f"{local} = 1.0 if {draws[name]} < {mean} else 0.0")
            else:
                out(depth, f"{local} = {mean}")
            rn[name] = local
        deltas = []
        for i, formula in self.effects[aid]:
            d = out.fresh(f"d{stem}_")
            out(depth, f"{d} = {self.src.expr(formula, env, rn)}")
            deltas.append((i, d))
        new = dict(env)
        for i, d in deltas:
            x = out.fresh(f"x{stem}_")
            out(depth, f"{x} = _clip({env.get(i, f's[{i}]')} + {d}, {float(self.m.lo[i])!r}, {float(self.m.hi[i])!r})")
            new[i] = x
        return new

    def _feasible(self, aid: str, env: dict[int, str]) -> str:
        g = self.global_action[aid]
        pre = self.pre[aid]
        return f"en[{g}]" if pre is None else f"(en[{g}] & ({self.src.expr(pre, env)} != 0))"

    def _utility(self, actor: str, ja: int) -> list[str]:
        """``util_<actor>_<ja>(X, M, p, W, LAM, TD, en, out)``: one action's concern utility for every trajectory.

        The adversary's answers are scored with their tendencies ``TD[adv, jb]``;
        the actor's own tendency is added by ``choose_<actor>``.

        Computed for every lane whether or not the action is feasible there (the
        caller masks it), and every response computed whether or not it is
        feasible (selects drop the infeasible ones), so the loop has no branches.
        One function per action keeps Numba's compile time linear in the
        scenario's size.
        """
        m, src = self.m, self.src
        am = m.actors[actor]
        aid = am.actions[ja]
        out = _Emit([])
        row = self.actor_row[actor]
        measures = self.concerns[actor]
        reads = [src.reads(t) for t in measures]
        base = [src.expr(t, {}) for t in measures]
        env_a = self._apply(out, 0, aid, {}, "a")
        adv = am.adversary
        if adv is None:
            terms = [f"W[{row}, {c}] * ({src.expr(meas, env_a)} - {base[c]})"
                     for c, (meas, rd) in enumerate(zip(measures, reads)) if rd & self.targets[aid]]
            out(0, "out[t] = " + (" + ".join(terms) if terms else "0.0"))
            return _lane_function(f"util_{actor}_{ja}", "X, M, p, W, LAM, TD, en, out", out.lines)
        bm = m.actors[adv]
        brow = self.actor_row[adv]
        bmeasures = self.concerns[adv]
        breads = [src.reads(t) for t in bmeasures]
        ub, fb, pb = [], [], []
        dc: dict[tuple[int, int], str] = {}
        for jb, bid in enumerate(bm.actions):
            u, f = out.fresh("ub"), out.fresh("fb")
            ub.append(u); fb.append(f); pb.append(out.fresh("pb"))
            out(0, f"{f} = {self._feasible(bid, env_a)}")
            env_ab = self._apply(out, 0, bid, env_a, "b")
            terms = [f"W[{brow}, {c}] * ({src.expr(meas, env_ab)} - {src.expr(meas, env_a)})"
                     for c, (meas, rd) in enumerate(zip(bmeasures, breads)) if rd & self.targets[bid]]
            out(0, f"{u} = (" + (" + ".join(terms) if terms else "0.0") + f") + TD[{brow}, {jb}]")
            touched = self.targets[aid] | self.targets[bid]
            for c, (meas, rd) in enumerate(zip(measures, reads)):
                if rd & touched:
                    dc[(jb, c)] = out.fresh("dc")
                    out(0, f"{dc[(jb, c)]} = {src.expr(meas, env_ab)} - {base[c]} if {f} else 0.0")
        tot = _logit_lines(out, 0, ub, fb, f"LAM[{brow}]", pb)
        terms = []
        for c in range(len(measures)):
            inner = [f"{pb[jb]} * {dc[(jb, c)]}" for jb in range(len(bm.actions)) if (jb, c) in dc]
            if inner:
                terms.append(f"W[{row}, {c}] * (" + " + ".join(inner) + ")")
        # no feasible response at all: choice.evaluate's expectation is then 0, a change of -m(s)
        none = " + ".join(f"W[{row}, {c}] * {base[c]}" for c in range(len(measures)))
        out(0, f"out[t] = ({' + '.join(terms) if terms else '0.0'}) if {tot} > 0 else -({none})")
        return _lane_function(f"util_{actor}_{ja}", "X, M, p, W, LAM, TD, en, out", out.lines)

    def _choose(self, actor: str) -> list[str]:
        """``choose_<actor>(X, M, p, W, LAM, TD, en, P, F, Ub)``: probabilities P and feasibility F, (A, M).

        An action's utility is its concern utility (``util_<actor>_<ja>``) plus
        the actor's tendency towards its category, ``TD[actor, ja]``."""
        am = self.m.actors[actor]
        lines: list[str] = []
        for ja in range(len(am.actions)):
            lines += self._utility(actor, ja) + [""]
        out = _Emit([])
        utils, feas = [], []
        for ja, aid in enumerate(am.actions):
            ua, fa = f"u{ja}", f"f{ja}"
            utils.append(ua); feas.append(fa)
            out(0, f"{fa} = {self._feasible(aid, {})}")
            out(0, f"{ua} = Ub[{ja}, t] + TD[{self.actor_row[actor]}, {ja}]")
        probs = [f"q{j}" for j in range(len(am.actions))]
        _logit_lines(out, 0, utils, feas, f"LAM[{self.actor_row[actor]}]", probs)
        for j, (pr, fa) in enumerate(zip(probs, feas)):
            out(0, f"P[{j}, t] = {pr}")
            out(0, f"F[{j}, t] = {fa}")
        calls = [f"util_{actor}_{ja}(X, M, p, W, LAM, TD, en, Ub[{ja}])" for ja in range(len(am.actions))]
        return lines + _lane_function(f"choose_{actor}", "X, M, p, W, LAM, TD, en, P, F, Ub", out.lines, pre=calls)

    def _act(self, actor: str, k: int) -> list[str]:
        """``act_<k>(j, s, p, U, i)``: apply chosen action j with Bernoulli draws from U[k, 1+slot, i]."""
        out = _Emit([])
        out(0, "@njit(cache=True, error_model='numpy', nogil=True)")
        out(0, f"def act_{actor}(j, s, p, U, i):")
        for j, aid in enumerate(self.m.actors[actor].actions):
            out(1, f"{'if' if j == 0 else 'elif'} j == {j}:")
            draws = {name: f"U[{k}, {1 + slot}, i]" for slot, name in enumerate(self.rnames[aid])}
            env = self._apply(out, 2, aid, {}, "a", draws)
            for i, x in env.items():
                out(2, f"s[{i}] = {x}")
            if not env:
                out(2, "pass")
        out(1, "return")
        return out.lines

    def _dynamics(self) -> list[str]:
        m, src = self.m, self.src
        out = _Emit([])
        out(0, "@njit(cache=True, error_model='numpy', nogil=True)")
        out(0, "def dynamics(s, p):")
        deltas = []
        for i, formula in m.dynamics:
            d = out.fresh("d")
            out(1, f"{d} = {src.expr(formula, {})}")
            deltas.append((i, d))
        for i, d in deltas:
            out(1, f"s[{i}] = _clip(s[{i}] + {d}, {float(m.lo[i])!r}, {float(m.hi[i])!r})")
        out(1, "return")
        return out.lines

    def _round(self) -> list[str]:
        """``run_round``: the round for trajectories ``idx`` of S (updated in place).

        The state is copied into structure-of-arrays form X (V, M) so that each
        actor's utilities are computed lane by lane in branch-free loops; sampling,
        the chosen actions and the dynamics then run per trajectory on X's columns,
        and X is written back at the end. Episodes and the event history are kept
        by the engine, in NumPy, from the returned choices and state.
        """
        out = _Emit([])
        amax = max(len(self.m.actors[a].actions) for a in self.order)
        out(0, "@njit(cache=True, error_model='numpy', nogil=True)")
        out(0, "def run_round(S, idx, U, p, W, LAM, TD, en, pin_idx, pin_val, forced, week_col, round_weeks,"
               " choices):")
        out(1, "M = idx.shape[0]")
        out(1, "V = S.shape[1]")
        out(1, "X = np.empty((V, M))")
        out(1, "for t in range(M):")
        out(2, "for v in range(V): X[v, t] = S[idx[t], v]")
        out(1, f"P = np.empty(({amax}, M))")
        out(1, f"F = np.empty(({amax}, M), dtype=np.bool_)")
        out(1, f"Ub = np.empty(({amax}, M))")
        for k, actor in enumerate(self.order):
            n_a = len(self.m.actors[actor].actions)
            out(1, f"choose_{actor}(X, M, p, W, LAM, TD, en, P, F, Ub)")
            out(1, "for t in range(M):")
            out(2, "i = idx[t]")
            out(2, "tot = 0.0")
            out(2, f"for j in range({n_a}): tot += P[j, t]")
            # a utility that is not a number (an anticipated effect divided by zero) poisons the
            # trajectory's state, so the engine's check after the round reruns it on the NumPy path
            out(2, "if tot != tot: X[0, t] = np.nan")
            out(2, f"thr = U[{k}, 0, i] * tot")
            out(2, "c = 0.0")
            out(2, "j = -1")
            out(2, "if tot > 0:")
            out(3, f"j = {n_a - 1}")
            out(3, f"for jj in range({n_a}):")
            out(4, "c += P[jj, t]")
            out(4, "if c > thr:")
            out(5, "j = jj")
            out(5, "break")
            out(2, f"if forced[{k}] >= 0 and F[forced[{k}], t]: j = forced[{k}]")
            out(2, f"choices[t, {k}] = j")
            out(2, "s = X[:, t]")
            out(2, "if j >= 0:")
            out(3, f"act_{actor}(j, s, p, U, i)")
            out(2, "for q in range(pin_idx.shape[0]): s[pin_idx[q]] = pin_val[q]")
        out(1, "for t in range(M):")
        out(2, "s = X[:, t]")
        out(2, "dynamics(s, p)")
        out(2, "if week_col >= 0: s[week_col] += round_weeks")
        out(2, "for q in range(pin_idx.shape[0]): s[pin_idx[q]] = pin_val[q]")
        out(2, "for v in range(V): S[idx[t], v] = s[v]")
        out(1, "return")
        return out.lines

    def text(self) -> str:
        parts = [
            f"# Generated by brink.sim.kernel (format {KERNEL_FORMAT}) for scenario "
            f"{self.m.scenario_id!r}. Do not edit: regenerated from the scenario.",
            "import numpy as np",
            "from numba import njit",
            "",
            "",
            "@njit(cache=True, error_model='numpy', nogil=True, inline='always')",
            "def _clip(v, lo, hi):",
            "    # a new value that is not finite (a division by zero: inf) stays NaN, not the range's end,",
            "    # so the engine's check after the round sees it and the NumPy path names the formula",
            "    if v - v != 0.0:",
            "        return np.nan",
            "    return min(max(v, lo), hi)",
            "",
        ]
        for actor in dict.fromkeys(self.order):
            parts += self._choose(actor) + [""]
        for k, actor in enumerate(self.order):
            parts += self._act(actor, k) + [""]
        parts += self._dynamics() + [""]
        parts += self._round() + [""]
        return "\n".join(parts)


# -------------------------------------------------------------- building
def cache_dir() -> Path:
    base = os.environ.get("BRINK_CACHE_DIR")
    return Path(base) if base else Path.home() / ".cache" / "brink" / "kernels"


_LOADED: dict[str, object] = {}


def _write_source(folder: Path, digest: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"kernel_{digest}.py"
    if not path.exists() or path.read_text() != text:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)  # atomic: concurrent workers never see half a file
    return path


_SAME: dict[tuple[int, tuple[str, ...]], str] = {}
_SAME_DEPTH = [0]


@contextlib.contextmanager
def same_structure():
    """Within this block, models of one scenario object share one kernel text: generating it (a
    quarter of a second on iran-2024) is done once, not per parameter set. For callers that vary
    only values — parameters, weights, pins, which are kernel arguments — never the structure
    (``brink.uncertainty.evaluation``); the memo is dropped when the outermost block ends."""
    _SAME_DEPTH[0] += 1
    try:
        yield
    finally:
        _SAME_DEPTH[0] -= 1
        if not _SAME_DEPTH[0]:
            _SAME.clear()


def load_kernel(model: Model, order: tuple[str, ...]):
    """The compiled kernel module for this model's structure (generated and cached on first use)."""
    key = (id(model.scenario), tuple(order))
    text = _SAME.get(key) if _SAME_DEPTH[0] else None
    if text is None:
        text = KernelSource(model, order).text()
        if _SAME_DEPTH[0]:
            _SAME[key] = text
    digest = hashlib.sha1(text.encode()).hexdigest()[:16]
    if digest in _LOADED:
        return _LOADED[digest]
    try:
        path = _write_source(cache_dir(), digest, text)
    except OSError:  # an unwritable cache: compile from a private folder, cached for this process only
        import tempfile

        path = _write_source(Path(tempfile.mkdtemp(prefix="brink-kernels-")), digest, text)
    name = f"brink_kernel_{digest}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    _LOADED[digest] = mod
    return mod


def is_cached(module) -> bool:
    """Whether Numba's on-disk cache already holds this kernel's machine code."""
    path = Path(module.__file__)
    return any((path.parent / "__pycache__").glob(f"{path.stem}.run_round-*.nbi"))


COMPILE_STALE_S = 30 * 60  # a "compiling" marker older than this is from a process that died


def compiling_marker(module) -> Path:
    """The file that says a background process is compiling this kernel."""
    path = Path(module.__file__)
    return path.with_name(path.stem + ".compiling")


def compile_in_background(module, engine_args: tuple) -> bool:
    """Start ``python -m brink.sim.precompile`` detached, to compile ``module`` for the next run.

    ``engine_args`` = (scenario, horizon, round_weeks, as_of). Returns False when another process
    is already compiling it (its marker is fresh), when ``$BRINK_NO_BACKGROUND_COMPILE`` is set,
    or when no process could be started; the caller's run is not affected either way."""
    import pickle
    import subprocess
    import tempfile
    import time

    if os.environ.get("BRINK_NO_BACKGROUND_COMPILE"):
        return False
    marker = compiling_marker(module)
    try:
        if marker.exists() and time.time() - marker.stat().st_mtime < COMPILE_STALE_S:
            return False
        marker.unlink(missing_ok=True)
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # one compiling process per kernel
        os.close(fd)
        fd, job = tempfile.mkstemp(prefix="precompile-", suffix=".pickle", dir=marker.parent)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(engine_args, fh)
        subprocess.Popen([sys.executable, "-m", "brink.sim.precompile", job], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         close_fds=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        marker.unlink(missing_ok=True)
        return False
    return True


@dataclass(frozen=True)
class KernelArgs:
    """The run-time arguments that make one kernel serve every intervention."""

    p: np.ndarray        # parameter values, in KernelSource param order
    W: np.ndarray        # (actors with actions, max concerns) weights
    LAM: np.ndarray      # (actors with actions,) precisions
    TD: np.ndarray       # (actors with actions, max actions) tendency of each action's category
    en: np.ndarray       # (actions,) bool: not disabled
    pin_idx: np.ndarray  # pinned variable indices
    pin_val: np.ndarray  # their values


def kernel_args(model: Model) -> KernelArgs:
    names = param_order(model)
    cmax = max(len(a.weights) for a in model.actors.values())
    W = np.zeros((len(model.actors), cmax))
    for k, a in enumerate(model.actors.values()):
        W[k, :len(a.weights)] = a.weights
    TD = np.zeros((len(model.actors), max(len(a.actions) for a in model.actors.values())))
    for k, a in enumerate(model.actors.values()):
        TD[k, :len(a.tendency)] = a.tendency
    disabled = model.disabled
    return KernelArgs(
        p=np.array([model.params[n] for n in names], dtype=float),
        W=W,
        LAM=np.array([a.precision for a in model.actors.values()], dtype=float),
        TD=TD,
        en=np.array([a not in disabled for a in model.actions], dtype=np.bool_),
        pin_idx=np.array(sorted(model.pinned), dtype=np.int64),
        pin_val=np.array([model.pinned[i] for i in sorted(model.pinned)], dtype=float),
    )


def unsupported_reason(model: Model, start: np.ndarray, horizon: int, round_weeks: float) -> str | None:
    """Why the compiled kernel cannot run this model exactly (None: it can)."""
    for a in model.actions.values():
        for r in a.random:
            if r.dist != "bernoulli":
                return f"action {a.id}: random quantity {r.name!r} is {r.dist} (the kernel draws Bernoulli only)"
    # A pinned value outside its variable's range cannot reach here: Model refuses it (value_problem).
    if np.any(start < model.lo) or np.any(start > model.hi):
        return "the start state has values outside their variables' ranges"
    wk = model.var_index.get("world.week")
    if wk is not None and start[wk] + horizon * round_weeks > model.hi[wk]:
        return f"world.week would pass its range's end {model.hi[wk]:g} within the horizon"
    return None
