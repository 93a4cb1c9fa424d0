"""Map (地图): the buildings in scope at their coordinates, amber where a chosen rule
flags them, the grids as hulls of their buildings (amber where a grid rule flags the
grid), a tooltip with the name and its gaps; ``?centre=ID`` centres it on an entity.

Drawn by deck.gl (``st.pydeck_chart``, bundled with Streamlit) with no basemap, so it
works offline; ``LIANJIAN_MAP_TILES`` (an XYZ URL template of an internal or 天地图
server) adds one as tiles. Buildings without coordinates are counted and listed.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pydeck as pdk
import streamlit as st
from pydeck.bindings.json_tools import default_serialize

from lianjian.core.schema import SCHEMA
from lianjian.dashboard import state, widgets
from lianjian.dashboard.render import GAP_COLOR
from lianjian.queries import geo

ctx = state.context()
t = ctx.t
HEIGHT = 620


@st.cache_resource(show_spinner=False)
def buildings_of(key: str, _store) -> list[geo.Building]:
    return geo.buildings(_store)


@st.cache_resource(show_spinner=False)
def needs_of(key: str, _store) -> list[geo.NeedPoint]:
    placed = [b for b in buildings_of(key, _store) if b.placed]
    return geo.needs(_store, placed, state.tree_of(key, _store).subtree)


def rgb(colour: str, alpha: int = 255) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)] + [alpha]


class CompactDeck(pdk.Deck):
    """pydeck's Deck as JSON without its indentation, CJK as UTF-8: a fifth of the size
    of pydeck's own, which the browser reads before it draws (10,000 buildings: 1 MB)."""

    def to_json(self) -> str:
        return json.dumps(
            self,
            sort_keys=True,
            default=default_serialize,
            separators=(",", ":"),
            ensure_ascii=False,
        )


def tile_layers(url: str, view: tuple[float, float, float]) -> list[pdk.Layer]:
    """A basemap from an XYZ tile server: each tile around the view, at its zoom and the
    one above, as a deck.gl BitmapLayer over the tile's bounds (geo.tiles_around), so
    nothing but the configured server is asked and no script is needed."""
    return [
        pdk.Layer("BitmapLayer", None, id=f"tile-{z}-{x}-{y}", image=tile_url, bounds=bounds)
        for (z, x, y), tile_url, bounds in geo.tiles_around(url, *view)
    ]


GAP = rgb(GAP_COLOR)
COVERED = rgb("#4e79a7")  # blue: far from amber, and not the red of an organisation
GRID_LINE, GAP_GRID_LINE = rgb("#7b8794"), rgb("#8d6a00")
GRID_FILL, GAP_GRID_FILL = rgb("#9aa5b1", 28), rgb(GAP_COLOR, 46)

st.title(t("map"))
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {ctx.as_of.isoformat()}"
)
rules = st.multiselect(
    t("rules"),
    geo.MAP_RULES,
    format_func=lambda r: widgets.rule_title(r, ctx.lang),
    placeholder=t("all_rules"),
    key="map_rules",
) or list(geo.MAP_RULES)

items = widgets.gap_items(ctx)
gaps: dict[str, list[str]] = {}  # id → titles of the chosen rules that flag it
for rule in rules:
    for item in items.get(rule, ()):
        gaps.setdefault(item["id"], []).append(widgets.rule_title(rule, ctx.lang))
everything = buildings_of(ctx.cfg.key, ctx.store)
inside = [b for b in everything if ctx.allowed is None or b.id in ctx.allowed]
placed = [b for b in inside if b.placed]
unplaced = [b for b in inside if not b.placed]
n_gap = sum(b.id in gaps for b in inside)
st.markdown(
    t(
        "map_counts",
        n=f"{len(inside):,}",
        gap=f"{n_gap:,}",
        covered=f"{len(inside) - n_gap:,}",
        unplaced=f"{len(unplaced):,}",
    )
)
needs = [
    n for n in needs_of(ctx.cfg.key, ctx.store) if ctx.allowed is None or n.region in ctx.allowed
]
show_needs = bool(needs) and st.toggle(
    t("map_needs", n=f"{len(needs):,}", open=f"{sum(n.status == 'open' for n in needs):,}"),
    value=True,
    key="map_needs",
)
st.caption(t("map_legend") + (" " + t("map_needs_legend") if show_needs else ""))


# ---------------------------------------------------------------- the centre

