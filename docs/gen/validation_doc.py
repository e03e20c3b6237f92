"""Generate docs/validation.md: the backtest of the decision model on iran-2024's episodes and questions.

    .venv/bin/python docs/gen/validation_doc.py docs/validation.md           # write the page and img/validation_reliability.png beside it
    .venv/bin/python docs/gen/validation_doc.py docs/validation.md --check   # exit 1 when the page is stale
    .venv/bin/python docs/gen/validation_doc.py -                            # print the page

Every number on the page is computed here from the built-in scenario and its
episodes (fits are deterministic; the bootstrap is seeded), so the page can be
regenerated whenever the scenario changes. The reading of the results is also
computed from the numbers (who beats whom, and whether the bootstrap interval of
the difference excludes 0), next to fixed caveats. The question backtest
simulates each 2024 origin twice (unfitted and fitted) with the NumPy engine,
2,000 runs each: about half a minute; no test runs ``--check``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doctools import check, md_table, write_text  # noqa: E402

from brink.fit.backtest import NOISE  # noqa: E402
from brink.numfmt import number  # noqa: E402

SCENARIO = "iran-2024"
COMMAND = ".venv/bin/python docs/gen/validation_doc.py docs/validation.md"
IMAGE = "img/validation_reliability.png"
SPLITS = (dt.date(2024, 1, 1), dt.date(2024, 4, 1))
BOOTSTRAP = 100
SEED = 0
N_BOOT = 2000                       # paired bootstrap of the test episodes for the differences
QUESTIONS = "questions_2024"
Q_RUNS, Q_SEED, Q_BACKEND = 2000, 0, "numpy"


def _interval(lo, hi) -> str:
    return "—" if lo != lo or hi != hi else f"[{number(lo, '+.3f')}, {number(hi, '+.3f')}]"


def _differences_table(d) -> str:
    """The differences frame as the page shows it: mean, interval and verdict for each score."""
    import pandas as pd

    return md_table(pd.DataFrame({
        "scope": d["scope"], "against": d["against"], "episodes": d["episodes"],
        "Δ log score": [number(x, "+.3f") for x in d["d_log"]],
        "95 % interval": [_interval(a, b) for a, b in zip(d["d_log_lo"], d["d_log_hi"])],
        "log verdict": d["log_verdict"],
        "Δ Brier": [number(x, "+.3f") for x in d["d_brier"]],
        "95 % interval ": [_interval(a, b) for a, b in zip(d["d_brier_lo"], d["d_brier_hi"])],
        "Brier verdict": d["brier_verdict"]}))


def _reading(d, label: str) -> str:
    """One line per design: the fitted model's overall verdict against each forecaster."""
    out = []
    for r in d[d["scope"] == "all"].itertuples():
        out.append(f"{r.against}: log score {r.log_verdict} ({number(r.d_log, '+.3f')}, "
                   f"{_interval(r.d_log_lo, r.d_log_hi)}), Brier {r.brier_verdict} ({number(r.d_brier, '+.3f')}, "
                   f"{_interval(r.d_brier_lo, r.d_brier_hi)})")
    return f"- **{label}** — fitted model against " + "; ".join(out) + "."


def _by_actor_table(res, score: str) -> str:
    t = res.by_actor()
    wide = t.pivot(index="actor", columns="forecaster", values=score)[list(res.predictions)]
    wide.insert(0, "episodes", t.groupby("actor")["episodes"].first())
    return md_table(wide.reset_index())


GOAL_AGAINST = ("base rate", "tit-for-tat", "uniform")   # the issue's goal: better than each of these


