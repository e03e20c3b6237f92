"""The bargaining phase of a simulated round: the state moves the bargain, the bargain moves the state.

A scenario's bargaining issues (``brink bargain``) describe where each issue
would settle from stated positions, saliences and capabilities. An issue that
carries a ``settlement`` becomes part of the simulation, and ``Negotiation``
(compiled once per ``Model``, from the scenario and nothing else) links the two:

* **State → bargain.** Each stance may move with the state (``moves``): the
  stance in state ``s`` is the stated value plus ``f(s) - f(start)``, clipped
  (position to [0, 100], salience to [0, 1], capability to [0, ∞)). In the
  scenario's start state every stance is the stated one, so the static
  ``brink bargain`` results are the link's results there.
* **The bargaining step** (``step``), every ``negotiation.every`` rounds, after
  the round's dynamics: for every trajectory, the scenario's bargaining model
  (``negotiation.model``: compromise, median, exchange or eu) forecasts each
  open issue from the moved stances — compromise vectorised over trajectories,
  the others through ``brink.bargain.forecast.predict`` once per distinct
  bargaining state, so each forecast *is* what ``brink bargain`` gives on that
  state. A settled issue is not open (the exchange model trades over the open
  issues only).
* **Bargain → state.** A settlement is reached where the forecast lies inside
  every veto actor's acceptance range (``accepts``, relative to the actor's
  current position), one of its channels is open (``channel.C >= 1/2``) and its
  ``requires`` formula holds. Then ``settlement.ISSUE`` becomes 1 and the
  settlement's ``effects`` apply once, like an action's (evaluated on the state
  before the step, added, clipped). It breaks down (back to 0, open again) at a
  later step where ``breaks_when`` holds.
* **The offer on the table.** ``offer.ACTOR`` is the value to the actor of
  settling every open settled-issue at its forecast rather than leaving it at
  the status quo, with linear loss weighted by salience:
  ``Σ_d s_d (|x_d - q_d| - |x_d - X_d|) / 100``. It is a state variable, so any
  concern measure can read it (the talks concerns do): the decision model weighs
  the deal the bargaining model says is on the table. It is refreshed at every
  bargaining step and at the end of a timeline replay; between steps the actors
  see the last one (they do not anticipate how their move changes the forecast).

The episodes ``ISSUE_settlement`` (and the collective deal, all named issues
settled at once) come from ``Scenario.settlement_outcomes``. The phase is pure
NumPy on the state array and runs identically under both engine backends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from brink.bargain.case import Case
from brink.bargain.compromise import weighted_means
from brink.bargain.forecast import predict
from brink.bargain.scenario import case_from_scenario

FIELDS = ("position", "salience", "capability")
_HI = (100.0, 1.0, np.inf)
OPEN_LEVEL = 0.5  # a channel (0 closed, 1 open) or a settlement flag counts as set at or above this


@dataclass(frozen=True)
class StepResult:
    """One bargaining step over N trajectories (L = settled issues, in ``Negotiation.linked`` order)."""

    state: np.ndarray      # (N, V) the state after the step
    forecast: np.ndarray   # (N, m) each issue's forecast (NaN: settled, so not forecast)
    reached: np.ndarray    # (N, L) settlements reached at this step
    broken: np.ndarray     # (N, L) settlements that broke down at this step
    acceptable: np.ndarray  # (N, L) forecast inside every veto actor's range
    channel_open: np.ndarray  # (N, L)
    required: np.ndarray   # (N, L) the `requires` formula holds


class Negotiation:
    """The compiled bargaining link of one ``Model`` (see the module docstring)."""

    def __init__(self, model):
        sc = model.scenario
        self.case0: Case = case_from_scenario(sc)
        case = self.case0
        n, m = case.n_actors, case.n_issues
        nego = sc.negotiation
        self.model_name: str = nego.model if nego is not None else "compromise"
        self.every: int = nego.every if nego is not None else 1
        self.base = np.stack([case.position, case.salience, case.capability])  # (3, n, m)
        self.present = case.mask
        start = model._initial  # the scenario's start state, before the timeline and any what-if
        self.terms = []  # (field k, actor i, issue d, formula, its value at the start)
        issues = list(sc.bargaining)
        for d, issue in enumerate(issues):
            for p in issue.positions:
                if p.moves is None:
                    continue
                i = case.actors.index(p.actor)
                for k, fname in enumerate(FIELDS):
                    text = getattr(p.moves, fname)
                    if text:
                        f = model.formula(text)
                        self.terms.append((k, i, d, f, float(np.asarray(f(start)))))
        self.linked = tuple(d for d, iss in enumerate(issues) if iss.settlement is not None)
        self.linked_ids = tuple(issues[d].id for d in self.linked)
        L = len(self.linked)
        vi = model.var_index
        self.settle_col = np.array([vi[f"settlement.{issues[d].id}"] for d in self.linked], dtype=np.int64)
        self.offer_actors = tuple(sc.offer_actors())
        self.offer_col = np.array([vi[f"offer.{a}"] for a in self.offer_actors], dtype=np.int64)
        self.offer_rows = np.array([case.actors.index(a) for a in self.offer_actors], dtype=np.int64)
        self.status_quo = np.array([issues[d].settlement.status_quo.value for d in self.linked])
        self.veto = np.zeros((n, L), dtype=bool)
        self.below = np.zeros((n, L))
        self.above = np.zeros((n, L))
        self.channels, self.requires, self.breaks, self.effects, self.labels = [], [], [], [], []
        for l, d in enumerate(self.linked):
            st = issues[d].settlement
            for p in issues[d].positions:
                if p.accepts is not None:
                    i = case.actors.index(p.actor)
                    self.veto[i, l] = True
                    self.below[i, l], self.above[i, l] = p.accepts.below, p.accepts.above
            self.channels.append(np.array([vi[f"channel.{c}"] for c in st.channels], dtype=np.int64))
            self.requires.append(model.formula(st.requires) if st.requires else None)
            self.breaks.append(model.formula(st.breaks_when))
            self.effects.append(tuple((vi[t], model.formula(f)) for t, f in st.effects.items()))
            self.labels.append(st.label)
        self._lo, self._hi = model.lo, model.hi
        self._model = model
        self._linked = np.array(self.linked, dtype=np.int64)
        pos = {d: l for l, d in enumerate(self.linked)}
        self._sub = (self.base[:, :, self._linked].copy(),
                     [(k, i, pos[d], f, f0) for k, i, d, f, f0 in self.terms if d in pos])
        self._case_sub = _restrict(self.case0, list(self.linked))

    @property
    def separable(self) -> bool:
        """Every model but exchange forecasts each issue on its own, so the engine's step needs the
        settled issues only: the same numbers on those, without the work on the others."""
        return self.model_name != "exchange"

    # ------------------------------------------------------------ the stances
    def _lanes(self, S: np.ndarray, linked_only: bool = False) -> np.ndarray:
        """(3, n, m, N) stances of N states S (N, V): trajectories last and contiguous, so every
        operation of the step runs over whole lanes (the layout the step computes in).
        ``linked_only``: the settled issues' columns only (m = L, in ``linked`` order)."""
        N = S.shape[0]
        base, terms = self._sub if linked_only else (self.base, self.terms)
        out = np.empty(base.shape + (N,))
        out[...] = base[..., None]
        for k, i, d, f, f0 in terms:
            out[k, i, d] += np.asarray(f(S), dtype=float) - f0
        np.clip(out[0], 0.0, _HI[0], out=out[0])
        np.clip(out[1], 0.0, _HI[1], out=out[1])
        np.maximum(out[2], 0.0, out=out[2])
        return out

    def stances(self, S: np.ndarray) -> np.ndarray:
        """(..., 3, n, m): position, salience and capability of every actor on every issue in S."""
        S = np.asarray(S, dtype=float)
        flat = S.reshape(-1, S.shape[-1])
        lanes = self._lanes(flat)
        return np.moveaxis(lanes, -1, 0).reshape(S.shape[:-1] + self.base.shape)

    def case(self, S: np.ndarray, issues: list[int] | None = None) -> Case:
        """The bargaining case in one state S (V,): what ``brink bargain --at/--state`` forecasts.

        ``issues`` keeps only those issue columns (the open ones, as the step does)."""
        X = self.stances(S)
        c = replace(self.case0, position=X[0], salience=X[1], capability=X[2])
        return c if issues is None else _restrict(c, list(issues))

    # ----------------------------------------------------------- the forecast
    def _forecast_lanes(self, L: np.ndarray, open_: np.ndarray) -> np.ndarray:
        """(m, N) the bargaining model's forecast of each open issue (NaN where not open);
        ``L`` (3, n, m, N) from ``_lanes``, ``open_`` (m, N) bool."""
        m, N = open_.shape
        if self.model_name == "compromise":
            out = weighted_means(L[0], L[2], L[1], axis=0)
            return np.where(open_, out, np.nan)
        out = np.full((m, N), np.nan)
        case0 = self.case0 if m == self.case0.n_issues else self._case_sub
        keys = np.nan_to_num(np.concatenate([L.reshape(-1, N), open_.astype(float)], axis=0).T, nan=-1.0)
        _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        for u, col in enumerate(first):
            cols = [d for d in range(m) if open_[d, col]]
            if not cols:
                continue
            x = L[..., col]
            case = replace(case0, position=x[0], salience=x[1], capability=x[2])
            if len(cols) < m:
                case = _restrict(case, cols)
            out[np.ix_(cols, np.flatnonzero(inverse == u))] = predict(case, self.model_name)[:, None]
        return out

    def forecast(self, stances: np.ndarray, open_: np.ndarray) -> np.ndarray:
        """(N, m) the bargaining model's forecast of each open issue (NaN where not open).

        ``stances`` (N, 3, n, m) from ``stances``; ``open_`` (N, m) bool."""
        return self._forecast_lanes(np.ascontiguousarray(np.moveaxis(stances, 0, -1)), open_.T).T

    def _cols(self, L: np.ndarray):
        """The settled issues' columns in lanes L: all of them (a view, no copy) when L holds those only."""
        return slice(None) if L.shape[2] != self.base.shape[2] else self._linked

    def _values(self, L: np.ndarray, X: np.ndarray) -> np.ndarray:
        """(n, Lk, N) what settling each settled-issue at its forecast X (m, N) is worth to each
        actor, against the status quo: salience × (|x − q| − |x − X|) / 100; 0 where absent or
        not forecast."""
        d = self._cols(L)
        P, Sal = L[0][:, d], L[1][:, d]  # (n, Lk, N)
        v = Sal * (np.abs(P - self.status_quo[:, None]) - np.abs(P - X[d][None])) / 100.0
        v[np.isnan(v)] = 0.0
        return v

    def _acceptable(self, L: np.ndarray, X: np.ndarray) -> np.ndarray:
        """(Lk, N) whether each settled-issue's forecast lies inside every veto actor's range."""
        d = self._cols(L)
        P = L[0][:, d]
        Xd = X[d][None]
        inside = (Xd >= P - self.below[..., None]) & (Xd <= P + self.above[..., None])
        return np.all(inside | ~self.veto[..., None], axis=0) & ~np.isnan(X[d])

    def values(self, stances: np.ndarray, forecast: np.ndarray) -> np.ndarray:
        """(N, n, L) ``_values`` for stances (N, 3, n, m) and forecasts (N, m)."""
        return np.moveaxis(self._values(np.moveaxis(stances, 0, -1), forecast.T), -1, 0)

    # ------------------------------------------------------------------ steps
    def _offers(self, out: np.ndarray, L: np.ndarray, X: np.ndarray, open_linked: np.ndarray) -> np.ndarray:
        """Write ``offer.*`` into out (N, V): the values of the settled-issues still open (Lk, N)."""
        if self.offer_col.size:
            v = self._values(L, X) * open_linked[None]
            out[:, self.offer_col] = np.clip(v[self.offer_rows].sum(axis=1).T, self._lo[self.offer_col],
                                             self._hi[self.offer_col])
        return out

    def _open(self, open_linked: np.ndarray) -> np.ndarray:
        """(m, N) open issues: every unsettled issue, and a settled one where ``open_linked``."""
        full = np.ones((self.case0.n_issues, open_linked.shape[1]), dtype=bool)
        full[self._linked] = open_linked
        return full

    def settled(self, S: np.ndarray) -> np.ndarray:
        """(N, L) settlements holding in S."""
        return S[:, self.settle_col] >= OPEN_LEVEL

    def refresh(self, S: np.ndarray) -> np.ndarray:
        """S with ``offer.*`` recomputed (nothing reached or broken): the end of a timeline replay."""
        one = S.ndim == 1
        S2 = np.atleast_2d(np.asarray(S, dtype=float)).copy()
        L = self._lanes(S2)
        open_l = ~self.settled(S2).T
        X = self._forecast_lanes(L, self._open(open_l))
        out = self._offers(S2, L, X, open_l)
        return out[0] if one else out

    def step(self, S: np.ndarray, every_issue: bool = True) -> StepResult:
        """One bargaining step on states S (N, V); see the module docstring for the order.

        ``every_issue=False`` (the engine) forecasts the settled issues only where the model
        allows it (``separable``): the state, reached, broken and offers are the same, and
        ``forecast`` is NaN on the other issues."""
        S = np.asarray(S, dtype=float)
        N, Lk = S.shape[0], len(self.linked)
        held = self.settled(S).T  # (Lk, N)
        broken = np.zeros((Lk, N), dtype=bool)
        req = np.ones((Lk, N), dtype=bool)
        chan = np.zeros((Lk, N), dtype=bool)
        for l in range(Lk):
            broken[l] = held[l] & np.broadcast_to(np.asarray(self.breaks[l](S), dtype=bool), (N,))
            if self.requires[l] is not None:
                req[l] = np.broadcast_to(np.asarray(self.requires[l](S), dtype=bool), (N,))
            chan[l] = (S[:, self.channels[l]] >= OPEN_LEVEL).any(axis=1)
        open_l = ~held | broken
        only_linked = self.separable and not every_issue
        L = self._lanes(S, linked_only=only_linked)
        X = self._forecast_lanes(L, open_l if only_linked else self._open(open_l))
        ok = self._acceptable(L, X)
        reached = open_l & ok & chan & req
        out = S.copy()
        for l in range(Lk):
            col = self.settle_col[l]
            out[broken[l], col] = 0.0
            rows = np.flatnonzero(reached[l])
            if rows.size == 0:
                continue
            sub = S[rows]
            out[rows] += self._model.apply_effects(sub, self.effects[l]) - sub
            out[rows, col] = 1.0
        np.clip(out, self._lo, self._hi, out=out)
        out = self._offers(out, L, X, open_l & ~reached)
        if only_linked:
            full = np.full((self.case0.n_issues, N), np.nan)
            full[self._linked] = X
            X = full
        return StepResult(out, X.T, reached.T, broken.T, ok.T, chan.T, req.T)

    def on_table(self, S: np.ndarray, actor: str | None = None) -> list[dict]:
        """For one state S (V,): each settled-issue's forecast, the conditions of reaching it and,
        for ``actor``, what it is worth to it (``brink explain`` shows this for talks; ``brink
        bargain --at`` for every issue). An actor with no stance on an issue skips that issue."""
        S1 = np.asarray(S, dtype=float)[None, :]
        i = self.case0.actors.index(actor) if actor in self.case0.actors else None
        if actor is not None and i is None:
            return []
        res = self.step(S1)
        st = self.stances(S1)
        val = self.values(st, res.forecast)[0]  # (n, L)
        held = self.settled(S1)[0]
        rows = []
        for l, d in enumerate(self.linked):
            if i is not None and not self.present[i, d]:
                continue
            row = {
                "issue": self.linked_ids[l],
                "label": self.labels[l],
                "settled": bool(held[l]),
                "forecast": None if np.isnan(res.forecast[0, d]) else float(res.forecast[0, d]),
                "acceptable": bool(res.acceptable[0, l]),
                "channel_open": bool(res.channel_open[0, l]),
                "requires": bool(res.required[0, l]),
                "would_settle": bool(res.reached[0, l]),
                "breaks": bool(res.broken[0, l]),
            }
            if i is not None:
                row.update(position=float(st[0, 0, i, d]), salience=float(st[0, 1, i, d]), value=float(val[i, l]))
            rows.append(row)
        return rows


def _restrict(case: Case, cols: list[int]) -> Case:
    """The case with only the issue columns ``cols`` (in that order)."""
    return replace(case, issues=tuple(case.issues[d] for d in cols), position=case.position[:, cols],
                   salience=case.salience[:, cols], capability=case.capability[:, cols],
                   labels=tuple(case.labels[d] for d in cols), scale=tuple(case.scale[d] for d in cols))
