"""Multi-issue spatial bargaining: who gets what in a collective deal.

Pure model functions over numpy arrays, one module per model:

* :mod:`~brink.bargain.compromise` — compromise model (capability × salience
  weighted mean) and the weighted median;
* :mod:`~brink.bargain.nash` — the weighted n-person Nash bargaining solution;
* :mod:`~brink.bargain.expected_utility` — Bueno de Mesquita's challenge model
  as reconstructed by Scholz, Calbert & Smith (2011);
* :mod:`~brink.bargain.exchange` — Stokman's exchange (vote-trading) model.

:mod:`~brink.bargain.readers` reads plain and KTAB actor tables,
:mod:`~brink.bargain.scenario` turns a scenario's ``bargaining`` section into a
:class:`~brink.bargain.case.Case`, :mod:`~brink.bargain.forecast` runs them all,
and :mod:`~brink.bargain.validation` checks them on published cases. Its
:class:`~brink.bargain.forecast.CaseForecast` has ``to_frame()`` (one row per
issue) and ``to_dict()`` (what ``brink bargain --json`` prints).
"""

from brink.bargain.case import Case
from brink.bargain.compromise import weighted_mean, weighted_median
from brink.bargain.exchange import NotApplicable, exchange_model
from brink.bargain.expected_utility import expected_utility_model
from brink.bargain.forecast import CaseForecast, forecast
from brink.bargain.nash import nash_bargaining
from brink.bargain.readers import read_table

__all__ = [
    "Case", "read_table", "weighted_mean", "weighted_median", "nash_bargaining",
    "expected_utility_model", "exchange_model", "NotApplicable", "forecast", "CaseForecast",
]
