"""The vectorised Monte Carlo engine: many trajectories of the deterrence system at once.

Read ``Engine.run_batch`` first: it is the whole round loop, in the order the
scenario's schedule gives, and it is meant to read like a Mesa model's
``step`` even though the state of every trajectory lives in one array
``S`` of shape (n, V) (one row per trajectory, one column per state variable)::

    start: S = the state at the forecast origin (the scenario's as_of date, or --as-of),
           for every trajectory; episodes already under way there are noted
    each round r = 1 .. horizon, for every trajectory (none stops early):
        for actor in schedule.order:            # sequential: later actors see earlier moves
            P      = decision model's logit probabilities in S      (n, A)
            choice = one action per trajectory, sampled from P     (forced moves override)
            S      = apply the chosen action, random quantities DRAWN (interception, attribution...)
        S = per-round dynamics (grievances fade, fronts cool, ...); week += round length
        every k rounds: the bargaining step (brink.model.negotiation): each open issue's
           settlement forecast from the state, settlements reached or broken, offers refreshed
        episodes: each starts when its `when` holds and ends when its `ends_when` holds
        event history: first round and count of every action, episode start and watched state

With ``backend="numpy"`` (``_round_numpy``) the decision rule is
``brink.model.choice.evaluate`` itself (vectorised over the batch), and
``Model.apply`` applies the chosen actions to the trajectories that chose them:
the definition, which only adds sampling, draws and bookkeeping. The default
``backend="numba"`` (``_round_compiled``) runs the same round through
``brink.sim.kernel``, the scenario's formulas generated into compiled code, about
25 times faster; tests keep the two equal run by run. ``auto`` takes the kernel
wherever it is exact. Randomness comes from ``brink.sim.rng``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import datetime as dt
from collections.abc import Callable, Mapping

import numpy as np

from brink.errors import BrinkError
from brink.model.choice import evaluate
from brink.model.compiled import Model, RandomSlot
from brink.model.history import state_after, state_on
from brink.model.intervention import Intervention
from brink.scenario.schema import Scenario
from brink.sim.event_history import OUTCOME, STATE, EventHistory
from brink.sim.rng import BLOCK, BatchStreams

FRONT_BINS = 200  # resolution of the per-round front-level histograms (fan charts)
# "auto" takes the NumPy path instead of a first compile (about three minutes on the two-core
# machine) up to this many trajectory-rounds: the NumPy path did 3,700 trajectory-rounds/s on
# iran-2024 there with the other core busy (2000 runs x 26 rounds in 14 s, 2026-12-02), so such
# a run gives its first result in well under 30 s.
SMALL_RUN = 60_000


def sample_choice(P: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF sampling of one action per row of P (rows sum to 1, or 0 = no move -> -1).

    ``argmax(cdf > u * total)`` never picks a zero-probability action and never
    runs past the last one, whatever the rounding of the cumulative sum.
    """
    cdf = np.cumsum(P, axis=-1)
    total = cdf[..., -1]
    pick = np.argmax(cdf > (u * total)[..., None], axis=-1)
    return np.where(total > 0, pick, -1)


def draw_quantities(slots: tuple[RandomSlot, ...], S: np.ndarray, U: np.ndarray) -> dict[str, np.ndarray]:
    """Draws of an action's random quantities for states S from uniforms U (slots, n)."""
    out = {}
    n = S.shape[0]
    for s in slots:
        mean = np.broadcast_to(np.asarray(s.mean(S), dtype=float), (n,))
        u = U[s.slot]
        if s.dist == "bernoulli":
            out[s.name] = (u < mean).astype(float)
        else:  # beta, by its inverse CDF so that one uniform gives one draw
            from scipy.special import betaincinv

            conc = np.broadcast_to(np.asarray(s.concentration(S), dtype=float), (n,))
            m = np.clip(mean, 1e-9, 1 - 1e-9)
            out[s.name] = betaincinv(m * conc, (1 - m) * conc, u)
    return out


@dataclass
class BatchResult:
    """What one batch of trajectories produced (every field sums or concatenates over batches)."""

    history: EventHistory      # per run: first round and count of every event
    end_active: np.ndarray     # (n, K) bool: episodes under way at the horizon
    active_counts: np.ndarray  # (horizon + 1, K) int64: runs with each episode under way, per round
    quiet_counts: np.ndarray   # (horizon + 1,) int64: runs with no (non-partial) episode under way, per round
    action_counts: np.ndarray  # (horizon, n_actions) int64: decisions per round and action
    front_hist: np.ndarray     # (horizon + 1, n_fronts, FRONT_BINS) int64
    state_sum: np.ndarray      # (blocks, horizon + 1, V) float64: per-block sums of each variable
    forced_skipped: int = 0    # forced moves that were infeasible and left to the decision rule


