"""Dyadic series and escalation index, checked against hand computation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from brink.errors import BrinkError
from brink.events.series import dyad_series

ROWS = """id,date,actor,target,cameo
e1,2024-01-01,IRN,ISR,195
e2,2024-01-03,ISR,IRN,042
e3,2024-01-10,IRN,ISR,138
e4,2024-01-22,ISR,IRN,0871
e5,2024-01-02,HEZ,ISR,190
"""


@pytest.fixture
def small(store, tmp_path, dic):
    p = tmp_path / "small.csv"
    p.write_text(ROWS)
    r = store.import_file(p, "csv", dic)
    assert r.inserted == 5
    return store


def test_weekly_undirected(small):
    df = dyad_series(small, "IRN,ISR", "W")
    assert [d.strftime("%Y-%m-%d") for d in df.index] == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    assert df.events.tolist() == [2, 1, 0, 1]
    assert df.sum_intensity.tolist() == pytest.approx([-10 + 1.9, -7.0, 0.0, 9.0])
    assert df.mean_intensity.iloc[0] == pytest.approx((-10 + 1.9) / 2)
    assert math.isnan(df.mean_intensity.iloc[2])
    assert df.material_conflict.tolist() == [1, 0, 0, 0]
    assert df.verbal_cooperation.tolist() == [1, 0, 0, 0]
    assert df.verbal_conflict.tolist() == [0, 1, 0, 0]
    assert df.material_cooperation.tolist() == [0, 0, 0, 1]
    assert df.conflict.tolist() == pytest.approx([10, 7, 0, 0])
    assert df.cooperation.tolist() == pytest.approx([1.9, 0, 0, 9])
    assert math.isnan(df.escalation.iloc[0])
    assert df.escalation.iloc[1:].tolist() == pytest.approx(
        [math.log(8) - math.log(11), -math.log(1 + 8.5), -math.log(1 + 17 / 3)]
    )


def test_directed_and_wildcard(small):
    d = dyad_series(small, ("IRN", "ISR"), "W", directed=True)
    assert d.events.tolist() == [1, 1]
    anyone = dyad_series(small, "*,ISR", "M", directed=True)
    assert anyone.events.tolist() == [3]  # two from Iran, one from Hezbollah
    assert anyone.sum_intensity.iloc[0] == pytest.approx(-10 - 7 - 10)
    group = dyad_series(small, "IRN+HEZ,ISR", "M", directed=True)
    assert group.events.tolist() == [3]
    assert dyad_series(small, "HEZ,ISR", "M", directed=True).events.tolist() == [1]


def test_window_and_scores(small):
    df = dyad_series(small, "IRN,ISR", "W", window=1)
    assert df.escalation.iloc[2] == pytest.approx(-math.log(1 + 7))
    g = dyad_series(small, "IRN,ISR", "W", score="plover_score")
    assert g.sum_intensity.iloc[0] == pytest.approx(-9.5 + 4.0)  # ASSAULT heavy-weapons, CONSULT visit


def test_since_until_fill_the_calendar(small):
    df = dyad_series(small, "IRN,ISR", "D", since="2023-12-30", until="2024-01-05")
    assert len(df) == 7 and df.events.sum() == 2


def test_bad_arguments(small):
    with pytest.raises(BrinkError):
        dyad_series(small, "IRN", "W")
    with pytest.raises(BrinkError):
        dyad_series(small, "IRN,ISR", "H")
    with pytest.raises(BrinkError):
        dyad_series(small, "IRN,ISR", "W", score="tone")


def test_no_events(small):
    assert dyad_series(small, "OMN,QAT", "W").empty


def test_plots_draw_on_given_axes_and_leave_the_backend(small, tmp_path):
    import matplotlib
    from matplotlib.figure import Figure

    from brink.events.plots import plot_series, plot_timeline

    backend = matplotlib.get_backend()
    df = dyad_series(small, "IRN,ISR", "W")
    fig = plot_series(df)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    mine = Figure()
    axes = mine.subplots(3, 1)
    assert plot_series(df, tmp_path / "s.png", axes=axes) is mine
    assert (tmp_path / "s.png").stat().st_size > 5_000
    assert axes[0].get_ylabel() == "events" and len(axes[2].lines) >= 1
    daily = small.sql("SELECT date, front, count(*) AS events, avg(intensity) AS mean_intensity FROM events GROUP BY ALL")
    ax = Figure().subplots()
    fig = plot_timeline(daily, pd.DataFrame(columns=["id", "date", "end_date", "front", "label"]), ax=ax,
                        lanes=["B", "A"])
    assert fig is ax.figure
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[::-1][:2] == ["B", "A"] and "IRN_ISR" in labels  # given lanes first, then fronts seen
    assert matplotlib.get_backend() == backend
