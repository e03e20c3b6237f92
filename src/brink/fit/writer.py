"""Write a fitted scenario: a copy of the scenario with the estimated values.

The scenario's YAML is edited with ruamel.yaml's round-trip mode, so comments,
order and every other value's provenance stay as they were. Only
``parameters.lambda``, the fitted actors' concern ``weight``s and their
``tendencies`` change: their ``value`` is the estimate and their ``assumption``
records the fit (date, episodes, log-likelihood, prior, the scenario value it
replaced); their ``evidence`` is kept. An actor without a ``tendencies:`` block
gets one (after its concerns), one entry per fitted category. A ``fit-record.json`` beside the YAML holds the full
estimates table. The shipped scenario is never touched: the copy is written to
a temporary sibling of ``out`` and renamed into place, so ``out`` is either the
old content or the complete new one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

from ruamel.yaml import YAML

from brink.errors import BrinkError
from brink.scenario.loader import resolve_path
from brink.scenario.yamlread import new_yaml, read_yaml


def _yaml() -> YAML:
    y = new_yaml(preserve_quotes=True, width=4096)  # the one YAML reader's limits, for writing back
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _record_text(fit, today: dt.date, old: float, old_assumption: str | None) -> str:
    eps = ", ".join(fit.episodes_)
    files = f" of {', '.join(fit.episode_files_)}" if fit.episode_files_ else ""
    prev = f" Replaces the scenario value {old:g}" + (f" ({old_assumption.strip()})" if old_assumption else "") + "."
    return (f"Fitted by `brink fit` on {today.isoformat()}: penalised maximum likelihood over {fit.n_train_} "
            f"coded episodes{files} ({eps}); log-likelihood {fit.loglik_:.3f} "
            f"(unfitted {fit.loglik_unfitted_:.3f}); prior sd {fit.lambda_prior_sd:g} on log lambda, "
            f"{fit.weight_prior_sd:g} on weight logits, {fit.tendency_prior_sd_:g} on tendencies in logit units"
            f"{' (chosen by cross-validation)' if fit.tendency_prior_sd_source_ == 'cross-validation' else ''}; "
            f"see fit-record.json.{prev}")


def _edit_tendencies(a, fit, values: dict[str, float], today: dt.date) -> set[str]:
    """Write the fitted ``tendency.ACTOR.CATEGORY`` values into an actor's ``tendencies`` block."""
    from ruamel.yaml.comments import CommentedMap

    prefix = f"tendency.{a.get('id')}."
    keys = [k for k in values if k.startswith(prefix)]
    if not keys:
        return set()
    block = a.get("tendencies")
    if not isinstance(block, dict):
        block = CommentedMap()
        keys_now = list(a.keys())
        pos = keys_now.index("concerns") + 1 if "concerns" in keys_now else len(keys_now)
        a.insert(pos, "tendencies", block)
    for key in keys:
        cat = key[len(prefix):]
        entry = block.get(cat)
        if not isinstance(entry, dict):
            entry = CommentedMap()
            block[cat] = entry
            old, old_assumption = 0.0, "no tendency declared"
        else:
            old, old_assumption = float(entry["value"]), entry.get("assumption")
        entry["value"] = round(values[key], 4)
        entry["assumption"] = _record_text(fit, today, old, old_assumption)
    return set(keys)


def _edit_file(path: Path, fit, values: dict[str, float], today: dt.date) -> set[str]:
    """Edit one YAML file in place; return the override names it changed."""
    y = _yaml()
    doc = read_yaml(path, str(path), "a scenario", yaml=y)
    done: set[str] = set()
    if not isinstance(doc, dict):
        return done
    params = doc.get("parameters")
    if isinstance(params, dict) and "lambda" in values and "lambda" in params:
        p = params["lambda"]
        p["assumption"] = _record_text(fit, today, float(p["value"]), p.get("assumption"))
        p["value"] = round(values["lambda"], 4)
        done.add("lambda")
    actors = doc.get("actors")
    if isinstance(actors, list):
        for a in actors:
            for c in (a.get("concerns") or []) if isinstance(a, dict) else []:
                key = f"weight.{a.get('id')}.{c.get('id')}"
                if key in values:
                    w = c["weight"]
                    w["assumption"] = _record_text(fit, today, float(w["value"]), w.get("assumption"))
                    w["value"] = round(values[key], 4)
                    done.add(key)
            if isinstance(a, dict):
                done |= _edit_tendencies(a, fit, values, today)
    if done:
        with open(path, "w", encoding="utf-8") as fh:
            y.dump(doc, fh)
    return done


def write_fitted_scenario(fit, out: str | Path, *, force: bool = False, today: dt.date | None = None) -> Path:
    """Copy the fitted estimator's scenario to ``out`` with the estimates written in."""
    today = today or dt.date.today()
    src = resolve_path(fit.scenario if isinstance(fit.scenario, (str, Path)) else fit.model_.scenario.meta.id)
    out = Path(out)
    if out.resolve() == src.resolve() or src.resolve() in out.resolve().parents:
        raise BrinkError(f"{out}: refusing to write over the scenario being fitted ({src})")
    if out.exists() and not force:
        raise BrinkError(f"{out} exists: choose another --out or pass --force to replace it")
    values = fit.overrides_
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        stage = tmp / out.name
        if src.is_dir():
            shutil.copytree(src, stage, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "__init__.py"))
            files = sorted(stage.glob("*.yaml")) + sorted(stage.glob("*.yml"))
            record = stage / "fit-record.json"
        else:
            shutil.copy2(src, stage)
            files = [stage]
            record = stage.with_name(stage.stem + ".fit-record.json")
        done: set[str] = set()
        for f in files:
            done |= _edit_file(f, fit, values, today)
        missing = sorted(set(values) - done)
        if missing:
            raise BrinkError(f"could not find these fitted values in {src} to rewrite: {', '.join(missing)}")
        summary = fit.to_dict() | {"date": today.isoformat(), "source_scenario": str(src)}
        record.write_text(json.dumps(summary, indent=2, default=float) + "\n", encoding="utf-8")
        from brink.scenario.loader import load_scenario

        load_scenario(stage)  # the copy must still be a valid scenario
        final_record = out.parent / record.name if not src.is_dir() else None
        if out.exists():
            old = tmp / (out.name + ".old")
            os.replace(out, old)
        os.replace(stage, out)
        if final_record is not None:
            os.replace(record, final_record)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
