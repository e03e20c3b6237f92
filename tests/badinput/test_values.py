"""Values that enter at run time (issue 15): ``--set``, ``--force``, intervention files, ``brink game
--sweep`` and scenario formulas evaluated during a run. Each kind of bad value stops with one
specific message naming the name, the value and what it must be (file:line:field for files), exit 2,
no traceback, and nothing written.

One id per kind of bad input; the project counts kinds.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brink.errors import BrinkError
from brink.games.sweep import MAX_POINTS, parse_range
from brink.model import compile_model
from brink.model.intervention import from_options, parse_force, parse_set
from brink.scenario.folder import resolve_path
from brink.scenario.loader import load_scenario
from tests.cli import run

SIM = ("--runs", "20", "--backend", "numpy")


def _clean(code: int, out: str, tmp_path: Path, *says: str) -> None:
    assert code == 2, out
    assert "Traceback" not in out and "RuntimeWarning" not in out, out
    for s in says:
        assert s in out, (s, out)
    assert not (tmp_path / "brink-results").exists()


# ------------------------------------------------------------------ --set
SET_CASES = [
    # (id, command, --set item, what the message must say)
    ("set-parameter-below-its-range", "simulate", "lambda=-40",
     ["--set lambda=-40", "outside the declared range of lambda, [0.1, 500]"]),
    ("set-state-variable-above-its-range", "explain", "IRN.legitimacy=5",
     ["--set IRN.legitimacy=5", "outside the range of IRN.legitimacy, [0, 1]"]),
    ("set-variable-by-suffix-out-of-range", "explain", "legitimacy=-0.5",
     ["--set legitimacy=-0.5", "range of IRN.legitimacy, [0, 1]"]),
    ("set-nan", "explain", "IRN.legitimacy=nan", ["--set IRN.legitimacy=nan", "not a finite number"]),
    ("set-infinity", "explain", "IRN.legitimacy=inf", ["--set IRN.legitimacy=inf", "not a finite number"]),
    ("set-negative-infinity", "simulate", "lambda=-inf", ["--set lambda=-inf", "not a finite number"]),
    ("set-overflowing-scientific-notation", "explain", "IRN.legitimacy=1e999",
     ["'1e999' is not a finite number (too large for a float)"]),
    ("set-negative-concern-weight", "explain", "weight.IRN.deterrence=-1",
     ["--set weight.IRN.deterrence=-1", "outside the range of a concern weight, [0, 1]"]),
    ("set-concern-weight-above-one", "simulate", "weight.IRN.deterrence=3",
     ["--set weight.IRN.deterrence=3", "[0, 1]"]),
    ("set-zero-precision", "explain", "precision.IRN=0",
     ["--set precision.IRN=0", "outside the range of a logit precision"]),
    ("set-channel-above-one", "explain", "channel.OMAN=2", ["--set channel.OMAN=2", "[0, 1]"]),
    ("set-unknown-name-near-miss", "explain", "legitimacyy=0.3",
     ["unknown name 'legitimacyy'", "did you mean legitimacy or IRN.legitimacy?"]),
    ("set-variable-of-unknown-actor", "simulate", "XYZ.unrest=0.3", ["unknown name 'XYZ.unrest'"]),
    ("set-unknown-name-no-near-miss", "explain", "qqqq=1", ["unknown name 'qqqq'", "not a parameter"]),
    ("set-ambiguous-suffix", "explain", "grievance=0.3", ["'grievance' is ambiguous", "IRN.grievance"]),
    ("set-weight-of-unknown-concern", "explain", "weight.IRN.nope=0.1", ["IRN has no concern 'nope'"]),
    ("set-weight-of-unknown-actor", "explain", "weight.XYZ.nope=0.1", ["unknown actor 'XYZ'"]),
    ("set-tendency-of-unknown-category", "explain", "tendency.IRN.nope=0.1",
     ["IRN has no catalogue action of category 'nope'"]),
    ("set-precision-of-unknown-actor", "explain", "precision.XYZ=3", ["unknown actor 'XYZ'"]),
    ("set-empty-name", "explain", "=3", ["--set '=3': expected NAME=VALUE"]),
    ("set-no-equals", "explain", "lambda", ["--set 'lambda': expected NAME=VALUE"]),
    ("set-empty-value", "explain", "lambda=", ["--set 'lambda=': expected NAME=VALUE"]),
    ("set-two-equals", "explain", "a=b=c", ["--set 'a=b=c': one NAME=VALUE per --set"]),
    ("set-word-for-a-value", "explain", "lambda=abc", ["'abc' is not a number"]),
    ("set-hex-value", "explain", "lambda=0x10", ["'0x10' is not a number"]),
    ("set-unicode-fraction", "explain", "lambda=½", ["'½' is not a number"]),
    ("set-unicode-name", "explain", "λ=3", ["unknown name 'λ'"]),
    ("set-name-with-a-space", "explain", "IRN legitimacy=0.3", ["has a space in it"]),
    ("set-on-game", "game", "lambda=-40", ["--set lambda=-40", "[0.1, 500]"]),
]


@pytest.mark.parametrize("command, item, says", [c[1:] for c in SET_CASES], ids=[c[0] for c in SET_CASES])
def test_a_bad_set_value_stops_with_one_line(tmp_path, capsys, monkeypatch, command, item, says):
    monkeypatch.chdir(tmp_path)
    argv = [command, "iran-2024", "--set", item] + (list(SIM) if command == "simulate" else [])
    code, out = run(capsys, *argv)
    _clean(code, out, tmp_path, *says)
    assert out.strip().startswith("error:") and len(out.strip().splitlines()) == 1, out
    assert not any(tmp_path.iterdir())


def test_a_name_set_twice_with_two_values_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "explain", "iran-2024", "--set", "lambda=3", "--set", "lambda=4")
    _clean(code, out, tmp_path, "--set lambda: given twice, as 3 and 4")
    code, out = run(capsys, "explain", "iran-2024", "--set", "lambda=3", "--set", "lambda=3.0")
    assert code == 0 and "what-if applied: lambda=3" in out     # the same value twice is harmless


def test_the_edges_of_a_declared_range_are_accepted(capsys):
    code, out = run(capsys, "explain", "iran-2024", "--set", "lambda=0.1", "--set", "IRN.legitimacy=1")
    assert code == 0 and "what-if applied" in out


def test_values_given_in_python_follow_the_same_rule():
    sc = load_scenario("iran-2024")
    for bad, says in [({"lambda": float("nan")}, "not a finite number"), ({"lambda": -1}, "[0.1, 500]"),
                      ({"IRN.legitimacy": 7.0}, "[0, 1]")]:
        with pytest.raises(BrinkError, match=r"\[|finite"):
            compile_model(sc, bad)
        with pytest.raises(BrinkError) as info:
            compile_model(sc, from_options(bad))   # the shorthand's parser or the model: the same rule
        assert says in str(info.value)
    assert compile_model(sc, {"lambda": 3}).params["lambda"] == 3.0


# ----------------------------------------------------------------- --force
FORCE_CASES = [
    ("force-unknown-actor", "XXX:IRN_strike_warned@3", ["--force XXX:IRN_strike_warned@3", "unknown actor 'XXX'",
                                                        "actors that decide: IRN"]),
    ("force-unknown-action", "IRN:nope@3", ["--force IRN:nope@3", "unknown action 'nope'"]),
    ("force-misspelt-action", "IRN:IRN_strike_warnd@3", ["did you mean IRN_strike_warned"]),
    ("force-action-of-another-actor", "USA:IRN_strike_warned@3", ["belongs to IRN, not USA"]),
    ("force-actor-that-does-not-decide", "IRN_PUB:IRN_strike_warned@3", ["IRN_PUB does not decide in the schedule"]),
    ("force-round-zero", "IRN:IRN_strike_warned@0", ["rounds count from 1"]),
    ("force-negative-round", "IRN:IRN_strike_warned@-1", ["rounds '-1' must be like 3, 3-6 or 2,4,6"]),
    ("force-reversed-rounds", "IRN:IRN_strike_warned@6-3", ["round range '6-3' is reversed"]),
    ("force-huge-round-range", "IRN:IRN_strike_warned@3-300000000",
     ["round 300,000,000 is beyond any horizon (at most 10,000)"]),
    ("force-without-round", "IRN:IRN_strike_warned", ["expected ACTOR:ACTION@ROUND"]),
    ("force-without-action", "IRN@3", ["expected ACTOR:ACTION@ROUND"]),
    ("force-word-for-round", "IRN:IRN_strike_warned@soon", ["rounds 'soon' must be like"]),
]


@pytest.mark.parametrize("item, says", [c[1:] for c in FORCE_CASES], ids=[c[0] for c in FORCE_CASES])
def test_a_bad_forced_move_stops_before_anything_runs(tmp_path, capsys, monkeypatch, item, says):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "simulate", "iran-2024", "--force", item, *SIM)
    _clean(code, out, tmp_path, *says)
    assert len(out.strip().splitlines()) == 1, out
    assert not any(tmp_path.iterdir())


OTHER_OPTION_CASES = [
    ("disable-unknown-action", ["--disable", "IRN_nope"], ["--disable: unknown action 'IRN_nope'"]),
    ("close-unknown-channel", ["--close-channel", "omn"], ["--close-channel: unknown channel 'omn'", "OMAN"]),
]


@pytest.mark.parametrize("argv, says", [c[1:] for c in OTHER_OPTION_CASES], ids=[c[0] for c in OTHER_OPTION_CASES])
def test_an_unknown_id_in_an_option_is_one_line(tmp_path, capsys, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "simulate", "iran-2024", *argv, *SIM)
    _clean(code, out, tmp_path, *says)
    assert not any(tmp_path.iterdir())


# -------------------------------------------------------- intervention files
def _line(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


FILE_CASES = [
    # (id, set: block lines, the needle of the bad line, what the message must say)
    ("file-state-variable-out-of-range", ["IRN.legitimacy: 7"], "IRN.legitimacy: 7", ["IRN.legitimacy", "[0, 1]"]),
    ("file-parameter-out-of-range", ["lambda: -5"], "lambda: -5", ["intervention.set.lambda", "[0.1, 500]"]),
    ("file-unknown-variable", ["IRN.legitimcy: 0.3"], "IRN.legitimcy", ["unknown name 'IRN.legitimcy'",
                                                                        "did you mean IRN.legitimacy"]),
    ("file-negative-weight", ["weight.IRN.deterrence: -0.5"], "weight.IRN", ["weight.IRN.deterrence", "[0, 1]"]),
    ("file-nan-value", ["IRN.legitimacy: .nan"], "IRN.legitimacy", ["IRN.legitimacy", "not a finite number"]),
    ("file-sourced-value-out-of-range",
     ['IRN.legitimacy: {value: 3, assumption: "a test"}'], "IRN.legitimacy", ["IRN.legitimacy", "[0, 1]"]),
]


@pytest.mark.parametrize("lines, needle, says", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_a_bad_value_in_an_intervention_file_is_placed_at_its_line(tmp_path, capsys, monkeypatch, lines, needle, says):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "what-if.yaml"
    f.write_text("intervention:\n  id: bad\n  assumption: \"for the test\"\n  set:\n"
                 + "".join(f"    {x}\n" for x in lines))
    before = f.read_bytes()
    code, out = run(capsys, "compare", "iran-2024", "--intervention", str(f), *SIM)
    _clean(code, out, tmp_path, f"{f}:{_line(f, needle)}", *says)
    assert f.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["what-if.yaml"]


def test_every_bad_entry_of_a_file_is_reported_at_once(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "two.yaml"
    f.write_text("intervention:\n  id: two\n  assumption: \"test\"\n  set:\n    IRN.legitimacy: 7\n"
                 "    IRN.legitimcy: 0.3\n  disable: [IRN_nope]\n")
    code, out = run(capsys, "compare", "iran-2024", "--intervention", str(f), *SIM)
    _clean(code, out, tmp_path, "3 problems found", f"{f}:5", f"{f}:6", f"{f}:7")


def test_a_file_with_a_bad_force_round_is_refused_by_the_loader(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "r0.yaml"
    f.write_text("intervention:\n  id: r0\n  assumption: \"test\"\n  force:\n"
                 "    - {actor: IRN, action: IRN_strike_warned, round: 0}\n")
    code, out = run(capsys, "compare", "iran-2024", "--intervention", str(f), *SIM)
    _clean(code, out, tmp_path, f"{f}:5", "force")


# ------------------------------------------------------------------ --sweep
SWEEP_CASES = [
    ("sweep-outside-declared-range", "legitimacy=-5:5:5", ["legitimacy = -5", "range of IRN.legitimacy, [0, 1]"]),
    ("sweep-list-outside-declared-range", "lambda=-1,5", ["lambda = -1", "[0.1, 500]"]),
    ("sweep-too-many-points", "legitimacy=0:1:1000000", [f"1,000,000 points; at most {MAX_POINTS:,}"]),
    ("sweep-zero-points", "legitimacy=0:1:0", ["need N >= 2 points (got 0)"]),
    ("sweep-one-point", "legitimacy=0:1:1", ["need N >= 2 points (got 1)"]),
    ("sweep-negative-points", "legitimacy=0:1:-3", ["need N >= 2 points (got -3)"]),
    ("sweep-fractional-points", "legitimacy=0:1:2.5", ["N = '2.5' must be a whole number"]),
    ("sweep-low-above-high", "legitimacy=1:0:5", ["need LO < HI (got 1 and 0)"]),
    ("sweep-low-equals-high", "legitimacy=0.5:0.5:5", ["need LO < HI"]),
    ("sweep-words", "legitimacy=x:y:5", ["'x' is not a number"]),
    ("sweep-infinite-bound", "legitimacy=0:inf:3", ["'inf' is not a finite number"]),
    ("sweep-overflowing-bound", "legitimacy=0:1e999:3", ["'1e999' is not a finite number"]),
    ("sweep-nan-in-list", "legitimacy=0.1,nan", ["'nan' is not a finite number"]),
    ("sweep-empty-item-in-list", "legitimacy=0.1,,0.2", ["'' is not a number"]),
    ("sweep-two-colons-only", "legitimacy=0:1", ["expected NAME=LO:HI:N"]),
    ("sweep-four-parts", "legitimacy=0:1:3:4", ["expected NAME=LO:HI:N"]),
    ("sweep-no-name", "=0:1:3", ["no name before '='"]),
    ("sweep-no-equals", "legitimacy", ["expected NAME=LO:HI:N"]),
    ("sweep-unknown-name", "nosuchname=0:1:3", ["--sweep nosuchname=0:1:3: unknown name 'nosuchname'"]),
]


@pytest.mark.parametrize("spec, says", [c[1:] for c in SWEEP_CASES], ids=[c[0] for c in SWEEP_CASES])
def test_a_bad_sweep_stops_before_any_game_is_solved(tmp_path, capsys, monkeypatch, spec, says):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "game", "iran-2024", "--sweep", spec)
    _clean(code, out, tmp_path, "--sweep", *says)
    assert not any(tmp_path.iterdir())  # no plot, no results folder


# --------------------------------------------------- formulas at run time
def _scenario_with(tmp_path: Path, folder: str, file: str, old: str, new: str) -> Path:
    dst = tmp_path / folder
    shutil.copytree(resolve_path("synthetic-standoff"), dst)
    text = (dst / file).read_text()
    assert old in text
    (dst / file).write_text(text.replace(old, new, 1))
    return dst


FORMULA_CASES = [
    # (id, file, formula as shipped, the broken one, field, command)
    ("formula-dynamics-divides-by-zero", "scenario.yaml", '"-grievance_decay * NRT.grievance"',
     '"grievance_decay / (NRT.grievance - NRT.grievance)"', "dynamics.NRT.grievance", "simulate"),
    ("formula-effect-zero-over-zero", "actions.yaml", '"-inaction_cost * NRT.grievance"',
     '"(NRT.grievance - NRT.grievance) / (NRT.grievance - NRT.grievance)"', "effects.NRT.credibility", "simulate"),
    ("formula-concern-measure-divides-by-zero", "actors.yaml", 'measure: "-front.BORDER"',
     'measure: "front.BORDER / (front.BORDER - front.BORDER)"', "measure", "explain"),
    ("formula-random-mean-not-a-number", "actions.yaml", 'mean: "strike_containment"',
     'mean: "(NRT.grievance - NRT.grievance) / (NRT.grievance - NRT.grievance)"', "random.contained.mean",
     "simulate"),
    ("formula-breaks-in-a-game", "scenario.yaml", '"-grievance_decay * NRT.grievance"',
     '"grievance_decay / (NRT.grievance - NRT.grievance)"', "dynamics.NRT.grievance", "game"),
]


@pytest.mark.parametrize("file, old, new, field, command", [c[1:] for c in FORMULA_CASES],
                         ids=[c[0] for c in FORMULA_CASES])
def test_a_formula_without_a_finite_value_stops_the_run_naming_it(tmp_path, capsys, monkeypatch,
                                                                  file, old, new, field, command):
    monkeypatch.chdir(tmp_path)
    folder = _scenario_with(tmp_path, "synthetic-standoff", file, old, new)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    argv = [command, "synthetic-standoff"] + (list(SIM) if command == "simulate" else [])
    code, out = run(capsys, *argv)
    formula = new.split('"')[1]
    path = Path("synthetic-standoff") / file
    _clean(code, out, tmp_path, f"formula {formula!r} gave", "not a finite number", field,
           f"{path}:{_line(folder / file, formula)}")
    assert " = " in out.split("where", 1)[1]   # the values the formula read
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_formula_of_a_scenario_given_by_another_path_names_its_field(tmp_path, capsys, monkeypatch):
    """Where the model cannot find the scenario's files again (given by a path elsewhere), the error
    still names the formula's field, its text and the state."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    folder = _scenario_with(tmp_path, "my scenario", "scenario.yaml", '"-grievance_decay * NRT.grievance"',
                            '"grievance_decay / (NRT.grievance - NRT.grievance)"')
    code, out = run(capsys, "simulate", str(folder), *SIM)
    assert code == 2 and "Traceback" not in out
    assert "dynamics.NRT.grievance: formula 'grievance_decay / (NRT.grievance - NRT.grievance)' gave inf" in out
    assert "NRT.grievance = " in out and "grievance_decay = " in out
    assert not any(work.iterdir())


