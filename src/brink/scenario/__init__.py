"""Scenario model: schema, loading with file/line errors, validation, provenance.

This package imports nothing from the rest of brink: every other capability
builds on it.
"""

from brink.scenario.loader import builtin_names, load_scenario
from brink.scenario.schema import Action, Actor, DecisionPoint, Param, Scenario

__all__ = ["load_scenario", "builtin_names", "Scenario", "Actor", "Action", "DecisionPoint", "Param"]
