"""Bad game files (.efg/.nfg) and bad bargaining cases: one located line, exit 2, nothing written.

Part of issue 15 ("bad input never wins"). Each parametrised id is one kind of bad input; every
case checks the exit code, the located message (file:line: field where they exist), that no
traceback is shown, that the input file is left byte for byte as it was, and that nothing new
appears next to it (the --export target included). The property tests feed the readers random
text and random mutations of valid files: each returns a result or raises BrinkError.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brink.errors import BrinkError
from tests.cli import run

# ------------------------------------------------------------------ valid games to spoil
CHANCE_EFG = """\
EFG 2 R "chance game" { "A" "B" }
""
c "root" 1 "nature" { "good" 0.7 "bad" 0.3 } 0
p "A good" 1 1 "A1" { "in" "out" } 0
p "B after in" 2 1 "B1" { "fight" "yield" } 0
t "" 1 "fight" { -1 -1 }
t "" 2 "yield" { 2 1 }
t "" 3 "out" { 0 3 }
p "A bad" 1 2 "A2" { "in" "out" } 0
p "B after in bad" 2 2 "B2" { "fight" "yield" } 0
t "" 4 "fight2" { 1 2 }
t "" 5 "yield2" { -1 0 }
t "" 6 "out2" { 0 1 }
"""

PAYOFF_NFG = 'NFG 1 R "pd" { "Row" "Col" } { 2 2 }\n""\n3 3 0 5 5 0 1 1\n'

OUTCOME_NFG = """\
NFG 1 R "o" { "Row" "Col" }
{ { "U" "D" } { "L" "R" } }
""
{
{ "a" 1, 1 }
{ "b" 0, 2 }
}
1 2 2 1
"""


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _wide_root(actions: int) -> str:
    acts = " ".join(f'"a{i}"' for i in range(actions))
    return f'EFG 2 R "wide" {{ "A" }}\n""\np "" 1 1 "root" {{ {acts} }} 0\n'


GAME_CASES = {
    # id: (file name, content (str, bytes, or None for a folder), where, says)
    "random-bytes": ("r.efg", bytes(range(128, 256)) * 3, "r.efg:1: file", "not UTF-8 text"),
    "nfg-too-many-profiles": ("big.nfg", 'NFG 1 R "x" { "a" "b" "c" } { 100000 100000 100000 }\n""\n',
                              "big.nfg:1: strategies",
                              "100,000 x 100,000 x 100,000 = 1,000,000,000,000,000 strategy profiles; "
                              "the limit is 1,000,000"),
    "nfg-strategy-count-overflows": ("o.nfg", _swap(PAYOFF_NFG, "{ 2 2 }", "{ 2 " + "9" * 30 + " }"),
                                     "o.nfg:1: strategies", "the limit is 1,000,000"),
    "efg-tree-too-large": ("w.efg", _wide_root(5000), "w.efg:3: tree",
                           "the tree has 5,001 nodes, up to 5,000 actions at a node (25,005,000 cells)"),
    "efg-truncated": ("t.efg", CHANCE_EFG[: CHANCE_EFG.index('t "" 2')] + 't "" 2 "yield" {', "t.efg:7: payoffs",
                      "got the end of the file (is it cut short?)"),
    "nfg-truncated": ("t.nfg", PAYOFF_NFG[:-6], "t.nfg:3: payoffs", "the end of the file"),
    "efg-wrong-payoff-count": ("p.efg", _swap(CHANCE_EFG, "{ 2 1 }", "{ 2 1 3 }"), "p.efg:7: payoffs",
                               "3 payoffs for 2 players"),
    "nfg-outcome-wrong-payoff-count": ("p.nfg", _swap(OUTCOME_NFG, '{ "a" 1, 1 }', '{ "a" 1 }'),
                                       "p.nfg:5: payoffs", "1 payoffs for 2 players"),
    "efg-payoff-not-a-number": ("n.efg", _swap(CHANCE_EFG, "{ 2 1 }", "{ 2 lots }"), "n.efg:7: payoffs",
                                "expected a number, got 'lots'"),
    "nfg-payoff-not-a-number": ("n.nfg", _swap(PAYOFF_NFG, "5 5", "5 five"), "n.nfg:3: payoffs",
                                "expected a number, got 'five'"),
    "efg-payoff-nan": ("nan.efg", _swap(CHANCE_EFG, "{ 2 1 }", "{ nan 1 }"), "nan.efg:7: payoffs",
                       "'nan' is not a finite number"),
    "nfg-payoff-infinite": ("inf.nfg", _swap(PAYOFF_NFG, "3 3 0", "inf 3 0"), "inf.nfg:3: payoffs",
                            "'inf' is not a finite number"),
    "efg-payoff-overflows-to-inf": ("big.efg", _swap(CHANCE_EFG, "{ 2 1 }", "{ 1e999 1 }"), "big.efg:7: payoffs",
                                    "'1e999' is not a finite number"),
    "efg-payoff-divides-by-zero": ("z.efg", _swap(CHANCE_EFG, "{ 2 1 }", "{ 2/0 1 }"), "z.efg:7: payoffs",
                                   "expected a number, got '2/0'"),
    "efg-negative-player": ("np.efg", _swap(CHANCE_EFG, 'p "A good" 1 1', 'p "A good" -1 1'), "np.efg:4: player",
                            "no player -1 (players are numbered 1 to 2)"),
    "efg-player-beyond-list": ("pl.efg", _swap(CHANCE_EFG, 'p "A good" 1 1', 'p "A good" 3 1'), "pl.efg:4: player",
                               "no player 3"),
    "efg-negative-infoset-number": ("ni.efg", _swap(CHANCE_EFG, 'p "A good" 1 1', 'p "A good" 1 -4'),
                                    "ni.efg:4: infoset", "numbered from 1, got -4"),
    "efg-negative-outcome-number": ("no.efg", _swap(CHANCE_EFG, 't "" 2 "yield"', 't "" -2 "yield"'),
                                    "no.efg:7: outcome", "0 (none) or more, got -2"),
    "efg-outcome-not-defined": ("od.efg", _swap(CHANCE_EFG, 't "" 2 "yield" { 2 1 }', 't "" 9'),
                                "od.efg:7: outcome", "outcome 9 used before it is defined"),
    "efg-infoset-redefined-with-other-actions": (
        "is.efg", _swap(CHANCE_EFG, 'p "A bad" 1 2 "A2" { "in" "out" }', 'p "A bad" 1 1 "A1" { "in" "out" "wait" }'),
        "is.efg:9: actions", "information set 1 of player 1 redefined differently"),
    "efg-chance-event-redefined-with-other-probabilities": (
        "ce.efg", _swap(CHANCE_EFG, 't "" 3 "out" { 0 3 }',
                        'c "again" 1 "nature" { "good" 0.5 "bad" 0.5 } 0\nt "" 7 "g" { 0 0 }\nt "" 8 "b" { 0 0 }'),
        "ce.efg:8: actions", "chance event 1 redefined differently"),
    "efg-chance-probabilities-do-not-sum-to-1": ("cp.efg", _swap(CHANCE_EFG, '"bad" 0.3', '"bad" 0.4'),
                                                 "cp.efg:3: probabilities", "must be non-negative and sum to 1"),
    "efg-chance-probability-nan": ("cn.efg", _swap(CHANCE_EFG, '"bad" 0.3', '"bad" nan'),
                                   "cn.efg:3: probabilities", "'nan' is not a finite number"),
    "efg-chance-probability-negative": ("cm.efg", _swap(CHANCE_EFG, '"good" 0.7 "bad" 0.3', '"good" 1.5 "bad" -0.5'),
                                        "cm.efg:3: probabilities", "must be non-negative"),
    "nfg-zero-strategies-for-a-player": ("zs.nfg", _swap(PAYOFF_NFG, "{ 2 2 }", "{ 2 0 }"), "zs.nfg:1: strategies",
                                         "player 'Col' has 0 strategies"),
    "nfg-negative-strategy-count": ("ns.nfg", _swap(PAYOFF_NFG, "{ 2 2 }", "{ 2 -3 }"), "ns.nfg:1: strategies",
                                    "player 'Col' has -3 strategies"),
    "nfg-empty-strategy-list": ("es.nfg", _swap(OUTCOME_NFG, '{ "L" "R" }', "{ }"), "es.nfg:2: strategies",
                                "player 'Col' has 0 strategies"),
    "nfg-fewer-strategy-counts-than-players": ("fc.nfg", _swap(PAYOFF_NFG, "{ 2 2 }", "{ 2 }"),
                                               "fc.nfg:1: strategies", "1 strategy count for 2 players"),
    "nfg-outcome-number-out-of-range": ("or.nfg", _swap(OUTCOME_NFG, "1 2 2 1", "1 2 2 7"),
                                        "or.nfg:8: outcome table", "no outcome 7"),
    "nfg-more-payoffs-than-profiles": ("mp.nfg", PAYOFF_NFG + "4\n", "mp.nfg:4: body",
                                       "more entries than the 4 strategy profiles need"),
    "duplicate-player-name": ("dp.nfg", _swap(PAYOFF_NFG, '"Col"', '"Row"'), "dp.nfg:1: players",
                              "player 'Row' is listed twice"),
    "efg-duplicate-player-name": ("dp.efg", _swap(CHANCE_EFG, '"B" }', '"A" }'), "dp.efg:1: players",
                                  "player 'A' is listed twice"),
    "efg-unsupported-version": ("v.efg", _swap(CHANCE_EFG, "EFG 2", "EFG 3"), "v.efg:1: header",
                                "only version 2 .efg files are supported, got 3"),
    "efg-unknown-node-type": ("nt.efg", _swap(CHANCE_EFG, 'p "A bad"', 'q "A bad"'), "nt.efg:9: node type",
                              "expected p, c or t, got 'q'"),
    "efg-text-after-the-tree": ("ta.efg", CHANCE_EFG + 't "" 1\n', "ta.efg:14: body", "text after the last node"),
    "efg-integer-too-long": ("il.efg", _swap(CHANCE_EFG, 'p "A good" 1 1', 'p "A good" 1 ' + "9" * 5000),
                             "il.efg:4: infoset", "expected an integer, got '999999999999999999999999999999...'"),
    "efg-unterminated-string": ("us.efg", _swap(CHANCE_EFG, 't "" 6 "out2" { 0 1 }', 't "" 6 "out2 { 0 1 }'),
                                "us.efg:13: syntax", "cannot read"),
    "empty-file": ("e.efg", "", "e.efg: header", "the file is empty"),
    "whitespace-only-file": ("ws.nfg", "\n\n   \n", "ws.nfg: header", "the file is empty"),
    "not-a-gambit-file": ("h.efg", "\n\nhello world\n", "h.efg:3: header", "not a Gambit game file"),
    "a-folder-named-like-a-game": ("d.efg", None, "d.efg: file", "cannot read"),
    "missing-file": ("missing.nfg", "(absent)", "missing.nfg: file", "cannot read"),
}


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("name, content, where, says", list(GAME_CASES.values()), ids=list(GAME_CASES))
def test_a_bad_game_file_is_one_located_error_and_nothing_is_written(tmp_path, capsys, monkeypatch,
                                                                      name, content, where, says):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / name
    if content is None:
        target.mkdir()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    elif content != "(absent)":
        target.write_text(content, encoding="utf-8")
    before = _snapshot(tmp_path)
    code, out = run(capsys, "game", name, "--export", "out.nfg")
    assert code == 2, out
    assert where in out and says in out, out
    assert "Traceback" not in out and "internal error" not in out
    assert _snapshot(tmp_path) == before        # the input untouched, no export, nothing half-written


# ------------------------------------------------------------ command-line settings
@pytest.mark.parametrize("argv, says", [
    (["--lambda", "nan"], "--lambda nan: must be a finite number >= 0"),
    (["--lambda", "-1"], "--lambda -1.0: must be a finite number >= 0"),
    (["--lambda", "inf"], "--lambda inf: must be a finite number >= 0"),
    (["--export", "g.txt"], "--export g.txt: use a .efg or .nfg file name"),
    (["--export", "g.efg"], "--export g.efg: that is the game file being read"),
], ids=["lambda-nan", "lambda-negative", "lambda-infinite", "export-unknown-extension", "export-onto-the-input"])
def test_nonsense_game_settings_are_refused_before_anything_runs(tmp_path, capsys, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.efg").write_text(CHANCE_EFG)
    before = _snapshot(tmp_path)
    code, out = run(capsys, "game", "g.efg", *argv)
    assert code == 2 and says in out and "Traceback" not in out, out
    assert _snapshot(tmp_path) == before


def test_an_unknown_extension_is_not_read_as_a_game(tmp_path, capsys, monkeypatch):
    """A game file with a foreign extension is not guessed at: it is taken for a scenario and refused."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "g.gam").write_text(CHANCE_EFG)
    code, out = run(capsys, "game", "g.gam")
    assert code == 2 and "g.gam" in out and "Traceback" not in out, out


