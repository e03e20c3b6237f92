"""The forecast report of a simulation: one self-contained HTML file.

Sections: episode probabilities with 95 % intervals; episodes over time (started
by, and under way at, each round); time-to-event curves of the actors' categories of
action; an escalation fan chart per front; how often
each actor took each action; the assumptions the numbers rest on
(``brink.scenario.provenance.assumptions``). Figures are PNG, base64-embedded.

The figures are plain ``matplotlib.figure.Figure`` objects, made without pyplot,
so writing a report never switches the caller's backend. ``fig_probabilities``,
``fig_event_curves`` and ``fig_differences`` draw on a given Axes (``ax=``) or a
new Figure; ``fig_over_time``, ``fig_fans`` and ``fig_actions`` (several panels) on a given Figure
(``fig=``) or a new one. Each returns its Figure.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from matplotlib.figure import Figure

from brink.scenario.provenance import assumptions

CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}
.small{font-size:12px;color:#555}img{max-width:100%}"""


def _axes(ax, figsize):
    """The Axes to draw on and its Figure: ``ax`` itself, or one on a new pyplot-free Figure."""
    if ax is None:
        ax = Figure(figsize=figsize).subplots()
    return ax.figure, ax


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return f'<img src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _table(df, pct: tuple[str, ...] = (), fmt: dict | None = None) -> str:
    fmt = fmt or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, row):
            if c in pct:
                cells.append(f'<td class="n">{v:.2%}</td>')
            elif c in fmt:
                cells.append(f'<td class="n">{fmt[c](v)}</td>')
            elif isinstance(v, float):
                cells.append(f'<td class="n">{v:.4g}</td>')
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def fig_probabilities(res, ax=None) -> Figure:
    p = res.probabilities()
    fig, ax = _axes(ax, (8, 3.2))
    y = range(len(p))
    ax.barh(y, p["probability"], color="#4477aa")
    ax.errorbar(p["probability"], y, xerr=[(p["probability"] - p["lo95"]).clip(lower=0), (p["hi95"] - p["probability"]).clip(lower=0)],
                fmt="none", ecolor="k", capsize=3)
    ax.set_yticks(list(y), p["label"])
    ax.invert_yaxis()
    ax.set_xlabel(f"probability within {res.horizon} rounds ({res.horizon * res.round_weeks:g} weeks), 95 % interval\n"
                  "(episodes: starts at least once; default state: no episode under way at the horizon)")
    ax.set_xlim(0, 1)
    return fig


def fig_over_time(res, fig=None) -> Figure:
    """Two panels: P(each episode has started by week w), and the share of runs in which each
    episode is under way at week w (with the default state: no episode under way)."""
    c = res.over_time()
    fig = fig or Figure(figsize=(10, 3.6))
    a1, a2 = fig.subplots(1, 2, sharex=True)
    for o, label in zip(res.outcome_ids, res.outcome_labels):
        s = c[c["outcome"] == o]
        if o != res.default_outcome:
            a1.step(s["week"], s["started_by"], where="post", label=label)
        a2.plot(s["week"], s["under_way"], label=label, lw=2 if o == res.default_outcome else 1.2,
                color="k" if o == res.default_outcome else None)
    a1.set_ylabel("P(started by then)")
    a2.set_ylabel("share of runs: under way")
    for ax in (a1, a2):
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    a2.legend(fontsize=7, loc="upper right")
    fig.supxlabel(f"weeks after the forecast origin ({res.meta.get('origin', '')})")
    fig.tight_layout()
    return fig


