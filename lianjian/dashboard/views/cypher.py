"""Cypher console (Cypher 查询): read-only queries on the Neo4j backend, with the saved
queries of the project one click away; results as a table and as a drawing."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pandas as pd
import streamlit as st

import lianjian.queries
from lianjian.dashboard import console, state
from lianjian.dashboard.render import render_html
from lianjian.graph.cypher_text import parameter_names
from lianjian.graph.store import RefusedQuery
from lianjian.queries.params import GapParams

ctx = state.context()
t = ctx.t
DEFAULT = "MATCH (o:PartyOrg)-[r:COVERS]->(g:Region {level: 'grid'})\nRETURN o, r, g\nLIMIT 50"

st.title(t("console"))
if not ctx.store.cypher_console:
    st.info(t("console_neo4j_only"), icon=":material/info:")
    st.stop()
st.caption(t("console_help"))


def saved_queries() -> dict[str, Path]:
    """The ``.cypher`` files shipped with the query modules, by folder/name."""
    root = Path(lianjian.queries.__file__).parent
    return {str(p.relative_to(root).with_suffix("")): p for p in sorted(root.rglob("*.cypher"))}


def load(path: Path) -> None:
    st.session_state["cypher_text"] = path.read_text("utf-8")


def default_param(name: str) -> str:
    if name == "as_of":
        return ctx.as_of.isoformat()
    for f in fields(GapParams):
        if f.name == name:
            return str(f.default)
    return ""


def parse(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


saved = saved_queries()
if saved:
    with st.expander(f"{t('saved')} · {len(saved)}", expanded=False):
        cols = st.columns(4)
        for i, (name, path) in enumerate(saved.items()):
            cols[i % 4].button(
                name, key=f"saved_{name}", on_click=load, args=(path,), width="stretch"
            )

st.session_state.setdefault("cypher_text", DEFAULT)
text = st.text_area(t("query"), key="cypher_text", height=180)
names = parameter_names(text)
values = {}
if names:
    st.markdown(f"**{t('params')}**")
    cols = st.columns(min(4, len(names)))
    for i, name in enumerate(names):
        raw = cols[i % len(cols)].text_input(
            f"${name}", value=default_param(name), key=f"param_{name}"
        )
        values[name] = parse(raw)
c1, c2, c3 = st.columns([1, 1, 4])
limit = c1.number_input(t("limit"), 1, 5000, 500, step=100, key="cypher_limit")
timeout = c2.number_input(t("timeout"), 1, 120, 10, key="cypher_timeout")
run = c3.button(t("run"), type="primary", key="cypher_run")

if run:
    try:
        st.session_state["cypher_result"] = ctx.store.console(
            text,
            values,
            timeout=float(timeout),
            limit=int(limit),
        )
        st.session_state.pop("cypher_error", None)
    except RefusedQuery as e:
        st.session_state["cypher_error"] = t(
            "refused", why=state.md(e.reason_zh if ctx.lang == "zh" else e.reason_en)
        )
        st.session_state.pop("cypher_result", None)
    except Exception as e:  # a timeout, a lost server: one line
        message = getattr(e, "message", None) or str(e)
        st.session_state["cypher_error"] = t(
            "failed", why=state.md(f"{e.__class__.__name__}: {message}")
        )
        st.session_state.pop("cypher_result", None)

if "cypher_error" in st.session_state:
    st.error(st.session_state["cypher_error"])
result = st.session_state.get("cypher_result")
if result is not None:
    st.caption(t("rows", n=len(result.rows), ms=round(result.elapsed_ms)))
    if result.truncated:
        st.warning(t("truncated", n=len(result.rows)))
    members = frozenset()
    if not ctx.cfg.with_names:
        members = frozenset(
            row["name"]
            for row in state.summaries_of(ctx.cfg.key, ctx.store).values()
            if row["label"] == "Member" and row.get("name")
        )
    safe = [[console.safe_value(v, ctx.cfg.with_names, members) for v in r] for r in result.rows]
    table_tab, graph_tab = st.tabs([t("as_table"), t("as_graph")])
    with table_tab:
        frame = pd.DataFrame(
            [
                [
                    json.dumps(v, ensure_ascii=False, default=str)
                    if isinstance(v, dict | list)
                    else v
                    for v in row
                ]
                for row in safe
            ],
            columns=result.columns,
        )
        st.dataframe(frame, hide_index=True, width="stretch")
    with graph_tab:
        sub = console.to_subgraph(result.rows)
        if sub.nodes:
            st.iframe(
                render_html(sub, lang=ctx.lang, with_names=ctx.cfg.with_names, height=560),
                height=572,
            )
        else:
            st.caption(t("no_data"))
