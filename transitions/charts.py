"""Pure functions from numbers to SVG geometry, for server-rendered charts.

No ORM, no templates: a chart is a dataclass of coordinates the template draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# Series are told apart by dash pattern and marker as well as colour.
STYLES = [
    ("series-1", ""),
    ("series-2", "6 4"),
    ("series-3", "2 3"),
    ("series-4", "10 3 2 3"),
]


@dataclass(frozen=True)
class Point:
    """A point, its coordinates rounded for the SVG and its value as the label shows it."""

    x: float
    y: float
    value: float
    label: str

    @property
    def value_text(self) -> str:
        return f"{self.value:.1f}"


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    dash: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]

    @property
    def is_empty(self) -> bool:
        return not any(s.points for s in self.series)


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[tuple[int, float | None]]]],
    *,
    x_dates: Sequence[date] | None = None,
    y_min: float = 1,
    y_max: float = 5,
    width: int = 640,
    height: int = 240,
    max_x_ticks: int = 5,
    padding: tuple[float, float, float, float] = (36, 12, 12, 28),
) -> LineChart:
    """Place `series` — (name, [(index into x_labels, value or None)]) — on a chart.

    With `x_dates` (a date or datetime per label, oldest first) the x axis is time: the first
    date at the left, the last at the right, each point where its date falls in between, so
    two check-ins on one day share a place. Without, the labels are spread evenly. The y axis
    runs from y_min (bottom) to y_max. `padding` (left, right, top, bottom) leaves room for
    the axis labels.
    """
    pad_left, pad_right, pad_top, pad_bottom = padding
    left, right, top, bottom = pad_left, width - pad_right, pad_top, height - pad_bottom
    count = len(x_labels)
    if x_dates is not None and len(x_dates) != count:
        raise ValueError("x_dates needs one date per label.")
    # Where each label sits along the axis, from 0 (left) to 1 (right).
    if x_dates:
        seconds = [(when - x_dates[0]).total_seconds() for when in x_dates]
        share = [s / seconds[-1] if seconds[-1] else 0.5 for s in seconds]
    else:
        share = [i / (count - 1) if count > 1 else 0.5 for i in range(count)]
    x_at = [round(left + (right - left) * part, 1) for part in share]

    def y_at(value: float) -> float:
        span = (y_max - y_min) or 1
        clamped = min(max(value, y_min), y_max)
        return bottom - (bottom - top) * (clamped - y_min) / span

    x_ticks = tuple(
        Tick(x_at[i], x_labels[i]) for i in _tick_indices(x_at, max_x_ticks, right - left)
    )
    y_ticks = tuple(Tick(round(y_at(v), 1), f"{v:g}") for v in range(int(y_min), int(y_max) + 1))
    placed = []
    for n, (name, values) in enumerate(series):
        css_class, dash = STYLES[n % len(STYLES)]
        points = tuple(
            Point(x_at[i], round(y_at(v), 1), v, x_labels[i]) for i, v in values if v is not None
        )
        placed.append(Series(name=name, css_class=css_class, dash=dash, points=points))
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        series=tuple(placed),
    )


def _tick_indices(positions: Sequence[float], most: int, width: float) -> list[int]:
    """Which labels the x axis shows: at most `most`, spread along the axis, the last always,
    and none closer to the one before than width / (most + 1), so that labels do not overlap
    where check-ins cluster in time."""
    if not positions:
        return []
    start, end = positions[0], positions[-1]
    shown = min(len(positions), most)
    targets = [start + (end - start) * k / (shown - 1) for k in range(shown)] if shown > 1 else []
    nearest = {min(range(len(positions)), key=lambda i: abs(positions[i] - t)) for t in targets}
    gap = width / (most + 1)
    kept: list[int] = []
    for index in sorted(nearest | {len(positions) - 1}):
        if kept and positions[index] - positions[kept[-1]] < gap:
            if index != len(positions) - 1:
                continue
            kept.pop()  # the last label wins over the one just before it
        kept.append(index)
    return kept


@dataclass(frozen=True)
class Bar:
    """A from→to bar: how far along the five steps a level sits, in percent."""

    level: float | None
    percent: float


def progress_bar(level: float | None, *, y_min: float = 1, y_max: float = 5) -> Bar:
    if level is None:
        return Bar(level=None, percent=0.0)
    span = y_max - y_min
    return Bar(level=level, percent=round(100 * (min(max(level, y_min), y_max) - y_min) / span, 1))


@dataclass(frozen=True)
class Segment:
    """One level's share of a distribution bar."""

    level: int
    count: int
    x: float
    width: float

    @property
    def css_class(self) -> str:
        return f"level-{self.level}"


@dataclass(frozen=True)
class Distribution:
    """How many people stand at each level (1 to 5), as a bar split in proportion."""

    width: int
    height: int
    counts: tuple[int, ...]
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def distribution(counts: Sequence[int], *, width: int = 200, height: int = 16) -> Distribution:
    """A bar `width` long split into one segment per level with anyone at it, in level order,
    each as long as its share of the people counted. `counts[0]` is level 1."""
    total = sum(counts)
    segments = []
    start = 0.0
    for level, count in enumerate(counts, start=1):
        if count <= 0:
            continue
        length = width * count / total
        segments.append(Segment(level, count, round(start, 1), round(length, 1)))
        start += length
    return Distribution(width=width, height=height, counts=tuple(counts), segments=tuple(segments))