@dataclass
class Engine:
    """A compiled scenario (plus intervention) ready to simulate. See the module docstring.

    The scenario is compiled once (``brink.model.compiled.Model``) and from then on
    the engine, like the kernel it generates, reads only the compiled model.
    """

    scenario: Scenario
    intervention: Intervention = field(default_factory=Intervention)
    horizon: int = 26
    round_weeks: float | None = None
    backend: str = "auto"  # "numba" (compiled kernel), "numpy" (the decision model as is), "auto"
    as_of: dt.date | None = None  # forecast origin: the timeline replayed up to this date
    watch: Mapping[str, str] | None = None  # name -> formula: record when each becomes true
    runs: int | None = None  # how many runs the caller means to do (lets "auto" skip a compile for a small run)

    def __post_init__(self):
        if self.scenario.schedule is None:
            raise BrinkError(f"scenario {self.scenario.meta.id} has no `schedule`: nothing says who decides each round")
        if self.horizon < 1:
            raise BrinkError("--horizon must be at least 1 round")
        self.model: Model = Model(self.scenario, self.intervention)
        m = self.model
        if m.default_outcome is None:
            raise BrinkError(f"scenario {m.scenario_id} has no default outcome (`default: true`)")
        if self.round_weeks is None:
            self.round_weeks = m.round_weeks
        self.order = m.order
        self.outcome_ids = tuple(o.id for o in m.outcomes)
        self.default_outcome = m.default_outcome
        self.episode_ids = tuple(o.id for o in m.episodes)
        self.action_ids = tuple(a for actor in self.order for a in m.actors[actor].actions)
        self.action_col = {a: i for i, a in enumerate(self.action_ids)}
        # history column of each scheduled actor's first action: its choice j is column base + j
        self._action_base = np.array([self.action_col[m.actors[a].actions[0]] for a in self.order], dtype=np.int64)
        self.watch = dict(self.watch or {})
        self._watch = []
        for name, text in self.watch.items():
            try:
                self._watch.append(m.formula(text, literals=True))
            except Exception as exc:  # a parse error or an unknown symbol, in the caller's words
                raise BrinkError(f"watched state {name!r}: {exc}") from None
        self.event_ids = (self.action_ids + tuple(OUTCOME + e for e in self.episode_ids)
                          + tuple(STATE + w for w in self.watch))
        self.front_ids = m.front_ids
        self.front_cols = np.array([m.var_index[f"front.{f}"] for f in self.front_ids], dtype=np.int64)
        self.week_col = m.var_index.get("world.week")
        # random-quantity slots: per action, its quantities in file order take uniform rows 1, 2, ...
        self.slots: dict[str, tuple[RandomSlot, ...]] = {aid: m.actions[aid].random for aid in self.action_ids}
        self.n_slots = max((len(v) for v in self.slots.values()), default=0)
        self.forced: dict[tuple[int, str], str] = m.forced
        if self.as_of is None:
            self.start, self.origin = state_after(m, None)
        else:
            self.start, self.origin = state_on(m, self.as_of), self.as_of
        self.start_active = m.episode_holds(self.start)
        self._init_backend()

    def _init_backend(self) -> None:
        """Pick the compiled kernel where it reproduces the model exactly, else the NumPy path."""
        from brink.sim import kernel

        if self.backend not in ("auto", "numba", "numpy"):
            raise BrinkError(f"--backend {self.backend}: expected auto, numba or numpy")
        self.backend_note = None
        if self.backend == "numpy":
            return
        reason = kernel.unsupported_reason(self.model, self.start, self.horizon, self.round_weeks)
        if reason is not None:
            if self.backend == "numba":
                raise BrinkError(f"the compiled kernel cannot run this scenario: {reason}")
            self.backend, self.backend_note = "numpy", reason
            return
        self._kernel = kernel.load_kernel(self.model, self.order)
        if self.backend == "auto" and self._small_run() and not kernel.is_cached(self._kernel):
            started = kernel.compile_in_background(
                self._kernel, (self.scenario, self.horizon, self.round_weeks, self.as_of))
            self.backend = "numpy"
            self.backend_note = (
                f"the compiled kernel for this scenario's structure is not built yet, so this small run "
                f"({self.runs} runs × {self.horizon} rounds) takes the NumPy path, which gives the same "
                "numbers; " + ("it is compiling in the background for the next run" if started else
                               "it is not being compiled now (another process is at it, or background "
                               "compiling is off); --backend numba compiles it first"))
            return
        self.backend = "numba"
        self._kargs = kernel.kernel_args(self.model)
        self._forced_j = {}
        for (r, actor), action in self.forced.items():
            row = self._forced_j.setdefault(r, np.full(len(self.order), -1, dtype=np.int64))
            row[self.order.index(actor)] = self.model.actors[actor].actions.index(action)
        self._no_force = np.full(len(self.order), -1, dtype=np.int64)
        self._warm_up()

    def _small_run(self) -> bool:
        """Whether the NumPy path finishes this run sooner than a first compile would (about a
        minute or more): at most ``SMALL_RUN`` trajectory-rounds."""
        return self.runs is not None and self.runs * self.horizon <= SMALL_RUN

    def _warm_up(self) -> None:
        """Compile (or load from the on-disk cache) before any batch, so workers never compile."""
        from brink.sim import kernel

        if not kernel.is_cached(self._kernel):
            from brink.console import make_console

            make_console(stderr=True).print(
                "[dim]compiling the simulation kernel for this scenario's structure "
                "(once per machine; about a minute)…[/]")
        S = self.start[None, :].copy()
        U = np.zeros((len(self.order), 1 + self.n_slots, 1))
        self._round_compiled(S, np.zeros(1, dtype=np.int64), U, 0)

    # ---------------------------------------------------------------- a move
    def choose(self, S: np.ndarray, actor: str, u: np.ndarray, rnd: int) -> tuple[np.ndarray, int]:
        """One action index per trajectory (-1: no feasible action), and forced moves skipped."""
        P = evaluate(self.model, S, actor).probability
        choice = sample_choice(P, u)
        forced = self.forced.get((rnd, actor))
        skipped = 0
        if forced is not None:
            j = self.model.actors[actor].actions.index(forced)
            ok = self.model.feasible_mask(S, actor)[:, j]
            choice = np.where(ok, j, choice)
            skipped = int((~ok).sum())
        return choice, skipped

    def act(self, S: np.ndarray, actor: str, choice: np.ndarray, U: np.ndarray) -> np.ndarray:
        """Apply each trajectory's chosen action, with its random quantities drawn from U."""
        out = S.copy()
        for j, aid in enumerate(self.model.actors[actor].actions):
            rows = np.flatnonzero(choice == j)
            if rows.size == 0:
                continue
            sub = S[rows]
            draws = draw_quantities(self.slots[aid], sub, U[:, rows])
            out[rows] = self.model.apply(sub, aid, draws)
        return self.model.pin(out) if self.model.pinned else out

    # ------------------------------------------------------------ the rounds
    def run_batch(self, seed: int, first_block: int, n_blocks: int, n: int | None = None,
                  observe: Callable[[int, np.ndarray], None] | None = None) -> BatchResult:
        """Simulate the trajectories of blocks ``first_block .. +n_blocks`` (the first ``n`` of them).

        ``observe(r, S)``, when given, is called with the state array at the start (r = 0) and
        at the end of every round (after the bargaining step), like a Mesa data collector; it
        must not change S."""
        m, H = self.model, self.horizon
        size = n_blocks * BLOCK
        n = size if n is None else n
        streams = BatchStreams(seed, first_block, n_blocks)
        S = np.tile(self.start, (n, 1))
        A, K = len(self.action_ids), len(self.episode_ids)
        first = np.full((n, len(self.event_ids)), -1, dtype=np.int16)
        count = np.zeros((n, len(self.event_ids)), dtype=np.uint16)
        active = np.tile(self.start_active, (n, 1))
        active0 = active.copy()
        act_counts = np.zeros((H + 1, K), dtype=np.int64)
        quiet = np.zeros(H + 1, dtype=np.int64)
        counts_q = ~m.partial_mask  # episodes that end the default state while under way
        counts = np.zeros((H, A), dtype=np.int64)
        hist = np.zeros((H + 1, len(self.front_ids), FRONT_BINS), dtype=np.int64)
        ssum = np.zeros((n_blocks, H + 1, S.shape[1]))
        skipped = 0
        idx = np.arange(n, dtype=np.int64)
        self._record(S, hist[0], ssum, 0)
        if observe is not None:
            observe(0, S)
        act_counts[0] = active.sum(axis=0)
        quiet[0] = int((~(active & counts_q).any(axis=1)).sum())
        for r in range(1, H + 1):
            U = streams.round_uniforms(len(self.order), self.n_slots)[..., :n]
            if self.backend == "numba":
                choices, sk = self._round_compiled(S, idx, U, r)
                if not np.isfinite(S).all():  # a formula gave NaN: the NumPy path says which, and where
                    return self._rerun_on_numpy(r, seed, first_block, n_blocks, n, observe)
            else:
                choices, sk = self._round_numpy(S, idx, U, r)
            skipped += sk
            if m.negotiation is not None and m.negotiation.linked and r % m.negotiation.every == 0:
                S[:] = m.pin(m.negotiation.step(S, every_issue=False).state)
            happened = np.zeros((n, len(self.event_ids)), dtype=bool)
            rows, k = np.nonzero(choices >= 0)
            happened[rows, self._action_base[k] + choices[rows, k]] = True
            counts[r - 1] = happened[:, :A].sum(axis=0)  # decisions per action this round
            active, started = m.episode_step(S, active)
            happened[:, A:A + K] = started
            for w, f in enumerate(self._watch):
                happened[:, A + K + w] = np.broadcast_to(np.asarray(f(S), dtype=bool), (n,))
            np.copyto(first, np.int16(r), where=happened & (first < 0))
            count += happened
            act_counts[r] = active.sum(axis=0)
            quiet[r] = int((~(active & counts_q).any(axis=1)).sum())
            self._record(S, hist[r], ssum, r)
            if observe is not None:
                observe(r, S)
        history = EventHistory(self.event_ids, first, count, self.episode_ids, active0)
        return BatchResult(history, active, act_counts, quiet, counts, hist, ssum, skipped)

    def _rerun_on_numpy(self, r: int, *batch) -> BatchResult:
        """The compiled kernel left a non-finite value in the state in round ``r``. The NumPy path
        runs the same trajectories and checks every formula as it evaluates it, so it stops with
        the formula, its file:line and the values it read; it should never finish."""
        self.backend = "numpy"
        try:
            self.run_batch(*batch)
        finally:
            self.backend = "numba"
        raise BrinkError(f"the compiled kernel produced a value that is not a finite number in round {r}, "
                         "and the NumPy path did not: this is a bug in brink (run with --backend numpy "
                         "meanwhile)")

    def _round_numpy(self, S: np.ndarray, idx: np.ndarray, U: np.ndarray, r: int):
        """One round for trajectories ``idx`` through the decision model itself; updates S in place."""
        m = self.model
        X = S[idx]
        skipped = 0
        choices = np.empty((idx.size, len(self.order)), dtype=np.int64)
        for k, actor in enumerate(self.order):
            choice, sk = self.choose(X, actor, U[k, 0, idx], r)
            skipped += sk
            X = self.act(X, actor, choice, U[k, 1:][:, idx])
            choices[:, k] = choice
        X = m.step_dynamics(X)
        if self.week_col is not None:
            X[:, self.week_col] += self.round_weeks
        if m.pinned:
            m.pin(X)
        S[idx] = X
        return choices, skipped

    def _round_compiled(self, S: np.ndarray, idx: np.ndarray, U: np.ndarray, r: int):
        """The same round through the compiled kernel (``brink.sim.kernel``); updates S in place."""
        ka = self._kargs
        forced = self._forced_j.get(r, self._no_force)
        choices = np.empty((idx.size, len(self.order)), dtype=np.int64)
        self._kernel.run_round(S, idx, np.ascontiguousarray(U), ka.p, ka.W, ka.LAM, ka.TD, ka.en,
                               ka.pin_idx, ka.pin_val, forced,
                               -1 if self.week_col is None else self.week_col, float(self.round_weeks),
                               choices)
        skipped = 0
        for k in range(len(self.order)):
            if forced[k] >= 0:  # an infeasible forced move leaves the choice to the rule (never itself)
                skipped += int((choices[:, k] != forced[k]).sum())
        return choices, skipped

    def _record(self, S: np.ndarray, hist: np.ndarray, ssum: np.ndarray, r: int) -> None:
        F = S[:, self.front_cols]
        bins = np.clip((F * FRONT_BINS).astype(np.int64), 0, FRONT_BINS - 1)
        bins += np.arange(len(self.front_ids)) * FRONT_BINS
        hist += np.bincount(bins.ravel(), minlength=hist.size).reshape(hist.shape)
        for b in range(ssum.shape[0]):  # per block, so sums do not depend on the batch size
            ssum[b, r] = S[b * BLOCK:(b + 1) * BLOCK].sum(axis=0)
