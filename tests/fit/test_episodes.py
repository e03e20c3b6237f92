import pytest

from brink.errors import InputError
from brink.fit.episodes import read_episodes

HEADER = ("episode_id,trigger_date,trigger,trigger_actor,decision_actor,response_date,response_category,"
          "advance_warning,lag_days,confidence\n")


def test_shipped_file_reads_all_40(episodes):
    assert len(episodes) == 40
    assert episodes[0].episode_id == "EP01" and episodes[0].line == 2
    assert episodes[-1].line == 41
    # the shipped trigger coding is attached to the shipped episodes
    assert all(e.trigger_category for e in episodes)
    assert {e.episode_id: e.trigger_category for e in episodes}["EP33"] == "assassination"


def test_errors_name_file_line_and_field(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(HEADER
                 + 'E1,2024-01-01,"a\nmultiline trigger",X,Iran,2024-01-02,none,no,1,high\n'
                 + "E2,2024-13-01,t,X,Iran,2024-01-02,Bad Category,maybe,-3,sure\n"
                 + "E1,2024-01-05,t,X,Iran,2024-01-02,none,no,1,high\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_episodes(p)
    probs = {(pr.line, pr.field) for pr in exc.value.problems}
    assert all(pr.file == str(p) for pr in exc.value.problems)
    # E2 starts on physical line 4 because E1's trigger spans two lines
    assert {(4, "trigger_date"), (4, "response_category"), (4, "advance_warning"), (4, "lag_days"),
            (4, "confidence")} <= probs
    assert (5, "episode_id") in probs          # duplicate id
    assert (5, "response_date") in probs       # response before trigger


def test_missing_column(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("episode_id,trigger_date\nE1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_episodes(p)
    assert {pr.field for pr in exc.value.problems} >= {"decision_actor", "response_category"}
    assert all(pr.line == 1 for pr in exc.value.problems)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read_episodes(tmp_path / "nope.csv")