def test_an_upper_case_extension_is_still_a_game_file(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "G.EFG").write_text(CHANCE_EFG)
    code, out = run(capsys, "game", "G.EFG", "--json")
    assert code == 0, out
    assert '"title": "chance game"' in out


def test_a_tree_deeper_than_pythons_stack_is_read_and_solved(tmp_path, capsys, monkeypatch):
    """A chain of 3000 moves: read without recursion, solved by backward induction; the reduced
    strategic form (millions of plan entries) is skipped with a message instead of a crash."""
    monkeypatch.chdir(tmp_path)
    lines = ['EFG 2 R "chain" { "A" "B" }', '""']
    for k in range(3000):
        lines.append(f'p "" {k % 2 + 1} {k // 2 + 1} "i{k}" {{ "stop" "go" }} 0')
        lines.append(f't "" {k + 1} "o{k + 1}" {{ {k % 3} {(k + 1) % 3} }}')
    lines.append('t "" 3001 "last" { 1 1 }')
    (tmp_path / "chain.efg").write_text("\n".join(lines) + "\n")
    code, out = run(capsys, "game", "chain.efg")
    assert code == 0 and "Traceback" not in out, out
    assert "Subgame-perfect path: A: go → B: stop" in out
    assert "Nash equilibria skipped: A has 1,501 reduced strategies" in out and "too many to list" in out


