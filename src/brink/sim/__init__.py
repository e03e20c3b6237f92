"""Simulation: vectorised Monte Carlo of the deterrence system, interventions, results.

``simulate(scenario, runs, horizon, seed)`` returns a ``SimulationResult`` of
pandas DataFrames; ``compare(scenario, intervention, ...)`` pairs a baseline with
an intervention on common random numbers. The round loop is in ``engine.py``.
"""

from brink.sim.interventions import Force, Intervention, from_options, load_intervention
from brink.sim.results import Comparison, SimulationResult
from brink.sim.simulate import compare, simulate

__all__ = ["simulate", "compare", "SimulationResult", "Comparison", "Intervention", "Force",
           "load_intervention", "from_options"]
