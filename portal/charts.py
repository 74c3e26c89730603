"""Small charts drawn on the server as SVG: no script, nothing fetched, readable when printed.

Each chart carries a title and a description for screen readers; pages show the same
figures in a table beside it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from html import escape

PALETTE = ("#0a4f8a", "#0b6e4f", "#7a3e00", "#4b2a85", "#8a1c1c", "#495057")


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]  # one per series (stacked)


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _legend(series, *, x0: int, y0: int, width: int) -> tuple[list[str], int]:
    """Legend entries, wrapping onto a new line when one would overflow; returns the parts
    and the height they take."""
    parts, x, y = [], x0, y0
    for index, name in enumerate(series):
        span = 24 + 7 * len(name)
        if x + span > width and x > x0:
            x, y = x0, y + 18
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{_colour(index)}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(name)}</text>')
        x += span
    return parts, y - y0 + 22


def bar_chart(
    *,
    title: str,
    bars: list[Bar],
    series: tuple[str, ...] = ("",),
    width: int = 640,
    bar_height: int = 22,
) -> str:
    """Horizontal bars, stacked when there is more than one series."""
    label_width, gap, top = 270, 8, 8
    legend_parts, legend = (
        _legend(series, x0=8, y0=top, width=width) if len(series) > 1 else ([], 0)
    )
    height = top + legend + len(bars) * (bar_height + gap) + 4
    largest = max((sum(b.values) for b in bars), default=0) or 1
    plot = width - label_width - 50
    parts = [_open(width, height, title, bars, series), *legend_parts]
    for row, bar in enumerate(bars):
        y = top + legend + row * (bar_height + gap)
        baseline = f"{y + bar_height * 0.7:.0f}"
        parts.append(
            f'<text x="{label_width - 8}" y="{baseline}" font-size="12" '
            f'text-anchor="end">{escape(bar.label)}</text>'
        )
        x = float(label_width)
        for index, value in enumerate(bar.values):
            length = plot * value / largest
            if length:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" '
                    f'height="{bar_height}" fill="{_colour(index)}"/>'
                )
            x += length
        parts.append(
            f'<text x="{x + 6:.1f}" y="{baseline}" font-size="12">{sum(bar.values)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    *,
    title: str,
    labels: list[str],
    series: dict[str, list[int]],
    width: int = 640,
    height: int = 220,
) -> str:
    """Grouped columns, e.g. submissions and approvals per week."""
    left, bottom, top = 32, 36, 32
    names = list(series)
    largest = max((v for values in series.values() for v in values), default=0) or 1
    plot_w, plot_h = width - left - 8, height - bottom - top
    group = plot_w / max(len(labels), 1)
    column = max(2.0, (group - 6) / max(len(names), 1))
    bars = [Bar(label, tuple(series[name][i] for name in names)) for i, label in enumerate(labels)]
    parts = [_open(width, height, title, bars, tuple(names))]
    parts += _legend(names, x0=left, y0=6, width=width)[0]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        'stroke="#6c757d"/>'
    )
    parts.append(
        f'<text x="{left - 4}" y="{top + 10}" font-size="11" text-anchor="end">{largest}</text>'
    )
    for i, label in enumerate(labels):
        x = left + i * group + 3
        for index, name in enumerate(names):
            h = plot_h * series[name][i] / largest
            parts.append(
                f'<rect x="{x + index * column:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{column - 1:.1f}" height="{h:.1f}" fill="{_colour(index)}"/>'
            )
        if i % max(1, len(labels) // 6) == 0:
            parts.append(
                f'<text x="{x + group / 2 - 3:.1f}" y="{height - 18}" font-size="11" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str, bars: list[Bar], series) -> str:
    description = "; ".join(
        f"{b.label}: "
        + ", ".join(
            f"{name + ' ' if name else ''}{value}"
            for name, value in zip(series, b.values, strict=False)
        )
        for b in bars
    )
    key = zlib.crc32(title.encode())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="chart-{key}-t chart-{key}-d" '
        f'font-family="DejaVu Sans, sans-serif" fill="#212529">'
        f'<title id="chart-{key}-t">{escape(title)}</title>'
        f'<desc id="chart-{key}-d">{escape(description)}</desc>'
    )
