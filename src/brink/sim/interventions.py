"""Interventions: what-if changes to compare against the baseline.

The run-time type is ``brink.model.intervention.Intervention`` (re-exported
here); ``brink.model.compiled.Model`` turns one into data (pinned variables, a
disabled-action set, forced moves) and checks every name it uses. This module
reads them from where users write them:

* files — ``intervention: {id, label, description, set, close_channels, disable,
  force, evidence | assumption}``, read by the scenario loader
  (``brink.scenario.loader.load_document`` with ``schema.InterventionFile``), so
  the same provenance rules and file:line:field errors apply; a ``set`` value is
  a bare number or ``{value, evidence | assumption}``;
* command-line options — ``--set NAME=VALUE``, ``--force ACTOR:ACTION@ROUNDS``,
  ``--close-channel``, ``--disable`` (parsed in ``brink.model.intervention``,
  the one parser every command uses; re-exported here);
* the shipped files of a scenario folder (``interventions/*.yaml``).
"""

from __future__ import annotations

from pathlib import Path

from brink.model.intervention import Force, Intervention, from_options, parse_force, parse_rounds, parse_set

__all__ = ["Force", "Intervention", "parse_set", "parse_force", "from_options", "load_intervention",
           "builtin_interventions", "resolve_intervention"]


def load_intervention(path: str | Path) -> Intervention:
    """Read an intervention YAML file; every problem names the file, line and field."""
    from brink.scenario.loader import load_document
    from brink.scenario.schema import InterventionFile

    p = Path(path)
    spec = load_document(p, InterventionFile, "an intervention").intervention
    # the rounds were checked by the schema (ForceSpec); this is the same reader
    forces = [Force(f.actor, f.action, parse_rounds(f.rounds if f.rounds is not None else f.round, "rounds"))
              for f in spec.force]
    return Intervention(
        id=spec.id or p.stem, label=spec.label or p.stem,
        description=" ".join(spec.description.split()),
        set={k: float(v if isinstance(v, float) else v.value) for k, v in spec.set.items()},
        close_channels=tuple(spec.close_channels), disable=tuple(spec.disable),
        force=tuple(forces), source=str(p),
    )


def builtin_interventions(scenario_name: str) -> dict[str, Path]:
    """Intervention files shipped with a scenario (its folder's ``interventions/*.yaml``)."""
    from brink.scenario.folder import companion_files

    return companion_files(scenario_name, "interventions")


def resolve_intervention(spec: str, scenario_name: str) -> Intervention:
    """A path, or the name of an intervention shipped with the scenario."""
    from brink.scenario.folder import resolve_companion

    return load_intervention(resolve_companion(spec, scenario_name, "interventions", "an intervention",
                                               "--intervention"))
