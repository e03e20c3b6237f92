import shutil

import pytest

from brink.errors import BrinkError, InputError
from brink.fit.episodes import episodes_path, read_episodes, read_trigger_coding
from brink.scenario.folder import companion
from brink.scenario.loader import resolve_path

HEADER = ("episode_id,trigger_date,trigger,trigger_actor,decision_actor,response_date,response_category,"
          "advance_warning,lag_days,confidence\n")


def test_shipped_file_reads_all_40(episodes):
    assert len(episodes) == 40
    assert episodes[0].episode_id == "EP01" and episodes[0].line == 2
    assert episodes[-1].line == 41
    # the scenario's trigger coding is attached to its episodes
    assert all(e.trigger_category for e in episodes)
    assert {e.episode_id: e.trigger_category for e in episodes}["EP33"] == "assassination"


def test_a_scenarios_episodes_live_in_its_folder(scenario_id):
    path = episodes_path(scenario_id)
    assert path == resolve_path(scenario_id) / "fit" / "episodes.csv"
    assert path == companion(scenario_id, "fit", "episodes.csv")
    eps = read_episodes(scenario=scenario_id)
    assert eps and all(e.file == str(path) for e in eps)
    assert len({e.episode_id for e in eps}) == len(eps)
    assert [e.line for e in eps] == sorted(e.line for e in eps)
    assert all(e.response_date >= e.trigger_date for e in eps)
    assert read_episodes(path, scenario=scenario_id) == eps


def test_a_scenario_without_episodes_is_a_clear_error(tmp_path, capsys):
    from brink.cli import main

    folder = tmp_path / "no-episodes"
    shutil.copytree(resolve_path("iran-2024"), folder, ignore=shutil.ignore_patterns("fit"))
    with pytest.raises(BrinkError, match=f"{folder}.*fit/episodes.csv"):
        read_episodes(scenario=folder)
    with pytest.raises(SystemExit) as exc:
        main(["backtest", str(folder), "--loo"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "has no coded episodes" in err and str(folder) in err.replace("\n", "")
    single = tmp_path / "one.yaml"
    single.write_text("meta: {}\n", encoding="utf-8")
    with pytest.raises(BrinkError, match="single-file scenario"):
        episodes_path(single)
    with pytest.raises(BrinkError, match="give an episodes file or a scenario"):
        read_episodes()


def test_trigger_coding_beside_the_file_or_from_the_scenario(tmp_path):
    rows = ("E1,2024-01-01,t,X,Iran,2024-01-02,none,no,1,high\n"
            "E2,2024-02-01,t,X,Iran,2024-02-03,none,no,2,high\n")
    p = tmp_path / "mine.csv"
    p.write_text(HEADER + rows, encoding="utf-8")
    assert all(e.trigger_category is None for e in read_episodes(p))
    (tmp_path / "episode_triggers.csv").write_text(
        "episode_id,trigger_date,trigger_scenario_actor,trigger_category,note\n"
        "E1,2024-01-01,ISR,assassination,coded\n"
        "E2,2023-12-31,ISR,assassination,another episode with the same id\n", encoding="utf-8")
    by_id = {e.episode_id: e for e in read_episodes(p)}
    assert (by_id["E1"].trigger_scenario_actor, by_id["E1"].trigger_category) == ("ISR", "assassination")
    assert by_id["E2"].trigger_category is None   # the coding names another trigger date
    # no coding beside the file: the scenario's own applies to the episodes it lists
    other = tmp_path / "sub"
    other.mkdir()
    shipped = episodes_path("iran-2024").read_text(encoding="utf-8").splitlines(keepends=True)
    (other / "copy.csv").write_text("".join(shipped[:3]), encoding="utf-8")
    assert all(e.trigger_category is None for e in read_episodes(other / "copy.csv"))
    assert all(e.trigger_category for e in read_episodes(other / "copy.csv", scenario="iran-2024"))


def test_trigger_coding_errors_name_line_and_field(tmp_path):
    p = tmp_path / "episode_triggers.csv"
    p.write_text("episode_id,trigger_date,trigger_scenario_actor,trigger_category\n"
                 "E1,2024-01-32,ISR,assassination\nE2,2024-01-01,ISR,Not A Category\nE2,2024-01-01,ISR,none\n",
                 encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_trigger_coding(p)
    assert {(pr.line, pr.field) for pr in exc.value.problems} == {
        (2, "trigger_date"), (3, "trigger_category"), (4, "episode_id")}
    p.write_text("episode_id,trigger_date\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_trigger_coding(p)
    assert {pr.field for pr in exc.value.problems} == {"trigger_scenario_actor", "trigger_category"}


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
