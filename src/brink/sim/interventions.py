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


def load_intervention(path: str | Path, scenario=None) -> Intervention:
    """Read an intervention YAML file; every problem names the file, line and field.

    With ``scenario`` (a loaded ``Scenario``) every name the file uses is checked
    against it here, before anything is simulated, each problem at its line: the
    names and values are checked by ``Model`` itself (``value_problem`` and its
    intervention check), entry by entry, so the rules are the model's.
    """
    from brink.scenario.loader import read_document
    from brink.scenario.schema import InterventionFile

    p = Path(path)
    doc, located = read_document(p, "an intervention", InterventionFile)
    spec = doc.intervention
    # the rounds were checked by the schema (ForceSpec); this is the same reader
    forces = [Force(f.actor, f.action, parse_rounds(f.rounds if f.rounds is not None else f.round, "rounds"))
              for f in spec.force]
    iv = Intervention(
        id=spec.id or p.stem, label=spec.label or p.stem,
        description=" ".join(spec.description.split()),
        set={k: float(v if isinstance(v, float) else v.value) for k, v in spec.set.items()},
        close_channels=tuple(spec.close_channels), disable=tuple(spec.disable),
        force=tuple(forces), source=str(p),
    )
    if scenario is not None:
        problems = _named_problems(iv, scenario, located)
        if problems:
            from brink.errors import InputError
            from brink.scenario.loader import ordered_problems

            raise InputError(ordered_problems(problems))
    return iv


def _named_problems(iv: Intervention, scenario, located) -> list:
    """Each entry of ``iv`` checked against ``scenario`` by the model's own rules, at its line."""
    from brink.errors import InputError, Problem
    from brink.model import compile_model
    from brink.model.compiled import Model

    problems: list[Problem] = []

    def at(loc: tuple, message: str) -> None:
        file, line, fld = located.locate(("intervention",) + loc)
        problems.append(Problem(file, line, fld, message))

    model = compile_model(scenario)
    for key, value in iv.set.items():
        why = model.value_problem(key, value)  # the one rule for what-if values (name, finite, range)
        if why is not None:
            at(("set", key), f"{value:g}: {why}")
    entries = ([(("close_channels", j), Intervention(close_channels=(c,))) for j, c in enumerate(iv.close_channels)]
               + [(("disable", j), Intervention(disable=(a,))) for j, a in enumerate(iv.disable)]
               + [(("force", j), Intervention(force=(f,))) for j, f in enumerate(iv.force)])
    for loc, one in entries:
        try:
            Model._check_intervention(scenario, one)
        except InputError as exc:
            for prob in exc.problems:
                at(loc, prob.message)
    return problems


def builtin_interventions(scenario_name: str) -> dict[str, Path]:
    """Intervention files shipped with a scenario (its folder's ``interventions/*.yaml``)."""
    from brink.scenario.folder import companion_files

    return companion_files(scenario_name, "interventions")


def resolve_intervention(spec: str, scenario_name: str, scenario=None) -> Intervention:
    """A path, or the name of an intervention shipped with the scenario; its names are checked
    against the scenario (``scenario``, or the one ``scenario_name`` loads) before it is used."""
    from brink.errors import InputError
    from brink.scenario.folder import resolve_companion

    path = resolve_companion(spec, scenario_name, "interventions", "an intervention", "--intervention")
    if scenario is None:
        from brink.scenario.loader import load_scenario

        try:
            scenario = load_scenario(scenario_name)
        except InputError:
            scenario = None  # not a loadable scenario (a meta id, say): the model checks the names later
    return load_intervention(path, scenario)
