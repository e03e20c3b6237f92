"""Every import is a declared dependency, every dependency is bounded, and the constraints file
pins what the ranges allow — so a fresh machine installs what the tests passed with."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(group: str | None = None) -> list[Requirement]:
    items = PYPROJECT["dependencies"] if group is None else PYPROJECT["optional-dependencies"][group]
    return [Requirement(r) for r in items]


def _declared() -> dict[str, Requirement]:
    reqs = _requirements() + [r for g in PYPROJECT["optional-dependencies"] for r in _requirements(g)]
    return {canonicalize_name(r.name): r for r in reqs}


def _bounded(req: Requirement) -> bool:
    ops = {s.operator for s in req.specifier}
    return "==" in ops or (bool(ops & {">=", ">", "~="}) and bool(ops & {"<", "<=", "~="}))


def test_every_dependency_has_a_lower_and_an_upper_bound():
    loose = [str(r) for r in _declared().values() if not _bounded(r)]
    assert not loose, f"unbounded dependencies in pyproject.toml: {loose}"


def _third_party_imports(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    local = {"brink", "tests", "__future__"} | {p.stem for p in (ROOT / "benchmarks").glob("*.py")}
    return {n for n in names if n not in sys.stdlib_module_names and n not in local}


def test_every_import_is_a_declared_dependency():
    dists = packages_distributions()
    declared = _declared()
    undeclared = {}
    for folder in (ROOT / "src", ROOT / "tests"):
        for name in _third_party_imports(folder):
            owners = {canonicalize_name(d) for d in dists.get(name, [name])}
            if not owners & declared.keys():
                undeclared[name] = sorted(owners)
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_the_constraints_pin_every_dependency_inside_its_range():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin NAME==VERSION"
            pins[canonicalize_name(name)] = Version(version)
    for name, req in _declared().items():
        assert name in pins, f"constraints.txt has no pin for {req}"
        assert req.specifier.contains(pins[name], prereleases=True), f"constraints.txt pins {name}=={pins[name]}, outside {req}"