def test_the_node_limit_is_checked_as_the_tree_grows(monkeypatch):
    import brink.games.efg as efg
    from brink.errors import InputError

    monkeypatch.setattr(efg, "MAX_NODES", 5)
    with pytest.raises(InputError) as err:
        efg.read_efg("c.efg", text=CHANCE_EFG)
    p = err.value.problems[0]
    assert (p.file, p.line, p.field) == ("c.efg", 5, "tree") and "7 nodes" in p.message and "limit is 5 nodes" in p.message


# ---------------------------------------------------- the equilibrium path with chance
def test_the_equilibrium_path_shows_each_chance_branch_with_the_play_under_it(tmp_path, capsys, monkeypatch):
    """Both branches of the chance node used to run together ("chance: good → chance: bad → A: in →
    B: yield → A: in → B: fight"); each branch now opens its own block, with its probability."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.efg").write_text(CHANCE_EFG)
    code, out = run(capsys, "game", "c.efg")
    assert code == 0, out
    expected = [
        "Subgame-perfect path (each chance branch, then the play under it):",
        "  chance (nature): good, probability 0.7",
        "    A: in → B: yield → end (yield): payoffs 2, 1",
        "  chance (nature): bad, probability 0.3",
        "    A: in → B: fight → end (fight2): payoffs 1, 2",
    ]
    lines = out.splitlines()
    start = lines.index(expected[0])
    assert lines[start:start + len(expected)] == expected


def test_the_json_path_is_depth_first_with_levels_and_branch_probabilities():
    from brink.games.efg import read_efg
    from brink.games.spe import subgame_perfect

    path = subgame_perfect(read_efg("c.efg", text=CHANCE_EFG)).to_dict()["path"]
    got = [(s["mover"], s["action"], s["level"], round(s["prob"], 6), s.get("branch_prob")) for s in path]
    assert got == [
        ("chance", "good", 0, 0.7, 0.7), ("A", "in", 1, 0.7, None), ("B", "yield", 1, 0.7, None),
        ("", "(end)", 1, 0.7, None),
        ("chance", "bad", 0, 0.3, 0.3), ("A", "in", 1, 0.3, None), ("B", "fight", 1, 0.3, None),
        ("", "(end)", 1, 0.3, None),
    ]
    # a chance node on the path below another: its branches are indented one level further
    nested = _swap(CHANCE_EFG, 't "" 3 "out" { 0 3 }',
                   'c "weather" 2 "rain" { "wet" 0.25 "dry" 0.75 } 0\nt "" 7 "w" { 5 3 }\nt "" 8 "d" { 4 3 }')
    lines = subgame_perfect(read_efg("n.efg", text=nested)).path_lines()
    assert lines[:2] == ["chance (nature): good, probability 0.7", "  A: out"]
    assert lines[2:6] == ["  chance (rain): wet, probability 0.25, reached with probability 0.175",
                          "    end (w): payoffs 5, 3",
                          "  chance (rain): dry, probability 0.75, reached with probability 0.525",
                          "    end (d): payoffs 4, 3"]


# ------------------------------------------------------------------ property tests
_printable = st.text(alphabet=string.printable + "é€{}\"", max_size=300)


def _mutations(base: str):
    """Random edits of a valid file: delete, duplicate or replace a slice, or cut it short."""
    n = len(base)
    idx = st.integers(0, n)
    return st.one_of(
        st.tuples(idx, idx).map(lambda ij: base[: min(ij)] + base[max(ij):]),
        st.tuples(idx, idx).map(lambda ij: base[: max(ij)] + base[min(ij):]),
        st.tuples(idx, st.text(alphabet=string.printable, max_size=12)).map(lambda t: base[: t[0]] + t[1] + base[t[0]:]),
        idx.map(lambda i: base[:i]),
        st.tuples(idx, st.sampled_from(["nan", "-1", "0", "1e400", "99999999", '"', "{", "}", "p", "c", "t", "1/0"]))
          .map(lambda t: base[: t[0]] + " " + t[1] + " " + base[t[0]:]),
    )


def _game_reader_holds(reader, text: str) -> None:
    try:
        g = reader("x", text=text)
    except BrinkError:
        return
    assert g.players  # a result is a game with players


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_printable, _mutations(CHANCE_EFG)))
def test_the_efg_reader_returns_a_game_or_a_brink_error(text):
    from brink.games.efg import read_efg

    _game_reader_holds(read_efg, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_printable, _mutations(PAYOFF_NFG), _mutations(OUTCOME_NFG)))
def test_the_nfg_reader_returns_a_game_or_a_brink_error(text):
    from brink.games.nfg import read_nfg

    _game_reader_holds(read_nfg, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), _mutations(CHANCE_EFG).map(str.encode), _mutations(OUTCOME_NFG).map(str.encode)))
def test_reading_any_bytes_as_a_game_file_gives_a_game_or_a_brink_error(tmp_path, data):
    from brink.games.nfg import read_game

    f = tmp_path / "any.efg"
    f.write_bytes(data)
    try:
        read_game(f)
    except BrinkError:
        pass


# ================================================================ bargaining cases
PLAIN = "Actor,Capability,Position,Salience\nA,1,10,0.5\nB,2,50,0.4\nC,1,90,0.8\n"
MULTI = "Actor,Issue,Capability,Position,Salience\nA,tax,1,10,0.5\nB,tax,2,50,0.4\nA,trade,1,80,0.3\nB,trade,2,20,0.9\n"
KTAB = ("Case; scen 0,Scenario-000; test, 3, 1,\nActor,Description,Influence,Policy Position,Policy Salience,\n"
        "XJ,Xi,100,30,30,\nLK,Li,65,45,65,\nWY,Wang,40,80,50,\n")


BARGAIN_CASES = {
    # id: (file name, content, where, says)
    "every-salience-zero": ("s0.csv", PLAIN.replace("0.5", "0").replace("0.4", "0").replace("0.8", "0"),
                            "s0.csv:2: Salience", "every actor's salience is 0"),
    "every-salience-zero-on-one-issue": ("s1.csv", MULTI.replace("0.3", "0").replace("0.9", "0"),
                                         "s1.csv:4: Salience", "issue 'trade': every actor's salience is 0"),
    "ktab-every-salience-zero": ("k0.csv", KTAB.replace(",30,30,", ",30,0,").replace(",45,65,", ",45,0,")
                                 .replace(",80,50,", ",80,0,"), "k0.csv:2: Policy Salience",
                                 "every actor's salience on 'Policy' is 0"),
    "capability-zero": ("c0.csv", PLAIN.replace("A,1,", "A,0,"), "c0.csv:2: Capability", "must be > 0, got 0"),
    "capability-negative": ("cn.csv", PLAIN.replace("B,2,", "B,-2,"), "cn.csv:3: Capability", "must be > 0, got -2"),
    "salience-above-100": ("sh.csv", PLAIN.replace("0.8", "140"), "sh.csv:4: Salience", "got 140"),
    "salience-scales-mixed": ("sm.csv", PLAIN.replace("0.8", "80"), "sm.csv:2: Salience",
                              "0.5 looks like the 0-1 scale but the column reaches 80"),
    "salience-negative": ("sn.csv", PLAIN.replace("0.4", "-0.4"), "sn.csv:3: Salience", "got -0.4"),
    "position-not-a-number": ("pn.csv", PLAIN.replace(",50,", ",fifty,"), "pn.csv:3: Position", "'fifty' is not a number"),
    "position-nan": ("pnan.csv", PLAIN.replace(",50,", ",nan,"), "pnan.csv:3: Position", "is not a finite number"),
    "capability-infinite": ("ci.csv", PLAIN.replace("C,1,", "C,inf,"), "ci.csv:4: Capability", "not a finite number"),
    "value-missing": ("vm.csv", PLAIN.replace("B,2,50,0.4", "B,2,,0.4"), "vm.csv:3: Position", "missing value"),
    "short-row": ("sr.csv", PLAIN.replace("B,2,50,0.4", "B,2"), "sr.csv:3: Position", "missing value"),
    "duplicate-actor": ("da.csv", PLAIN + "A,3,70,0.2\n", "da.csv:5: Actor", "'A' already listed on line 2"),
    "duplicate-actor-on-an-issue": ("di.csv", MULTI + "B,tax,1,5,0.1\n", "di.csv:6: Actor",
                                    "'B' already listed on line 3 for issue 'tax'"),
    "issue-with-one-actor": ("one.csv", "Actor,Capability,Position,Salience\nA,1,10,0.5\n", "one.csv: Actor",
                             "needs at least two actors"),
    "missing-column": ("mc.csv", "Actor,Capability,Position\nA,1,10\nB,1,20\n", "mc.csv:1: salience",
                       "required column is missing"),
    "repeated-column": ("rc.csv", "Actor,Capability,Position,Salience,Salience\nA,1,10,0.5,0.5\n",
                        "rc.csv:1: salience", "column appears more than once"),
    "missing-actor-name": ("ma.csv", PLAIN.replace("B,2,", ",2,"), "ma.csv:3: Actor", "missing actor name"),
    "missing-issue-name": ("mi.csv", MULTI.replace("B,tax,", "B,,"), "mi.csv:3: Issue", "missing issue name"),
    "header-only": ("ho.csv", "Actor,Capability,Position,Salience\n", "ho.csv:2: (rows)", "no actor rows"),
    "unknown-table": ("ut.csv", "name,weight\nA,1\n", "ut.csv:1: (header)", "not a known actor table"),
    "empty-table": ("et.csv", "", "et.csv:1: (file)", "the file is empty"),
    "table-not-utf8": ("nu.csv", b"Actor,Capability,Position,Salience\n\xff\xfe,1,2,0.5\n", "nu.csv: (file)",
                       "not UTF-8 text"),
    "table-is-a-folder": ("dir.csv", None, "dir.csv: (file)", "Is a directory"),
    "missing-case-file": ("cases/no_such_case.csv", "(absent)", "cases/no_such_case.csv: (file)",
                          "no such file; the shipped cases, read by name from any folder, are: SOE-Competitive.csv, "
                          "SOE-Pol-Comp.csv, SOE-Policy.csv, ec_emissions_1994.csv"),
    "ktab-position-outside-scale": ("kp.csv", KTAB.replace(",45,65,", ",145,65,"), "kp.csv:4: Policy Position",
                                    "must be on the 0-100 scale, got 145"),
    "ktab-salience-above-100": ("ks.csv", KTAB.replace(",45,65,", ",45,165,"), "ks.csv:4: Policy Salience",
                                "must be in [0, 100], got 165"),
    "ktab-influence-not-a-number": ("ki.csv", KTAB.replace("LK,Li,65", "LK,Li,lots"), "ki.csv:4: Influence",
                                    "'lots' is not a number"),
    "ktab-actor-count-wrong": ("kc.csv", KTAB.replace("test, 3, 1", "test, 4, 1"), "kc.csv:1: number of actors",
                               "says 4 but 3 actor rows follow"),
    "ktab-dimension-count-wrong": ("kd.csv", KTAB.replace("test, 3, 1", "test, 3, 2"),
                                   "kd.csv:1: number of dimensions", "says 2 but the header has 1"),
    "ktab-columns-not-in-pairs": ("kh.csv", KTAB.replace("Policy Position,Policy Salience,", "Policy Position,"),
                                  "kh.csv:2: (header)", "Position,Salience pairs"),
    "ktab-duplicate-actor": ("kda.csv", KTAB + "XJ,Xi again,10,30,30,\n", "kda.csv:6: Actor",
                             "'XJ' already listed on line 3"),
}


@pytest.mark.parametrize("name, content, where, says", list(BARGAIN_CASES.values()), ids=list(BARGAIN_CASES))
def test_a_bad_bargaining_table_is_one_located_error_and_nothing_is_written(tmp_path, capsys, monkeypatch,
                                                                            name, content, where, says):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        target.mkdir()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    elif content != "(absent)":
        target.write_text(content, encoding="utf-8")
    before = _snapshot(tmp_path)
    code, out = run(capsys, "bargain", name, "--draws", "0")
    flat = " ".join(out.split())
    assert code == 2, out
    assert where in flat and says in flat, out
    assert "Traceback" not in out and "internal error" not in out
    assert _snapshot(tmp_path) == before


def _scenario_with_issue(positions: list[tuple[str, float, float, float]]) -> str:
    from tests.scenario.test_loader import MINIMAL

    actors = MINIMAL.replace("actions:\n", """  - id: B
    name: Beta
    kind: state
    evidence: ["doc.txt:L1"]
