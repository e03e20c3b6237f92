"""Simulation results as pandas DataFrames, with intervals, and their Parquet folder.

Both result types have ``to_frame()`` (one row per outcome) and ``to_dict()``
(JSON-able: what ``brink simulate --json`` and ``brink compare --json`` print).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from brink.frames import records
from brink.sim.event_history import OUTCOME, EventHistory

Z95 = 1.959963984540054


def wilson(k: np.ndarray, n: int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions k/n (good near 0 and 1)."""
    k = np.asarray(k, dtype=float)
    if n == 0:
        return np.zeros_like(k), np.ones_like(k)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = np.where(k <= 0, 0.0, np.clip(centre - half, 0, 1))
    hi = np.where(k >= n, 1.0, np.clip(centre + half, 0, 1))
    return np.minimum(lo, p), np.maximum(hi, p)


@dataclass
class SimulationResult:
    """Everything a run produced.

    Every trajectory runs the whole horizon. ``history`` holds, per run, the first
    round and the count of every action, episode start and watched state
    (``brink.sim.event_history``); ``runs`` has one row per trajectory (its first
    episode, how many episodes started, and the state at the horizon);
    ``under_way`` the share of runs with each episode under way at each round,
    and of runs with none (the default state, mutual deterrence).
    """

    scenario_id: str
    intervention: str
    seed: int
    horizon: int
    round_weeks: float
    outcome_ids: tuple[str, ...]
    outcome_labels: tuple[str, ...]
    runs: pd.DataFrame              # run, first_outcome, first_round, episodes, end_state
    action_counts: pd.DataFrame     # round, actor, action, count
    fronts: pd.DataFrame            # round, front, q05, q25, q50, q75, q95, mean
    state_means: pd.DataFrame       # round x variable
    history: EventHistory | None = None
    under_way: pd.DataFrame | None = None   # round, <default state>, <episode>...: shares of runs
    default_outcome: str = ""
    action_attributes: pd.DataFrame | None = None  # action, actor, category, target, front, rung, warning
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.runs)

    @property
    def episode_ids(self) -> tuple[str, ...]:
        return tuple(o for o in self.outcome_ids if o != self.default_outcome)

    def occurred(self, outcome: str) -> np.ndarray:
        """Per run: the episode started within the horizon; for the default state: no episode
        was under way at the horizon. The indicator every outcome probability counts."""
        if outcome == self.default_outcome:
            return (self.runs["end_state"] == outcome).to_numpy()
        return self.history.first[:, self.history.col(OUTCOME + outcome)] >= 1

    def probabilities(self) -> pd.DataFrame:
        """Each outcome's probability with a 95 % Wilson interval.

        For an episode: the share of runs in which it started at least once within the
        horizon (``mean_starts``: starts per run; ``at_end``: under way at the horizon).
        For the default state: the share of runs with no episode under way at the horizon.
        The rows no longer sum to one: a run can see a war, a cease-fire and a crisis.
        """
        rows = []
        for o, label in zip(self.outcome_ids, self.outcome_labels):
            k = int(self.occurred(o).sum())
            if o == self.default_outcome:
                starts, measure = np.nan, "no episode under way at the horizon"
            else:
                starts = float(self.history.count[:, self.history.col(OUTCOME + o)].mean())
                measure = "starts within the horizon"
            at_end = float(self.under_way[o].iloc[-1])
            rows.append((o, label, measure, k, k / max(self.n, 1), at_end, starts))
        df = pd.DataFrame(rows, columns=["outcome", "label", "measure", "count", "probability", "at_end",
                                         "mean_starts"])
        lo, hi = wilson(df["count"].to_numpy(), self.n)
        df.insert(5, "lo95", lo)
        df.insert(6, "hi95", hi)
        return df

    def over_time(self) -> pd.DataFrame:
        """Per round and outcome: ``started_by`` (P(the episode has started by the end of round r))
        and ``under_way`` (the share of runs in which it is under way at r; for the default
        state, the share with no episode under way)."""
        rows = []
        r = np.arange(self.horizon + 1)
        for o in self.outcome_ids:
            if o == self.default_outcome:
                started = np.full(self.horizon + 1, np.nan)
            else:
                started = self.history.by_round(self.history.first[:, self.history.col(OUTCOME + o)], self.horizon)
            rows.append(pd.DataFrame({"round": r, "week": r * self.round_weeks, "outcome": o,
                                      "started_by": started, "under_way": self.under_way[o].to_numpy()}))
        return pd.concat(rows, ignore_index=True)

    def event_ids(self, action: str | None = None, actor: str | None = None,
                  category: str | None = None) -> list[str]:
        """History ids of the actions matching the given catalogue attributes."""
        a = self.action_attributes
        sel = np.ones(len(a), dtype=bool)
        for col, val in (("action", action), ("actor", actor), ("category", category)):
            if val is not None:
                sel &= (a[col] == val).to_numpy()
        return list(a.loc[sel, "action"])

    def events(self) -> pd.DataFrame:
        """P(happened by the horizon) for every action, every actor's category of action and
        every episode, with a 95 % interval, the median first round among the runs where it
        happened, and the mean count per run."""
        h, a = self.history, self.action_attributes
        groups: list[tuple[str, str, str, list[str]]] = []
        for r in a.itertuples():
            groups.append(("action", r.action, r.actor, [r.action]))
        for (actor, cat), g in a.groupby(["actor", "category"], sort=False):
            groups.append(("category", f"{actor}:{cat}", actor, list(g["action"])))
        for o in self.episode_ids:
            groups.append(("episode", o, "", [OUTCOME + o]))
        rows = []
        for kind, eid, actor, ids in groups:
            f = h.first_of(ids)
            hit = f >= 1
            cnt = h.count[:, [h.col(i) for i in ids]].sum(axis=1)
            rows.append((kind, eid, actor, int(hit.sum()), float(hit.mean()) if h.n else 0.0,
                         float(np.median(f[hit])) if hit.any() else np.nan, float(cnt.mean())))
        df = pd.DataFrame(rows, columns=["kind", "event", "actor", "count", "probability", "median_round",
                                         "mean_count"])
        lo, hi = wilson(df["count"].to_numpy(), self.n)
        df.insert(5, "lo95", lo)
        df.insert(6, "hi95", hi)
        df["median_week"] = df["median_round"] * self.round_weeks
        return df

    def event_curve(self, event_ids: list[str]) -> pd.DataFrame:
        """P(any of ``event_ids`` has happened by the end of round r), r = 0 .. horizon."""
        p = self.history.by_round(self.history.first_of(event_ids), self.horizon)
        r = np.arange(self.horizon + 1)
        return pd.DataFrame({"round": r, "week": r * self.round_weeks, "probability": p})

    def top_categories(self, top: int) -> list[tuple[str, str]]:
        """The ``top`` most likely ``(actor, category)`` pairs of action by the horizon, leaving out
        doing nothing (category ``none``); ties in file order of the events table."""
        ev = self.events()
        cats = ev[(ev["kind"] == "category") & ~ev["event"].str.endswith(":none")]
        cats = cats.sort_values("probability", ascending=False, kind="stable").head(top)
        return [tuple(e.split(":", 1)) for e in cats["event"]]

    def checkpoints(self, weeks=(4, 13, 26, 52)) -> list[int]:
        """The rounds nearest to ``weeks`` that the horizon reaches, and the horizon itself."""
        return sorted({min(self.horizon, max(1, round(w / self.round_weeks))) for w in weeks} | {self.horizon})

    def by_week(self, weeks=(4, 13, 26, 52), top: int = 8) -> pd.DataFrame:
        """Event probabilities over time, one row per event: each episode (P(started by then)),
        the ``top`` categories of action (P(taken at least once by then)) and the default state
        (share of runs with no episode under way). Columns ``kind``, ``event``, then one per
        round of ``checkpoints(weeks)``, named by its week."""
        rounds = self.checkpoints(weeks)
        ot = self.over_time()
        rows = []
        for o in self.episode_ids:
            s = ot[ot["outcome"] == o].set_index("round")["started_by"]
            rows.append(("episode", o, *[s[r] for r in rounds]))
        for actor, cat in self.top_categories(top):
            cur = self.event_curve(self.event_ids(actor=actor, category=cat)).set_index("round")["probability"]
            rows.append(("category", f"{actor}:{cat}", *[cur[r] for r in rounds]))
        quiet = ot[ot["outcome"] == self.default_outcome].set_index("round")["under_way"]
        rows.append(("state", self.default_outcome, *[quiet[r] for r in rounds]))
        return pd.DataFrame(rows, columns=["kind", "event", *[f"{r * self.round_weeks:g}" for r in rounds]])

    def sequence(self, first: list[str], then: list[str]) -> dict:
        """Co-occurrence and order of two events (e.g. a war and then a regime crisis):
        P(both), P(first strictly before then), P(then strictly before first), P(same round)."""
        a, b = self.history.first_of(first), self.history.first_of(then)
        both = (a >= 1) & (b >= 1)
        n = max(self.n, 1)
        return {"both": both.sum() / n, "first_then": (both & (a < b)).sum() / n,
                "then_first": (both & (b < a)).sum() / n, "same_round": (both & (a == b)).sum() / n,
                "first": (a >= 1).sum() / n, "then": (b >= 1).sum() / n}

    def action_shares(self) -> pd.DataFrame:
        """How often each actor took each action, over all its decisions."""
        g = self.action_counts.groupby(["actor", "action"], sort=False)["count"].sum().reset_index()
        g["share"] = g["count"] / g.groupby("actor")["count"].transform("sum").replace(0, 1)
        return g

    def to_frame(self) -> pd.DataFrame:
        """One row per outcome: ``probabilities()``."""
        return self.probabilities()

    def to_dict(self) -> dict:
        """Settings, meta, each outcome's probability, every event's probability and each actor's
        action shares, as JSON-able data (the per-run, per-round and per-front tables stay in
        ``write``'s Parquet files)."""
        return {"scenario": self.scenario_id, "intervention": self.intervention, "seed": self.seed,
                "runs": self.n, "horizon": self.horizon, "round_weeks": self.round_weeks,
                "meta": dict(self.meta),
                "outcomes": records(self.probabilities()), "events": records(self.events()),
                "actions": records(self.action_shares())}

    def summary(self) -> str:
        p = self.probabilities()
        w = max(len(x) for x in p["outcome"])
        lines = [f"{self.scenario_id} [{self.intervention}]: {self.n:,} runs from {self.meta.get('origin', '?')}, "
                 f"{self.horizon} rounds of {self.round_weeks:g} weeks, seed {self.seed}"]
        for r in p.itertuples():
            lines.append(f"  {r.outcome:<{w}}  {r.probability:7.2%}  [{r.lo95:.2%}, {r.hi95:.2%}]  ({r.measure})")
        return "\n".join(lines)

    def history_frame(self) -> pd.DataFrame:
        """The event history as a wide table: ``first:<event>`` and ``count:<event>`` per run."""
        h = self.history
        cols = {"run": np.arange(h.n, dtype=np.int64)}
        for k, e in enumerate(h.event_ids):
            cols[f"first:{e}"] = h.first[:, k]
        for k, e in enumerate(h.event_ids):
            cols[f"count:{e}"] = h.count[:, k]
        return pd.DataFrame(cols)

    # ------------------------------------------------------------- storage
    def write(self, folder: str | Path, provenance: dict | None = None) -> Path:
        """Write Parquet tables and meta.json into ``folder`` (complete files or none).

        ``meta.json`` is always valid JSON (a non-finite number is written as null) and holds
        ``provenance`` too (``brink.sim.outdir.provenance``: scenario path, content hash, brink
        version, command line). The commands write into a staged folder renamed into place whole
        (``brink.sim.outdir.staged``)."""
        from brink.sim.outdir import dumps

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "runs": self.runs, "probabilities": self.probabilities(), "over_time": self.over_time(),
            "events": self.events(), "history": self.history_frame(),
            "fronts": self.fronts, "actions": self.action_shares(), "action_counts": self.action_counts,
            "state_means": self.state_means,
        }
        for name, df in tables.items():
            tmp = out / f".{name}.parquet.tmp"
            df.to_parquet(tmp, index=False)
            tmp.replace(out / f"{name}.parquet")
        meta = {"scenario": self.scenario_id, "intervention": self.intervention, "seed": self.seed,
                "runs": self.n, "horizon": self.horizon, "round_weeks": self.round_weeks, **self.meta,
                **(provenance or {})}
        tmp = out / ".meta.json.tmp"
        tmp.write_text(dumps(meta), encoding="utf-8")
        tmp.replace(out / "meta.json")
        return out


