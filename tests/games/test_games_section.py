"""The scenario's `games:` section: loaded as scenario data, cross-checked with file, line and field."""

import shutil
import textwrap

import pytest

from brink.errors import InputError
from brink.games.builder import scenario_moves
from brink.scenario import load_scenario
from brink.scenario.loader import resolve_path

GOOD = """\
games:
  assumption: "for the test"
  players:
    - actor: IRN
      moves:
        - {label: "hold", actions: [IRN_hold]}
        - {label: "strike", actions: [IRN_strike_warned]}
    - actor: ISR
"""


def _copy(tmp_path, text: str | None):
    """iran-2024 in a temporary folder, with games.yaml replaced by ``text`` (None: removed)."""
    folder = tmp_path / "sc"
    shutil.copytree(resolve_path("iran-2024"), folder)
    path = folder / "games.yaml"
    if text is None:
        path.unlink()
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder, path


def _line(path, needle: str) -> int:
    """The last line holding ``needle`` (the replaced text comes after the original it repeats)."""
    return max(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _problems(folder):
    with pytest.raises(InputError) as info:
        load_scenario(folder)
    return info.value.problems


def test_games_section_is_read_and_a_player_without_moves_gets_its_catalogue(tmp_path):
    folder, _ = _copy(tmp_path, GOOD)
    sc = load_scenario(folder)
    moves = scenario_moves(sc, "after_october_26")
    assert tuple(moves) == ("IRN", "ISR")
    assert [m.actions for m in moves["IRN"]] == [("IRN_hold",), ("IRN_strike_warned",)]
    assert [m.actions for m in moves["ISR"]] == [(a.id,) for a in sc.actions if a.actor == "ISR"]


def test_scenario_without_games_file_loads_and_derives_the_game(tmp_path):
    folder, _ = _copy(tmp_path, None)
    sc = load_scenario(folder)
    assert sc.games is None
    assert tuple(scenario_moves(sc, "after_october_26")) == ("IRN", "ISR", "USA")


@pytest.mark.parametrize("bad, needle, field, message", [
    ("IRN_strike_warned]", "IRN_nope]", "games.players[0].moves[1].actions[0]", "unknown action 'IRN_nope'"),
    ("IRN_strike_warned]", "ISR_restraint]", "games.players[0].moves[1].actions[0]",
     "action 'ISR_restraint' belongs to ISR, not IRN"),
    ("actor: ISR", "actor: XXX", "games.players[1].actor", "unknown actor 'XXX'"),
    ("actor: ISR", "actor: IRN", "games.players[1].actor", "IRN is already player 1"),
    ('label: "strike"', 'label: "hold"', "games.players[0].moves[1].label", "move label 'hold' is used twice"),
])
def test_bad_games_section_names_file_line_and_field(tmp_path, bad, needle, field, message):
    folder, path = _copy(tmp_path, GOOD.replace(bad, needle))
    problems = _problems(folder)
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.file == str(path)
    assert p.line == _line(path, needle)
    assert p.field == field
    assert message in p.message


def test_games_section_shape_errors_are_located(tmp_path):
    folder, path = _copy(tmp_path, GOOD.replace("  players:\n", "  players: []\n  colour: red\n", 1).split("    - actor: IRN")[0])
    problems = _problems(folder)
    fields = {p.field: p for p in problems}
    assert {"games.players", "games.colour"} <= set(fields)
    assert all(p.file == str(path) for p in problems)
    assert fields["games.colour"].line == _line(path, "colour: red")


def test_games_section_needs_provenance(tmp_path):
    folder, path = _copy(tmp_path, GOOD.replace('  assumption: "for the test"\n', ""))
    problems = _problems(folder)
    assert [p.field for p in problems] == ["games"]
    assert (problems[0].file, problems[0].line) == (str(path), 1)
    assert "evidence" in problems[0].message
