"""Run every model on a case and collect the forecasts in one place.

``forecast(case)`` returns, per issue, each model's forecast, the expected-utility
model's round-by-round history, and the probability that each actor's position
prevails. It is what ``brink bargain`` prints and what the validation uses.

**Probability that an actor's position prevails.** Inputs are uncertain, so
we perturb them and see whose position the outcome lands on. In each of
``draws`` draws (seeded ``numpy.random.Generator``), every position moves by a
normal error with standard deviation ``pos_sd`` × the issue's scale width, and
every capability and salience is multiplied by a log-normal factor with
log-standard deviation ``weight_sd`` (salience clipped to [0, 1]). The
expected-utility model is run on the perturbed inputs; the actor whose
*stated* (unperturbed) position is nearest to the forecast prevails in that
draw (actors sharing that position split the draw). The probability is the
share of draws an actor prevails. It answers "whose stated position is the
deal most likely to look like", and it is reproducible from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from brink.bargain.case import Case
from brink.bargain.compromise import weighted_mean, weighted_median
from brink.bargain.exchange import ExchangeResult, NotApplicable, exchange_model
from brink.bargain.expected_utility import EUResult, expected_utility_model
from brink.bargain.nash import nash_bargaining

MODELS = ("compromise", "median", "nash", "eu", "exchange")
MODEL_NAMES = {
    "compromise": "Compromise (weighted mean)",
    "median": "Weighted median",
    "nash": "Nash bargaining",
    "eu": "Expected utility (BdM/Scholz)",
    "exchange": "Exchange (Stokman)",
}


@dataclass
class IssueForecast:
    issue: str
    label: str
    actors: list[str]  # participants
    forecasts: dict[str, float | None]  # model -> forecast (None: not applicable)
    eu: EUResult | None = None
    prevail: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


DEFINITIONS = {
    "prevail": "share of seeded perturbed runs of the expected-utility model in which the actor's stated "
               "position is the nearest to the forecast (ties split)",
    "compromise": "capability x salience weighted mean",
    "median": "capability x salience weighted median",
    "nash": "weighted Nash bargaining solution, disagreement at each actor's worst point of the scale",
    "eu": "Bueno de Mesquita challenge model (Scholz et al. 2011 reconstruction): median after the last round",
    "exchange": "Stokman exchange model: expected outcome after vote trading",
}


@dataclass
class CaseForecast:
    """Every model's forecast of every issue of a case (what ``brink bargain`` prints)."""

    case: Case
    issues: list[IssueForecast]
    exchange: ExchangeResult | None
    exchange_note: str
    settings: dict

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: its scale, then one column per model run (NaN: not applicable)."""
        models = [m for m in MODELS if any(m in it.forecasts for it in self.issues)]
        rows = []
        for d, it in enumerate(self.issues):
            low, high = self.case.scale[d]
            row = {"issue": it.issue, "label": it.label, "low": float(low), "high": float(high),
                   "actors": len(it.actors)}
            row.update({m: (np.nan if it.forecasts.get(m) is None else float(it.forecasts[m])) for m in models})
            rows.append(row)
        return pd.DataFrame(rows, columns=["issue", "label", "low", "high", "actors", *models])

    def to_dict(self) -> dict:
        """Settings, definitions, per issue the forecasts, actors (with provenance), the
        expected-utility history, and the exchange model's trades (``brink bargain --json``)."""
        case = self.case
        out = {
            "source": case.source,
            "settings": self.settings,
            "definitions": dict(DEFINITIONS),
            "issues": [],
        }
        prov = case.provenance.get("values", {})
        for d, it in enumerate(self.issues):
            idx, x, s, c = case.issue(d)
            item = {
                "id": it.issue,
                "label": it.label,
                "scale": list(case.scale[d]),
                "forecasts": it.forecasts,
                "notes": it.notes,
                "actors": [
                    {
                        "actor": case.actors[i],
                        "position": float(case.position[i, d]),
                        "salience": float(case.salience[i, d]),
                        "capability": float(case.capability[i, d]),
                        "prevail": it.prevail.get(case.actors[i]),
                        **({"provenance": {f: {"evidence": prov[(case.actors[i], it.issue, f)][0],
                                               "assumption": prov[(case.actors[i], it.issue, f)][1]}
                                           for f in ("position", "salience", "capability")}}
                           if (case.actors[i], it.issue, "position") in prov else {}),
                    }
                    for i in idx
                ],
            }
            if "scale_text" in case.provenance:
                item["scale_text"] = dict(zip(("low", "high"), case.provenance["scale_text"][it.issue]))
            if it.eu is not None:
                item["eu"] = {
                    "median_by_round": it.eu.median_path,
                    "mean_by_round": it.eu.mean_path,
                    "positions_by_round": {case.actors[i]: it.eu.positions[:, k].tolist() for k, i in enumerate(idx)},
                    "risk_exponents_by_round": {case.actors[i]: it.eu.risk[:, k].tolist() for k, i in enumerate(idx)},
                    "rounds": it.eu.rounds,
                    "converged": it.eu.converged,
                    "moves": [{"round": mv.round, "actor": case.actors[idx[mv.actor]], "kind": mv.kind,
                               "toward": case.actors[idx[mv.toward]], "from": mv.old, "to": mv.new}
                              for mv in it.eu.moves],
                }
            out["issues"].append(item)
        if self.exchange is not None:
            out["exchange"] = {
                "rounds": self.exchange.rounds,
                "converged": self.exchange.converged,
                "outcome_by_round": {case.issues[d]: self.exchange.outcome_path[:, d].tolist()
                                     for d in range(case.n_issues)},
                "exchanges": [{"round": e.round, "concedes_on_first": case.actors[e.i], "first_issue": case.issues[e.d],
                               "concedes_on_second": case.actors[e.j], "second_issue": case.issues[e.e],
                               "shift_first": e.shift_d, "shift_second": e.shift_e, "gain_each": e.gain}
                              for e in self.exchange.exchanges],
            }
        else:
            out["exchange"] = {"note": self.exchange_note}
        return out


