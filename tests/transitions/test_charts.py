from __future__ import annotations

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
