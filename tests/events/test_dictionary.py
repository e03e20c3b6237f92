"""Actor dictionaries: each scenario's own, and errors that name file, line and field."""

from __future__ import annotations

import shutil
import textwrap

import pytest

from brink.errors import BrinkError, InputError
from brink.events.dictionary import _norm_py, dictionary_path, load_dictionary, served_scenario
from brink.scenario import load_scenario
from brink.scenario.folder import companion, scenario_folder


def test_scenario_dictionary_is_found_in_its_folder(scenario_id):
    sc = load_scenario(scenario_id)
    path, via = dictionary_path(scenario_id)
    assert path == companion(scenario_id, "events", "dictionary.yaml") and via == scenario_id
    assert path.parent.parent == scenario_folder(scenario_id)
    # checked against its scenario: actor ids and fronts are the scenario's
    dic = load_dictionary(scenario_id, scenario=sc)
    assert served_scenario(scenario_id) == scenario_id and served_scenario(path) == dic.scenario
    assert dic.actors and set(dic.actors) <= {a.id for a in sc.actors}
    assert {r.front for r in dic.fronts} <= {f.id for f in sc.fronts}
    assert load_dictionary(path).actors.keys() == dic.actors.keys()  # the same file, by its path


def test_scenario_dictionary_maps_every_entry(scenario_id, store, tmp_path):
    """Each dictionary actor's name, id and aliases map to it when imported."""
    dic = load_dictionary(scenario_id)
    names = [(a.id, n) for a in dic.actors.values() for n in (a.name, a.id, *a.aliases)]
    other = next(iter(dic.actors))
    rows = ["id,date,actor,target,cameo"]
    rows += [f'e{i},2024-01-01,"{n.replace(chr(34), 2 * chr(34))}",{other},042' for i, (_, n) in enumerate(names)]
    p = tmp_path / "names.csv"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = store.import_file(p, "csv", dic)
    assert r.inserted == len(names) and r.unmapped_events == 0
    got = store.sql("SELECT source_id, actor, actor_match FROM events").set_index("source_id")
    for i, (aid, _) in enumerate(names):
        assert got.loc[f"e{i}", "actor"] == aid


def test_scenario_without_dictionary_is_a_clear_error(tmp_path):
    folder = tmp_path / "no-dict"
    shutil.copytree(scenario_folder("iran-2024"), folder, ignore=shutil.ignore_patterns("events"))
    with pytest.raises(BrinkError) as e:
        load_dictionary(folder)
    msg = str(e.value)
    assert "has no actor dictionary" in msg and str(folder / "events" / "dictionary.yaml") in msg
    with pytest.raises(BrinkError, match="no actor dictionary 'no-such-thing'"):
        load_dictionary("no-such-thing")


def test_iran_2024_dictionary_names():
    dic = load_dictionary("iran-2024")
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
        load_dictionary(p, known_fronts=("LBN", "IRN_ISR"))
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


def test_fronts_and_actors_are_checked_against_a_given_scenario(tmp_path):
    sc = load_scenario("iran-2024")
    body = "actors:\n  IRN: {name: Iran}\n  ZZZ: {name: Nobody}\nfronts:\n  - {front: NOWHERE, any: [IRN]}\n"
    p = _write(tmp_path, "id: x\nscenario: iran-2024\n" + body)
    assert served_scenario(p) == "iran-2024"  # what `brink events dictionary FILE` checks against
    for given in ("iran-2024", sc):
        with pytest.raises(InputError) as e:
            load_dictionary(p, scenario=given)
        got = {(pr.line, pr.field): pr.message for pr in e.value.problems}
        assert set(got) == {(5, "actors.ZZZ"), (7, "fronts[0].front")}
        assert sc.fronts[0].id in got[(7, "fronts[0].front")]
    # on its own, any well-formed front id is accepted; a scenario this machine lacks is not checked
    assert [r.front for r in load_dictionary(p).fronts] == ["NOWHERE"]
    p = _write(tmp_path, "id: x\nscenario: somewhere-else\n" + body)
    assert served_scenario(p) is None


def test_front_sql_orders_rules():
    dic = load_dictionary("iran-2024")
    sql = dic.front_sql("a", "t", "c")
    assert sql.index("'IRN_ISR'") < sql.index("'US_REGION'")
