"""``brink game``: the strategic game at a decision point, or a Gambit game file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from brink.console import console


def register(app: typer.Typer) -> None:
    app.command("game")(game_cmd)


def _fmt_prob(p: float) -> str:
    return f"{p:.3f}"


def game_cmd(
    scenario: Annotated[str, typer.Argument(help="built-in scenario name or path, or a Gambit .efg/.nfg file")] = "iran-2024",
    at: Annotated[str | None, typer.Option("--at", help="decision point id (default: the latest one of the game's first player)")] = None,
    sweep_: Annotated[str | None, typer.Option("--sweep", help="NAME=LO:HI:N: trace equilibria over a parameter or state variable")] = None,
    export: Annotated[Path | None, typer.Option("--export", help="write the game to this .efg (or the reduced game to .nfg)")] = None,
    info: Annotated[str, typer.Option("--info", help="game exported: sequential (perfect information) or posture (reduced)")] = "sequential",
    set_: Annotated[list[str] | None, typer.Option("--set", help="what-if NAME=VALUE (repeatable)")] = None,
    lam: Annotated[float | None, typer.Option("--lambda", help="logit precision for a game file (scenario games use the scenario's)")] = None,
    backend: Annotated[str, typer.Option("--backend", help="Nash solver: brink or gambit (needs pygambit)")] = "brink",
    plot_path: Annotated[Path | None, typer.Option("--plot", help="with --sweep: PNG path (default brink-results/game-sweep-NAME.png)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Equilibria of the game at a decision point: subgame-perfect path, all Nash equilibria of the
    reduced game, logit QRE at the scenario's λ; --sweep finds where the first mover's best response flips."""
    from brink.errors import BrinkError

    if backend not in ("brink", "gambit"):
        raise BrinkError(f"--backend {backend}: expected brink or gambit")
    if scenario.lower().endswith((".efg", ".nfg")):
        return _game_file(Path(scenario), lam, backend, export, as_json)

    from brink.games.builder import build_game
    from brink.model import compile_model, latest_decision_point
    from brink.model.intervention import parse_set
    from brink.scenario.loader import load_scenario

    sc = load_scenario(scenario)
    overrides = parse_set(set_)
    model = compile_model(sc, overrides)
    # default: the latest decision point of the first player the scenario's games: section lists
    dp = at or latest_decision_point(model, sc.games.players[0].actor if sc.games is not None else None)

    if sweep_:
        return _sweep(sc, dp, sweep_, overrides, plot_path, as_json)

    if export is not None:
        from brink.games.efg import write_efg
        from brink.games.nfg import write_nfg
        from brink.games.tree import reduced_normal_form

        if info not in ("sequential", "posture"):
            raise BrinkError(f"--info {info}: expected sequential or posture")
        dg = build_game(model, dp, info)
        if export.suffix.lower() == ".nfg":
            write_nfg(reduced_normal_form(dg.game)[0], export)
        elif export.suffix.lower() == ".efg":
            write_efg(dg.game, export)
        else:
            raise BrinkError(f"--export {export}: use a .efg or .nfg file name")
        if not as_json:
            console.print(f"wrote {export} ({dg.game.num_nodes} nodes, {info} game)", highlight=False)

    from brink.games.analysis import analyse

    res = analyse(model, dp, backend=backend)
    d = res.to_dict()
    if export is not None:
        d["exported"] = str(export)
    if as_json:
        typer.echo(json.dumps(d, indent=2))
        return
    _render(d, sc, dp)