def fig_event_curves(res, top: int = 10, ax=None) -> Figure:
    """P(event by week w) for the ``top`` most likely actor categories of action other than
    doing nothing (``category`` none), as time-to-event curves."""
    fig, ax = _axes(ax, (8, 4))
    cats = res.top_categories(top)
    for actor, cat in cats:
        cur = res.event_curve(res.event_ids(actor=actor, category=cat))
        ax.step(cur["week"], cur["probability"], where="post", label=f"{actor}:{cat}")
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"weeks after the forecast origin ({res.meta.get('origin', '')})")
    ax.set_ylabel("P(at least once by then)")
    if cats:
        ax.legend(fontsize=7, loc="lower right")
    else:
        ax.text(0.5, 0.5, "no action other than doing nothing (category none) in this scenario",
                ha="center", va="center", transform=ax.transAxes, fontsize=9)
    ax.grid(alpha=0.3)
    return fig


def _event_table(res) -> str:
    ev = res.events()
    ev = ev[ev["kind"] != "action"].sort_values(["kind", "probability"], ascending=[False, False])
    return _table(ev[["kind", "event", "probability", "lo95", "hi95", "median_week", "mean_count"]],
                  pct=("probability", "lo95", "hi95"))


def _fans(res, title: str) -> str:
    """The fan-chart section, or a note where the scenario has no fronts (nothing to chart)."""
    if res.fronts is None or res.fronts.empty:
        return (f"<h2>{title}</h2><p class='small'>No fan chart: the scenario defines no fronts "
                "(<code>fronts:</code>), so there is no escalation level to chart.</p>")
    return f"<h2>{title}</h2><p class='small'>Quantiles over all trajectories.</p>" + _png(fig_fans(res))


def fig_fans(res, fig=None) -> Figure:
    """One fan chart per front (a scenario without fronts: ``ValueError``; the report leaves it out)."""
    f = res.fronts
    fronts = list(dict.fromkeys(f["front"]))
    if not fronts:
        raise ValueError("no fronts to chart (the scenario defines no `fronts:`)")
    cols = 3
    rows = -(-len(fronts) // cols)
    fig = fig or Figure(figsize=(10, 2.6 * rows))
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
    for ax, fid in zip(axes.ravel(), fronts):
        s = f[f["front"] == fid]
        ax.fill_between(s["week"], s["q05"], s["q95"], color="#cc6677", alpha=0.25, label="5-95 %")
        ax.fill_between(s["week"], s["q25"], s["q75"], color="#cc6677", alpha=0.45, label="25-75 %")
        ax.plot(s["week"], s["q50"], color="#882255", lw=1.5, label="median")
        ax.set_title(fid, fontsize=10)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[len(fronts):]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7)
    fig.supxlabel("weeks after the as_of date")
    fig.supylabel("escalation level")
    return fig