# ------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=30), max_size=4))
def test_parse_set_returns_finite_numbers_or_a_brink_error(items):
    try:
        out = parse_set(items)
    except BrinkError:
        return
    assert all(isinstance(v, float) and math.isfinite(v) for v in out.values())
    assert all(k and k == k.strip() for k in out)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="IRN:_@0123456789-,x ", max_size=30) | st.text(max_size=30), max_size=3))
def test_parse_force_returns_rounds_from_one_or_a_brink_error(items):
    try:
        out = parse_force(items)
    except BrinkError:
        return
    assert all(f.actor and f.action and f.rounds and min(f.rounds) >= 1 and max(f.rounds) <= 10_000 for f in out)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"[a-z]{1,6}=-?[0-9.e]{1,6}:-?[0-9.e]{1,6}:-?[0-9]{1,8}", fullmatch=True))
def test_parse_range_returns_a_bounded_finite_grid_or_a_brink_error(text):
    try:
        name, values = parse_range(text)
    except BrinkError:
        return
    assert name and 1 <= len(values) <= MAX_POINTS and all(math.isfinite(v) for v in values)


_MODEL = None


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["lambda", "IRN.legitimacy", "legitimacy", "weight.IRN.deterrence", "precision.IRN",
                        "channel.OMAN", "nope", "grievance", "tendency.IRN.none"]),
       st.floats(allow_nan=True, allow_infinity=True))
