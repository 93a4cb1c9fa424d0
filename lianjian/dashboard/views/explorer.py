"""Explorer (图谱浏览): find an entity by name or by region, draw its neighbourhood,
read its details, download the drawing."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict

import pandas as pd
import streamlit as st

from lianjian.core.schema import SCHEMA
from lianjian.dashboard import state, widgets
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

st.title(t("explorer"))

# ---------------------------------------------------------------- choosing the centre

index = state.search_index(ctx.cfg.key, ctx.cfg.with_names, store)
left, right = st.columns([1, 1])
query = left.text_input(t("search"), key="explorer_query", placeholder="胜利 / 勝利 / sljd")
centre: str | None = None
if query.strip():
    hits = index.search(query, limit=30, allowed=ctx.allowed)
    if hits:
        hit = left.selectbox(
            t("results"),
            hits,
            format_func=lambda h: f"{h.name} · {type_name(h.label, ctx.lang)} · {h.id}",
            key="explorer_hit",
        )
        centre = hit.id
    else:
        left.caption(t("no_results"))

picked = False
with right:
    region = ctx.scope or (ctx.tree.roots()[0] if len(ctx.tree.roots()) == 1 else None)
    cols = st.columns(3)
    for i in range(3):
        kids = ctx.tree.children_of(region)
        if not kids:
            break
        levels = list(dict.fromkeys(ctx.tree.regions[r]["level"] for r in kids))
        pick = cols[i].selectbox(
            " / ".join(state.level_name(lv, ctx.lang) for lv in levels),
            [None, *kids],
            format_func=lambda r: "—" if r is None else ctx.tree.regions[r]["name"],
            key=f"explorer_region_{region}_{i}",
        )
        if pick is None:
            break
        region = pick
        picked = True
if centre is None:
    centre = region if picked else state.default_region(ctx)

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
st.caption(
    t(
        "drawn",
        n=len(sub.nodes),
        e=len(sub.edges),
        m=sum(s.count for s in sub.summaries),
        s=len(sub.summaries),
    )
    + " · "
    + t("timing", a=round((t1 - t0) * 1000), b=round((t2 - t1) * 1000))
)

# ---------------------------------------------------------------- details and downloads

details, downloads = st.columns([3, 2])
with details:
    st.subheader(t("details"))
    chosen = st.selectbox(
        t("details"),
        list(sub.nodes),
        index=list(sub.nodes).index(centre) if centre in sub.nodes else 0,
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
    st.download_button(
        t("download_nodes"),
        widgets.csv_bytes(node_rows(sub, ctx.lang, ctx.cfg.with_names, flags)),
        f"{stem}-nodes.csv",
        "text/csv",
        key="dl_nodes",
    )
    st.download_button(
        t("download_edges"),
        widgets.csv_bytes(edge_rows(sub, ctx.lang)),
        f"{stem}-edges.csv",
        "text/csv",
        key="dl_edges",
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