def fig_actions(res, fig=None) -> Figure:
    a = res.action_shares()
    actors = list(dict.fromkeys(a["actor"]))
    fig = fig or Figure(figsize=(8, 0.32 * len(a) + 0.6 * len(actors)))
    axes = fig.subplots(len(actors), 1, squeeze=False,
                        gridspec_kw={"height_ratios": [max(1, (a["actor"] == x).sum()) for x in actors]})
    for ax, actor in zip(axes[:, 0], actors):
        s = a[a["actor"] == actor]
        ax.barh(range(len(s)), s["share"], color="#117733")
        ax.set_yticks(range(len(s)), s["action"], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(f"{actor}: share of its decisions", fontsize=9, loc="left")
    fig.tight_layout()
    return fig


def _assumption_rows(scenario) -> str:
    rows = assumptions(scenario)
    body = "".join(
        f"<tr><td>{html.escape(r.path)}</td><td class='n'>{'' if r.value is None else f'{r.value:g}'}</td>"
        f"<td>{html.escape(r.assumption or '')}</td><td>{html.escape(', '.join(r.evidence))}</td></tr>"
        for r in rows)
    return (f"<p class='small'>{len(rows)} facts and numbers rest at least partly on an assumption.</p>"
            f"<table><tr><th>where</th><th>value</th><th>assumption</th><th>evidence</th></tr>{body}</table>")


def _page(title: str, parts: list[str]) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>")


def _header(res, scenario) -> str:
    return (f"<h1>{html.escape(scenario.meta.title)}</h1>"
            f"<p>Forecast from {res.meta.get('origin', scenario.meta.as_of)}: {res.n:,} simulated trajectories of {res.horizon} rounds "
            f"of {res.round_weeks:g} weeks, seed {res.seed}; intervention: <b>{html.escape(res.intervention)}</b> "
            f"({html.escape(res.meta.get('intervention_detail', ''))}). "
            "Intervals are 95 % Wilson intervals for the Monte Carlo error only: they do not include "
            "the uncertainty of the assumed parameters listed at the end.</p>")


def simulation_report(res, scenario, path: str | Path) -> Path:
    """Write the forecast report of one simulation to ``path`` (an .html file)."""
    parts = [
        _header(res, scenario),
        "<h2>Episodes</h2><p class='small'>Every trajectory runs the whole horizon; an episode (a war, a "
        "crisis, a deal) can start, end and start again. For each episode: the probability that it starts "
        "within the horizon; for the default state: the probability that no episode is under way at the "
        "horizon.</p>", _png(fig_probabilities(res)),
        _table(res.probabilities()[["outcome", "label", "measure", "count", "probability", "lo95", "hi95",
                                    "at_end", "mean_starts"]],
               pct=("probability", "lo95", "hi95", "at_end")),
        "<h2>Episodes over time</h2>", _png(fig_over_time(res)),
        "<h2>Events over time</h2><p class='small'>Probability that an actor takes a category of action at "
        "least once by each week (time-to-event curves), and the table of every category and episode "
        "(median week of the first occurrence among the runs where it happens).</p>",
        _png(fig_event_curves(res)), _event_table(res),
        _fans(res, "Escalation per front"),
        "<h2>Actions taken</h2>", _png(fig_actions(res)),
        "<h2>Assumptions</h2>", _assumption_rows(scenario),
    ]
    p = Path(path)
    tmp = p.with_suffix(".html.tmp")
    tmp.write_text(_page(f"brink forecast: {scenario.meta.id}", parts), encoding="utf-8")
    tmp.replace(p)
    return p


def fig_differences(cmp, ax=None) -> Figure:
    d = cmp.differences()
    fig, ax = _axes(ax, (8, 3.2))
    y = range(len(d))
    ax.barh(y, d["difference"], color=["#cc6677" if x > 0 else "#4477aa" for x in d["difference"]])
    ax.errorbar(d["difference"], y, xerr=[(d["difference"] - d["lo95"]).clip(lower=0).fillna(0), (d["hi95"] - d["difference"]).clip(lower=0).fillna(0)],
                fmt="none", ecolor="k", capsize=3)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_yticks(list(y), d["label"])
    ax.invert_yaxis()
    ax.set_xlabel("change in probability (intervention - baseline), 95 % paired interval")
    return fig


def comparison_report(cmp, scenario, path: str | Path) -> Path:
    """Write the report of an intervention against the baseline (common random numbers)."""
    v = cmp.variant
    parts = [
        _header(v, scenario),
        "<h2>Effect of the intervention</h2><p class='small'>Baseline and intervention use the same random "
        "numbers run by run, so the interval is that of the paired differences.</p>",
        _png(fig_differences(cmp)),
        _table(cmp.differences()[["outcome", "label", "baseline", "variant", "difference", "lo95", "hi95"]],
               pct=("baseline", "variant", "difference", "lo95", "hi95")),
        "<h2>Episodes over time (intervention)</h2>", _png(fig_over_time(v)),
        _fans(v, "Escalation per front (intervention)"),
        "<h2>Actions taken (intervention)</h2>", _png(fig_actions(v)),
        "<h2>Assumptions</h2>", _assumption_rows(scenario),
    ]
    p = Path(path)
    tmp = p.with_suffix(".html.tmp")
    tmp.write_text(_page(f"brink compare: {scenario.meta.id} / {v.intervention}", parts), encoding="utf-8")
    tmp.replace(p)
    return p
