"""Time brink's game solvers against pygambit on a scenario's games (default iran-2024).

For every decision point whose game has every player moving (the decision
point's actor is the game's first player: Iran in iran-2024), on the same game
objects (the pygambit copy is built once, outside the timing):

* SPE       — brink backward induction vs Gambit's logit end point
              (``logit_solve``; Gambit has no dedicated SPE solver).
* QRE(λ)    — agent logit QRE of the sequential tree at the scenario's λ:
              brink's exact backward sweep vs ``logit_solve_lambda``.
* QRE trace — the whole branch: brink at every λ Gambit's ``logit_solve_branch``
              visits (same points) vs ``logit_solve_branch``.
* Nash      — all equilibria of the reduced (posture) game: brink support
              enumeration vs ``enumpoly_solve``.
* QRE(λ) reduced — logit QRE of the reduced game's strategic form.

Prints seconds (median of repeats) and the ratio pygambit / brink (> 1: brink faster).

    .venv/bin/python benchmarks/games_solve.py [--repeat 5] [--scenario iran-2024]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def timeit(fn, repeat: int) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scenario", default="iran-2024")
    args = ap.parse_args()

    import pygambit as gbt

    from brink.games import gambit_bridge as gb
    from brink.games.builder import build_game, scale_payoffs, scenario_moves
    from brink.games.nash import nash_equilibria
    from brink.games.qre import agent_qre_pi, logit_qre
    from brink.games.spe import subgame_perfect
    from brink.games.tree import reduced_normal_form
    from brink.model import compile_model
    from brink.scenario import load_scenario

    sc = load_scenario(args.scenario)
    model = compile_model(sc)
    dps = [d.id for d in sc.decision_points if next(iter(scenario_moves(sc, d.id))) == d.actor]
    rows = []
    for dp in dps:
        seq = build_game(model, dp)
        g = seq.scaled()
        lam = seq.lam
        bs = gb.Bridged(g)
        r = args.repeat
        spe_b = timeit(lambda: subgame_perfect(g), r)
        spe_g = timeit(lambda: gbt.nash.logit_solve(bs.g), max(1, r // 2))
        q_b = timeit(lambda: agent_qre_pi(g, [lam]), r)
        q_g = timeit(lambda: gbt.qre.logit_solve_lambda(bs.g, [lam]), max(1, r // 2))
        branch = gbt.qre.logit_solve_branch(bs.g)
        lams = np.array([p.lam for p in branch])
        tr_b = timeit(lambda: agent_qre_pi(g, lams), r)
        tr_g = timeit(lambda: gbt.qre.logit_solve_branch(bs.g), max(1, r // 2))
        post = build_game(model, dp, info="posture")
        nf = scale_payoffs(reduced_normal_form(post.game)[0], post.lams / post.lam)
        bn = gb.Bridged(nf)
        n_b = timeit(lambda: nash_equilibria(nf), r)
        n_g = timeit(lambda: gbt.nash.enumpoly_solve(bn.g, use_strategic=True), max(1, r // 2))
        rq_b = timeit(lambda: logit_qre(nf, post.lam), r)
        rq_g = timeit(lambda: gbt.qre.logit_solve_lambda(bn.g, [post.lam], use_strategic=True), r)
        rows.append((dp, seq.game.num_nodes, len(lams), spe_b, spe_g, q_b, q_g, tr_b, tr_g, n_b, n_g, rq_b, rq_g))

    print(f"{args.scenario} games, median of {args.repeat} runs; ratio = pygambit time / brink time")
    head = f"{'decision point':22s} {'nodes':>5s} {'λ pts':>5s}"
    for name in ("SPE", "QRE(λ)", "QRE trace", "Nash reduced", "QRE reduced"):
        head += f" | {name:>27s}"
    print(head)
    for row in rows:
        dp, n, L = row[:3]
        line = f"{dp:22s} {n:5d} {L:5d}"
        for b, g in zip(row[3::2], row[4::2]):
            line += f" | {b * 1e3:8.2f}ms {g * 1e3:9.1f}ms x{g / b:6.0f}"
        print(line)
    ratios = np.array([[g / b for b, g in zip(row[3::2], row[4::2])] for row in rows])
    print("min ratio per solver (>1 means brink is faster on every game):",
          ", ".join(f"{n} {x:.1f}" for n, x in zip(("SPE", "QRE(λ)", "QRE trace", "Nash", "QRE reduced"),
                                                   ratios.min(axis=0))))


if __name__ == "__main__":
    main()
