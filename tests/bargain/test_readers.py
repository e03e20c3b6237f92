"""Readers: both CSV formats, and errors that name file, line and field."""

import pytest

from brink.bargain.readers import read_table
from brink.bargain.validation import case_path
from brink.errors import InputError


def test_plain_ec_case():
    c = read_table(case_path("ec_emissions_1994.csv"))
    assert c.actors[:2] == ("Netherlands", "Belgium") and c.n_issues == 1
    assert c.position[1, 0] == 7 and c.salience[1, 0] == 0.4 and c.capability[1, 0] == 0.08


def test_ktab_cases():
    p = read_table(case_path("SOE-Policy.csv"))
    assert p.n_actors == 26 and p.issues == ("policy",)
    assert p.salience[0, 0] == pytest.approx(0.30)  # XJ salience 30 on 0-100
    k = read_table(case_path("SOE-Pol-Comp.csv"))
    assert k.n_actors == 13 and k.issues == ("policy", "competitive")
    assert k.capability[1, 0] == pytest.approx(60.2) and k.position[12, 1] == 60


def test_plain_multi_issue_and_percent_salience(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Issue,Actor,Capability,Position,Salience\na,X,1,0,50\na,Y,2,100,100\nb,X,1,10,0.5\nb,Y,1,20,1\n")
    c = read_table(f)
    assert c.issues == ("a", "b") and c.salience[0, 0] == 0.5 and c.salience[0, 1] == 0.5


def _err(tmp_path, text, name="bad.csv"):
    f = tmp_path / name
    f.write_text(text)
    with pytest.raises(InputError) as ei:
        read_table(f)
    return ei.value.problems


def test_bad_number_names_line_and_field(tmp_path):
    probs = _err(tmp_path, "Actor,Capability,Position,Salience\nA,1,5,0.5\nB,x,7,0.5\n")
    assert [(p.line, p.field) for p in probs] == [(3, "Capability")]
    assert probs[0].file.endswith("bad.csv")


def test_missing_column_and_ranges(tmp_path):
    probs = _err(tmp_path, "Actor,Capability,Position\nA,1,5\n")
    assert probs[0].field == "salience" and probs[0].line == 1
    probs = _err(tmp_path, "Actor,Capability,Position,Salience\nA,-1,5,0.5\nB,1,5,150\nA,1,2,0.1\n")
    assert {(p.line, p.field) for p in probs} == {(2, "Capability"), (3, "Salience"), (4, "Actor")}


def test_ktab_count_mismatch_and_bad_cell(tmp_path):
    text = ("S,desc, 3, 1, \nActor,Description,Influence,Policy Position,Policy Salience, \n"
            "A,a,10,30,40, \nB,b,20,zz,50, \n")
    probs = _err(tmp_path, text)
    got = {(p.line, p.field) for p in probs}
    assert (4, "Policy Position") in got and (1, "number of actors") in got


def test_unknown_format_and_missing_file(tmp_path):
    probs = _err(tmp_path, "foo,bar\n1,2\n")
    assert probs[0].line == 1
    with pytest.raises(InputError):
        read_table(tmp_path / "nope.csv")
