"""The generated docs are current, and their check holds on any machine.

The generators are scripts in ``docs/gen/`` (not part of the installed
package); they are imported here by path.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from brink.numfmt import number

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "docs" / "gen"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"docs_gen_{name}", GEN / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


doctools = _script("doctools")


@pytest.mark.parametrize("x, spec, text", [
    (-1e-17, ".2f", "0.00"), (-1e-17, "+.2f", "0.00"), (1e-17, "+.2f", "0.00"),
    (-0.004, ".2f", "0.00"), (-0.004, "+.2f", "0.00"), (0.004, "+.2f", "0.00"),
    (-0.0, ".3f", "0.000"), (0.0, "+.3f", "0.000"), (-0.4, ".0f", "0"), (-4e-5, ".1%", "0.0%"),
    (-0.0049, ".2f", "0.00"), (-0.0051, ".2f", "-0.01"), (0.0051, "+.2f", "+0.01"),
    (1.7, "+.2f", "+1.70"), (-2.38, "+.2f", "-2.38"), (0.5468, ".3f", "0.547"), (12345.678, ",.1f", "12,345.7"),
])
def test_number_never_prints_a_negative_or_signed_zero(x, spec, text):
    assert number(x, spec) == text


def test_number_rejects_what_it_cannot_read():
    with pytest.raises(ValueError):
        number(1.0, "x")
    assert number(float("nan"), ".2f") == "nan"


def test_check_compares_what_a_reader_sees():
    diffs = doctools.differences
    doc = "| a | 0.547 | +1.70 | 0.00 |\nLog score -0.905 over 7 decisions (2024-11-15).\n"
    assert diffs(doc, doc) == []
    # one unit in the last printed digit: a rounding tie on another machine
    assert diffs(doc, doc.replace("0.547", "0.548").replace("-0.905", "-0.904")) == []
    assert diffs(doc, doc.replace("+1.70", "+1.69").replace("0.00", "-0.01")) == []
    assert diffs(doc, doc.replace("| 0.00 |", "| +0.00 |")) == []
    # more than one unit, another precision, other text or another count: stale
    assert diffs(doc, doc.replace("0.547", "0.549")) == ["line 1: '0.547' -> '0.549'"]
    assert diffs(doc, doc.replace("0.547", "0.5470"))
    assert diffs(doc, doc.replace("over 7", "over 8")) and diffs(doc, doc.replace("Log", "log"))
    assert diffs(doc, doc.replace("2024-11-15", "2024-11-16"))
    assert diffs(doc, doc + "more\n") and diffs(doc + "more\n", doc)
    assert diffs(doc, "x\n" + doc)[0].startswith("line 1")
    assert diffs(doc + "\n\n| 1.00 |", doc + "\n\n| 1.20 |") == ["line 5: '1.00' -> '1.20'"]


def test_model_doc_is_current():
    model_doc = _script("model_doc")
    assert model_doc.main([str(ROOT / "docs" / "model.md"), "--check"]) == 0, (
        "docs/model.md is stale: .venv/bin/python docs/gen/model_doc.py docs/model.md")


def test_model_doc_script_rewrites_a_stale_copy(tmp_path):
    doc = tmp_path / "model.md"
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    begin = text.index("<!-- BEGIN replay-table -->\n") + len("<!-- BEGIN replay-table -->\n")
    doc.write_text(text[:begin] + "| stale | 0.123 |\n" + text[text.index("<!-- END replay-table -->"):],
                   encoding="utf-8")
    run = [sys.executable, str(GEN / "model_doc.py"), str(doc)]
    stale = subprocess.run(run + ["--check"], capture_output=True, text=True)
    assert stale.returncode == 1 and "stale" in stale.stdout and "docs/gen/model_doc.py" in stale.stdout
    assert subprocess.run(run, capture_output=True, text=True).returncode == 0
    assert doc.read_text(encoding="utf-8") == text
    assert subprocess.run(run + ["--check"], capture_output=True, text=True).returncode == 0


def test_generators_live_outside_the_package():
    import brink

    pkg = Path(brink.__file__).parent
    assert not (pkg / "model" / "docgen.py").exists() and not (pkg / "fit" / "validation.py").exists()
    for module in pkg.rglob("*.py"):  # nothing in the package finds the docs by walking up from itself
        assert "parents[3]" not in module.read_text(encoding="utf-8"), module
    for script in ("model_doc.py", "validation_doc.py", "bargaining_doc.py"):
        assert "parents[3]" not in (GEN / script).read_text(encoding="utf-8")
