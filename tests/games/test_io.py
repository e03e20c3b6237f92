"""Gambit .efg/.nfg reading and writing."""

import numpy as np
import pytest

from brink.errors import InputError
from brink.games import textbook as tb
from brink.games.efg import read_efg, write_efg
from brink.games.nfg import read_game, read_nfg, write_nfg

BAYES = '''EFG 2 R "General Bayes game, one stage" { "Player 1" "Player 2" }
c "ROOT" 1 "(0,1)" { "1G" 0.500000 "1B" 0.500000 } 0
c "" 2 "(0,2)" { "2g" 0.500000 "2b" 0.500000 } 0
p "" 1 1 "(1,1)" { "H" "L" } 0
p "" 2 1 "(2,1)" { "h" "l" } 0
t "" 1 "Outcome 1" { 10.000000 2.000000 }
t "" 2 "Outcome 2" { 0.000000 10.000000 }
p "" 2 1 0
t "" 3 "Outcome 3" { 2.000000 4.000000 }
t "" 4 "Outcome 4" { 4.000000 0.000000 }
p "" 1 1 0
p "" 2 2 "(2,2)" { "h" "l" } 0
t "" 5 "Outcome 5" { 10.000000 2.000000 }
t "" 6 "Outcome 6" { 0.000000 10.000000 }
p "" 2 2 0
t "" 7 "Outcome 7" { 2.000000 4.000000 }
t "" 8 "Outcome 8" { 4.000000 0.000000 }
c "" 3 "(0,3)" { "2g" 1/2 "2b" 1/2 } 0
p "" 1 2 "(1,2)" { "H" "L" } 0
p "" 2 1 0
t "" 9 "Outcome 9" { 4.000000 2.000000 }
t "" 10 "Outcome 10" { 2.000000 10.000000 }
p "" 2 1 0
t "" 11 "Outcome 11" { 0.000000 4.000000 }
t "" 12 "Outcome 12" { 10.000000 2.000000 }
p "" 1 2 0
p "" 2 2 0
t "" 13 "Outcome 13" { 4.000000 2.000000 }
t "" 14 "Outcome 14" { 2.000000 10.000000 }
p "" 2 2 0
t "" 15 "Outcome 15" { 0.000000 4.000000 }
t "" 16 "Outcome 16" { 10.000000 0.000000 }
'''


def test_reads_the_sample_bayes_game_with_omitted_repeats():
    g = read_efg("bayes.efg", text=BAYES)
    assert g.players == ["Player 1", "Player 2"]
    assert len(g.terminals) == 16
    assert [len(i.nodes) for i in g.infosets] == [2, 2, 4, 4]
    assert g.chance[2].probs.tolist() == [0.5, 0.5]
    assert sorted(g.payoff[g.terminals][:, 0].tolist())[-1] == 10.0


def test_efg_round_trip_keeps_the_game():
    for g in (tb.chain_store(), tb.selten_horse(), tb.deterrence_tree(), read_efg("b", text=BAYES)):
        h = read_efg("again", text=write_efg(g))
        assert h.players == g.players and h.num_nodes == g.num_nodes
        assert np.allclose(h.payoff, g.payoff)
        assert [i.actions for i in h.infosets] == [i.actions for i in g.infosets]
        assert [len(i.nodes) for i in h.infosets] == [len(i.nodes) for i in g.infosets]


def test_inner_outcomes_add_up():
    text = '''EFG 2 R "t" { "A" }
p "" 1 1 "" { "x" "y" } 1 "entry fee" { -1 }
t "" 2 "a" { 3 }
t "" 3 "b" { 5 }
'''
    g = read_efg("t", text=text)
    assert sorted(g.payoff[g.terminals, 0].tolist()) == [2.0, 4.0]


def test_nfg_both_versions_and_round_trip(tmp_path):
    pay = read_nfg("e02.nfg", text='NFG 1 R "Selten" { "Player 1" "Player 2" } { 3 2 }\n\n1 1 0 2 0 2 1 1 0 3 2 0\n')
    out = read_nfg("e02o.nfg", text='''NFG 1 R "Selten" { "Player 1" "Player 2" }
{ { "1" "2" "3" } { "1" "2" } }
""
{ { "" 1, 1 } { "" 0, 2 } { "" 0, 2 } { "" 1, 1 } { "" 0, 3 } { "" 2, 0 } }
1 2 3 4 5 6
''')
    assert np.array_equal(pay.payoffs, out.payoffs)
    assert pay.payoffs[:, 1, 0].tolist() == [0, 2] and pay.payoffs[:, 2, 1].tolist() == [2, 0]
    p = tmp_path / "g.nfg"
    write_nfg(tb.mckelvey_mclennan_2x2x2(), p)
    back = read_game(p)
    assert np.array_equal(back.payoffs, tb.mckelvey_mclennan_2x2x2().payoffs)


@pytest.mark.parametrize("text,line,field", [
    ('EFG 2 R "t" { "A" }\np "" 2 1 "" { "x" } 0\nt "" 1 "" { 1 }\n', 2, "player"),
    ('EFG 2 R "t" { "A" }\nc "" 1 "" { "x" 0.3 "y" 0.3 } 0\nt "" 0\nt "" 0\n', 2, "probabilities"),
    ('EFG 2 R "t" { "A" "B" }\nt "" 1 "o" { 1 }\n', 2, "payoffs"),
    ('EFG 2 R "t" { "A" }\np "" 1 1 "" { "x" } 0\nq\n', 3, "node type"),
    ('EFG 2 R "t" { "A" }\np "" 1 4 0\n', 2, "infoset"),
])
def test_bad_efg_names_line_and_field(text, line, field):
    with pytest.raises(InputError) as err:
        read_efg("bad.efg", text=text)
    p = err.value.problems[0]
    assert (p.file, p.line, p.field) == ("bad.efg", line, field)


def test_bad_nfg_counts_and_unknown_files(tmp_path):
    with pytest.raises(InputError, match="payoffs"):
        read_nfg("bad.nfg", text='NFG 1 R "t" { "A" "B" } { 2 2 }\n1 2 3\n')
    f = tmp_path / "x.txt"
    f.write_text("hello")
    with pytest.raises(InputError, match="header"):
        read_game(f)
    with pytest.raises(InputError, match="cannot read"):
        read_game(tmp_path / "missing.efg")
