"""The event store: real event-data formats, CAMEO/PLOVER coding, dyadic series.

    from brink.events import EventStore, dyad_series
    store = EventStore("brink.duckdb")
    store.import_file("20241001.export.CSV", "gdelt", SCENARIO)   # the scenario's actor dictionary
    dyad_series(store, "A,B", "W")                                # two of its actor ids

See docs/events.md. Names are imported lazily so that ``brink`` starts fast.
"""

from __future__ import annotations

_EXPORTS = {
    "EventStore": "brink.events.store",
    "ImportReport": "brink.events.store",
    "event_filter": "brink.events.store",
    "formats": "brink.events.importers",
    "dyad_series": "brink.events.series",
    "load_dictionary": "brink.events.dictionary",
    "load_timeline": "brink.events.scenario_link",
    "candidate_decision_points": "brink.events.scenario_link",
    "candidates_yaml": "brink.events.scenario_link",
    "plot_series": "brink.events.plots",
    "plot_timeline": "brink.events.plots",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'brink.events' has no attribute {name!r}")
