"""Forecast questions: a public question-file format, their probabilities from simulated event
histories, and honest scores.

* ``questions`` — the YAML format, read with file/line/field errors and cross-checked against a scenario;
* ``events`` — a question's event -> the event-history ids it reads -> per-run first round;
* ``timing`` — the time rule (rounds dated at their midpoint; which rounds a window counts);
* ``forecast`` — ``forecast(scenario, questions, runs, seed)``: one simulation per origin;
* ``baserate`` / ``score`` — Brier and log scores beside a 50 % and a base-rate forecaster;
* ``commands`` — ``brink forecast`` and ``brink score``.

Import from the modules (``from brink.forecast.forecast import forecast``): the package
re-exports nothing, so that ``brink.forecast.forecast`` stays the module.
"""