def _render(d: dict, sc, dp_id: str) -> None:
    dp = sc.decision_point(dp_id)
    sg = d["sequential_game"]
    console.rule(f"[bold]{sc.meta.id}[/] — game at [bold]{dp_id}[/] ({dp.date}): {dp.label}")
    console.print(
        f"Sequential game: {' → '.join(d['players'])}, chance nodes for the random quantities of the moves; "
        f"{sg['nodes']} nodes, {sg['terminals']} terminal. Payoffs: each actor's decision-model utility "
        "of the end state relative to the decision point.", highlight=False)

    t = Table(title="Subgame-perfect equilibrium path (backward induction)")
    for c in ("mover", "move", "P(reached)", "note"):
        t.add_column(c)
    for step in d["spe"]["path"]:
        indent = "  " * step.get("level", 0)
        if step["mover"] == "":
            t.add_row(indent, "(end)", _fmt_prob(step["prob"]), f"outcome: {step.get('outcome', '')}; payoffs "
                      + ", ".join(f"{x:+.4f}" for x in step["payoff"]))
        elif step["mover"] == "chance":  # each branch on its own row, the play under it indented below
            t.add_row(indent + "chance", step["action"], _fmt_prob(step["prob"]),
                      f"{step.get('label', '')}: branch probability {_fmt_prob(step['branch_prob'])}")
        else:
            t.add_row(indent + step["mover"], step["action"], _fmt_prob(step["prob"]), "")
    console.print(t)
    if d["spe"]["ties"]:
        console.print(f"[yellow]ties at information sets {d['spe']['ties']}: the SPE is not unique[/]")

    t = Table(title="Nash equilibria of the reduced game (posture game: the later players commit without observing)")
    t.add_column("#"); t.add_column("kind")
    for p in d["players"]:
        t.add_column(p)
    t.add_column("payoffs"); t.add_column("outcomes")
    for i, e in enumerate(d["nash_reduced"], 1):
        cells = []
        for p in d["players"]:
            s = e["strategies"].get(p, {})
            cells.append(", ".join(f"{k} {v:.3f}" if v < 1 - 1e-9 else k for k, v in s.items()) or "—")
        pay = ", ".join(f"{v:+.4f}" for v in e["payoff"].values())
        oc = ", ".join(f"{k} {v:.2f}" for k, v in e["outcomes"].items() if v > 0.005)
        t.add_row(str(i), e["kind"], *cells, pay, oc)
    console.print(t)

    lam = d["lambda"]
    t = Table(title=f"Logit QRE at the scenario's λ ({', '.join(f'{k} {v:g}' for k, v in lam.items())})")
    t.add_column(f"{d['players'][0]} move"); t.add_column("agent QRE, sequential game", justify="right")
    first = d["players"][0]
    post_first = d["qre"]["posture"].get(first, {})
    t.add_column("QRE, reduced game", justify="right")
    for mv, p in d["qre"]["sequential"]["first_mover"].items():
        t.add_row(mv, _fmt_prob(p), _fmt_prob(post_first[mv]) if mv in post_first else "")
    console.print(t)
    oc = d["qre"]["sequential"]["outcomes"]
    console.print("Outcome classes under the sequential QRE: "
                  + ", ".join(f"{k} {v:.3f}" for k, v in oc.items()), highlight=False)
    if dp.taken:
        console.print(f"Actually taken at this point: {dp.taken}", style="dim")