asked = st.query_params.get("centre")
focus: list[geo.Building] = []
if asked and asked in state.summaries_of(ctx.cfg.key, ctx.store):
    if ctx.allowed is None or asked in ctx.allowed:
        region = None if asked in {b.id for b in everything} else state.region_of(ctx, asked)
        within = ctx.tree.subtree(region) if region else set()
        focus = [b for b in placed if b.id == asked or b.grid in within]
        need = next((n for n in needs if n.id == asked and n.lat is not None), None)
        if need is not None:  # a need: where it is drawn
            focus = [geo.Building(need.id, need.name, need.region, need.lat, need.lon)]
        st.markdown(f"**{t('centre')}**: {state.md(widgets.display_name(ctx, asked))}")
        if not focus:
            st.info(t("map_centre_none"))
view = geo.fit([(b.lon, b.lat) for b in (focus or placed)])


# ---------------------------------------------------------------- the drawing


def tip(name: str, flagged: list[str]) -> str:
    return "\n".join([name, *[f"⚠ {g}" for g in flagged]] or [name])


names = {r: state.region_name(ctx, r) for r in {b.grid for b in placed if b.grid}}
outlines = geo.grid_outlines(placed)
grid_rows = [
    {
        "polygon": [[round(x, 6), round(y, 6)] for x, y in polygon],
        "tip": tip(names.get(g, g), gaps.get(g, [])),
        "fill": GAP_GRID_FILL if g in gaps else GRID_FILL,
        "line": GAP_GRID_LINE if g in gaps else GRID_LINE,
    }
    for g, polygon in sorted(outlines.items())
]
building_rows = [
    {
        "position": [b.lon, b.lat],
        "tip": tip(b.name, gaps.get(b.id, [])),
        "colour": GAP if b.id in gaps else COVERED,
    }
    for b in sorted(placed, key=lambda b: b.id in gaps)  # gaps drawn last, on top
]
NEED, NEED_DONE = rgb("#7b3294"), rgb("#7b3294", 90)  # purple: no gap, no organisation
placed_needs = [n for n in needs if n.lat is not None] if show_needs else []


def need_tip(n: geo.NeedPoint) -> str:
    status = SCHEMA.enum_label("need_status", n.status, ctx.lang) if n.status else ""
    return "\n".join(
        [f"{t('need')}: {n.name}", f"{n.category} · {status} · {t('quantity')} {n.quantity}"]
    )


need_rows = [
    {
        "position": [round(x, 6), round(y, 6)],
        "tip": need_tip(n),
        "colour": NEED if n.status == "open" else NEED_DONE,
    }
    for n, (x, y) in zip(placed_needs, geo.spread(placed_needs), strict=True)
]
layers = []
tiles = os.environ.get(geo.TILES_ENV, "").strip()
if tiles and view is not None:
    layers += tile_layers(tiles, view)
layers += [
    pdk.Layer(
        "PolygonLayer",
        grid_rows,
        id="grids",
        get_polygon="polygon",
        get_fill_color="fill",
        get_line_color="line",
        line_width_min_pixels=1.5,
        stroked=True,
        filled=True,
        pickable=True,
    ),
    pdk.Layer(
        "ScatterplotLayer",
        building_rows,
        id="buildings",
        get_position="position",
        get_fill_color="colour",
        get_line_color=[255, 255, 255, 255],
        get_radius=9,
        radius_min_pixels=2.5,  # a whole city: dots that overlap less
        radius_max_pixels=12,
        line_width_min_pixels=1,
        stroked=True,
        pickable=True,
    ),
]
if need_rows:
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            need_rows,
            id="needs",
            get_position="position",
            get_fill_color="colour",
            get_line_color=[255, 255, 255, 255],
            get_radius=14,
            radius_min_pixels=5,
            radius_max_pixels=14,
            line_width_min_pixels=1.5,
            stroked=True,
            pickable=True,
        )
    )
if asked and len(focus) == 1:  # one building (or need): a ring around it
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            [{"position": [focus[0].lon, focus[0].lat]}],
            id="centre",
            get_position="position",
            get_line_color=[16, 42, 67, 255],
            get_radius=18,
            radius_min_pixels=11,
            line_width_min_pixels=3,
            stroked=True,
            filled=False,
        )
    )
if view is None:
    st.info(t("map_nothing"))
else:
    lat, lon, zoom = view
    st.pydeck_chart(
        CompactDeck(
            layers=layers,
            initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
            map_provider=None,  # no basemap: nothing is fetched from any other host
            tooltip={"text": "{tip}"},  # as text: a name is never read as markup
        ),
        height=HEIGHT,
        key="map_deck",
    )

if unplaced:
    with st.expander(t("map_unplaced", n=f"{len(unplaced):,}"), expanded=True):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("id"): b.id,
                        t("name"): b.name,
                        state.level_title("grid", ctx.lang): state.region_name(ctx, b.grid)
                        if b.grid
                        else "",
                        t("gaps"): "、".join(gaps.get(b.id, [])),
                    }
                    for b in unplaced
                ]
            ),
            hide_index=True,
            width="stretch",
        )
