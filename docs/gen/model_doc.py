"""Regenerate the worked examples in docs/model.md from the model itself.

    .venv/bin/python docs/gen/model_doc.py docs/model.md           # rewrite the generated blocks
    .venv/bin/python docs/gen/model_doc.py docs/model.md --check   # exit 1 when the doc is stale (a test runs it)

The numbers in the doc are produced, not typed: the blocks between
``<!-- BEGIN name -->`` and ``<!-- END name -->`` are rewritten; the rest of the
page is hand-written and left alone. The page is about the built-in scenario
``iran-2024``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doctools import blocks_main  # noqa: E402

from brink.model import compile_model, explain_at, replay  # noqa: E402
from brink.model.explain import log_score  # noqa: E402
from brink.numfmt import number  # noqa: E402
from brink.scenario import load_scenario  # noqa: E402

SCENARIO = "iran-2024"
COMMAND = ".venv/bin/python docs/gen/model_doc.py docs/model.md"


def _explanation_table(ex) -> str:
    head = "| action | P | utility | " + " | ".join(f"{c['id']} (w={number(c['weight'], '.2f')})"
                                                    for c in ex.concerns)
    head += f" | tendency | {ex.adversary}'s likely answer |\n"
    head += "|---" * (5 + len(ex.concerns)) + "|\n"
    rows = []
    for a in ex.ranked():
        b, pb = max(a.adversary_response.items(), key=lambda kv: kv[1]) if a.adversary_response else ("", 0)
        cells = [f"`{a.action}`", number(a.probability, ".3f"), number(100 * a.utility, "+.2f")]
        cells += [number(100 * a.contributions[c["id"]], "+.2f") for c in ex.concerns]
        cells.append(number(100 * a.tendency, "+.2f"))
        cells.append(f"`{b}` {number(pb, '.2f')}" if b else "")
        rows.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(rows) + "\n"


def blocks() -> dict[str, str]:
    sc = load_scenario(SCENARIO)
    m = compile_model(sc)
    ex = explain_at(m, "after_haniyeh")
    S = dict(ex.state)
    state = ", ".join(f"`{k}` = {number(S[k], '.2f')}" for k in
                      ("IRN.grievance", "IRN.credibility", "IRN.legitimacy", "IRN.unrest", "front.IRN_ISR",
                       "USA.involvement"))
    out = {"haniyeh-state": f"State after the Haniyeh killing (timeline replayed): {state}.\n",
           "haniyeh-table": _explanation_table(ex)}
    lows = []
    for L in (0.25, 0.45, 0.65):
        e = explain_at(compile_model(sc, {"IRN.legitimacy": L}), "after_haniyeh")
        direct = e.probability_of("IRN_strike_warned") + e.probability_of("IRN_strike_unwarned")
        lows.append(f"| {number(L, '.2f')} | {number(direct, '.3f')} | "
                    f"{number(e.probability_of('IRN_proxy_attack'), '.3f')} |")
    out["legitimacy-table"] = ("| IRN.legitimacy | P(direct strike, warned or not) | P(proxy attack) |\n"
                               "|---|---|---|\n" + "\n".join(lows) + "\n")
    rows = replay(m)
    rep = "| decision point | date | actor | taken | P(taken) | rank | model's top choice |\n|---|---|---|---|---|---|---|\n"
    rep += "\n".join(f"| {r.decision_point} | {r.date} | {r.actor} | `{r.taken}` | {number(r.p_taken, '.3f')} | "
                     f"{r.rank_taken} | `{r.top_action}` ({number(r.p_top, '.2f')}) |" for r in rows)
    rep += f"\n\nLog score {number(log_score(rows), '.3f')} over {len(rows)} decisions.\n"
    out["replay-table"] = rep
    return out


def main(argv: list[str] | None = None) -> int:
    return blocks_main(argv, __doc__.splitlines()[0], blocks, COMMAND)


if __name__ == "__main__":
    sys.exit(main())