def _sweep(sc, dp: str, spec: str, overrides: dict, plot_path: Path | None, as_json: bool) -> None:
    from rich.progress import Progress

    from brink.games import sweep as sw

    name, values = sw.parse_range(spec, sc, overrides)  # names and ranges checked before any solve
    # resolve the name once (clear error for unknown names)
    from brink.model import compile_model

    compile_model(sc, {**overrides, name: float(values[0])})
    pts = []
    with Progress(console=console, transient=True, disable=as_json) as prog:
        task = prog.add_task(f"sweeping {name}", total=len(values))
        for v in values:
            pts.append(sw._solve(sc, dp, name, float(v), overrides, None))
            prog.advance(task)
    thr = sw.thresholds(sc, dp, name, pts, overrides, None, 1e-6)
    res = sw.SweepResult(name, dp, pts, thr)
    out = plot_path or Path("brink-results") / f"game-sweep-{name.replace('.', '_')}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    sw.plot(res).savefig(out)
    d = res.to_dict()
    d["plot"] = str(out)
    if as_json:
        typer.echo(json.dumps(d, indent=2))
        return
    t = Table(title=f"{dp}: equilibrium as {name} changes")
    t.add_column(name, justify="right"); t.add_column("SPE move")
    moves = res.moves
    for m in moves:
        t.add_column(f"QRE {m}", justify="right")
    step = max(1, len(pts) // 12)
    for p in pts[::step] + ([pts[-1]] if (len(pts) - 1) % step else []):
        t.add_row(f"{p.value:.4g}", p.spe_move, *[_fmt_prob(p.qre.get(m, 0.0)) for m in moves])
    console.print(t)
    flips = [x for x in thr if x.get("kind") != "qre_mode"]
    if flips:
        for x in flips:
            console.print(f"[bold]threshold[/]: the SPE move flips from {x['from']} to {x['to']} at "
                          f"{name} = {x['at']:.6f}", highlight=False)
    else:
        console.print(f"no flip of the SPE move for {name} in [{values[0]:g}, {values[-1]:g}]")
    for x in thr:
        if x.get("kind") == "qre_mode":
            console.print(f"the most likely QRE move changes from {x['from']} to {x['to']} between "
                          f"{x['bracket'][0]:.4g} and {x['bracket'][1]:.4g}", highlight=False)
    console.print(f"plot: {out}", highlight=False)


def _game_file(path: Path, lam: float | None, backend: str, export: Path | None, as_json: bool) -> None:
    from brink.errors import BrinkError
    from brink.games.efg import write_efg
    from brink.games.nash import nash_equilibria
    from brink.games.nfg import read_game, write_nfg
    from brink.games.qre import logit_qre
    from brink.games.spe import subgame_perfect
    from brink.games.tree import ExtensiveGame, reduced_normal_form

    if lam is not None and not (math.isfinite(lam) and lam >= 0):
        raise BrinkError(f"--lambda {lam}: must be a finite number >= 0")
    if export is not None:
        if export.suffix.lower() not in (".efg", ".nfg"):
            raise BrinkError(f"--export {export}: use a .efg or .nfg file name")
        if export.exists() and path.exists() and export.resolve() == path.resolve():
            raise BrinkError(f"--export {export}: that is the game file being read; write to another name")
    g = read_game(path)
    out: dict = {"file": str(path), "title": g.title, "players": g.players}
    nf = g
    if isinstance(g, ExtensiveGame):
        try:
            nf, _ = reduced_normal_form(g)
        except BrinkError as exc:
            nf = None
            out["nash_skipped"] = str(exc)
        if g.is_perfect_information:
            s = subgame_perfect(g)
            out["spe"] = s.to_dict()
    eqs = nash_equilibria(nf, backend=backend) if nf is not None else []
    if nf is not None:
        out["strategies"] = nf.strategies
    out["nash"] = [e.to_dict() for e in eqs]
    if lam is not None:
        q = logit_qre(g, lam)
        out["qre"] = {"lambda": lam, "profile": q.tolist(),
                      "form": "agent (behaviour, infoset by infoset)" if isinstance(g, ExtensiveGame) else "strategic"}
    if export is not None:
        if export.suffix.lower() == ".efg" and isinstance(g, ExtensiveGame):
            write_efg(g, export)
        elif export.suffix.lower() == ".nfg" and nf is not None:
            write_nfg(nf, export)
        else:
            raise BrinkError(f"--export {export}: a strategic game can only be written as .nfg")
        out["exported"] = str(export)
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    console.rule(f"[bold]{path.name}[/]: {g.title}")
    if "spe" in out:
        lines = s.path_lines()
        if len(lines) == 1:
            console.print("Subgame-perfect path: " + lines[0], highlight=False)
        else:
            console.print("Subgame-perfect path (each chance branch, then the play under it):", highlight=False)
            for line in lines:
                console.print("  " + line, highlight=False)
    if nf is None:
        console.print(f"Nash equilibria skipped: {out['nash_skipped']}", highlight=False)
    t = Table(title=f"Nash equilibria ({'reduced strategic form' if isinstance(g, ExtensiveGame) else 'strategic form'})")
    t.add_column("#")
    for p in g.players:
        t.add_column(p)
    t.add_column("payoffs")
    for i, e in enumerate(eqs if nf is not None else [], 1):
        cells = [", ".join(f"{s} {x:.4g}" for s, x in zip(nf.strategies[j], e.strategies[j]) if x > 1e-12)
                 for j in range(len(g.players))]
        t.add_row(str(i), *cells, ", ".join(f"{v:.4g}" for v in e.payoff))
    if nf is not None:
        console.print(t)
    if "qre" in out:
        console.print(f"logit QRE at λ = {lam:g} ({out['qre']['form']}): "
                      + " ".join(f"{x:.4f}" for x in out["qre"]["profile"]), highlight=False)
