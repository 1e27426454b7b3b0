from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from transitions import charts


def test_line_chart_places_points_from_bottom_to_top() -> None:
    chart = charts.line_chart(["Jan", "Feb", "Mar"], [("Area", [(0, 1), (1, 3), (2, 5)])])
    points = chart.series[0].points
    assert [p.x for p in points] == [chart.left, (chart.left + chart.right) / 2, chart.right]
    assert points[0].y == chart.bottom
    assert points[2].y == chart.top
    assert points[1].y == (chart.top + chart.bottom) / 2
    assert chart.series[0].path.startswith(f"{chart.left:.1f},{chart.bottom:.1f}")


def test_line_chart_skips_missing_values_and_clamps() -> None:
    chart = charts.line_chart(["a", "b", "c"], [("s", [(0, None), (1, 9), (2, 0)])])
    points = chart.series[0].points
    assert len(points) == 2
    assert points[0].y == chart.top
    assert points[1].y == chart.bottom


def test_a_single_check_in_sits_in_the_middle() -> None:
    chart = charts.line_chart(["Only"], [("s", [(0, 3)])])
    assert chart.series[0].points[0].x == (chart.left + chart.right) / 2


def test_x_is_proportional_to_the_dates() -> None:
    # Two check-ins on 1 January, one 30 days later, one 60 days later: the axis runs from
    # left 36 to right 628 (592 wide), so 30 of 60 days is halfway.
    dates = [date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 31), date(2025, 3, 2)]
    labels = ["1 Jan", "1 Jan again", "31 Jan", "2 Mar"]
    chart = charts.line_chart(labels, [("s", [(0, 1), (1, 2), (2, 3), (3, 5)])], x_dates=dates)
    assert [(p.x, p.y) for p in chart.series[0].points] == [
        (36.0, 212.0),
        (36.0, 162.0),
        (332.0, 112.0),
        (628.0, 12.0),
    ]
    assert chart.series[0].path == "36.0,212.0 36.0,162.0 332.0,112.0 628.0,12.0"
    # The two labels of one day would overlap: the axis shows one of them.
    assert [(t.position, t.label) for t in chart.x_ticks] == [
        (36.0, "1 Jan"),
        (332.0, "31 Jan"),
        (628.0, "2 Mar"),
    ]


def test_x_follows_the_time_of_day_too() -> None:
    dates = [
        datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2025, 1, 1, 12, 0, tzinfo=UTC),  # half a day of a ten-day span: 5%
        datetime(2025, 1, 11, 0, 0, tzinfo=UTC),
    ]
    chart = charts.line_chart(["a", "b", "c"], [("s", [(0, 3), (1, 3), (2, 3)])], x_dates=dates)
    assert [p.x for p in chart.series[0].points] == [36.0, 65.6, 628.0]


def test_check_ins_of_one_moment_sit_in_the_middle() -> None:
    when = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    chart = charts.line_chart(["a", "b"], [("s", [(0, 2), (1, 4)])], x_dates=[when, when])
    assert [p.x for p in chart.series[0].points] == [332.0, 332.0]
    assert [t.label for t in chart.x_ticks] == ["b"]


def test_x_ticks_skip_labels_that_would_overlap() -> None:
    # Weekly check-ins for a month, then one a year later: the month is crowded at the left.
    dates = [date(2025, 1, d) for d in (1, 8, 15, 22, 29)] + [date(2026, 1, 29)]
    labels = [d.isoformat() for d in dates]
    chart = charts.line_chart(labels, [("s", [(i, 3) for i in range(6)])], x_dates=dates)
    # 393 days in all: a week is 592 * 7 / 393 = 10.5 units wide
    assert [p.x for p in chart.series[0].points] == [36.0, 46.5, 57.1, 67.6, 78.2, 628.0]
    assert [(t.position, t.label) for t in chart.x_ticks] == [
        (36.0, "2025-01-01"),
        (628.0, "2026-01-29"),
    ]


def test_x_dates_need_one_date_per_label() -> None:
    with pytest.raises(ValueError, match="one date per label"):
        charts.line_chart(["a", "b"], [("s", [(0, 1)])], x_dates=[date(2025, 1, 1)])


def test_series_differ_by_more_than_colour() -> None:
    chart = charts.line_chart(["a"], [("one", [(0, 1)]), ("two", [(0, 2)]), ("three", [(0, 3)])])
    assert len({(s.css_class, s.dash) for s in chart.series}) == 3
    assert len({s.dash for s in chart.series}) == 3


def test_x_ticks_are_thinned_but_keep_the_last() -> None:
    labels = [f"m{i}" for i in range(36)]
    chart = charts.line_chart(labels, [("s", [(i, 3) for i in range(36)])])
    assert len(chart.x_ticks) <= 9
    assert chart.x_ticks[-1].label == "m35"
    assert [t.label for t in chart.y_ticks] == ["1", "2", "3", "4", "5"]


def test_empty_chart_is_empty() -> None:
    assert charts.line_chart([], [("s", [])]).is_empty


def test_progress_bar_runs_from_the_from_to_the_to() -> None:
    assert charts.progress_bar(1).percent == 0
    assert charts.progress_bar(3).percent == 50
    assert charts.progress_bar(5).percent == 100
    assert charts.progress_bar(None).level is None


def test_a_distribution_splits_its_bar_in_proportion_skipping_empty_levels() -> None:
    from transitions.charts import distribution

    bar = distribution([1, 0, 2, 0, 1], width=200)
    assert bar.total == 4
    assert [(s.level, s.count, s.x, s.width) for s in bar.segments] == [
        (1, 1, 0.0, 50.0),
        (3, 2, 50.0, 100.0),
        (5, 1, 150.0, 50.0),
    ]
    assert bar.segments[1].css_class == "level-3"
    assert distribution([0, 0, 0, 0, 0]).is_empty
    assert distribution([0, 0, 0, 0, 0]).segments == ()