def _goal_section(results, diffs) -> list[str]:
    """Whether the goal is reached in each design, by how much, and where it is missed, episode by episode.

    The goal: the fitted model's log and Brier score better than the base rate, tit-for-tat and
    uniform, overall and for every actor with five or more test episodes (``differences`` has a
    row per such scope). A point difference in the model's favour inside the bootstrap noise is
    counted as "ahead, inside the noise", not as a win.
    """
    import pandas as pd

    out = ["## The goal: better than the base rate, tit-for-tat and uniform?", "",
           "For each design and each scope (all test episodes; each actor with at least 5), the fitted "
           "model's point difference and its verdict against the three reference forecasters. *ahead* and "
           "*behind* are the sign of the mean difference; the verdict says whether the bootstrap interval "
           "excludes 0.", ""]
    rows, misses = [], []
    for label, _ in results:
        d = diffs[label]
        for r in d[d["against"].isin(GOAL_AGAINST)].itertuples():
            ahead_log, ahead_brier = r.d_log > 0, r.d_brier < 0
            rows.append({"design": label, "scope": r.scope, "against": r.against, "episodes": r.episodes,
                         "log": f"{'ahead' if ahead_log else 'behind'} {number(r.d_log, '+.3f')} ({r.log_verdict})",
                         "Brier": f"{'ahead' if ahead_brier else 'behind'} {number(r.d_brier, '+.3f')} "
                                  f"({r.brier_verdict})"})
            if not (ahead_log and ahead_brier):
                misses.append((label, r.scope, r.against))
    out += [md_table(pd.DataFrame(rows), counts=("episodes",)), ""]
    n = len(rows)
    wins = sum(1 for r in rows if r["log"].endswith("(better)") and r["Brier"].endswith("(better)"))
    out += [f"Of {n} comparisons the model is ahead on both scores in {n - len(misses)}, and significantly "
            f"better on both in {wins}. The goal is " + ("reached." if not misses else
            "**not reached**: behind on at least one score in "
            + "; ".join(f"{lab} / {sc} vs {ag}" for lab, sc, ag in misses) + "."), ""]
    out += ["### Where the model loses to the base rate, episode by episode", "",
            "Each test episode where the fitted model gave what happened a lower probability than the base "
            "rate did (Δ log < 0), worst first: the deciding actor, what it did, how its decision state was "
            "built, both probabilities, and the category the model expected instead.", ""]
    for label, res in results:
        v = res.versus("base rate")
        lost = v[v["d_log"] < 0]
        out += [f"**{label}** — {len(lost)} of {len(v)} test episodes:", ""]
        if len(lost):
            t = lost[["episode_id", "actor", "observed", "state", "p_model", "p_against", "model_top", "p_top",
                      "d_log"]].rename(columns={"p_model": "P model", "p_against": "P base rate",
                                                "model_top": "model expected", "p_top": "P expected"})
            out += [md_table(t), ""]
        con = int((lost["state"] == "constructed").sum())
        out += [f"{con} of these {len(lost)} are in constructed states (the March 2024 world standing in "
                "for an earlier year).", ""] if len(lost) else []
    return out