def prevail_probabilities(
    x, c, s, *, low, high, draws=200, seed=0, pos_sd=0.05, weight_sd=0.2, eu_kwargs=None
) -> np.ndarray:
    """Share of perturbed runs of the expected-utility model in which each actor's position prevails."""
    rng = np.random.default_rng(seed)
    x, c, s = (np.asarray(a, float) for a in (x, c, s))
    n = len(x)
    width = max(high - low, 1e-12)
    wins = np.zeros(n)
    for _ in range(draws):
        xp = np.clip(x + rng.normal(0.0, pos_sd * width, n), low, high)
        cp = c * rng.lognormal(0.0, weight_sd, n)
        sp = np.clip(s * rng.lognormal(0.0, weight_sd, n), 0.0, 1.0)
        if np.all(cp * sp <= 0):
            continue
        f = expected_utility_model(xp, cp, sp, **(eu_kwargs or {})).forecast
        dist = np.abs(x - f)
        near = np.isclose(dist, dist.min(), rtol=0, atol=1e-9 * width)
        wins[near] += 1.0 / near.sum()
    return wins / draws


def predict(case: Case, model: str, *, rounds: int = 8, offer_rule: str = "scholz",
            nash_utility: str = "linear") -> np.ndarray:
    """One model's forecast of every issue of ``case`` (m,), exactly as ``forecast`` (and so
    ``brink bargain``) reports it; NaN where the model does not apply (exchange on one issue)."""
    fc = forecast(case, models=(model,), rounds=rounds, offer_rule=offer_rule, draws=0, nash_utility=nash_utility)
    return np.array([np.nan if it.forecasts.get(model) is None else it.forecasts[model] for it in fc.issues])


def forecast(
    case: Case,
    *,
    models=MODELS,
    rounds: int = 8,
    offer_rule: str = "scholz",
    draws: int = 200,
    seed: int = 0,
    nash_utility: str = "linear",
) -> CaseForecast:
    models = tuple(models)
    bad = case.problems()
    if bad:
        from brink.errors import BrinkError

        raise BrinkError(f"{case.source or 'bargaining case'}: " + "; ".join(bad))
    out = []
    for d in range(case.n_issues):
        idx, x, s, c = case.issue(d)
        low, high = case.scale[d]
        f: dict[str, float | None] = {}
        notes: dict[str, str] = {}
        eu = None
        if "compromise" in models:
            f["compromise"] = weighted_mean(x, c, s)
        if "median" in models:
            f["median"] = weighted_median(x, c, s)
        if "nash" in models:
            f["nash"] = nash_bargaining(x, c, s, low=low, high=high, utility=nash_utility)
        if "eu" in models or draws:
            eu = expected_utility_model(x, c, s, max_rounds=rounds, offer_rule=offer_rule)
            if "eu" in models:
                f["eu"] = eu.forecast
        prev = {}
        if draws:
            p = prevail_probabilities(
                x, c, s, low=low, high=high, draws=draws, seed=seed + d,
                eu_kwargs={"max_rounds": rounds, "offer_rule": offer_rule},
            )
            prev = {case.actors[i]: float(v) for i, v in zip(idx, p)}
        out.append(IssueForecast(case.issues[d], case.labels[d], [case.actors[i] for i in idx], f, eu, prev, notes))
    ex, note = None, ""
    if "exchange" in models:
        try:
            ex = exchange_model(case.position, case.capability, case.salience)
            for d, it in enumerate(out):
                it.forecasts["exchange"] = float(ex.forecast[d])
        except NotApplicable as exc:
            note = f"not applicable: {exc}"
            for it in out:
                it.forecasts["exchange"] = None
                it.notes["exchange"] = note
    settings = {"rounds": rounds, "offer_rule": offer_rule, "draws": draws, "seed": seed,
                "nash_utility": nash_utility, "pos_sd": 0.05, "weight_sd": 0.2}
    return CaseForecast(case, out, ex, note, settings)
