"""Explorer (图谱浏览): find an entity by name or by region, draw its neighbourhood,
read its details, download the drawing."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import asdict

import pandas as pd
import streamlit as st

from lianjian.core.schema import SCHEMA
from lianjian.dashboard import state, widgets
from lianjian.dashboard.clicks import clicked_node
from lianjian.dashboard.display import kind_name, node_name, property_rows, rel_name, type_name
from lianjian.dashboard.render import render_html
from lianjian.dashboard.subgraph import (
    PERSONAL_RELS,
    add_pairings,
    edge_rows,
    neighbourhood,
    node_rows,
    public_nodes,
)

ctx = state.context()
t = ctx.t
store = ctx.store
HEIGHT = 640
DEEP_CAP = 80  # nodes drawn at most at depth 3; the rest are summarised
log = logging.getLogger(__name__)  # timings for the terminal, not the page

st.title(t("explorer"))

# ---------------------------------------------------------------- choosing the centre
# One selection (the session's SELECTED id) drives the region selectors, the drawing and
# the details panel; a search result, a region picked, a node picked in the details, or
# ``?centre=ID`` (a gap row's link) each set it, and the URL always names it.

SELECTED = "explorer_centre"
LEVEL_KEYS = [f"explorer_level_{i}" for i in range(3)]
index = state.search_index(ctx.cfg.key, ctx.cfg.with_names, store)
summaries = state.summaries_of(ctx.cfg.key, store)
base = ctx.scope or (ctx.tree.roots()[0] if len(ctx.tree.roots()) == 1 else None)


def allowed(node_id: str | None) -> bool:
    return node_id in summaries and (ctx.allowed is None or node_id in ctx.allowed)


def select(node_id: str | None, keep_query: bool = False) -> None:
    """Make ``node_id`` the selection and show where it lies in the region selectors."""
    st.session_state[SELECTED] = node_id
    below = ctx.tree.path(state.region_of(ctx, node_id) or "") if node_id else []
    below = below[below.index(base) + 1 :] if base in below else below
    for i, key in enumerate(LEVEL_KEYS):
        st.session_state[key] = below[i] if i < len(below) else state.ALL
    if not keep_query:
        st.session_state["explorer_query"] = ""
        st.session_state.pop("explorer_hit", None)


def searched() -> None:
    hits = index.search(st.session_state["explorer_query"], limit=30, allowed=ctx.allowed)
    if hits:
        select(hits[0].id, keep_query=True)
        st.session_state["explorer_hit"] = hits[0]


def hit_picked() -> None:
    hit = st.session_state.get("explorer_hit")
    if hit is not None:
        select(hit.id, keep_query=True)


def level_picked(i: int) -> None:
    pick = st.session_state[LEVEL_KEYS[i]]
    select(pick or (st.session_state.get(LEVEL_KEYS[i - 1]) if i else None) or None)
    if st.session_state[SELECTED] is None:
        select(state.default_region(ctx))


asked = st.query_params.get("centre")
clicked = st.session_state.pop("_explorer_clicked", None)  # a node of the last drawing
if st.session_state.get("_explorer_base", base) != base:  # the sidebar's scope changed
    select(state.default_region(ctx))
elif clicked is not None and allowed(clicked):
    select(clicked)
elif asked and asked != st.session_state.get("_explorer_url") and allowed(asked):
    select(asked)  # the URL was changed from outside (a link, a gap row): it wins
elif not allowed(st.session_state.get(SELECTED)):
    select(state.default_region(ctx))
st.session_state["_explorer_base"] = base

left, right = st.columns([1, 1])
query = left.text_input(
    t("search"), key="explorer_query", placeholder="胜利 / 勝利 / sljd", on_change=searched
)
if query.strip():
    hits = index.search(query, limit=30, allowed=ctx.allowed)
    if hits:
        if st.session_state.get("explorer_hit") not in hits:
            st.session_state["explorer_hit"] = hits[0]
        left.selectbox(
            t("results"),
            hits,
            format_func=lambda h: f"{h.name} · {type_name(h.label, ctx.lang)} · {h.id}",
            key="explorer_hit",
            on_change=hit_picked,
        )
    else:
        left.caption(t("no_results"))

with right:
    parent = base
    cols = st.columns(3)
    for i, key in enumerate(LEVEL_KEYS):
        kids = ctx.tree.children_of(parent) if parent is not None or i == 0 else []
        if not kids:
            break
        if st.session_state.get(key) not in (state.ALL, *kids):
            st.session_state[key] = state.ALL
        pick = cols[i].selectbox(
            state.words_title(ctx.tree, kids, ctx.lang),
            [state.ALL, *kids],
            format_func=lambda r: ctx.tree.regions[r]["name"] if r else "—",
            key=key,
            on_change=level_picked,
            args=(i,),
        )
        if not pick:
            break
        parent = pick

centre: str | None = st.session_state.get(SELECTED)
if centre is not None:
    st.query_params["centre"] = st.session_state["_explorer_url"] = centre
    row = summaries[centre]
    here, to_map = st.columns([5, 1])
    here.markdown(
        f"**{t('centre')}**: {state.md(widgets.display_name(ctx, centre))} · "
        f"{kind_name(row['label'], row, ctx.lang)} · {t('id')} {state.md(centre)}"
    )
    to_map.page_link(
        "views/map.py",
        label=t("show_on_map"),
        icon=":material/map:",
        query_params={"centre": centre},
    )

labels = list(SCHEMA.nodes)
c1, c2, c3, c4 = st.columns([1, 3, 1, 1])
depth = c1.slider(t("depth"), 1, 3, 1, key="explorer_depth")
types = c2.multiselect(
    t("types"),
    labels,
    default=labels,
    format_func=lambda lb: type_name(lb, ctx.lang),
    key="explorer_types",
)
cap = c3.number_input(t("cap"), 20, 600, 150, step=10, key="explorer_cap")
show_pairs = c4.toggle(t("show_proposals"), value=True, key="explorer_pairs")

if centre is None:
    st.info(t("pick_centre"))
    st.stop()
if depth >= 3 and cap > DEEP_CAP:  # three steps out reach thousands: keep it readable
    cap = DEEP_CAP
    st.info(t("deep_cap", n=DEEP_CAP))

# ---------------------------------------------------------------- the drawing

flags = widgets.flags(ctx)
t0 = time.perf_counter()
sub = neighbourhood(
    store,
    [centre],
    depth,
    labels=types,
    cap=int(cap),
    allowed=ctx.allowed,
    as_of=ctx.as_of,
    priority=set(flags),
    exclude=() if ctx.cfg.with_names else PERSONAL_RELS,
)
if show_pairs:
    pairing = widgets.pairing(ctx)
    if pairing is not None:
        add_pairings(
            sub,
            store,
            [
                (p["weak"], p["strong"], {"reason_zh": p["reason_zh"], "reason_en": p["reason_en"]})
                for p in pairing["proposals"]
            ],
        )
t1 = time.perf_counter()
page = render_html(sub, lang=ctx.lang, with_names=ctx.cfg.with_names, flags=flags, height=HEIGHT)
t2 = time.perf_counter()
st.iframe(page, height=HEIGHT + 12)
hit = clicked_node("explorer_click", sub.nodes)
if hit is not None and hit != centre:  # a click on a node: the selection on the next run
    st.session_state["_explorer_clicked"] = hit  # (the selectors above are drawn already)
    st.rerun()
st.caption(
    t(
        "drawn",
        n=len(sub.nodes),
        e=len(sub.edges),
        m=sum(s.count for s in sub.summaries),
        s=len(sub.summaries),
    )
)
log.info(
    "explorer %s: extracted in %.0f ms, rendered in %.0f ms",
    centre,
    (t1 - t0) * 1e3,
    (t2 - t1) * 1e3,
)

# ---------------------------------------------------------------- details and downloads

details, downloads = st.columns([3, 2])
with details:
    st.subheader(t("details"))
    if centre in sub.nodes:
        st.session_state["explorer_details"] = centre
    chosen = st.selectbox(
        t("details"),
        list(sub.nodes),
        on_change=lambda: select(st.session_state["explorer_details"]),
        format_func=lambda n: (
            f"{node_name(n, sub.nodes[n][0], sub.nodes[n][1], ctx.cfg.with_names)} · "
            f"{kind_name(sub.nodes[n][0], sub.nodes[n][1], ctx.lang)}"
        ),
        label_visibility="collapsed",
        key="explorer_details",
    )
    if chosen:
        label, props = sub.nodes[chosen]
        rows = [(t("id"), chosen), (t("kind"), kind_name(label, props, ctx.lang))]
        rows += property_rows(chosen, label, props, ctx.lang, ctx.cfg.with_names)
        for rule, reason in flags.get(chosen, []):
            rows.append((f"⚠ {rule}", reason))
        st.dataframe(
            pd.DataFrame(rows, columns=[t("field"), t("value")]), hide_index=True, width="stretch"
        )
        rels = Counter(
            e.type
            for e in store.neighbours([chosen])
            if ctx.cfg.with_names or e.type not in PERSONAL_RELS
        )
        if rels:
            st.dataframe(
                pd.DataFrame(
                    [(rel_name(r, ctx.lang), n) for r, n in rels.most_common()],
                    columns=[t("relations"), t("count")],
                ),
                hide_index=True,
                width="stretch",
            )

with downloads:
    st.subheader(t("download"))
    stem = f"lianjian-{centre}-d{depth}"
    st.download_button(t("download_html"), page, f"{stem}.html", "text/html", key="dl_html")
    st.caption(t("download_nodes"))
    widgets.downloads(
        ctx,
        node_rows(sub, ctx.lang, ctx.cfg.with_names, flags),
        {
            "id": t("id"),
            "type": t("types"),
            "kind": t("kind"),
            "name": t("name"),
            "depth": t("depth_col"),
            "gaps": t("gaps"),
        },
        f"{stem}-nodes",
        "dl_nodes",
    )
    st.caption(t("download_edges"))
    edges = [
        {**e, "kind": SCHEMA.enum_label("link_kind", e["kind"], ctx.lang) if e["kind"] else ""}
        for e in edge_rows(sub, ctx.lang)
    ]
    widgets.downloads(
        ctx,
        edges,
        {"source": t("source"), "target": t("target"), "name": t("relations"), "kind": t("kind")},
        f"{stem}-edges",
        "dl_edges",
    )
    payload = {
        "centre": centre,
        "depth": depth,
        "as_of": ctx.as_of.isoformat(),
        "nodes": public_nodes(sub, ctx.cfg.with_names),
        "edges": edge_rows(sub, ctx.lang),
        "summaries": [asdict(s) for s in sub.summaries],
    }
    st.download_button(
        t("download_json"),
        json.dumps(payload, ensure_ascii=False, indent=1, default=str),
        f"{stem}.json",
        "application/json",
        key="dl_json",
    )
