"""The report's map (楼栋覆盖分布图) as inline SVG: each building with coordinates a dot,
amber where a building rule flags it, blue where covered, each grid the hull of its
buildings; no basemap and no text from the ledger, so nothing in it needs escaping.

>>> from lianjian.queries.geo import Building
>>> b = [Building("B1", "甲", "G1", 30.30, 112.24), Building("B2", "乙", "G1", 30.31, 112.25)]
>>> svg = map_svg(b, {"B1"}, {"G1": [(112.24, 30.30), (112.25, 30.31), (112.25, 30.30)]})
>>> svg.count('class="gap"'), svg.count('class="covered"'), svg.count("<polygon")
(1, 1, 1)
>>> map_svg([], set(), {})
''
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from lianjian.queries.geo import Building

__all__ = ["map_svg", "GAP", "COVERED"]

GAP, COVERED = "#e6ab02", "#4e79a7"  # as the dashboard's map: amber a gap, blue covered
WIDTH, HEIGHT, PAD = 480, 340, 10


def map_svg(
    buildings: Iterable[Building],
    flagged: set[str],
    outlines: dict[str, list[tuple[float, float]]],
) -> str:
    """The map of the placed ``buildings`` (``flagged``: their ids with a gap) and the
    grid ``outlines`` (lon, lat), fitted to the picture with the latitude's scale; ''
    when no building has coordinates."""
    placed = [b for b in buildings if b.placed]
    if not placed:
        return ""
    lons = [b.lon for b in placed] + [x for poly in outlines.values() for x, _ in poly]
    lats = [b.lat for b in placed] + [y for poly in outlines.values() for _, y in poly]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))  # a degree east is shorter
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)

    def at(lon: float, lat: float) -> str:
        x = PAD + (lon - min(lons)) * squeeze * scale
        y = HEIGHT - PAD - (lat - min(lats)) * scale
        return f"{x:.1f},{y:.1f}"

    radius = 2.2 if len(placed) > 2000 else 3.5
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f9fb" stroke="#d5dbe3"/>',
    ]
    for _, poly in sorted(outlines.items()):
        points = " ".join(at(x, y) for x, y in poly)
        parts.append(f'<polygon points="{points}" fill="#9aa5b1" fill-opacity="0.12" '
                     'stroke="#7b8794" stroke-width="0.6"/>')  # fmt: skip
    for b in sorted(placed, key=lambda b: b.id in flagged):  # the gaps drawn last, on top
        x, y = at(b.lon, b.lat).split(",")
        kind, colour = ("gap", GAP) if b.id in flagged else ("covered", COVERED)
        parts.append(f'<circle class="{kind}" cx="{x}" cy="{y}" r="{radius}" fill="{colour}" '
                     'stroke="#ffffff" stroke-width="0.5"/>')  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)