actions:
""", 1)
    rows = "\n".join(f"      - {{actor: {a}, position: {{value: {x}, assumption: t}}, salience: {{value: {s}, "
                     f"assumption: t}}, capability: {{value: {c}, assumption: t}}}}" for a, x, s, c in positions)
    return actors + f"""bargaining:
  - id: deal
    label: a deal
    scale: {{low: none, high: all}}
    evidence: ["doc.txt:L1"]
    positions:
{rows}
"""


SCENARIO_CASES = {
    "scenario-every-salience-zero": ([("A", 20, 0, 1), ("B", 80, 0, 1)], "positions", "every actor's salience is 0"),
    "scenario-issue-with-one-actor": ([("A", 20, 0.5, 1)], "positions", "issue 'deal' has 1 actor(s)"),
    "scenario-duplicate-actor-on-an-issue": ([("A", 20, 0.5, 1), ("B", 60, 0.5, 1), ("A", 80, 0.5, 1)],
                                             "positions[2].actor", "A already has a position on this issue (item 1)"),
    "scenario-position-outside-the-scale": ([("A", 120, 0.5, 1), ("B", 60, 0.5, 1)], "positions[0].position.value",
                                            "position 120.0 out of range [0.0, 100.0]"),
    "scenario-salience-above-1": ([("A", 20, 1.5, 1), ("B", 60, 0.5, 1)], "positions[0].salience.value",
                                  "salience 1.5 out of range [0.0, 1.0]"),
    "scenario-capability-zero": ([("A", 20, 0.5, 0), ("B", 60, 0.5, 1)], "positions[0].capability.value",
                                 "capability must be positive"),
}


@pytest.mark.parametrize("positions, field, says", list(SCENARIO_CASES.values()), ids=list(SCENARIO_CASES))
def test_a_scenario_bargain_the_models_cannot_take_is_refused_at_its_line(tmp_path, capsys, monkeypatch,
                                                                          positions, field, says):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "s.yaml"
    path.write_text(_scenario_with_issue(positions))
    before = _snapshot(tmp_path)
    code, out = run(capsys, "bargain", "s.yaml", "--draws", "0")
    flat = " ".join(out.split())
    assert code == 2 and says in flat and "Traceback" not in out, out
    line = next(ln for ln in out.splitlines() if says.split()[0] in ln and "s.yaml:" in ln)
    where = line.split("s.yaml:")[1].split(":")[0]
    assert where.isdigit() and f"bargaining[deal].{field}" in line, out
    assert _snapshot(tmp_path) == before


def test_the_models_refuse_a_case_they_cannot_take_whatever_built_it():
    """A Case built in code (or moved by a simulation state) gets the same check: one BrinkError naming
    the source and the issue, instead of a ValueError from deep in a model."""
    import numpy as np

    from brink.bargain.case import Case
    from brink.bargain.forecast import forecast

    def case(sal, cap):
        return Case(actors=("A", "B"), issues=("deal",), position=np.array([[10.0], [90.0]]),
                    salience=np.array([[sal[0]], [sal[1]]]), capability=np.array([[cap[0]], [cap[1]]]),
                    source="built in a test")

    with pytest.raises(BrinkError, match="built in a test: issue 'deal': every actor's salience is 0"):
        forecast(case((0.0, 0.0), (1.0, 1.0)), draws=0)
    with pytest.raises(BrinkError, match="issue 'deal': no actor has both capability and salience above 0"):
        forecast(case((0.5, 0.5), (0.0, 0.0)), draws=0)
    with pytest.raises(BrinkError, match="issue 'deal': capabilities must be 0 or above"):
        forecast(case((0.5, 0.5), (-1.0, 1.0)), draws=0)
    # a capability of 0 (a mediator whose channel the simulation closed) only takes that actor out
    assert forecast(case((0.5, 0.5), (0.0, 1.0)), models=("compromise",), draws=0).issues[0].forecasts["compromise"] == 90
    with pytest.raises(BrinkError, match="not a finite number"):
        forecast(case((np.inf, 0.5), (1.0, 1.0)), draws=0)
    assert forecast(case((0.5, 0.0), (1.0, 1.0)), models=("compromise",), draws=0).issues[0].forecasts["compromise"] == 10


@pytest.mark.parametrize("name", ["ec_emissions_1994.csv", "ec_emissions_1994", "cases/ec_emissions_1994.csv"])
def test_a_shipped_case_is_read_by_name_from_any_folder(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    code, out = run(capsys, "bargain", name, "--draws", "0", "--model", "compromise", "--json")
    assert code == 0, out
    assert '"source"' not in out or "ec_emissions_1994.csv" in out
    assert not any(tmp_path.iterdir())


def test_a_local_file_wins_over_a_shipped_case_of_the_same_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ec_emissions_1994.csv").write_text(PLAIN)
    code, out = run(capsys, "bargain", "ec_emissions_1994.csv", "--draws", "0", "--model", "compromise")
    assert code == 0 and "3 actors" in out, out


# ------------------------------------------------------ property tests of the readers
def _table_reader_holds(tmp_path, data: bytes, suffix: str = ".csv") -> None:
    from brink.bargain.readers import read_table

    f = tmp_path / f"t{suffix}"
    f.write_bytes(data)
    try:
        case = read_table(f)
    except BrinkError:
        return
    assert case.n_actors >= 2 and not case.problems()   # a result is a case the models can take


_cells = st.sampled_from(["", "0", "1", "-1", "0.5", "50", "100", "150", "nan", "inf", "x", "A", "B", "Actor",
                          "Salience", "Position", '"', ",", "\n", "é"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_printable, _mutations(PLAIN), _mutations(MULTI),
                 st.lists(st.lists(_cells, max_size=6).map(",".join), max_size=6)
                   .map(lambda rows: "Actor,Capability,Position,Salience\n" + "\n".join(rows))))
def test_the_plain_table_reader_returns_a_case_or_a_brink_error(tmp_path, text):
    _table_reader_holds(tmp_path, text.encode())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(_mutations(KTAB), st.binary(max_size=200),
                 st.lists(st.lists(_cells, max_size=6).map(",".join), max_size=5)
                   .map(lambda rows: "s,d,2,1,\nActor,Description,Influence,P Position,P Salience,\n" + "\n".join(rows))))
def test_the_ktab_reader_returns_a_case_or_a_brink_error(tmp_path, data):
    _table_reader_holds(tmp_path, data if isinstance(data, bytes) else data.encode())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["A", "B"]), st.sampled_from([-5, 0, 20, 100, 101]),
                          st.sampled_from([0, 0.3, 1, 1.2]), st.sampled_from([0, 0.5, 2])), max_size=3))
def test_the_scenario_bargaining_section_gives_a_case_or_a_brink_error(tmp_path, positions):
    """The third way a case is read: a scenario's bargaining section (YAML), through load_scenario."""
    from brink.bargain.commands import _load_case

    path = tmp_path / "s.yaml"
    path.write_text(_scenario_with_issue(positions or [("A", 10, 0.5, 1)]))
    try:
        case = _load_case(str(path))
    except BrinkError:
        return
    assert not case.problems()
