"""The reference: the same simulation written the way most modellers would write it.

A Mesa 3 agent-based model that steps ONE trajectory at a time: each deciding
actor is a Mesa ``Agent`` whose ``step`` asks the decision model for its choice
probabilities in the current (1-D) state, samples an action with the model's
``numpy`` generator, draws the action's random quantities and applies it. The
model's ``step`` is one round: agents in the schedule's order, then the
per-round dynamics, the week clock, the bargaining step (where the scenario can
settle issues) and the episodes (which start and end; the run goes on to the
horizon), with the run's event history kept in plain dicts.

It shares only the decision model (``brink.model``: ``evaluate``, ``apply``,
``step_dynamics``, ``episode_step``, ``negotiation.step`` on one row) with the vectorised engine, never the
engine's code, so comparing the two tests the engine's sampling, draws,
ordering, episode and event-history bookkeeping. Used by tests/sim/test_equivalence.py and
benchmarks/sim_speed.py; Mesa is a benchmark-only dependency (the ``bench`` extra).

Two sources of randomness:
* ``uniforms=None``: the agent draws from ``model.rng`` (an independent stream):
  outcome distributions should match the engine's statistically.
* ``uniforms=f(round, k_actor, row)``: the exact uniform the engine's stream gives
  that trajectory, so outcomes should match run by run (common random numbers).
"""

from __future__ import annotations

import mesa
import numpy as np

from brink.model.choice import evaluate
from brink.model.compiled import Model as BrinkModel
from brink.model.history import state_after


class ActorAgent(mesa.Agent):
    """One deciding actor: choose by the logit rule, then act on the shared state."""

    def __init__(self, model: DeterrenceModel, actor: str, k: int):
        super().__init__(model)
        self.actor = actor
        self.k = k  # position in the schedule
        self.actions = model.brink.actors[actor].actions

    def uniform(self, row: int) -> float:
        m = self.model
        return m.uniforms(m.round, self.k, row) if m.uniforms else float(m.rng.random())

    def step(self) -> None:
        m = self.model
        S = m.state
        p = evaluate(m.brink, S, self.actor).probability
        forced = m.forced.get((m.round, self.actor))
        u = self.uniform(0)
        cdf = np.cumsum(p)
        if cdf[-1] <= 0:
            return  # no feasible action
        j = int(np.argmax(cdf > u * cdf[-1]))
        if forced is not None and m.brink.feasible_mask(S, self.actor)[self.actions.index(forced)]:
            j = self.actions.index(forced)
        action = self.actions[j]
        draws = {}
        for rq in m.brink.actions[action].random:
            mean = float(rq.mean(S))
            u_q = self.uniform(1 + rq.slot)
            if rq.dist == "bernoulli":
                draws[rq.name] = 1.0 if u_q < mean else 0.0
            else:
                from scipy.special import betaincinv

                conc = float(rq.concentration(S))
                mean = min(max(mean, 1e-9), 1 - 1e-9)
                draws[rq.name] = float(betaincinv(mean * conc, (1 - mean) * conc, u_q))
        m.state = m.brink.pin(m.brink.apply(S, action, draws))
        m.happened(action)


class DeterrenceModel(mesa.Model):
    """One trajectory of the deterrence system, round by round."""

    def __init__(self, brink_model: BrinkModel, horizon: int = 26, seed: int | None = None,
                 uniforms=None, forced: dict | None = None, start: np.ndarray | None = None):
        super().__init__(rng=seed)
        self.brink = brink_model
        self.horizon = horizon
        self.round_weeks = brink_model.round_weeks
        self.uniforms = uniforms
        self.forced = brink_model.forced if forced is None else forced
        self.state = (start if start is not None else state_after(brink_model, None)[0]).copy()
        self.week = brink_model.var_index.get("world.week")
        if self.week is not None:
            self.state[self.week] = 0.0
        self.order = list(brink_model.order)
        self.deciders = [ActorAgent(self, a, k) for k, a in enumerate(self.order)]
        self.episodes = [o.id for o in brink_model.episodes]
        self.round = 0
        self.first: dict[str, int] = {}   # event id -> first round it happened
        self.count: dict[str, int] = {}   # event id -> rounds it happened
        self.active = brink_model.episode_holds(self.state)
        self.running = True

    def happened(self, event: str) -> None:
        self.first.setdefault(event, self.round)
        self.count[event] = self.count.get(event, 0) + 1

    def step(self) -> None:
        self.round += 1
        for agent in self.deciders:  # the schedule: sequential, in order
            agent.step()
        self.state = self.brink.step_dynamics(self.state)
        if self.week is not None:
            self.state[self.week] += self.round_weeks
        self.brink.pin(self.state)
        nego = self.brink.negotiation
        if nego is not None and nego.linked and self.round % nego.every == 0:  # the bargaining phase
            self.state = self.brink.pin(nego.step(self.state[None, :]).state[0])
        self.active, started = self.brink.episode_step(self.state, self.active)
        for k in np.flatnonzero(started):
            self.happened("outcome:" + self.episodes[k])
        if self.round >= self.horizon:
            self.running = False


def run_reference(brink_model: BrinkModel, runs: int, horizon: int = 26, seed: int = 0,
                  uniforms_for=None, forced: dict | None = None,
                  event_ids: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Event histories of ``runs`` trajectories, one Mesa model each: per run and event of
    ``event_ids`` the first round it happened (-1 never) and how many rounds it happened.

    ``uniforms_for(i)`` gives trajectory i's uniform function (common random numbers);
    without it, trajectory i uses an independent generator seeded from (seed, i).
    """
    start = state_after(brink_model, None)[0]
    first = np.full((runs, len(event_ids)), -1, dtype=np.int64)
    count = np.zeros((runs, len(event_ids)), dtype=np.int64)
    for i in range(runs):
        m = DeterrenceModel(brink_model, horizon, seed=np.random.SeedSequence([seed, i]).generate_state(1)[0],
                            uniforms=uniforms_for(i) if uniforms_for else None, forced=forced, start=start)
        while m.running:
            m.step()
        for k, e in enumerate(event_ids):
            first[i, k] = m.first.get(e, -1)
            count[i, k] = m.count.get(e, 0)
    return first, count


def engine_uniforms(seed: int, n_deciders: int, n_slots: int, horizon: int):
    """The engine's uniforms, as a per-trajectory function for the reference (CRN mode)."""
    from brink.sim.rng import BLOCK, block_generator

    cache: dict[int, np.ndarray] = {}

    def block(b: int) -> np.ndarray:
        if b not in cache:
            g = block_generator(seed, b)
            cache[b] = np.stack([g.random((n_deciders, 1 + n_slots, BLOCK)) for _ in range(horizon)])
        return cache[b]

    def for_run(i: int):
        U = block(i // BLOCK)
        col = i % BLOCK
        return lambda r, k, row: float(U[r - 1, k, row, col])

    return for_run
