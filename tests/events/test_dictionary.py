"""Actor dictionaries: the shipped iran-2024 one, and errors that name file, line and field."""

from __future__ import annotations

import textwrap

import pytest

from brink.errors import InputError
from brink.events.dictionary import _norm_py, load_dictionary


def test_iran_2024_matches_the_scenario():
    from brink.scenario import load_scenario

    sc = load_scenario("iran-2024")
    dic = load_dictionary(
        "iran-2024", known_actors={a.id for a in sc.actors}, known_fronts=tuple(f.id for f in sc.fronts)
    )
    assert set(dic.actors) == {a.id for a in sc.actors}
    assert "Quds Force" in dic.actors["IRN"].aliases
    assert "Kataib Hezbollah" in dic.actors["IQM"].aliases
    assert "Ansar Allah" in dic.actors["HTH"].aliases


def test_normalisation():
    assert _norm_py("Military Forces of Israel (2022-) Air Force") == "military forces of israel air force"
    assert _norm_py("Kata'ib Hizballah") == "kataib hizballah"
    assert _norm_py("Protesters (Iran)") == "protesters iran"


def _write(tmp_path, text):
    p = tmp_path / "dict.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_errors_name_line_and_field(tmp_path):
    p = _write(
        tmp_path,
        """\
        id: test
        actors:
          IRN:
            name: Iran
            aliases: [Iran, Tehran]
            colour: green
          ISR:
            name: Israel
            aliases:
              - Israel
              - TEHRAN
            patterns: ['^(unclosed']
            groups: [TOOLONG]
        fronts:
          - {front: NOWHERE, any: [IRN]}
          - {front: LBN, any: [XXX]}
          - {front: LBN, location: [Lebanon]}
        """,
    )
    with pytest.raises(InputError) as e:
        load_dictionary(p)
    got = {(pr.line, pr.field) for pr in e.value.problems}
    assert (6, "actors.IRN.colour") in got  # unknown key
    assert (11, "actors.ISR.aliases[1]") in got  # alias already given to IRN (after normalising)
    assert (12, "actors.ISR.patterns[0]") in got  # bad regular expression
    assert (13, "actors.ISR.groups[0]") in got  # not a 3-character group code
    assert (15, "fronts[0].front") in got
    assert (16, "fronts[1].any[0]") in got
    assert (17, "fronts[2].location[0]") in got
    assert all(pr.file.endswith("dict.yaml") for pr in e.value.problems)
    dup = next(pr for pr in e.value.problems if pr.field == "actors.ISR.aliases[1]")
    assert "IRN" in dup.message and "line 5" in dup.message


def test_yaml_syntax_error_has_a_line(tmp_path):
    p = _write(tmp_path, "id: x\nactors:\n  IRN: {name: Iran\n")
    with pytest.raises(InputError) as e:
        load_dictionary(p)
    assert e.value.problems[0].line is not None


def test_unknown_scenario_actor(tmp_path):
    p = _write(tmp_path, "id: x\nactors:\n  IRN: {name: Iran}\n  ZZZ: {name: Nobody}\n")
    with pytest.raises(InputError) as e:
        load_dictionary(p, known_actors={"IRN"})
    assert [(pr.line, pr.field) for pr in e.value.problems] == [(4, "actors.ZZZ")]


def test_front_sql_orders_rules():
    dic = load_dictionary("iran-2024")
    sql = dic.front_sql("a", "t", "c")
    assert sql.index("'IRN_ISR'") < sql.index("'US_REGION'")
