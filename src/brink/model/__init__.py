"""Decision model: concerns, utilities and logit choice — pure functions of a state.

Imports only ``brink.scenario``.
"""

from brink.model.choice import choice_probabilities, evaluate, logit
from brink.model.compiled import Model, compile_model
from brink.model.explain import Explanation, Replay, explain, explain_at, explain_default, replay
from brink.model.history import deciding_actor, latest_decision_point, state_after, state_at

__all__ = [
    "Model", "compile_model", "evaluate", "choice_probabilities", "logit",
    "Explanation", "Replay", "explain", "explain_at", "explain_default", "replay",
    "state_at", "state_after", "latest_decision_point", "deciding_actor",
]