@dataclass
class Comparison:
    """Baseline vs intervention on common random numbers: paired differences per outcome."""

    baseline: SimulationResult
    variant: SimulationResult

    def differences(self) -> pd.DataFrame:
        """P(variant) - P(baseline) per outcome (as ``SimulationResult.occurred`` counts it)
        with a 95 % interval from the paired runs."""
        n = self.baseline.n
        rows = []
        for o, label in zip(self.baseline.outcome_ids, self.baseline.outcome_labels):
            b, v = self.baseline.occurred(o), self.variant.occurred(o)
            d = v.astype(float) - b.astype(float)
            mean = d.mean()
            se = d.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            rows.append({"outcome": o, "label": label, "baseline": b.mean(), "variant": v.mean(),
                         "difference": mean, "lo95": mean - Z95 * se, "hi95": mean + Z95 * se,
                         "changed_runs": int((d != 0).sum())})
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """One row per outcome: ``differences()``."""
        return self.differences()

    def to_dict(self) -> dict:
        """The intervention, the paired differences per outcome, and both results' ``to_dict``."""
        return {"intervention": self.variant.intervention,
                "intervention_detail": self.variant.meta.get("intervention_detail", ""),
                "runs": self.baseline.n, "seed": self.baseline.seed,
                "differences": records(self.differences()),
                "baseline": self.baseline.to_dict(), "variant": self.variant.to_dict()}

    def summary(self) -> str:
        d = self.differences()
        w = max(len(x) for x in d["outcome"])
        lines = [f"{self.variant.intervention} vs baseline ({self.baseline.n:,} paired runs, seed {self.baseline.seed})"]
        for r in d.itertuples():
            lines.append(f"  {r.outcome:<{w}}  {r.baseline:7.2%} -> {r.variant:7.2%}   "
                         f"diff {r.difference:+7.2%}  [{r.lo95:+.2%}, {r.hi95:+.2%}]")
        return "\n".join(lines)
