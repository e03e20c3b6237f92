"""Simulation: vectorised Monte Carlo of the deterrence system, interventions, results.

``simulate(scenario, runs, horizon, seed)`` returns a ``SimulationResult`` of
pandas DataFrames; ``compare(scenario, intervention, ...)`` pairs a baseline with
an intervention on common random numbers. Both take the CLI's what-if shorthands
(``set=``, ``disable=``, ``force=``, ``close_channel=``; see ``what_if``). The
round loop is in ``engine.py``.
"""

from brink.sim.interventions import Force, Intervention, from_options, load_intervention
from brink.sim.results import Comparison, SimulationResult
from brink.sim.simulate import compare, simulate, what_if

__all__ = ["simulate", "compare", "what_if", "SimulationResult", "Comparison", "Intervention", "Force",
           "load_intervention", "from_options"]
