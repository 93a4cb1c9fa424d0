"""A horizontal bar chart as inline SVG: one bar per region, its rate as a share of
the axis, the value written at the bar's end. Every label is escaped
(:func:`lianjian.report.markup.text`).

The axis starts a little below the lowest rate (in steps of 10 %, at 0 when a rate is
below 30 %), as the dashboard's charts do, so 95 % and 98 % differ visibly; the start
is written under the axis.

>>> svg = bar_chart([("甲<街道>", 0.8), ("乙", None)], "网格建支部率")
>>> "甲&lt;街道&gt;" in svg, svg.count("<rect"), svg.count('class="bar"')
(True, 3, 1)
"""

from __future__ import annotations

from collections.abc import Sequence

from lianjian.present.coverage import rate_floor
from lianjian.report.markup import text

__all__ = ["bar_chart", "BAR_COLOUR"]

BAR_COLOUR = "#4e79a7"  # a rate is no alarm: one calm colour whatever its value
TRACK_COLOUR = "#e8ecf2"
LABEL_WIDTH = 84
BAR_WIDTH = 210
ROW = 18
FONT = "Noto Sans CJK SC"


def bar_chart(bars: Sequence[tuple[str, float | None]], title: str, axis_note: str = "") -> str:
    """An SVG of ``bars`` (label, rate in 0..1 or None for nothing counted) under
    ``title``; ``axis_note`` is written under the axis with ``{low}`` filled in."""
    low = rate_floor([r for _, r in bars])
    top = 22
    height = top + ROW * len(bars) + 26
    width = LABEL_WIDTH + BAR_WIDTH + 44
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="9" role="img">',
        f'<text x="0" y="12" font-size="10" font-weight="bold">{text(title)}</text>',
    ]
    for n, (label, rate) in enumerate(bars):
        y = top + n * ROW
        out.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 11}" text-anchor="end">{text(_cut(label))}</text>'
        )
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{BAR_WIDTH}" height="{ROW - 5}" '
            f'fill="{TRACK_COLOUR}"/>'
        )
        if rate is None:
            out.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 11}" fill="#666">—</text>')
            continue
        w = BAR_WIDTH * max(0.0, rate - low) / (1 - low) if low < 1 else BAR_WIDTH
        out.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 2}" width="{w:.1f}" '
            f'height="{ROW - 5}" fill="{BAR_COLOUR}"/>'
        )
        out.append(f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{y + 11}">{rate:.1%}</text>')
    base = top + ROW * len(bars) + 2
    out.append(
        f'<line x1="{LABEL_WIDTH}" y1="{base}" x2="{LABEL_WIDTH + BAR_WIDTH}" y2="{base}" '
        'stroke="#999" stroke-width="0.6"/>'
    )
    for tick in (low, (low + 1) / 2, 1.0):
        x = LABEL_WIDTH + BAR_WIDTH * (tick - low) / (1 - low) if low < 1 else LABEL_WIDTH
        out.append(f'<text x="{x:.1f}" y="{base + 11}" text-anchor="middle">{tick:.0%}</text>')
    if axis_note:
        note = axis_note.format(low=f"{low:.0%}")
        out.append(f'<text x="{LABEL_WIDTH}" y="{base + 22}" fill="#666">{text(note)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _cut(label: str, n: int = 8) -> str:
    """A long region name shortened to ``n`` characters (the table has it in full)."""
    return label if len(label) <= n else label[: n - 1] + "…"
