"""Regenerate the worked examples in docs/model.md from the model itself.

The numbers in the docs are produced, not typed: ``python -m brink.model.docgen
--write`` rewrites the blocks between ``<!-- BEGIN name -->`` and
``<!-- END name -->``; ``--check`` exits 1 when the file is stale (a test runs it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from brink.model import compile_model, explain_at, replay
from brink.model.explain import log_score
from brink.scenario import load_scenario

DOC = Path(__file__).resolve().parents[3] / "docs" / "model.md"


def _explanation_table(ex) -> str:
    head = "| action | P | utility | " + " | ".join(f"{c['id']} (w={c['weight']:.2f})" for c in ex.concerns)
    head += f" | {ex.adversary}'s likely answer |\n"
    head += "|---" * (4 + len(ex.concerns)) + "|\n"
    rows = []
    for a in ex.ranked():
        b, pb = max(a.adversary_response.items(), key=lambda kv: kv[1]) if a.adversary_response else ("", 0)
        cells = [f"`{a.action}`", f"{a.probability:.3f}", f"{100 * a.utility:+.2f}"]
        cells += [f"{100 * a.contributions[c['id']]:+.2f}" for c in ex.concerns]
        cells.append(f"`{b}` {pb:.2f}" if b else "")
        rows.append("| " + " | ".join(cells) + " |")
    return head + "\n".join(rows) + "\n"


def blocks() -> dict[str, str]:
    sc = load_scenario("iran-2024")
    m = compile_model(sc)
    ex = explain_at(m, "after_haniyeh")
    S = {k: v for k, v in ex.state.items()}
    state = ", ".join(f"`{k}` = {S[k]:.2f}" for k in
                      ("IRN.grievance", "IRN.credibility", "IRN.legitimacy", "IRN.unrest", "front.IRN_ISR",
                       "USA.involvement"))
    out = {"haniyeh-state": f"State after the Haniyeh killing (timeline replayed): {state}.\n",
           "haniyeh-table": _explanation_table(ex)}
    lows = []
    for L in (0.25, 0.45, 0.65):
        e = explain_at(compile_model(sc, {"IRN.legitimacy": L}), "after_haniyeh")
        direct = e.probability_of("IRN_strike_warned") + e.probability_of("IRN_strike_unwarned")
        lows.append(f"| {L:.2f} | {direct:.3f} | {e.probability_of('IRN_proxy_attack'):.3f} |")
    out["legitimacy-table"] = ("| IRN.legitimacy | P(direct strike, warned or not) | P(proxy attack) |\n"
                               "|---|---|---|\n" + "\n".join(lows) + "\n")
    rows = replay(m)
    rep = "| decision point | date | actor | taken | P(taken) | rank | model's top choice |\n|---|---|---|---|---|---|---|\n"
    rep += "\n".join(f"| {r.decision_point} | {r.date} | {r.actor} | `{r.taken}` | {r.p_taken:.3f} | {r.rank_taken} | "
                     f"`{r.top_action}` ({r.p_top:.2f}) |" for r in rows)
    rep += f"\n\nLog score {log_score(rows):.3f} over {len(rows)} decisions.\n"
    out["replay-table"] = rep
    return out


def render(text: str, new: dict[str, str]) -> str:
    for name, body in new.items():
        pat = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        if not pat.search(text):
            raise SystemExit(f"{DOC}: no block {name!r}")
        text = pat.sub(lambda m: m.group(1) + body + m.group(2), text)
    return text


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    fresh = render(text, blocks())
    if "--check" in argv:
        if fresh != text:
            print(f"{DOC} is stale: run python -m brink.model.docgen --write")
            return 1
        return 0
    tmp = DOC.with_suffix(".md.tmp")
    tmp.write_text(fresh, encoding="utf-8")
    tmp.replace(DOC)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
