"""Export (数据导出): the graph within the scope as CSV files and as RDF."""

from __future__ import annotations

import io

import streamlit as st

from lianjian.dashboard import state, widgets
from lianjian.dashboard.display import type_name
from lianjian.dashboard.tables import XLSX, csv_zip, graph_xlsx, scoped_graph
from lianjian.export.rdf import export_rdf
from lianjian.report.build import build as build_report
from lianjian.report.figures import scope_of
from lianjian.report.words import say

ctx = state.context()
t = ctx.t
stem = f"lianjian-{ctx.scope or 'all'}-{ctx.as_of.isoformat()}"

st.title(t("export"))
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {ctx.as_of.isoformat()} · "
    + (t("names_on") if ctx.cfg.with_names else t("names_off"))
)


@st.cache_resource(show_spinner=False, max_entries=4)
def graph_in_scope(key: str, scope: str | None, with_names: bool, _store, _allowed):
    return scoped_graph(_store, _allowed, with_names)


data = graph_in_scope(ctx.cfg.key, ctx.scope, ctx.cfg.with_names, ctx.store, ctx.allowed)

st.subheader(t("export_csv"))
st.caption(t("export_csv_help"))
counts = widgets.label_counts(ctx)
st.write(
    " · ".join(
        f"{type_name(lb, ctx.lang)} {n}" for lb, n in sorted(counts.items()) if ":" not in lb
    )
)
z1, z2 = st.columns(2)
z1.download_button(
    t("download_xlsx"),
    graph_xlsx(data, ctx.cfg.with_names, ctx.lang),
    f"{stem}.xlsx",
    XLSX,
    key="export_xlsx",
    type="primary",
)
z2.download_button(
    t("download") + " ZIP (CSV)",
    csv_zip(data, ctx.cfg.with_names, ctx.lang),
    f"{stem}.zip",
    "application/zip",
    key="export_zip",
)
items = widgets.gap_items(ctx)
reason = "reason_zh" if ctx.lang == "zh" else "reason_en"
rows = [
    {
        "rule": widgets.rule_title(rule, ctx.lang),
        "id": item["id"],
        "name": item["name"],
        "street_name": item.get("street_name") or "",
        "reason": item[reason],
        "fix": widgets.fix_text(item, ctx.lang),
    }
    for rule, found in items.items()
    for item in found
]
st.caption(t("download_all"))
widgets.downloads(
    ctx,
    rows,
    {
        "rule": t("rule"),
        "id": t("id"),
        "name": t("name"),
        "street_name": t("street"),
        "reason": t("reason"),
        "fix": t("fix"),
    },
    f"gaps-{stem}",
    "export_gaps",
)

st.subheader(t("export_rdf"))
c1, c2, c3 = st.columns([1, 1, 2])
fmt = c1.selectbox(t("rdf_format"), ["ttl", "nt", "jsonld"], key="export_rdf_format")
with_gaps = c2.toggle(t("with_gaps"), value=True, key="export_rdf_gaps")
if c3.button(t("prepare"), key="export_rdf_prepare"):
    gaps = None
    if with_gaps:  # the findings within the scope, as find_gaps gives them
        gaps = {
            "as_of": ctx.as_of.isoformat(),
            "rules": {r: {"count": len(v), "items": v} for r, v in items.items()},
        }
    buf = io.StringIO()
    with st.spinner("RDF …"):
        n = export_rdf(data, buf, fmt, with_names=ctx.cfg.with_names, gaps=gaps)
    st.session_state["export_rdf"] = (fmt, n, buf.getvalue().encode("utf-8"))
prepared = st.session_state.get("export_rdf")
if prepared is not None:
    fmt_done, n, body = prepared
    st.caption(f"{n} triples · {len(body) / 1024:.0f} KiB")
    mime = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json"}
    st.download_button(
        f"{t('download')} .{fmt_done}",
        body,
        f"{stem}.{fmt_done}",
        mime[fmt_done],
        key="export_rdf_download",
    )

st.subheader(say("report_name", ctx.lang))
st.caption(say("report_help", ctx.lang))
if st.button(t("prepare") + " PDF", key="export_report_prepare"):
    with st.spinner(say("report_name", ctx.lang) + " …"):
        pdf, pages = build_report(
            ctx.store,
            "pdf",
            ctx.as_of,
            scope_of(ctx.tree, ctx.scope, ctx.allowed),
            ctx.lang,
            lambda m: widgets.display_name(ctx, m),
            ctx.cfg.with_names,
            gaps=widgets.gap_result(ctx),
            pairing=state.pairing_of(
                ctx.cfg.key, ctx.as_of.isoformat(), state.PAIRING_CAPACITY, ctx.store
            ),
        )
    st.session_state["export_report"] = (ctx.scope, ctx.as_of, ctx.lang, pages, pdf)
made = st.session_state.get("export_report")
if made is not None and made[:3] == (ctx.scope, ctx.as_of, ctx.lang):
    st.caption(f"{say('pages', ctx.lang, n=made[3])} · {len(made[4]) / 1024:.0f} KiB")
    st.download_button(
        f"{t('download')} PDF",
        made[4],
        f"{say('report_name', ctx.lang)}-{stem}.pdf",
        "application/pdf",
        key="export_report_dl",
    )