def _activity_section(sc, qb, mapping) -> list[str]:
    """How often each actor acts in the simulation, unfitted and fitted, beside the record.

    A check of the question backtest's reading (a fit to single decisions makes the simulated world
    busier): from the first question's posing date to the scenario's as_of, the mean number of
    moves other than "none" per run and actor, under the scenario's values and under the fit made
    for that date, next to the moves the scenario's timeline records in the same weeks.
    """
    import pandas as pd

    from brink.sim.simulate import simulate

    origin = min(d for d, f in qb.fits.items() if f is not None)
    rounds = max(1, int((sc.meta.as_of - origin).days // sc.round_days))
    counts = {}
    for label, over in (("unfitted", None), ("fitted", qb.fits[origin].overrides_)):
        ev = simulate(sc, runs=Q_RUNS, horizon=rounds, seed=Q_SEED, as_of=origin, set=over,
                      backend=Q_BACKEND).events()
        cat = ev[ev["kind"] == "category"]
        acted = cat[~cat["event"].str.endswith(":none")]
        counts[label] = acted.groupby("actor")["mean_count"].sum()
    record = pd.Series([sc.action(e.action).actor for e in sc.timeline
                        if e.action and origin < e.date <= sc.meta.as_of
                        and sc.action(e.action).category != "none"], dtype=object).value_counts()
    actors = sorted(set(counts["unfitted"].index) | set(counts["fitted"].index))
    t = pd.DataFrame({"actor": actors,
                      "moves per run, unfitted": [counts["unfitted"].get(a, 0.0) for a in actors],
                      "moves per run, fitted": [counts["fitted"].get(a, 0.0) for a in actors],
                      "moves on the timeline": [int(record.get(a, 0)) for a in actors]})
    tot_u, tot_f = t["moves per run, unfitted"].sum(), t["moves per run, fitted"].sum()
    n_none = sum(c.observed == "none" for c in mapping.contexts)
    return [
        f"**How busy the simulated world is.** From {origin} to as_of {sc.meta.as_of} ({rounds} rounds), "
        "the mean number of moves other than *none* per run, by actor, under the scenario's values and "
        f"under the fit made for {origin} (`simulate(..., as_of={origin}, set=fit.overrides_)`, "
        f"{Q_RUNS:,} runs, seed {Q_SEED}), beside the moves the scenario's timeline records in those weeks "
        "(the timeline lists the notable moves only, so it is a floor):",
        "",
        md_table(t, spec=".2f", counts=("moves on the timeline",)),
        "",
        f"In all, {number(tot_u, '.1f')} moves per run unfitted and {number(tot_f, '.1f')} fitted, against "
        f"{int(t['moves on the timeline'].sum())} on the timeline. "
        + ("The fitted world is the busier one, which is what the reading above expects: the coded episodes "
           "are all answers to a trigger (a strike, a killing, an attack), so the fit learns how actors "
           "answer provocations (with nothing in " f"{n_none} of {len(mapping.contexts)} mapped episodes) and the simulation applies that to every round, "
           "quiet ones included. A fit that transfers to the simulation needs the quiet rounds too "
           "(decisions not to act when nothing happened), which the episode file does not code."
           if tot_f > tot_u else
           "The fitted world is not the busier one, so the reading above is not borne out here."),
        "",
    ]


def _question_section(qb) -> list[str]:
    rows = qb.to_frame()
    table = rows[["id", "as_of", "fit_episodes", "p_unfitted", "p_fitted", "resolved"]].copy()
    lam = [qb.fits[d].overrides_.get("lambda", math.nan) if qb.fits[d] is not None else math.nan
           for d in rows["as_of"]]
    table.insert(3, "fitted λ", lam)
    table.columns = ["id", "posed", "episodes in fit", "fitted λ", "P unfitted", "P fitted", "outcome"]
    table["outcome"] = table["outcome"].map({True: "yes", False: "no"}).fillna("not scored")
    pct = (lambda x: "undefined" if x != x else number(100 * x, ".1f") + " %")
    table["P unfitted"] = table["P unfitted"].map(pct)
    table["P fitted"] = table["P fitted"].map(pct)
    tot = qb.totals().set_index("forecaster")
    unf, fit = tot.iloc[0], tot.iloc[1]
    closer = int(((rows["brier_fitted"] < rows["brier_unfitted"])).sum())
    further = int(((rows["brier_fitted"] > rows["brier_unfitted"])).sum())
    who = (lambda a, b, lower: "fitted" if (a < b) == lower else "unfitted")
    lams = sorted({f.overrides_["lambda"] for f in qb.fits.values() if f is not None and "lambda" in f.overrides_})
    lam0 = next((f.lambda0_ for f in qb.fits.values() if f is not None), math.nan)
    move = (rows["p_fitted"] - rows["p_unfitted"]).abs().sort_values(ascending=False, kind="stable")
    big = [f"{r.id} ({pct(r.p_unfitted)} → {pct(r.p_fitted)}, resolved {'yes' if r.resolved else 'no'})"
           for r in rows.loc[move.index[:3]].itertuples()]
    return [
        "## Question backtest: forecasts of 2024 questions, unfitted and fitted before each date",
        "",
        f"`brink backtest {SCENARIO} --questions {QUESTIONS} --runs {Q_RUNS} --seed {Q_SEED} --backend {Q_BACKEND}`"
        f" (`brink.fit.question_backtest`): each question of `{QUESTIONS}` (posed at "
        f"{len(set(rows['as_of']))} dates of 2024, all resolved by the scenario's as_of date) is forecast "
        "twice by `brink forecast`'s engine from its posing date D: with the scenario's own values, and with "
        "the decision model fitted only on the mapped episodes whose response came before D (one fit per "
        "date, its estimates applied as `brink simulate --set` would apply them; same runs and seed). Both "
        "are scored by `brink score` beside its 50 % and base-rate references.",
        "",
        md_table(table, counts=("episodes in fit",)),
        "",
        md_table(qb.totals(), counts=("questions",)),
        "",
        f"On these {int(unf['questions'])} questions the **{who(fit['brier'], unf['brier'], True)}** forecasts "
        f"have the lower Brier score ({number(fit['brier'], '.3f')} fitted, {number(unf['brier'], '.3f')} "
        f"unfitted) and the **{who(fit['log_score'], unf['log_score'], False)}** ones the higher log score "
        f"({number(fit['log_score'], '.3f')} fitted, {number(unf['log_score'], '.3f')} unfitted); the fit "
        f"brings {closer} question{'s' if closer != 1 else ''} closer to what happened and moves {further} "
        f"further away. The largest moves: {', '.join(big)}."
        + (f" Every fit lowers λ (to {number(min(lams), '.3g')}–{number(max(lams), '.3g')}, from the scenario's "
           f"{number(lam0, '.3g')}). A likely reading: a λ fitted to single decisions makes "
           "each round's choice noisier, and over the rounds of a question's window the noise "
           "adds up to escalations that did not happen (checked below)." if lams and max(lams) < lam0 and fit["brier"] > unf["brier"]
           else ""),
        "",
    ]


def generate(image: Path | None = None) -> str:
    """The page; with ``image``, the leave-one-out reliability diagram is written there too."""
    from brink.fit import DecisionModelFit, backtest, map_scenario_episodes, reliability_diagram
    from brink.fit.episodes import EPISODES_FILE
    from brink.fit.plots import save_png

    model, eps, mapping = map_scenario_episodes(SCENARIO)
    sc = model.scenario
    fit = DecisionModelFit(SCENARIO, bootstrap=BOOTSTRAP, seed=SEED)
    fit.model_ = model
    fit.fit(mapping.contexts)
    results = [(f"split {s}", backtest(model, mapping, split=s)) for s in SPLITS]
    results.append(("leave-one-out", backtest(model, mapping, loo=True)))
    diffs = {label: res.differences(N_BOOT, SEED) for label, res in results}
    from brink.fit.question_backtest import question_backtest

    qb = question_backtest(SCENARIO, QUESTIONS, runs=Q_RUNS, seed=Q_SEED, backend=Q_BACKEND)

    img_rel = IMAGE
    if image is not None:
        save_png(reliability_diagram(results[-1][1],
                                     names=["model (fitted)", "scenario (unfitted)", "base rate", "tit-for-tat"]),
                 image)
    episodes_file = "/".join(EPISODES_FILE)

    mt = mapping.to_frame()
    by_source = mapping.state_sources()
    lam0, lam1 = fit.estimates_.set_index("parameter").loc["lambda", ["scenario", "estimate"]]
    lam_text = (f"The fitted λ is {number(lam1, '.3g')} against the scenario's {number(lam0, '.3g')}: "
                + ("the data ask for a *less* confident model than the scenario's hand-set λ, which put "
                   "too much probability on choices the actors often did not make." if lam1 < lam0 else
                   "the data ask for a *more* confident model than the scenario's hand-set λ."))
    n_con = int(by_source.get("constructed", 0))
    loo = results[-1][1]
    by_actor = loo.by_actor()
    n_usa = int(by_actor.loc[by_actor["actor"] == "USA", "episodes"].max()) if (by_actor["actor"] == "USA").any() else 0
    loo_d = diffs["leave-one-out"]
    per_actor = loo_d[loo_d["scope"] != "all"]
    beats = sorted({r.scope for r in per_actor.itertuples() if r.against == "base rate" and r.log_verdict == "better"})
    loses = sorted({r.scope for r in per_actor.itertuples() if r.against == "base rate" and r.log_verdict == "worse"})
    noise = sorted({r.scope for r in per_actor.itertuples() if r.against == "base rate" and r.log_verdict == NOISE})
    few = sorted(set(by_actor["actor"]) - set(per_actor["scope"]))
    est = fit.estimates_[["parameter", "episodes", "scenario", "estimate", "se", "ci_low", "ci_high"]]
    unm = mt[~mt.mapped][["episode_id", "decision_actor", "observed", "detail"]]
    mp = mt[mt.mapped][["episode_id", "actor", "observed", "state", "detail"]]

    parts = [
        "# Validation: does the decision model forecast what actors really did?",
        "",
        f"<!-- generated by `{COMMAND}`; do not edit by hand -->",
        "",
        f"Scenario `{sc.meta.id}` (as_of {sc.meta.as_of}), episodes: the scenario's "
        f"`{episodes_file}` ({len(eps)} episodes, 2019-06 to 2024-10). Commands that reproduce "
        "every number below:",
        "",
        "```",
        "brink fit iran-2024 --bootstrap 100 --seed 0 --no-write",
        *[f"brink backtest iran-2024 --split {s} --bootstrap {N_BOOT} --seed {SEED}" for s in SPLITS],
        f"brink backtest iran-2024 --loo --bootstrap {N_BOOT} --seed {SEED} --out backtest/",
        f"brink backtest iran-2024 --questions {QUESTIONS} --runs {Q_RUNS} --seed {Q_SEED} --backend {Q_BACKEND}",
        "```",
        "",
        "## What is scored",
        "",
        "Each episode is mapped to a decision of the model (`brink.fit.mapping`): the deciding scenario "
        "actor, a decision state, and the response categories of that actor's feasible catalogue actions. "
        "The model's forecast is its logit choice distribution summed within categories. Forecasts are "
        "scored by the mean log probability of the category actually chosen (higher is better; a uniform "
        "guess over K categories scores log 1/K) and the multi-category Brier score (lower is better, 0 to 2). "
        "Every forecaster is scored on the same test episodes and the same choice sets.",
        "",
        f"**Mapped: {len(mapping.contexts)} of {len(eps)} episodes** — states from the scenario's own "
        f"decision points: {by_source.get('decision_point', 0)}, from the 2024 timeline: "
        f"{by_source.get('timeline', 0)}, replayed (the timeline replayed to the trigger date, "
        f"`history.state_on`, trigger applied as a catalogue action): {by_source.get('replayed', 0)}, "
        f"constructed (before the timeline starts: the scenario's start state, trigger applied): "
        f"{by_source.get('constructed', 0)}.",
        "",
        "Not mapped, with the reason:",
        "",
        md_table(unm),
        "",
        "<details><summary>Mapped episodes and how their states were built</summary>",
        "",
        md_table(mp),
        "",
        "</details>",
        "",
        "## Fit on all mapped episodes (in-sample)",
        "",
        f"Penalised maximum likelihood (prior sd {number(fit.lambda_prior_sd, 'g')} on log λ, {number(fit.weight_prior_sd, 'g')} on "
        f"the weight logits, {number(fit.tendency_prior_sd_, 'g')} on the tendencies in logit units "
        f"({fit.tendency_prior_sd_source_}), pooled per category across actors; tendencies are reported "
        f"in utility units), {fit.n_train_} episodes, all answered before as_of. Log-likelihood "
        f"{number(fit.loglik_, '.3f')} fitted against {number(fit.loglik_unfitted_, '.3f')} at the scenario's values. "
        f"Intervals: seeded bootstrap ({BOOTSTRAP} refits, seed {SEED}); se from the inverse Hessian. "
        "Actors with one or two episodes are held by the prior: their estimates say nothing new. "
        f"Optimiser: {'converged' if fit.converged_ else 'did not converge'}."
        + "".join(f" Warning: {w}." if not w.endswith(".") else f" Warning: {w}" for w in fit.warnings_),
        "",
        md_table(est),
        "",
        "## Backtests (out of sample)",
        "",
        "Each design's score table, then the fitted model's paired differences with every other forecaster "
        "(`BacktestResult.differences`): Δ = model minus forecaster, per test episode, averaged; Δ log score "
        "> 0 and Δ Brier < 0 favour the model. The 95 % interval is the percentile interval of the mean over "
        f"{N_BOOT} resamples of the test episodes with replacement (seed {SEED}; the same resamples for "
        "every forecaster), overall and for each actor with at least 5 test episodes. The verdict is "
        "*inside the noise* when the interval contains 0.",
        "",
    ]
    for label, res in results:
        parts += [f"### {label}", "", res.design + ".", "", md_table(res.to_frame()), "",
                  _differences_table(diffs[label]), ""]
    parts += [
        "## By deciding actor (leave-one-out)",
        "",
        "Mean log score (higher is better) per deciding actor and forecaster (`BacktestResult.by_actor`):",
        "",
        _by_actor_table(loo, "log_score"),
        "",
        "Mean Brier score (lower is better):",
        "",
        _by_actor_table(loo, "brier"),
        "",
    ]
    parts += _goal_section(results, diffs)
    parts += _question_section(qb)
    parts += _activity_section(sc, qb, mapping)
    parts += [
        "## Reliability (leave-one-out)",
        "",
        f"![reliability diagram]({img_rel})",
        "",
        "Every (episode, available category) pair is one probability forecast; pairs are binned by "
        "forecast and the bin's observed frequency is plotted against its mean forecast. With "
        f"{len(results[-1][1].test_ids)} episodes each bin holds a few dozen pairs at most: read it as a "
        "sketch, not a measurement.",
        "",
        md_table(results[-1][1].reliability("model (fitted)")),
        "",
        "## Reading",
        "",
        "Against the base rate, by actor (leave-one-out log score, paired bootstrap): "
        + "; ".join(f"{what} for {', '.join(who)}" for what, who in
                    (("better", beats), ("worse", loses), ("inside the noise", noise),
                     ("fewer than 5 test episodes, no interval", few)) if who) + ".",
        "",
        *[_reading(diffs[label], label) for label, _ in results],
        "",
        "What this means, and what it does not:",
        "",
        "- The fitted model is compared with forecasters that know nothing of the scenario's logic. Where "
        "the base rate or the uniform guess scores as well or better, the decision model adds no "
        "forecasting skill over counting on these episodes; the table says where that is the case.",
        f"- {lam_text}",
        "- The unfitted scenario is not a clean out-of-sample forecaster: its values were set by people "
        "who knew how 2024 went, and its 2024 decision points cite the very episodes scored here. Its "
        "scores flatter it if anything.",
        f"- {n_con} of {len(mapping.contexts)} decision states are constructed: the episodes before the "
        "2024 timeline starts are scored in the world of March 2024 with the trigger applied as a "
        "(sometimes stand-in) catalogue action. Where the model misses there, the miss is partly the "
        "mapping's.",
        f"- Small samples: a few dozen mapped episodes, a handful per actor, and only {n_usa} US decisions "
        "(the others are listed as not mapped above, each with its reason). "
        "The intervals above say how far the differences are from noise; they resample the test episodes "
        "as if they were independent (several answer the same trigger or the same month) and do not "
        "refit the model, so they are if anything too narrow.",
        "- The question backtest is a development check, not a test of skill: its question file says so, "
        "since the scenario's structure, hand-set values and decision points were written with 2024 in view. "
        "What it does test is the fit alone: the fitted forecasts differ from the unfitted ones only by "
        "values estimated from episodes answered before each question was posed. "
        f"{qb.fitted.n} questions, several sharing an origin and so a set of simulated runs, and {Q_RUNS:,} "
        f"runs per origin (a Monte Carlo standard error of at most {number(50 / math.sqrt(Q_RUNS), '.1f')} "
        "percentage points): read the totals as a direction, not a measurement.",
        "- One change was made after seeing test scores, and is reported as such: an actor with no "
        "training episode of its own (Israel before either 2024 split: all its coded decisions are from "
        "2024) first kept its scenario tendencies (none), so it was forecast from its concerns alone; it "
        "now gets the pooled mean of the fitted actors' tendencies, the hierarchical prior's own "
        "prediction for an actor it has not seen decide (`DecisionModelFit.pooled_actors_`). No value was "
        "chosen on a test fold: the tendencies' prior sd is still cross-validated inside each training set.",
        "- Tit-for-tat is scored with a fixed smoothing ε = 0.1; it loses heavily whenever actors answer "
        "below or above the trigger's rung, which in these episodes is often (restraint, rhetoric, proxies).",
        "",
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("doc", help="the page to write (docs/validation.md), or - to print it")
    ap.add_argument("--check", action="store_true", help="exit 1 if the page is stale (writes nothing)")
    args = ap.parse_args(argv)
    if args.doc == "-":
        sys.stdout.write(generate())
        return 0
    doc = Path(args.doc)
    if args.check:
        return check(doc, generate(), COMMAND)
    text = generate(image=doc.parent / IMAGE)
    write_text(doc, text)
    print(f"wrote {doc} and {doc.parent / IMAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