def test_value_problem_says_why_or_accepts_never_raises(name, value):
    global _MODEL
    if _MODEL is None:
        _MODEL = compile_model(load_scenario("iran-2024"))
    why = _MODEL.value_problem(name, value)
    assert why is None or isinstance(why, str)
    if not math.isfinite(value):
        assert why is not None
    if why is None:  # accepted values build a model
        compile_model(_MODEL.scenario, {name: value})


ENTRY_CASES = [
    # (id, the file's body after `assumption`, the needle of the bad line, what the message must say)
    ("file-force-unknown-action", "  force:\n    - {actor: IRN, action: IRN_strike_warnd, rounds: \"3-4\"}\n",
     "IRN_strike_warnd", ["intervention.force[0]", "did you mean IRN_strike_warned"]),
    ("file-force-unknown-actor", "  force:\n    - {actor: XXX, action: IRN_strike_warned, round: 3}\n",
     "XXX", ["intervention.force[0]", "unknown actor 'XXX'"]),
    ("file-close-unknown-channel", "  close_channels:\n    - OMAN\n    - omn\n", "- omn",
     ["intervention.close_channels[1]", "unknown channel 'omn'"]),
    ("file-disable-unknown-action", "  disable: [IRN_nope]\n", "IRN_nope",
     ["intervention.disable[0]", "unknown action 'IRN_nope'"]),
    ("file-word-for-a-value", "  set:\n    IRN.legitimacy: high\n", "high", ["intervention.set"]),
    ("file-set-is-a-list", "  set:\n    - IRN.legitimacy\n", "set:", ["intervention.set", "valid dictionary"]),
]


