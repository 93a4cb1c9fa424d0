"""The dashboard (可视化看板): ``streamlit run`` this file, or ``lianjian dashboard``.

The pages under one navigation (the Cypher console only on Neo4j); the sidebar's
language, scope and as-of date apply to all of them (see :mod:`lianjian.dashboard.state`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from lianjian.dashboard import access, login, state

st.set_page_config(
    page_title=state.t("app_title"),
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),  # served here, not fetched
    layout="wide",
    initial_sidebar_state="expanded",
)
st.markdown(
    """<style>
    div[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
    div[data-testid="stMetric"] { background: #ffffff; }
    div[data-testid="stMetricValue"] { font-size: 1.9rem; }
    [data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
        white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
    </style>""",
    unsafe_allow_html=True,  # a fixed style sheet, no data in it
)

login.gate()  # users configured: nothing below runs before a login (SECURITY.md, "Users")

PAGES = (
    ("overview.py", "overview", ":material/dashboard:"),
    ("explorer.py", "explorer", ":material/hub:"),
    ("gaps.py", "gaps", ":material/report:"),
    ("map.py", "map", ":material/map:"),
    ("progress.py", "progress", ":material/trending_up:"),
    ("pairings.py", "pairings", ":material/handshake:"),
    ("lists.py", "lists", ":material/checklist:"),
    ("cypher.py", "console", ":material/terminal:"),
    ("export.py", "export", ":material/download:"),
)

nav = st.navigation(
    [
        st.Page(
            f"views/{file}",  # relative to this file, as st.navigation resolves it
            title=state.t(key),
            icon=icon,
            url_path=key,
            default=(key == "overview"),
        )
        for file, key, icon in PAGES
        # the console runs Cypher: only on Neo4j, and with users only for a role that may
        if key != "console" or (state.config().backend == "neo4j" and access.may_use_console())
    ]
)
access.record(state.setup(), nav.url_path or "overview")  # users: who saw names, audited
nav.run()
