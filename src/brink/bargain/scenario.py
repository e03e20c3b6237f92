"""Turn a scenario's ``bargaining`` section into a :class:`~brink.bargain.case.Case`."""

from __future__ import annotations

import numpy as np

from brink.bargain.case import Case


def case_from_scenario(sc, source: str = "") -> Case:
    """Arrays of position/salience/capability (actors × issues) from ``sc.bargaining``.

    Actors are ordered as they first appear; an actor absent from an issue
    gets NaN there. ``provenance[(actor, issue, field)]`` keeps the evidence
    and assumption of every number.
    """
    issues = list(sc.bargaining)
    if not issues:
        from brink.errors import BrinkError

        raise BrinkError(f"scenario {sc.meta.id!r} has no `bargaining` section")
    actors: list[str] = []
    for iss in issues:
        for p in iss.positions:
            if p.actor not in actors:
                actors.append(p.actor)
    n, m = len(actors), len(issues)
    P, S, C = (np.full((n, m), np.nan) for _ in range(3))
    prov = {}
    for d, iss in enumerate(issues):
        for p in iss.positions:
            i = actors.index(p.actor)
            P[i, d], S[i, d], C[i, d] = p.position.value, p.salience.value, p.capability.value
            for fname in ("position", "salience", "capability"):
                par = getattr(p, fname)
                prov[(p.actor, iss.id, fname)] = (list(par.evidence), par.assumption)
    names = {a.id: a.name for a in sc.actors}
    scale_text = {iss.id: (iss.scale["low"], iss.scale["high"]) for iss in issues}
    return Case(
        actors=tuple(actors),
        issues=tuple(i.id for i in issues),
        position=P,
        salience=S,
        capability=C,
        labels=tuple(i.label for i in issues),
        scale=tuple((0.0, 100.0) for _ in issues),
        source=source or sc.meta.id,
        actor_labels=tuple(names.get(a, a) for a in actors),
        provenance={"format": "scenario", "values": prov, "scale_text": scale_text},
    )
