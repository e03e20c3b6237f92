"""Bad scenario, question, intervention and other YAML files: each kind ends in a located message.

Part of issue 15 (bad input never wins). Every YAML file brink reads goes through
``brink.scenario.yamlread``; each case here is one kind of bad file, given to the command a
user would run. It must end in problems naming the file, the line and the field where they
exist (``brink validate`` exits 1, other commands exit 2), print no traceback, leave the
file itself unchanged, write nothing, and (for forecasts and comparisons) stop before any
simulation runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brink.errors import BrinkError, InputError
from brink.scenario import load_scenario
from brink.scenario.yamlread import (MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_LINE_CHARS, MAX_NODES,
                                     MAX_NUMBER_CHARS, read_yaml)
from tests.cli import run
from tests.scenario.test_loader import MINIMAL

SCHEDULE = 'schedule:\n  order: [A]\n  round_weeks: {value: 2, assumption: "test"}\n'


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


# kind -> (file content (str or bytes), expected "where" (after the file name), words in the message)
# "where" is ":LINE: FIELD" or ": FIELD" (no line); {f} is not needed: the file is always named first.
SCENARIO_FILES: dict[str, tuple[str | bytes, str, str]] = {
    "empty-file": ("", ": (file)", r"empty \(or only comments\): a scenario needs at least the sections meta"),
    "comment-only": ("# a scenario, some day\n# nothing yet\n", ": (file)", r"empty \(or only comments\)"),
    "no-actors-section": (MINIMAL[:MINIMAL.index("actors:")] + MINIMAL[MINIMAL.index("actions:"):],
                          ": actors", r"missing section \(a scenario needs at least meta, sources and actors\)"),
    "meta-only": ("meta: {id: x, title: X, as_of: 2024-01-01}\n", ": sources", r"missing section"),
    "impossible-date": (_replace("as_of: 2024-11-15", "as_of: 2024-13-45"), ":1: meta.as_of",
                        r"valid date.*month.*\(got '2024-13-45'\)"),
    "february-30": (_replace("date: 2024-01-01", "date: 2024-02-30"), ":3: sources[doc.txt].date", r"valid date"),
    "5000-digit-integer": (_replace("{value: 0.1, assumption", "{value: " + "7" * 5000 + ", assumption"),
                           ":5: parameters.k.value", rf"a number of 5,000 characters \(the limit is {MAX_NUMBER_CHARS}\)"),
    "duplicate-id": (_replace("actions:\n", "actions:\n  - {id: A_act, label: again, actor: A, category: none, "
                                            "intensity: {value: 0, assumption: t}, rung: 0, evidence: ['doc.txt:L3']}\n"),
                     ":21: actions[A_act].id", r"duplicate id 'A_act' \(first at .*s\.yaml:20\)"),
    "round-weeks-negative": (MINIMAL + SCHEDULE.replace("value: 2", "value: -1"), ":34: schedule.round_weeks",
                             r"a round of -1 weeks: a round lasts more than 0 and at most 52 weeks"),
    "round-weeks-zero": (MINIMAL + SCHEDULE.replace("value: 2", "value: 0"), ":34: schedule.round_weeks",
                         r"a round of 0 weeks"),
    "round-weeks-absurd": (MINIMAL + SCHEDULE.replace("value: 2", "value: 5000"), ":34: schedule.round_weeks",
                           r"a round of 5000 weeks"),
    "round-weeks-infinite": (MINIMAL + SCHEDULE.replace("value: 2", "value: .inf"), ":34: schedule.round_weeks",
                             r"not a finite number"),
    "alias-bomb": (_bomb(), ":7: g[0]", rf"more than {MAX_NODES:,} values once aliases are expanded"),
    "too-many-aliases": ("x: &x 1\ny: [" + ", ".join(["*x"] * (MAX_ALIASES + 5)) + "]\n", ":2: y[1000]",
                         rf"more than {MAX_ALIASES:,} aliases"),
    "deep-nesting": ("meta: " + "[" * 3000 + "]" * 3000 + "\n", ":1: ...", rf"nested more than {MAX_DEPTH} levels"),
    "long-line": (MINIMAL.replace('title: Mini', 'title: "' + "M" * (MAX_LINE_CHARS + 10) + '"'), ":1: (file)",
                  rf"line of 20,056 characters: longer than the {MAX_LINE_CHARS:,} limit"),
    "binary-file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":3: (file)", r"a binary file \(NUL byte\)"),
    "not-utf8": (MINIMAL.replace("Alpha", "Alph\xe9").encode("latin-1"), ":8: (file)",
                 r"not UTF-8 text \(byte 0xe9 at offset \d+\); save the file as UTF-8"),
    "utf16": (MINIMAL.encode("utf-16"), ":1: (file)", r"a binary file \(NUL byte\)"),
    "tab-indentation": (MINIMAL.replace("    name: Alpha", "\tname: Alpha"), ":8: (yaml)",
                        r"found character '\\t' that cannot start any token"),
    "control-character": (MINIMAL.replace("Alpha", "Al\x07pha"), ":8: (yaml)", r"unacceptable character #x0007"),
    "yaml-syntax-error": (MINIMAL.replace("kind: state", "kind: [state"), ":10: (yaml)", r"while parsing a flow sequence"),
    "top-level-list": ("- meta\n- actors\n", ":1: (file)", r"top level must be a mapping of sections .*, not a list"),
    "top-level-scalar": ("just some words\n", ":1: (file)", r"not the single value 'just some words'"),
    "duplicate-key": (MINIMAL + "meta: {id: other, title: O, as_of: 2024-01-01}\n", ":32: (yaml)",
                      r'found duplicate key "meta"'),
    "python-tag": (MINIMAL.replace("name: Alpha", "name: !!python/object/apply:os.system [echo hi]"),
                   ":8: actors[0].name", r"the tag !!python/object/apply:os.system is not allowed"),
    "custom-tag": (MINIMAL.replace("kind: state", "kind: !state x"), ":9: actors[0].kind", r"the tag !state is not allowed"),
    "bad-explicit-float": (_replace("{value: 0.1, assumption", "{value: !!float abc, assumption"),
                           ":5: parameters.k.value", r"'abc' is not a valid float \(tagged !!float\)"),
    "two-documents": (MINIMAL + "---\nmeta: {id: two}\n", ":32: (yaml)", r"expected a single document"),
    "unknown-section-near-miss": (MINIMAL + "outcome:\n  - {id: x}\n", ":32: outcome",
                                  r"unknown section; did you mean 'outcomes'\?"),
    "unknown-field-near-miss": (MINIMAL.replace("    kind: state", "    kind: state\n    adversery: A"),
                                ":10: actors[A].adversery", r"unknown field; did you mean 'adversary'\?"),
    "string-for-number": (_replace("rung: 0", "rung: high"), ":25: actions[A_act].rung",
                          r"valid integer.*\(got 'high'\)"),
    "string-for-param-value": (_replace("{value: 0.1, assumption", "{value: lots, assumption"),
                               ":5: parameters.k.value", r"valid number.*\(got 'lots'\)"),
    "list-section-as-mapping": (MINIMAL[:MINIMAL.index("outcomes:")] + "outcomes: {hot: 1}\n", ":29: outcomes",
                                r"must be a list, not a mapping"),
    "empty-section": (MINIMAL[:MINIMAL.index("outcomes:")] + "outcomes:\n", ":29: outcomes",
                      r"must be a list, not empty \(nothing after the colon\)"),
    "mapping-section-as-list": (_replace("parameters:\n  k:", "parameters:\n  - k:"), ":4: parameters",
                                r"must be a mapping, not a list"),
    "meta-as-list": (_replace("meta: {id: mini, title: Mini, as_of: 2024-11-15}", "meta: [mini]"), ":1: meta",
                     r"valid dictionary or instance of Meta"),
    "bad-enum-value": (_replace("kind: state", "kind: country"), ":9: actors[A].kind", r"Input should be 'state'"),
    "bad-id-characters": (_replace("- id: A_act", "- id: 'act one'"), ":20: actions[act one].id",
                          r"should match pattern"),
    "zero-width-space-in-id": (_replace("- id: A_act", "- id: A_act\u200b"), ":20: actions[A_act\u200b].id",
                               r"should match pattern .*\(got 'A_act\\u200b'\)"),
    "float-overflow": (_replace("{value: 0.1, assumption", "{value: 1e999, assumption"), ":5: parameters.k",
                       r"value inf is not a finite number"),
    "boolean-where-text": (_replace("name: Alpha", "name: true"), ":8: actors[A].name",
                           r"valid string \(got True\)"),
    "date-where-text": (_replace("title: Mini", "title: 2024-01-01"), ":1: meta.title",
                        r"valid string \(got the date 2024-01-01: put it in quotes to make it text\)"),
    "list-where-text": (_replace("name: Alpha", "name: [Al, pha]"), ":8: actors[A].name",
                        r"valid string \(got a list\)"),
    "null-id": (_replace("- id: A_act", "- id: ~"), ":20: actions[0].id",
                r"valid string \(got nothing: the value is empty or null\)"),
    "variable-range-reversed": (_replace('initial: {value: 0.2, assumption: "test"}}',
                                         'initial: {value: 0.2, assumption: "test"}, range: [1, 0]}'),
                                ":18: actors[A].state.heat.range", r"range \[1, 0\] is reversed"),
    "variable-range-a-point": (_replace('initial: {value: 0.2, assumption: "test"}}',
                                        'initial: {value: 0.2, assumption: "test"}, range: [0.2, 0.2]}'),
                               ":18: actors[A].state.heat.range", r"is a single point"),
    "variable-range-infinite": (_replace('initial: {value: 0.2, assumption: "test"}}',
                                         'initial: {value: 0.2, assumption: "test"}, range: [0, .inf]}'),
                                ":18: actors[A].state.heat.range", r"not a finite number"),
    "formula-nested-too-deep": (_replace('A.heat: "k"', 'A.heat: "' + "-" * 1500 + 'k"'),
                                ":27: actions[A_act].effects.A.heat", r"nested more than 100 levels deep"),
    "formula-too-long": (_replace('A.heat: "k"', 'A.heat: "' + "+".join(["k"] * 3000) + '"'),
                         ":27: actions[A_act].effects.A.heat", r"a formula of 5,999 characters: longer than the 2,000"),
    "undefined-alias": (_replace("name: Alpha", "name: *alpha"), ":8: (yaml)", r"found undefined alias 'alpha'"),
    "merge-into-scalar": (_replace("    name: Alpha", "    <<: 5\n    name: Alpha"), ":8: (yaml)",
                          r"expected a mapping or list of mappings for merging"),
}


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _assert_located(out: str, file: Path | str, where: str, words: str) -> None:
    assert "Traceback" not in out, out
    lines = [ln.strip() for ln in out.splitlines() if ln.strip().startswith(f"{file}{where}")]
    assert lines, f"no line starting {file}{where}:\n{out}"
    assert any(re.search(words, ln) for ln in lines), f"{words!r} not in:\n" + "\n".join(lines)


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("content, where, words", list(SCENARIO_FILES.values()), ids=list(SCENARIO_FILES))
def test_a_bad_scenario_file_is_a_located_problem(tmp_path, capsys, monkeypatch, content, where, words):
    monkeypatch.chdir(tmp_path)
    f = _write(tmp_path / "s.yaml", content)
    before = _snapshot(tmp_path)
    code, out = run(capsys, "validate", str(f))
    assert code == 1, out
    _assert_located(out, f, where, words)
    assert _snapshot(tmp_path) == before          # the file is untouched, nothing is written
    with pytest.raises(InputError):               # the library raises the same, never anything else
        load_scenario(f)
    code, out = run(capsys, "show", str(f))       # any other command: one error, exit 2
    assert code == 2 and "Traceback" not in out and str(f) in out, out


def test_the_limits_leave_the_shipped_scenarios_alone(capsys):
    code, out = run(capsys, "validate", "iran-2024", "synthetic-standoff")
    assert code == 0 and out.count("valid") == 2 and "note:" not in out, out


def test_a_device_is_not_a_scenario_file(capsys):
    code, out = run(capsys, "validate", "/dev/null")
    assert code == 1, out
    _assert_located(out, "/dev/null", ": (file)", r"not a regular file \(a device or a pipe\?\)")


@pytest.mark.parametrize("text", [
    MINIMAL.replace("\n", "\r\n"),
    MINIMAL.replace("name: Alpha", "name: &x Alpha").replace("label: act", "label: &x act"),
], ids=["windows-line-endings", "reused-anchor"])
def test_legal_yaml_oddities_are_read_quietly(tmp_path, capsys, text):
    f = tmp_path / "s.yaml"
    f.write_bytes(text.encode("utf-8"))
    code, out = run(capsys, "validate", str(f))
    assert code == 0 and out.strip() == f"{f}: valid — 1 actors, 1 actions, 1 parameters, 0 events, " \
                                       "0 decision points, 2 outcomes", out


def test_a_byte_order_mark_is_read_as_the_text_it_starts(tmp_path, capsys):
    f = tmp_path / "bom.yaml"
    f.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    code, out = run(capsys, "validate", str(f))
    assert code == 0 and "valid" in out, out


def test_a_date_like_label_is_text_not_an_error(tmp_path):
    # 2024-13-45 is no date, and a label is no date field: it is simply text
    f = _write(tmp_path / "s.yaml", MINIMAL.replace("label: act", "label: 2024-13-45"))
    assert load_scenario(f).action("A_act").label == "2024-13-45"


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path, capsys):
    f = tmp_path / "big.yaml"
    with open(f, "wb") as fh:
        fh.write(MINIMAL.encode())
        fh.truncate(MAX_FILE_BYTES + 1)            # sparse: no need to write 8 MiB
    code, out = run(capsys, "validate", str(f))
    assert code == 1, out
    _assert_located(out, f, ": (file)", r"8,388,609 bytes: larger than the 8 MiB limit of a YAML file")


# ----------------------------------------------------------------------------------------- folders

def _folder(tmp_path: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    d = tmp_path / "scen"
    d.mkdir()
    body, actions = MINIMAL.split("actions:\n")
    (d / "main.yaml").write_text(body)
    (d / "actions.yaml").write_text("actions:\n" + actions)
    for name, content in (extra or {}).items():
        _write(d / name, content)
    return d


FOLDER_CASES: dict[str, tuple[dict[str, str], str, str, str]] = {
    # kind -> (extra files, the file named, where, words)
    "backup-copy-bak": ({"actions.bak.yaml": "actions: []\n"}, "actions.bak.yaml", ": (file)",
                        r"looks like a backup copy; every \.yaml/\.yml file of a scenario folder is read"),
    "backup-copy-finder": ({"actions copy.yaml": "actions: []\n"}, "actions copy.yaml", ": (file)",
                           r"looks like a backup copy"),
    "backup-copy-numbered": ({"actions (1).yaml": "actions: []\n"}, "actions (1).yaml", ": (file)",
                             r"looks like a backup copy"),
    "backup-copy-tilde-stem": ({"actions~.yaml": "actions: []\n"}, "actions~.yaml", ": (file)", r"backup copy"),
    "section-in-two-files": ({"more.yaml": "meta: {id: m2, title: M2, as_of: 2024-11-15}\n"}, "more.yaml",
                             ":1: meta", r"defined twice \(first at .*main\.yaml:1\)"),
    "parameter-in-two-files": ({"more.yaml": "parameters:\n  k: {value: 0.2, assumption: again}\n"}, "more.yaml",
                               ":2: parameters.k", r"defined twice \(first at .*main\.yaml:5\)"),
    "id-in-two-files": ({"more.yaml": "fronts:\n  - {id: F, label: f, initial: {value: 0, assumption: t}, "
                                      "evidence: ['doc.txt:L1']}\n  - {id: F, label: g, initial: {value: 0, "
                                      "assumption: t}, evidence: ['doc.txt:L1']}\n"},
                        "more.yaml", ":3: fronts[F].id", r"duplicate id 'F' \(first at .*more\.yaml:2\)"),
    "folder-named-yaml": ({"notes.yaml/readme.txt": "x"}, "notes.yaml", ": (file)", r"is a folder named like a YAML"),
    "bad-file-among-good": ({"broken.yaml": "actors: [\n"}, "broken.yaml", ":2: (yaml)", r"while parsing"),
}


@pytest.mark.parametrize("extra, named, where, words", list(FOLDER_CASES.values()), ids=list(FOLDER_CASES))
def test_a_bad_scenario_folder_names_the_file(tmp_path, capsys, extra, named, where, words):
    d = _folder(tmp_path)
    for name, content in extra.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        _write(d / name, content)
    before = _snapshot(d)
    code, out = run(capsys, "validate", str(d))
    assert code == 1, out
    _assert_located(out, d / named, where, words)
    assert _snapshot(d) == before


def test_a_folder_without_yaml_files(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, out = run(capsys, "validate", str(tmp_path / "empty"))
    assert code == 1
    _assert_located(out, tmp_path / "empty", ": (folder)", r"no \.yaml files in this folder")


def test_editor_leftovers_are_named_as_not_read(tmp_path, capsys):
    """``actors.yaml~``, ``actions.yaml.orig``, an Emacs lock link: not read, and ``validate`` says so."""
    d = _folder(tmp_path, {"actions.yaml~": "actions: [\n", "actions.yaml.orig": "garbage: [\n"})
    os.symlink("nobody@host.123", d / ".#actions.yaml")   # Emacs' lock file: a dangling link
    code, out = run(capsys, "validate", str(d))
    assert code == 0 and f"{d}: valid" in out, out
    for name in ("actions.yaml~", "actions.yaml.orig", ".#actions.yaml"):
        assert f"note: {d / name} is not read" in out, out
    assert load_scenario(d).action("A_act")


def test_a_scenario_path_that_does_not_exist(tmp_path, capsys):
    code, out = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and f"{tmp_path / 'nope.yaml'}: scenario: no such file or folder" in out, out


# ------------------------------------------------------------------------------------ question files

QHEAD = "scenario: synthetic-standoff\nquestions:\n"
QGOOD = QHEAD + """\
  - id: Q1
    as_of: 2023-06-30
    text: "a strike within 60 days"
    window: {days: 60}
    event: {action: {actor: NRT, category: limited_precision_strike}}
