"""Validate the bargaining models on published cases: forecasts beside published values.

``validation_rows`` and ``ec_path`` compute what ``docs/bargaining.md`` shows
(the page is written by ``docs/gen/bargaining_doc.py``, outside the package).
The numbers come only from the case files shipped in ``brink/bargain/cases``
and the published values below.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from brink.bargain.expected_utility import expected_utility_model
from brink.bargain.forecast import MODEL_NAMES, forecast
from brink.bargain.ktab_log import read_ktab_log
from brink.bargain.readers import read_table

# Scholz, Calbert & Smith (2011): median position after rounds 1-8 of their
# reconstruction on the EC emissions case.
SCHOLZ_EC_PATH = (8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6)
EC_ACTUAL = 8.833
BDM_EC_FORECAST = (8.35, 9.05)  # Bueno de Mesquita's own forecast, rising over the rounds


@dataclass(frozen=True)
class Target:
    low: float
    high: float
    text: str

    def error(self, f: float) -> float:
        return float(max(0.0, self.low - f, f - self.high))


CASES = (
    ("EC car emissions 1994", "ec_emissions_1994.csv",
     {"issue": Target(EC_ACTUAL, EC_ACTUAL, "8.833 (actual outcome)")}),
    ("China SOE policy 2014", "SOE-Policy.csv", {"policy": Target(30, 30, "≈30 (published forecast)")}),
    ("China SOE competitive 2014", "SOE-Competitive.csv",
     {"competitive": Target(20, 40, "20–40 (published forecast)")}),
    ("China SOE combined 2014", "SOE-Pol-Comp.csv",
     {"policy": Target(30, 30, "≈30 (published forecast)"),
      "competitive": Target(20, 40, "20–40 (published forecast)")}),
)
KTAB_LOG = "ktab_ref_SOE-Pol-Comp_history.txt"


def case_path(name: str) -> Path:
    return Path(str(resources.files("brink.bargain") / "cases" / name))


def validation_rows(draws: int = 0):
    """(case, issue, model, forecast or None, target, error or None, note) for every model and case."""
    rows = []
    for title, fname, targets in CASES:
        case = read_table(case_path(fname))
        fc = forecast(case, draws=draws)
        for it in fc.issues:
            tgt = targets[it.issue]
            for m, v in it.forecasts.items():
                note = it.notes.get(m, "")
                if m == "eu":
                    note = (f"{it.eu.rounds} rounds, " + ("converged" if it.eu.converged else "not converged"))
                rows.append((title, case.labels[case.issues.index(it.issue)], MODEL_NAMES[m], v, tgt,
                             None if v is None else tgt.error(v), note))
    hist = read_ktab_log(case_path(KTAB_LOG))
    exp = hist.expected_outcome()
    ml = hist.most_likely()
    for k, dim in enumerate(("policy", "competitive")):
        tgt = CASES[3][2][dim]
        rows.append(("China SOE combined 2014", hist.dims[k].replace(" Position", ""), "KTAB SMP reference run",
                     float(exp[k]), tgt, tgt.error(float(exp[k])),
                     f"final state, win-probability-weighted mean; most likely actor position {ml[k]:.1f}"))
    rows.append(("EC car emissions 1994", "issue", "Bueno de Mesquita 1994 (published)", None,
                 CASES[0][2]["issue"], None, f"his own forecast: {BDM_EC_FORECAST[0]} rising to {BDM_EC_FORECAST[1]}"))
    return rows


def ec_path():
    case = read_table(case_path("ec_emissions_1994.csv"))
    _, x, s, c = case.issue(0)
    res = expected_utility_model(x, c, s, max_rounds=8)
    return res