@pytest.mark.parametrize("body, needle, says", [c[1:] for c in ENTRY_CASES], ids=[c[0] for c in ENTRY_CASES])
def test_a_bad_entry_of_an_intervention_file_is_placed_at_its_line(tmp_path, capsys, monkeypatch, body, needle, says):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "entry.yaml"
    f.write_text("intervention:\n  id: entry\n  assumption: \"for the test\"\n" + body)
    code, out = run(capsys, "compare", "iran-2024", "--intervention", str(f), *SIM)
    _clean(code, out, tmp_path, f"{f}:{_line(f, needle)}", *says)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.yaml"]


def test_the_model_places_a_file_intervention_s_problems_itself(tmp_path):
    """The model's own check (every path that compiles an intervention read from a file) gives
    file:line:field, not only the command's early check."""
    from brink.errors import InputError
    from brink.sim.interventions import load_intervention

    f = tmp_path / "m.yaml"
    f.write_text("intervention:\n  id: m\n  assumption: \"t\"\n  set:\n    lambda: -5\n    IRN.legitimcy: 0.3\n"
                 "  disable: [IRN_nope]\n")
    with pytest.raises(InputError) as info:
        compile_model(load_scenario("iran-2024"), load_intervention(f))
    got = [(p.line, p.field) for p in info.value.problems]
    assert (6, "intervention.set.IRN.legitimcy") in got           # unknown names first, before anything is built
    f.write_text("intervention:\n  id: m\n  assumption: \"t\"\n  set:\n    lambda: -5\n")
    with pytest.raises(InputError) as info:
        compile_model(load_scenario("iran-2024"), load_intervention(f))
    (p,) = info.value.problems
    assert (p.file, p.line, p.field) == (str(f), 5, "intervention.set.lambda") and "[0.1, 500]" in p.message
    f.write_text("intervention:\n  id: m\n  assumption: \"t\"\n  disable: [IRN_nope]\n")
    with pytest.raises(InputError) as info:
        compile_model(load_scenario("iran-2024"), load_intervention(f))
    (p,) = info.value.problems
    assert (p.line, p.field) == (4, "intervention.disable[0]")
