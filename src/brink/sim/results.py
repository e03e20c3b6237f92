"""Simulation results as pandas DataFrames, with intervals, and their Parquet folder.

Both result types have ``to_frame()`` (one row per outcome) and ``to_dict()``
(JSON-able: what ``brink simulate --json`` and ``brink compare --json`` print).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from brink.frames import records

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
    """Everything a run produced. ``runs`` has one row per trajectory."""

    scenario_id: str
    intervention: str
    seed: int
    horizon: int
    round_weeks: float
    outcome_ids: tuple[str, ...]
    outcome_labels: tuple[str, ...]
    runs: pd.DataFrame              # run, outcome, round
    action_counts: pd.DataFrame     # round, actor, action, count
    fronts: pd.DataFrame            # round, front, q05, q25, q50, q75, q95, mean
    state_means: pd.DataFrame       # round x variable
    meta: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.runs)

    def probabilities(self) -> pd.DataFrame:
        """Each outcome's probability with a 95 % Wilson interval."""
        k = self.runs["outcome"].value_counts().reindex(list(self.outcome_ids), fill_value=0).to_numpy()
        lo, hi = wilson(k, self.n)
        return pd.DataFrame({"outcome": list(self.outcome_ids), "label": list(self.outcome_labels),
                             "count": k, "probability": k / max(self.n, 1), "lo95": lo, "hi95": hi})

    def cumulative(self) -> pd.DataFrame:
        """P(outcome reached by the end of round r), r = 0 .. horizon (absorbing outcomes only)."""
        rows = []
        absorbed = self.runs[self.runs["round"] >= 0]
        for o in self.outcome_ids:
            sel = absorbed[absorbed["outcome"] == o]
            c = np.bincount(sel["round"].to_numpy(), minlength=self.horizon + 1)[: self.horizon + 1]
            rows.append(pd.DataFrame({"round": np.arange(self.horizon + 1), "outcome": o,
                                      "probability": np.cumsum(c) / max(self.n, 1)}))
        df = pd.concat(rows, ignore_index=True)
        df["week"] = df["round"] * self.round_weeks
        return df

    def action_shares(self) -> pd.DataFrame:
        """How often each actor took each action, over all its decisions."""
        g = self.action_counts.groupby(["actor", "action"], sort=False)["count"].sum().reset_index()
        g["share"] = g["count"] / g.groupby("actor")["count"].transform("sum").replace(0, 1)
        return g

    def to_frame(self) -> pd.DataFrame:
        """One row per outcome: ``probabilities()``."""
        return self.probabilities()

    def to_dict(self) -> dict:
        """Settings, meta, each outcome's probability and each actor's action shares, as JSON-able data
        (the per-run, per-round and per-front tables stay in ``write``'s Parquet files)."""
        return {"scenario": self.scenario_id, "intervention": self.intervention, "seed": self.seed,
                "runs": self.n, "horizon": self.horizon, "round_weeks": self.round_weeks,
                "meta": dict(self.meta),
                "outcomes": records(self.probabilities()), "actions": records(self.action_shares())}

    def summary(self) -> str:
        p = self.probabilities()
        w = max(len(x) for x in p["outcome"])
        lines = [f"{self.scenario_id} [{self.intervention}]: {self.n:,} runs, {self.horizon} rounds "
                 f"of {self.round_weeks:g} weeks, seed {self.seed}"]
        for r in p.itertuples():
            lines.append(f"  {r.outcome:<{w}}  {r.probability:7.2%}  [{r.lo95:.2%}, {r.hi95:.2%}]")
        return "\n".join(lines)

    # ------------------------------------------------------------- storage
    def write(self, folder: str | Path) -> Path:
        """Write Parquet tables and meta.json into ``folder`` (complete files or none)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        tables = {
            "runs": self.runs, "probabilities": self.probabilities(), "cumulative": self.cumulative(),
            "fronts": self.fronts, "actions": self.action_shares(), "action_counts": self.action_counts,
            "state_means": self.state_means,
        }
        for name, df in tables.items():
            tmp = out / f".{name}.parquet.tmp"
            df.to_parquet(tmp, index=False)
            tmp.replace(out / f"{name}.parquet")
        meta = {"scenario": self.scenario_id, "intervention": self.intervention, "seed": self.seed,
                "runs": self.n, "horizon": self.horizon, "round_weeks": self.round_weeks, **self.meta}
        (out / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
        return out


@dataclass
class Comparison:
    """Baseline vs intervention on common random numbers: paired differences per outcome."""

    baseline: SimulationResult
    variant: SimulationResult

    def differences(self) -> pd.DataFrame:
        """P(variant) - P(baseline) per outcome with a 95 % interval from the paired runs."""
        b = self.baseline.runs["outcome"].to_numpy()
        v = self.variant.runs["outcome"].to_numpy()
        n = len(b)
        rows = []
        for o, label in zip(self.baseline.outcome_ids, self.baseline.outcome_labels):
            d = (v == o).astype(float) - (b == o).astype(float)
            mean = d.mean()
            se = d.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
            rows.append({"outcome": o, "label": label, "baseline": (b == o).mean(), "variant": (v == o).mean(),
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
