"""What the map page (:mod:`lianjian.dashboard.views.map`) draws: buildings at their
coordinates, grids as the convex hulls of their buildings, and a view that fits them.

A building without both coordinates is kept apart (``placed`` False), never put at
0,0. Which rules the map shows: every rule that flags a building, and every rule that
flags a grid (:data:`BUILDING_RULES`, :data:`GRID_RULES`, from the rule catalogue).

>>> hull([(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5)])
[(0, 0), (1, 0), (1, 1), (0, 1)]
>>> round(fit([(112.25, 30.31), (112.26, 30.32)])[2], 1)
14.9
>>> fit([])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lianjian.queries.catalogue import RULES

__all__ = [
    "Building",
    "BUILDING_RULES",
    "GRID_RULES",
    "MAP_RULES",
    "buildings",
    "hull",
    "grid_outlines",
    "fit",
    "TILES_ENV",
]

TILES_ENV = "LIANJIAN_MAP_TILES"  # an XYZ tile URL template ({z}/{x}/{y}) of an internal server
BUILDING_RULES = [r for r, rule in RULES.items() if rule.entity == "Building"]
GRID_RULES = [
    r
    for r, rule in RULES.items()
    if rule.population is not None
    and rule.population.label == "Region"
    and "grid" in rule.population.values
]
MAP_RULES = BUILDING_RULES + GRID_RULES
MARGIN = 0.0003  # degrees (about 30 m) a grid's outline stands off its buildings


@dataclass(frozen=True)
class Building:
    id: str
    name: str
    grid: str | None
    lat: float | None
    lon: float | None

    @property
    def placed(self) -> bool:
        return self.lat is not None and self.lon is not None


def _degrees(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def buildings(store) -> list[Building]:
    """Every building of the store with its grid (the smallest, as the library places
    it) and coordinates. O(buildings + IN_GRID relationships)."""
    ids = [r["id"] for r in store.node_summaries(["Building"])]
    nodes = store.nodes(ids)
    grid: dict[str, str] = {}
    for e in store.edges_of_type(["IN_GRID"]):
        if e.source not in grid or e.target < grid[e.source]:
            grid[e.source] = e.target
    out = []
    for b in sorted(ids):
        props = nodes.get(b, ("Building", {}))[1]
        out.append(
            Building(
                id=b,
                name=str(props.get("name") or b),
                grid=grid.get(b),
                lat=_degrees(props.get("lat")),
                lon=_degrees(props.get("lon")),
            )
        )
    return out


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def hull(points) -> list[tuple[float, float]]:
    """The convex hull of ``points`` (x, y), counter-clockwise (Andrew's monotone chain)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    lower: list = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def grid_outlines(placed: list[Building], margin: float = MARGIN) -> dict[str, list[list[float]]]:
    """``grid → [[lon, lat], …]``: the hull of its buildings, each widened by ``margin``
    to a small square, so a grid of one or two buildings is an area too."""
    corners: dict[str, list[tuple[float, float]]] = {}
    for b in placed:
        if b.grid is None or not b.placed:
            continue
        for dx in (-margin, margin):
            for dy in (-margin, margin):
                corners.setdefault(b.grid, []).append((b.lon + dx, b.lat + dy))  # type: ignore[operator]
    return {g: [[x, y] for x, y in hull(pts)] for g, pts in corners.items()}


def fit(points, width: int = 900, height: int = 600) -> tuple[float, float, float] | None:
    """``(lat, lon, zoom)`` that shows every (lon, lat) point in a ``width`` × ``height``
    view (web Mercator, with a margin), or None for no point; a single point at street level."""
    pts = list(points)
    if not pts:
        return None
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = (max(lons) - min(lons)) / 360
    span_y = (y(max(lats)) - y(min(lats))) / (2 * math.pi)
    # deck.gl's zoom 0 shows the world 512 pixels wide
    pairs = ((width, span_x), (height, span_y))
    zooms = [math.log2(size / 512 / span) for size, span in pairs if span > 0]
    zoom = min(min(zooms) - 0.3 if zooms else 17.0, 17.0)
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2, max(zoom, 3.0)
