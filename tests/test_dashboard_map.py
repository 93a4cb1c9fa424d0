"""The map page (地图) without a browser: its figures are the library's, a building
without coordinates is counted and listed (never drawn at 0,0), the rule filter, the
scope and ``?centre=ID`` hold, tooltips are text, and no basemap is asked for unless a
tile server is configured. The drawing in a real browser: test_dashboard_map_browser.py."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lianjian.dashboard.render import GAP_COLOR
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.queries import geo
from lianjian.queries.gaps.find import find_gaps
from tests.browser_fixtures import add_rows

APP = Path(__file__).resolve().parent.parent / "lianjian" / "dashboard" / "app.py"
GAP = [int(GAP_COLOR[i : i + 2], 16) for i in (1, 3, 5)] + [255]
COUNTS = re.compile(r"楼栋 (\d+) 个：有覆盖空白 (\d+) 个，已覆盖 (\d+) 个；无坐标 (\d+) 个")
NOWHERE = "ZZ-B-NOWHERE"  # a residential building of the sample's first grid, no coordinates


@pytest.fixture(scope="module")
def ledger(sample_ledger, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("map") / "ledger"
    shutil.copytree(sample_ledger, out)
    add_rows(
        out,
        "buildings",
        [{"id": NOWHERE, "name": "无坐标楼", "kind": "residential", "grid": "SS0101G01"}],
    )
    return out


@pytest.fixture
def env(monkeypatch, ledger):
    monkeypatch.setenv("LIANJIAN_DASHBOARD_LEDGER", str(ledger))
    monkeypatch.setenv("LIANJIAN_DASHBOARD_BACKEND", "embedded")
    for name in ("NAMES", "SCOPE"):
        monkeypatch.delenv(f"LIANJIAN_DASHBOARD_{name}", raising=False)
    monkeypatch.delenv(geo.TILES_ENV, raising=False)
    return monkeypatch


@pytest.fixture(scope="module")
def library(ledger):
    """The library's own figures: each building's id, coordinates, and its rules' findings."""
    store = EmbeddedStore.from_ledger(ledger)
    gaps = find_gaps(store, as_of=dt.date.today())
    nodes = store.nodes([r["id"] for r in store.node_summaries(["Building"])])
    return {
        "buildings": {b: props for b, (_, props) in nodes.items()},
        "grid": {e.source: e.target for e in store.edges_of_type(["IN_GRID"])},
        "flagged": {r: {i.id for i in gaps.rules[r]} for r in geo.MAP_RULES},
    }


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page("views/map.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def counts(at: AppTest) -> tuple[int, int, int, int]:
    (found,) = [m for e in at.markdown if (m := COUNTS.search(e.value.replace(",", "")))]
    return tuple(int(x) for x in found.groups())  # type: ignore[return-value]


def deck(at: AppTest) -> dict:
    (chart,) = at.get("deck_gl_json_chart")
    spec = json.loads(chart.proto.json)
    spec["tooltip"] = json.loads(chart.proto.tooltip)
    return spec


def layer(spec: dict, layer_id: str) -> dict:
    return next(x for x in spec["layers"] if x["id"] == layer_id)


def test_the_figures_are_the_librarys_and_an_unplaced_building_is_listed(env, library):
    at = start()
    assert at.title[0].value == "地图"
    flagged = set().union(*(library["flagged"][r] for r in geo.BUILDING_RULES))
    assert NOWHERE in flagged  # a residential building without a group: a gap
    total = len(library["buildings"])
    assert counts(at) == (total, len(flagged), total - len(flagged), 1)
    drawn = layer(deck(at), "buildings")["data"]
    assert len(drawn) == total - 1
    at_coords = {(p["lon"], p["lat"]): b for b, p in library["buildings"].items() if b != NOWHERE}
    assert {tuple(d["position"]) for d in drawn} == set(at_coords)  # nothing at 0,0
    for d in drawn:
        assert (d["colour"] == GAP) == (at_coords[tuple(d["position"])] in flagged)
    (unplaced,) = at.dataframe
    assert list(unplaced.value["编号"]) == [NOWHERE]
    assert "楼栋无党小组" in unplaced.value.iloc[0, -1]


def test_the_rule_filter_counts_only_the_chosen_rule(env, library):
    at = start()
    at.multiselect(key="map_rules").set_value(["new_domain_uncovered"]).run()
    flagged = library["flagged"]["new_domain_uncovered"]
    assert 0 < len(flagged) < len(set().union(*library["flagged"].values()))
    assert counts(at)[1] == len(flagged)
    grids = layer(deck(at), "grids")["data"]
    assert all(g["fill"] != [*GAP[:3], 46] for g in grids)  # no grid rule chosen
    at.multiselect(key="map_rules").set_value(["grid_without_branch"]).run()
    assert counts(at)[1] == 0
    tips = [g["tip"] for g in layer(deck(at), "grids")["data"] if g["fill"][:3] == GAP[:3]]
    drawn = {g for b, g in library["grid"].items() if b != NOWHERE}  # grids with a building
    assert len(tips) == len(library["flagged"]["grid_without_branch"] & drawn) > 0
    assert all("⚠ 网格未建党支部" in tip for tip in tips)


def test_tooltips_are_text_and_no_basemap_is_asked_for(env):
    spec = deck(start())
    assert set(spec["tooltip"]) == {"text"}  # the html form would read a name as markup
    assert spec.get("mapStyle") in (None, "__MAP_STYLE__")  # pydeck's "none": no basemap
    assert "http" not in json.dumps(spec)
    assert {x["id"] for x in spec["layers"]} == {"grids", "buildings", "needs"}  # no tiles


def test_a_tile_server_is_drawn_when_configured(env):
    env.setenv(geo.TILES_ENV, "http://tiles.intranet.example/{z}/{x}/{y}.png")
    spec = deck(start())
    view = spec["initialViewState"]
    tiles = [x for x in spec["layers"] if x["id"].startswith("tile-")]
    assert tiles and all(x["@@type"] == "BitmapLayer" for x in tiles)
    assert spec["layers"][: len(tiles)] == tiles  # under the grids and buildings
    zooms = set()
    for x in tiles:
        z, tx, ty = x["id"].split("-")[1:]
        assert x["image"] == f"http://tiles.intranet.example/{z}/{tx}/{ty}.png"
        zooms.add(int(z))
    assert zooms == {int(view["zoom"]), int(view["zoom"]) + 1}
    for z in zooms:  # each zoom's tiles hold the view's centre
        assert any(
            west <= view["longitude"] <= east and south <= view["latitude"] <= north
            for x in tiles
            if x["id"].startswith(f"tile-{z}-")
            for west, south, east, north in [x["bounds"]]
        )


def test_centre_on_a_building_and_on_a_grid(env, library):
    building = library["buildings"]["B0103"]
    spec = deck(start({"centre": "B0103"}))
    view = spec["initialViewState"]
    assert math.isclose(view["latitude"], building["lat"])
    assert math.isclose(view["longitude"], building["lon"])
    assert layer(spec, "centre")["data"][0]["position"] == [building["lon"], building["lat"]]
    spec = deck(start({"centre": "SS0103G01"}))  # a grid: the middle of its buildings
    inside = [b for b, g in library["grid"].items() if g == "SS0103G01"]
    assert len(inside) == 3
    lats = [library["buildings"][b]["lat"] for b in inside]
    assert math.isclose(spec["initialViewState"]["latitude"], (min(lats) + max(lats)) / 2)
    assert "centre" not in {x["id"] for x in spec["layers"]}  # a ring marks one building only


def test_the_sidebar_scope_holds_the_map(env, library):
    env.setenv("LIANJIAN_DASHBOARD_SCOPE", "SS0103")  # 三板桥社区
    at = start({"centre": "B0103"})  # a building of another community: not shown
    mine = {"B0301", "B0302", "BC03"}
    flagged = set().union(*(library["flagged"][r] for r in geo.BUILDING_RULES)) & mine
    assert counts(at) == (3, len(flagged), 3 - len(flagged), 0)
    assert len(layer(deck(at), "buildings")["data"]) == 3
    assert not [e for e in at.markdown if "中心" in e.value]


# ---------------------------------------------------------------- the geometry


def test_a_hull_holds_every_point_and_only_its_corners():
    pts = [(0, 0), (4, 0), (4, 3), (0, 3), (2, 1), (1, 2), (2, 0)]
    assert sorted(geo.hull(pts)) == [(0, 0), (0, 3), (4, 0), (4, 3)]
    assert geo.hull([(1, 1)]) == [(1, 1)]


def test_a_grid_of_one_building_is_an_area_around_it():
    b = geo.Building("B", "b", "G", lat=30.0, lon=112.0)
    (outline,) = geo.grid_outlines([b, geo.Building("N", "n", "G", None, None)]).values()
    assert len(outline) == 4
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    assert min(xs) < 112.0 < max(xs) and min(ys) < 30.0 < max(ys)


def test_the_view_fits_the_points():
    lat, lon, zoom = geo.fit([(112.0, 30.0), (112.1, 30.05)], width=900, height=600)
    assert (lat, lon) == (30.025, 112.05)
    world = 512 * 2**zoom  # pixels across at this zoom: the span fits in 900 with a margin
    assert 0.8 * 900 < 0.1 / 360 * world < 900
    assert geo.fit([(112.0, 30.0)])[2] == 17.0
    assert geo.fit([]) is None


def test_each_need_is_drawn_at_the_middle_of_its_regions_buildings(env, ledger, library):
    """Every need of the sample (所在社区 a community or a grid) is a purple dot near the
    mean of its region's buildings' coordinates (set around it when several share it);
    open ones dark; the toggle hides them; ``?centre=N04`` centres the map on it."""
    store = EmbeddedStore.from_ledger(ledger)
    needs = {r["id"] for r in store.node_summaries(["Need"])}
    region = {e.source: e.target for e in store.edges_of_type(["NEEDED_IN"])}
    status = {n: p["status"] for n, (_, p) in store.nodes(sorted(needs)).items()}
    parent = {e.source: e.target for e in store.edges_of_type(["PART_OF"])}

    def within(grid: str | None, r: str) -> bool:
        while grid is not None and grid != r:
            grid = parent.get(grid)
        return grid == r

    assert len(needs) == 8
    at = start()
    drawn = layer(deck(at), "needs")["data"]
    assert len(drawn) == len(needs)
    assert sum(d["colour"][3] == 255 for d in drawn) == sum(s == "open" for s in status.values())
    for d in drawn:
        (name,) = [n for n in needs if store.nodes([n])[n][1]["name"] in d["tip"]]
        mine = [
            (p["lon"], p["lat"])
            for b, p in library["buildings"].items()
            if "lat" in p and within(library["grid"].get(b), region[name])
        ]
        lon = sum(x for x, _ in mine) / len(mine)
        lat = sum(y for _, y in mine) / len(mine)
        assert math.dist(d["position"], (lon, lat)) < 0.002, name  # within about 200 m
    at.toggle(key="map_needs").set_value(False).run()
    assert not [x for x in deck(at)["layers"] if x["id"] == "needs"]
    at = start({"centre": "N04"})
    ring = layer(deck(at), "centre")["data"][0]["position"]
    assert math.dist(ring, next(d["position"] for d in drawn if "心理" in d["tip"])) < 0.002
