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
    "tiles_around",
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


@dataclass(frozen=True)
class NeedPoint:
    """A need (需求清单) where the map draws it: at the middle of the buildings of the
    community or grid it is raised in (a need has no coordinates of its own)."""

    id: str
    name: str
    region: str | None
    status: str
    category: str
    quantity: int
    lat: float | None
    lon: float | None


def needs(store, placed: list[Building], subtree) -> list[NeedPoint]:
    """Every need of the store with the point it is drawn at: the mean of the coordinates
    of the buildings in its region (``subtree(region)``: the region and those below it),
    or none when no building there has coordinates (then it is listed, not drawn)."""
    ids = [r["id"] for r in store.node_summaries(["Need"])]
    if not ids:
        return []
    nodes = store.nodes(ids)
    region = {e.source: e.target for e in store.edges_of_type(["NEEDED_IN"])}
    by_grid: dict[str, list[Building]] = {}
    for b in placed:
        by_grid.setdefault(b.grid or "", []).append(b)
    middle: dict[str, tuple[float, float] | None] = {}
    out = []
    for n in sorted(ids):
        props = nodes.get(n, ("Need", {}))[1]
        r = region.get(n)
        if r is not None and r not in middle:
            inside = [b for g in subtree(r) for b in by_grid.get(g, ())]
            middle[r] = (
                (sum(b.lat for b in inside) / len(inside), sum(b.lon for b in inside) / len(inside))
                if inside
                else None
            )
        at = middle.get(r) if r is not None else None
        out.append(
            NeedPoint(
                id=n,
                name=str(props.get("name") or n),
                region=r,
                status=str(props.get("status") or ""),
                category=str(props.get("category") or ""),
                quantity=int(props.get("quantity") or 1),
                lat=at[0] if at else None,
                lon=at[1] if at else None,
            )
        )
    return out


def spread(points: list[NeedPoint], step: float = 0.00025) -> list[tuple[float, float]]:
    """``(lon, lat)`` for each point, those at one place set around it on a small circle
    (about 25 m) so that every need of a community can be seen and pointed at."""
    seen: dict[tuple[float, float], int] = {}
    out = []
    for p in points:
        k = (p.lon, p.lat)
        i = seen[k] = seen.get(k, -1) + 1
        angle = i * 2.399963  # the golden angle: the next one never on top of another
        r = step * math.sqrt(i)
        out.append((p.lon + r * math.cos(angle), p.lat + r * math.sin(angle)))
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


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    lat = max(min(lat, 85.0511), -85.0511)
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return min(int((lon + 180) / 360 * n), n - 1), min(int(y), n - 1)


def _bounds(x: int, y: int, z: int) -> list[float]:
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return [x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)]  # W, S, E, N


def tiles_around(
    url: str, lat: float, lon: float, zoom: float, width: int = 1600, height: int = 1000
):
    """``[((z, x, y), tile url, [west, south, east, north])]``: the 256-pixel XYZ tiles of
    ``url`` (``{z}``, ``{x}``, ``{y}`` filled in) that cover a ``width`` × ``height``
    pixel view around ``lat``, ``lon`` at deck.gl's ``zoom`` (whose 512-pixel world is
    tile zoom ``zoom + 1``): the tiles of that zoom and, drawn first, under them, the
    coarser ones of the zoom above, for a view zoomed out.

    >>> [t[0] for t in tiles_around("{z}/{x}/{y}", 0.0, 0.0, 0.0, 256, 256)]
    [(0, 0, 0), (1, 0, 0), (1, 0, 1), (1, 1, 0), (1, 1, 1)]
    """
    per_degree = 512 * 2**zoom / 360  # pixels per degree of longitude at the view's zoom
    half_w = width / 2 / per_degree
    half_h = height / 2 / per_degree * math.cos(math.radians(lat))
    out = []
    for z in sorted({max(int(zoom), 0), min(int(zoom) + 1, 19)}):
        x0, y0 = _tile(lon - half_w, lat + half_h, z)
        x1, y1 = _tile(lon + half_w, lat - half_h, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                filled = url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
                out.append(((z, x, y), filled, _bounds(x, y, z)))
    return out
