"""Textbook games with known answers, used by the tests and the docs.

* :func:`chain_store` — Selten's chain-store stage game. The entrant stays out
  or enters; the incumbent fights or acquiesces. The subgame-perfect
  equilibrium is (enter, acquiesce); the strategic form also has the Nash
  equilibria in which the entrant stays out, held up by a threat to fight with
  probability at least 1/2 (one component; its extreme points are
  fight = 1 and fight = 1/2).
* :func:`matching_pennies` — unique equilibrium, both mix 1/2–1/2, and the
  logit QRE is the same profile for every λ.
* :func:`jordan_pennies` — Jordan's three-player matching pennies: 1 wants to
  match 2, 2 wants to match 3, 3 wants to mismatch 1. Unique equilibrium, all
  mix 1/2–1/2.
* :func:`selten_horse` — Selten's horse: a three-player tree with imperfect
  information (player 3 does not know whether 1 or 2 moved last).
* :func:`deterrence_tree` — a small three-player perfect-information
  deterrence game with chance interception, shaped like the games brink
  builds from a scenario, with hand-checkable payoffs.
"""

from __future__ import annotations

from brink.games.tree import ExtensiveGame, GameBuilder, NormalFormGame


def chain_store() -> ExtensiveGame:
    b = GameBuilder(["Entrant", "Incumbent"], title="Chain-store stage game (Selten 1978)")
    out, inn = b.move(b.root, "Entrant", ["out", "in"], label="entry decision")
    b.outcome(out, [0, 2], label="stay out")
    fight, acq = b.move(inn, "Incumbent", ["fight", "acquiesce"])
    b.outcome(fight, [-1, -1], label="price war")
    b.outcome(acq, [1, 1], label="shared market")
    return b.build()


def matching_pennies() -> NormalFormGame:
    return NormalFormGame(
        ["Matcher", "Mismatcher"], [["H", "T"], ["H", "T"]],
        [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]], title="Matching pennies",
    )


def jordan_pennies() -> NormalFormGame:
    import numpy as np

    pay = np.zeros((3, 2, 2, 2))
    for a in range(2):
        for b in range(2):
            for c in range(2):
                pay[0, a, b, c] = 1 if a == b else -1
                pay[1, a, b, c] = 1 if b == c else -1
                pay[2, a, b, c] = 1 if c != a else -1
    return NormalFormGame(["1", "2", "3"], [["H", "T"]] * 3, pay, title="Jordan's three-player matching pennies")


def selten_horse() -> ExtensiveGame:
    b = GameBuilder(["1", "2", "3"], title="Selten's horse")
    d1, c1 = b.move(b.root, "1", ["D", "C"])
    d2, c2 = b.move(c1, "2", ["d", "c"])
    b.outcome(c2, [1, 1, 1])
    l1, r1 = b.move(d1, "3", ["L", "R"], infoset="p3")
    l2, r2 = b.move(d2, "3", ["L", "R"], infoset="p3")
    b.outcome(l1, [0, 0, 0]); b.outcome(r1, [3, 2, 2])
    b.outcome(l2, [4, 4, 0]); b.outcome(r2, [0, 0, 1])
    return b.build()


def deterrence_tree() -> ExtensiveGame:
    """Attacker (A) chooses hold / strike; a strike is intercepted with probability 0.8;
    defender (D) then restrains or retaliates; the patron (P) stays out or joins."""
    b = GameBuilder(["A", "D", "P"], title="Toy deterrence game")
    hold, strike = b.move(b.root, "A", ["hold", "strike"])
    b.outcome(hold, [-1, 0, 0])
    intercepted, hit = b.chance(strike, ["intercepted", "hit"], [0.8, 0.2], label="interception")
    for node, dmg in ((intercepted, 0.0), (hit, 2.0)):
        restrain, retaliate = b.move(node, "D", ["restrain", "retaliate"])
        b.outcome(restrain, [1, -dmg - 1, 0])
        out, join = b.move(retaliate, "P", ["stay out", "join"])
        b.outcome(out, [-2, -dmg + 0.5, -0.5])
        b.outcome(join, [-4, -dmg + 1.0, -1.5 + dmg])
    return b.build()


def mckelvey_mclennan_2x2x2() -> NormalFormGame:
    """The 2×2×2 game of McKelvey and McLennan (1997) with nine Nash equilibria, two totally
    mixed — the most a game of that size can have (payoffs as in Gambit's ``2x2x2.nfg``)."""
    import numpy as np

    # outcomes listed with player 1's strategy changing fastest, as in .nfg files
    table = [(9, 8, 12), (0, 0, 0), (0, 0, 0), (9, 8, 2), (0, 0, 0), (3, 4, 6), (3, 4, 6), (0, 0, 0)]
    pay = np.zeros((3, 2, 2, 2))
    for r, out in enumerate(table):
        a, b, c = r % 2, (r // 2) % 2, r // 4
        pay[:, a, b, c] = out
    return NormalFormGame(["1", "2", "3"], [["1", "2"]] * 3, pay,
                          title="2x2x2 example of McKelvey and McLennan: 9 equilibria, 2 totally mixed")