"""


def _q(old: str, new: str) -> str:
    assert old in QGOOD, old
    return QGOOD.replace(old, new, 1)


QUESTION_FILES: dict[str, tuple[str | bytes, str, str]] = {
    "q-yaml-syntax-error": (_q("{days: 60}", "{days: 60"), ":7: (yaml)", r"while parsing a flow mapping"),
    "q-empty-file": ("", ": (file)", r"empty \(or only comments\): not a question file"),
    "q-top-level-list": ("- Q1\n", ":1: (file)", r"must be a mapping, not a list"),
    "q-no-questions": ("scenario: synthetic-standoff\n", ": questions", r"Field required"),
    "q-questions-typo": ("scenario: synthetic-standoff\nquestion:\n" + QGOOD.split("questions:\n")[1], ":2: question",
                         r"unknown field; did you mean 'questions'\?"),
    "q-missing-window": (_q("    window: {days: 60}\n", ""), ":3: questions[Q1].window", r"Field required"),
    "q-field-typo": (_q("text:", "txt:"), ":5: questions[Q1].txt", r"did you mean 'text'\?"),
    "q-unknown-outcome": (_q("{action: {actor: NRT, category: limited_precision_strike}}", "{outcome: border_wars}"),
                          ":7: questions[Q1].event.outcome", r"unknown outcome 'border_wars' \(known: .*border_war"),
    "q-unknown-actor": (_q("actor: NRT", "actor: XYZ"), ":7: questions[Q1].event.action.actor",
                        r"unknown actor 'XYZ'"),
    "q-unknown-variable": (_q("{action: {actor: NRT, category: limited_precision_strike}}",
                              '{state: "NRT.bogus > 0.5"}'), ":7: questions[Q1].event.state",
                           r"'NRT.bogus' is neither a state variable nor a parameter"),
    "q-formula-deep": (_q("{action: {actor: NRT, category: limited_precision_strike}}",
                          '{state: "' + "not " * 150 + 'front.BORDER > 0.5"}'),
                       ":7: questions[Q1].event.state", r"nested more than 100 levels deep"),
    "q-impossible-date": (_q("as_of: 2023-06-30", "as_of: 2023-02-30"), ":4: questions[Q1].as_of",
                          r"valid date.*\(got '2023-02-30'\)"),
    "q-date-is-words": (_q("as_of: 2023-06-30", "as_of: next tuesday"), ":4: questions[Q1].as_of",
                        r"valid date.*\(got 'next tuesday'\)"),
    "q-window-zero": (_q("{days: 60}", "{days: 0}"), ":6: questions[Q1].window.days", r"empty window: 0 days"),
    "q-window-negative": (_q("{days: 60}", "{days: -30}"), ":6: questions[Q1].window.days", r"empty window: -30 days"),
    "q-window-absurd": (_q("{days: 60}", "{days: 100000000000}"), ":6: questions[Q1].window.days",
                        r"a window of 100,000,000,000 days: longer than the 3,653 days \(ten years\)"),
    "q-until-far-future": (_q("{days: 60}", "{until: 9999-12-31}"), ":6: questions[Q1].window.until",
                           r"longer than the 3,653 days"),
    "q-window-not-a-number": (_q("{days: 60}", "{days: sixty}"), ":6: questions[Q1].window.days",
                              r"valid integer.*\(got 'sixty'\)"),
    "q-alias-bomb": (_bomb(), ":7: g[0]", r"values once aliases are expanded"),
    "q-not-utf8": (QGOOD.replace("a strike", "une fr\xe9gate").encode("latin-1"), ":5: (file)", r"not UTF-8"),
    "q-given-unknown": (_q("    window: {days: 60}\n", "    window: {days: 60}\n    given: Q9\n"),
                        ":7: questions[Q1].given", r"unknown question 'Q9'"),
    "q-given-itself": (_q("    window: {days: 60}\n", "    window: {days: 60}\n    given: Q1\n"),
                       ":7: questions[Q1].given", r"cyclic given: Q1 -> Q1"),
    "q-resolved-maybe": (_q("    window: {days: 60}\n", "    window: {days: 60}\n    resolved: maybe\n"),
                         ":7: questions[Q1].resolved", r"'maybe': expected yes or no"),
    "q-other-scenario": (_q("scenario: synthetic-standoff", "scenario: iran-2024"), ":1: scenario",
                         r"the questions are for scenario 'iran-2024', not 'synthetic-standoff'"),
    "q-event-two-kinds": (_q("{action: {actor: NRT, category: limited_precision_strike}}",
                             "{outcome: border_war, state: 'front.BORDER > 0.5'}"), ":7: questions[Q1].event",
                          r"an event is one of action, outcome, state, any, all, before \(exactly one\)"),
    "q-as-of-after-scenario": (_q("as_of: 2023-06-30", "as_of: 2030-01-01"), ":4: questions[Q1].as_of",
                               r"2030-01-01 is after the scenario's as_of date"),
    "q-as-of-before-scenario": (_q("as_of: 2023-06-30", "as_of: 1900-01-01"), ":4: questions[Q1].as_of",
                                r"before the scenario's first timeline event 2023-03-10"),
    "q-duplicate-id": (QGOOD + QGOOD.split("questions:\n")[1], ":8: questions[Q1].id",
                       r"duplicate id 'Q1' \(first at .*q\.yaml:3\)"),
}


@pytest.fixture
def no_simulation(monkeypatch):
    """Any simulation that starts fails the test: a bad file must be refused before one runs."""
    import brink.forecast.commands as fc
    import brink.sim.commands as sc

    def boom(*a, **k):
        raise AssertionError("a simulation ran before the bad file was refused")

    monkeypatch.setattr(fc, "_run_forecast", boom)
    monkeypatch.setattr(sc, "_run", boom)


@pytest.mark.parametrize("content, where, words", list(QUESTION_FILES.values()), ids=list(QUESTION_FILES))
def test_a_bad_question_file_is_refused_at_its_place(tmp_path, capsys, monkeypatch, no_simulation,
                                                     content, where, words):
    monkeypatch.chdir(tmp_path)
    f = _write(tmp_path / "q.yaml", content)
    before = _snapshot(tmp_path)
    code, out = run(capsys, "forecast", "synthetic-standoff", str(f), "--runs", "20", "--backend", "numpy")
    assert code == 2, out
    _assert_located(out, f, where, words)
    assert _snapshot(tmp_path) == before


def test_a_question_file_that_is_a_folder(tmp_path, capsys, monkeypatch, no_simulation):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.yaml").mkdir()
    code, out = run(capsys, "forecast", "synthetic-standoff", "q.yaml", "--runs", "20", "--backend", "numpy")
    assert code == 2 and "q.yaml: QUESTIONS: is a folder, not a question file" in out, out
    assert not (tmp_path / "brink-results").exists()


# ------------------------------------------------------------------------------- intervention files

IHEAD = 'intervention:\n  id: what-if\n  assumption: "for the test"\n'
INTERVENTIONS: dict[str, tuple[str | bytes, str, str]] = {
    "iv-unknown-variable": (IHEAD + "  set:\n    NRT.bogus: 0.5\n", ":5: intervention.set.NRT.bogus",
                            r"unknown name 'NRT.bogus': not a parameter, a state variable"),
    "iv-unknown-concern": (IHEAD + "  set:\n    weight.NRT.nothing: 0.5\n", ":5: intervention.set.weight.NRT.nothing",
                           r"NRT has no concern 'nothing'"),
    "iv-value-not-finite": (IHEAD + "  set:\n    lambda: .nan\n", ":5: intervention.set.lambda",
                            r"nan: not a finite number"),
    "iv-variable-out-of-range": (IHEAD + "  set:\n    NRT.credibility: 7\n", ":5: intervention.set.NRT.credibility",
                                 r"7: outside the range of NRT.credibility, \[0, 1\]"),
    "iv-value-is-words": (IHEAD + "  set:\n    lambda: high\n", ":5: intervention.set.lambda",
                          r"valid number.*\(got 'high'\)"),
    "iv-unknown-action": (IHEAD + "  disable: [STH_blockade, STH_nothing]\n", ":4: intervention.disable[1]",
                          r"unknown action 'STH_nothing'"),
    "iv-unknown-channel": (IHEAD + "  close_channels:\n    - NOPE\n", ":5: intervention.close_channels[0]",
                           r"unknown channel 'NOPE'"),
    "iv-force-wrong-actor": (IHEAD + "  force:\n    - {actor: NRT, action: STH_blockade, round: 1}\n",
                             ":5: intervention.force[0]", r"action STH_blockade belongs to STH, not NRT"),
    "iv-force-round-zero": (IHEAD + "  force:\n    - {actor: STH, action: STH_blockade, round: 0}\n",
                            ":5: intervention.force[0].round", r"greater than or equal to 1"),
    "iv-rounds-reversed": (IHEAD + "  force:\n    - {actor: STH, action: STH_blockade, rounds: '6-3'}\n",
                           ":5: intervention.force[0]", r"round range '6-3' is reversed"),
    "iv-rounds-beyond-any-horizon": (IHEAD + "  force:\n    - {actor: STH, action: STH_blockade, "
                                     "rounds: '1-99999999999'}\n", ":5: intervention.force[0]",
                                     r"round 99,999,999,999 is beyond any horizon \(at most 10,000\)"),
    "iv-round-beyond-any-horizon": (IHEAD + "  force:\n    - {actor: STH, action: STH_blockade, round: 123456}\n",
                                    ":5: intervention.force[0]", r"round 123,456 is beyond any horizon"),
    "iv-set-value-is-list": (IHEAD + "  set:\n    lambda: [1, 2]\n", ":5: intervention.set.lambda",
                             r"valid number"),
    "iv-no-intervention-key": ("set:\n  lambda: 3\n", ":1: set", r"Extra inputs are not permitted"),
    "iv-field-typo": (IHEAD + "  disabel: [STH_blockade]\n", ":4: intervention.disabel", r"did you mean 'disable'\?"),
    "iv-empty-file": ("# nothing\n", ": (file)", r"empty \(or only comments\): not an intervention file"),
    "iv-alias-bomb": (_bomb(), ":7: g[0]", r"values once aliases are expanded"),
    "iv-binary": (b"\x00\x01\x02\x03", ":1: (file)", r"a binary file"),
}


@pytest.mark.parametrize("content, where, words", list(INTERVENTIONS.values()), ids=list(INTERVENTIONS))
def test_a_bad_intervention_file_is_refused_before_any_simulation(tmp_path, capsys, monkeypatch, no_simulation,
                                                                  content, where, words):
    monkeypatch.chdir(tmp_path)
    f = _write(tmp_path / "iv.yaml", content)
    before = _snapshot(tmp_path)
    for cmd in ("compare", "simulate"):
        code, out = run(capsys, cmd, "synthetic-standoff", "--intervention", str(f), "--runs", "20",
                        "--backend", "numpy")
        assert code == 2, out
        _assert_located(out, f, where, words)
    assert _snapshot(tmp_path) == before


def test_an_intervention_folder_given_as_a_file(tmp_path, capsys, monkeypatch, no_simulation):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iv.yaml").mkdir()
    code, out = run(capsys, "compare", "synthetic-standoff", "--intervention", "iv.yaml", "--runs", "20",
                    "--backend", "numpy")
    assert code == 2 and "iv.yaml: --intervention: is a folder, not an intervention file" in out, out


def test_a_backup_copy_among_the_shipped_interventions_is_not_shipped(tmp_path):
    import shutil

    from brink.scenario.loader import resolve_path
    from brink.sim.interventions import builtin_interventions

    d = tmp_path / "scen"
    shutil.copytree(resolve_path("synthetic-standoff"), d)
    ivs = d / "interventions"
    for copy in ("no-blockade copy.yaml", "no-blockade.bak.yaml", "no-blockade (1).yaml"):
        shutil.copy(ivs / "no-blockade.yaml", ivs / copy)
    assert sorted(builtin_interventions(str(d))) == ["no-blockade", "no-mediation"]   # --all runs each once


@pytest.mark.parametrize("top, words", [
    ("questions:\n  - {id: Q1}\n", r"this looks like a question file, which lives in the scenario folder's "
                                    r"questions/ sub-folder"),
    ("intervention:\n  id: x\n", r"this looks like an intervention file, which lives in .* interventions/"),
], ids=["question-file-among-sections", "intervention-file-among-sections"])
def test_a_companion_file_dropped_among_the_sections_says_where_it_belongs(tmp_path, capsys, top, words):
    d = _folder(tmp_path, {"extra.yaml": top})
    code, out = run(capsys, "validate", str(d))
    assert code == 1
    _assert_located(out, d / "extra.yaml", ":1: ", words)


def test_every_shipped_intervention_passes_the_early_check():
    from brink.sim.interventions import builtin_interventions, resolve_intervention

    for scen in ("iran-2024", "synthetic-standoff"):
        sc = load_scenario(scen)
        for name in builtin_interventions(scen):
            assert not resolve_intervention(name, scen, sc).is_baseline()


# ------------------------------------------------------------------- the other YAML readers

def test_an_actor_dictionary_alias_bomb_is_refused(tmp_path):
    from brink.events.dictionary import load_dictionary

    f = _write(tmp_path / "dictionary.yaml", "id: d\n" + _bomb())
    with pytest.raises(InputError) as e:
        load_dictionary(f)
    assert str(e.value.problems[0]).startswith(f"{f}:8: g[0]: more than")


def test_a_dictionary_that_is_not_utf8_is_located(tmp_path):
    from brink.events.dictionary import load_dictionary

    f = _write(tmp_path / "dictionary.yaml", "id: d\nactors:\n  X: {name: Caf\xe9}\n".encode("latin-1"))
    with pytest.raises(InputError) as e:
        load_dictionary(f)
    assert str(e.value.problems[0]).startswith(f"{f}:3: (file): not UTF-8")


@pytest.mark.parametrize("content, words", [
    (_bomb(), r":7: g\[0\]: more than 1,000,000 values"),
    ("credibility: [0.5\n", r":2: \(yaml\): while parsing"),
], ids=["bargain-state-alias-bomb", "bargain-state-bad-yaml"])
def test_bargain_state_yaml_goes_through_the_one_reader(tmp_path, capsys, content, words):
    f = _write(tmp_path / "state.yaml", content)
    code, out = run(capsys, "bargain", "synthetic-standoff", "--state", str(f), "--draws", "0")
    assert code == 2 and "Traceback" not in out and re.search(re.escape(str(f)) + words, out), out


def test_fit_mapping_rules_alias_bomb_is_refused(tmp_path):
    import shutil

    from brink.fit.mapping import read_rules
    from brink.scenario.loader import resolve_path

    d = tmp_path / "scen"
    shutil.copytree(resolve_path("synthetic-standoff"), d)
    (d / "fit").mkdir(exist_ok=True)
    f = _write(d / "fit" / "mapping.yaml", _bomb())
    with pytest.raises(InputError) as e:
        read_rules(d)
    assert str(e.value.problems[0]).startswith(f"{f}:7: g[0]: more than")


# ------------------------------------------------------------------------------- property tests

YAMLISH = st.lists(st.sampled_from(list("abc:- \n[]{},'\"&*!#|>?%@`0123456789.\t\\")
                                   + ["meta:", "actors:", "sources:", "id: ", "\u00e9", "\x00", "2024-13-45", ".inf",
                                      "\n  - ", "&a ", "*a", "<<: *a", "!!int ", "!!binary ", "? "]),
                   max_size=120).map("".join)


def _mutations():
    """A random edit of MINIMAL: cut, repeat or replace a slice, or put a token somewhere."""
    token = st.sampled_from(["", ":", "- ", "  ", "\t", "[", "]", "{", "}", "&a ", "*a", "!!float ", "'", '"',
                             "\n", "-1", ".nan", "2024-02-30", "9" * 300, "null", "~", "actors:", "\x07", "\ufeff"])
    n = len(MINIMAL)
    return st.tuples(st.integers(0, n), st.integers(0, 40), token, st.sampled_from(["cut", "repeat", "put"]))


def _mutate(m) -> str:
    i, k, token, how = m
    j = min(len(MINIMAL), i + k)
    if how == "cut":
        return MINIMAL[:i] + MINIMAL[j:]
    if how == "repeat":
        return MINIMAL[:j] + MINIMAL[i:j] + MINIMAL[j:]
    return MINIMAL[:i] + token + MINIMAL[j:]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=YAMLISH)
def test_property_any_text_gives_a_scenario_or_a_brink_error(tmp_path, text):
    f = tmp_path / "p.yaml"
    f.write_text(text, encoding="utf-8")
    try:
        load_scenario(f)
    except BrinkError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(m=_mutations())
def test_property_a_mutated_minimal_scenario_gives_a_scenario_or_a_brink_error(tmp_path, m):
    f = tmp_path / "p.yaml"
    f.write_text(_mutate(m), encoding="utf-8")
    try:
        sc = load_scenario(f)
    except BrinkError as exc:
        assert str(exc)
    else:
        assert sc.meta.id and sc.actors


@pytest.fixture(scope="module")
def standoff():
    return load_scenario("synthetic-standoff")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(m=st.tuples(st.integers(0, len(QGOOD)), st.integers(0, 30),
                   st.sampled_from(["", ":", "- ", "\t", "{", "}", "[", "&a ", "*a", "-5", "0", "99999999999",
                                    "9999-12-31", "2023-02-30", "outcome: x", "state: 'NRT.x > 1'", "given: Q1"]),
                   st.booleans()), text=YAMLISH)
def test_property_a_question_file_gives_questions_or_a_brink_error(tmp_path, standoff, m, text):
    from brink.forecast.questions import load_questions

    i, k, token, random_text = m
    body = text if random_text else QGOOD[:i] + token + QGOOD[min(len(QGOOD), i + k):]
    f = tmp_path / "q.yaml"
    f.write_text(body, encoding="utf-8")
    try:
        qs = load_questions(f, standoff)
    except BrinkError:
        return
    assert all(1 <= q.days <= 3653 for q in qs)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(YAMLISH, st.tuples(
    st.sampled_from(["set", "disable", "close_channels", "force", "id", "label", "sett"]),
    st.sampled_from(["{lambda: 3}", "{NRT.credibility: 2}", "[STH_blockade]", "[x]", "{}", "3", "'a'",
                     "[{actor: STH, action: STH_blockade, rounds: '2-1'}]", "{lambda: .inf}", "null"]),
).map(lambda kv: f'{IHEAD}  {kv[0]}: {kv[1]}\n')))
def test_property_an_intervention_file_gives_an_intervention_or_a_brink_error(tmp_path, standoff, body):
    from brink.sim.interventions import load_intervention

    f = tmp_path / "iv.yaml"
    f.write_text(body, encoding="utf-8")
    try:
        load_intervention(f, standoff)
    except BrinkError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_property_the_reader_takes_any_bytes(tmp_path, data):
    f = tmp_path / "b.yaml"
    f.write_bytes(data)
    try:
        read_yaml(f)
    except BrinkError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(YAMLISH, st.sampled_from(["id: d\nactors:\n  X: {name: x}\n", "id: d\nactors: [1]\n",
                                                "id: d\nactors:\n  X: {name: x, patterns: ['[']}\n",
                                                "id: d\nfronts: [{front: F, dyad: [X]}]\n"])))
def test_property_an_actor_dictionary_gives_a_dictionary_or_a_brink_error(tmp_path, body):
    from brink.events.dictionary import load_dictionary

    f = tmp_path / "dictionary.yaml"
    f.write_text(body, encoding="utf-8")
    try:
        load_dictionary(f)
    except BrinkError:
        pass


def test_the_limits_count_per_document_when_a_reader_is_reused():
    """The fit writer reads each file with its own round-trip instance; the counts must not carry over."""
    from brink.scenario.yamlread import new_yaml, parse_yaml

    y = new_yaml()
    text = "x: &x 1\ny: [" + ", ".join(["*x"] * (MAX_ALIASES - 10)) + "]\n"
    for _ in range(3):
        assert len(parse_yaml(text, "t.yaml", y)["y"]) == MAX_ALIASES - 10
