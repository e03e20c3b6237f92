"""``brink serve``: a web dashboard over a JSON API (FastAPI under uvicorn).

* :mod:`~brink.web.limits` — the bounds a server enforces (run sizes, concurrent jobs);
* :mod:`~brink.web.catalog` — the scenarios a server may open (those named on the command line);
* :mod:`~brink.web.views` — pure functions from a scenario and validated inputs to JSON-able views,
  each the same computation as the CLI command of the same name;
* :mod:`~brink.web.jobs` — long runs (forecasts, simulations, comparisons) as bounded, cached jobs;
* :mod:`~brink.web.api` — ``/api/v1/...`` (OpenAPI at ``/docs``);
* :mod:`~brink.web.pages` — the server-rendered pages and their small script;
* :mod:`~brink.web.app` — ``create_app``.
"""
