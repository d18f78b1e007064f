"""Charts drawn here as inline SVG, server-side: no chart library, no build step, nothing to
download, and a chart is on the page as soon as the HTML is (readable without JavaScript).
Each value is a `circle.point` (or a `rect.bar`) with a French tooltip."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services.dashboard.french import number
from services.dashboard.markup import e

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 16, 40


@dataclass(frozen=True)
class Series:
    name: str
    # One per x label; None where there is nothing to show (e.g. no notice that week).
    values: Sequence[float | None]


def nice_ceiling(value: float) -> float:
    """The round number at or above `value` an axis ends on: 1, 2, 2.5 or 5 × 10^k."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude + 1e-12:
            return step * magnitude
    return 10 * magnitude


def axis_top(values: Sequence[float]) -> float:
    """Where the y axis ends: four round steps above zero, whole steps for whole values (a
    count of findings never reads 1.25 on the axis)."""
    step = nice_ceiling(max(values, default=0) / 4)
    if all(float(v).is_integer() for v in values):
        step = max(1, math.ceil(step))
    return 4 * step


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[float], str] = number,
    y_max: float | None = None,
) -> str:
    """A line chart of one or more series over the same x labels, with its legend."""
    present = [v for s in series for v in s.values if v is not None]
    top = y_max if y_max is not None else axis_top(present)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(labels) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h - (v / top) * plot_h if top else TOP + plot_h

    parts = [_axes(top, value_text)]
    every = max(1, math.ceil(len(labels) / 10))  # at most about ten x labels
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(_x_label(x(i), label))
    for n, s in enumerate(series):
        css = f"s{n % 4 + 1}"
        for segment in _segments(s.values):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
            parts.append(f'<polyline class="line {css}" fill="none" points="{points}"/>')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            parts.append(
                f'<circle class="point {css}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="4" '
                f'data-series="{e(s.name)}" data-value="{v}"><title>{e(s.name)}, '
                f"{e(labels[i])} : {e(value_text(v))}</title></circle>"
            )
    legend = "".join(
        f'<li><span class="swatch s{n % 4 + 1}"></span>{e(s.name)}</li>'
        for n, s in enumerate(series)
    )
    return _figure(title, "".join(parts), len(present), legend)


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    value_text: Callable[[float], str] = number,
) -> str:
    """One bar per label (e.g. the plan and what was handled in one week)."""
    top = axis_top(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(values), 1)
    parts = [_axes(top, value_text)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = value / top * plot_h
        left = LEFT + i * slot + slot * 0.2
        parts.append(
            f'<rect class="bar s{i % 4 + 1}" x="{left:.1f}" y="{TOP + plot_h - height:.1f}" '
            f'width="{slot * 0.6:.1f}" height="{height:.1f}" data-value="{value}">'
            f"<title>{e(label)} : {e(value_text(value))}</title></rect>"
            f'<text class="x-label" x="{left + slot * 0.3:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{e(label)}</text>'
            f'<text class="bar-value" x="{left + slot * 0.3:.1f}" '
            f'y="{TOP + plot_h - height - 4:.1f}" text-anchor="middle">'
            f"{e(value_text(value))}</text>"
        )
    return _figure(title, "".join(parts), len(values), "")


def _x_label(at: float, label: str) -> str:
    """A label under the x axis, kept inside the chart: a long one at either end is aligned
    on its point rather than centred on it."""
    half = len(label) * 3.3  # about half its width at 11px
    anchor = "end" if at + half > WIDTH else "start" if at - half < 0 else "middle"
    return (
        f'<text class="x-label" x="{at:.1f}" y="{HEIGHT - BOTTOM + 18}" '
        f'text-anchor="{anchor}">{e(label)}</text>'
    )


def _axes(top: float, value_text: Callable[[float], str]) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    lines = []
    for k in range(5):
        v = top * k / 4
        y = TOP + plot_h - plot_h * k / 4
        lines.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="y-label" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{e(value_text(v))}</text>"
        )
    return "".join(lines)


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive values: a missing week breaks the line rather than bridging it."""
    segments: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append((i, v))
    return [s for s in segments if len(s) > 1]


def _figure(title: str, svg_body: str, points: int, legend: str) -> str:
    legend_html = f'<ul class="legend">{legend}</ul>' if legend else ""
    return (
        f'<figure class="chart"><figcaption>{e(title)}</figcaption>'
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{e(title)}" data-points="{points}">{svg_body}</svg>{legend_html}</figure>'
    )
