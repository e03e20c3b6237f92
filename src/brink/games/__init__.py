"""Strategic games at a decision point: trees and strategic forms, their
equilibria (subgame-perfect, Nash, logit QRE), Gambit file formats, and the
builder that turns a scenario's decision point into a game.

Solvers are plain functions that take a game and return arrays, in the manner
of pygambit; pygambit itself is optional (reference and backend, see
:mod:`brink.games.gambit_bridge`).
"""

from __future__ import annotations

from brink.games.efg import read_efg, write_efg
from brink.games.equilibrium import Equilibrium
from brink.games.nash import nash_equilibria
from brink.games.nfg import read_game, read_nfg, write_nfg
from brink.games.qre import agent_qre_pi, logit_qre, logit_trace
from brink.games.spe import subgame_perfect
from brink.games.tree import ExtensiveGame, GameBuilder, NormalFormGame, reduced_normal_form

__all__ = [
    "Equilibrium", "ExtensiveGame", "GameBuilder", "NormalFormGame", "agent_qre_pi", "logit_qre",
    "logit_trace", "nash_equilibria", "read_efg", "read_game", "read_nfg", "reduced_normal_form",
    "subgame_perfect", "write_efg", "write_nfg",
]
