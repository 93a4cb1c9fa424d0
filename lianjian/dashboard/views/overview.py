"""Overview (覆盖总览): KPI cards for the scope, coverage rates per region, gap counts
per rule, and a drill-down district → street → community."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from lianjian.dashboard import state, widgets
from lianjian.dashboard.display import capital, type_name
from lianjian.queries.coverage.rates import METRICS

ctx = state.context()
t = ctx.t
KPI_METRICS = (
    "grids_with_branch",
    "buildings_with_group",
    "new_domain_covered",
    "units_covered",
    "grids_with_members",
    "communities_with_big_committee",
)

st.title(t("overview"))
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {ctx.as_of.isoformat()}"
)


def coverage_rows(level: str) -> list[dict[str, Any]]:
    rows = state.coverage_of(ctx.cfg.key, level, ctx.as_of.isoformat(), ctx.store)
    return rows or []


def rolled_up(region: str | None) -> dict[str, dict[str, Any]]:
    """The metrics of ``region`` (its own coverage row), or summed over the top level."""
    if region is not None:
        level = ctx.tree.regions[region]["level"]
        for row in coverage_rows(level):
            if row["id"] == region:
                return row["metrics"]
        return {}
    total: dict[str, list[int]] = {}
    for row in coverage_rows("district"):
        for m, v in row["metrics"].items():
            acc = total.setdefault(m, [0, 0])
            acc[0] += v["covered"]
            acc[1] += v["total"]
    return {
        m: {"covered": c, "total": n, "rate": round(c / n, 4) if n else None}
        for m, (c, n) in total.items()
    }


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


# ---------------------------------------------------------------- KPI cards

counts = widgets.label_counts(ctx)
items = widgets.gap_items(ctx)
cards = st.columns(6)
cards[0].metric(
    capital(state.level_name("community", ctx.lang)), counts["Region:community"], border=True
)
cards[1].metric(capital(state.level_name("grid", ctx.lang)), counts["Region:grid"], border=True)
cards[2].metric(type_name("PartyOrg", ctx.lang), counts["PartyOrg"], border=True)
cards[3].metric(type_name("Member", ctx.lang), counts["Member"], border=True)
cards[4].metric(t("kpi_gaps"), sum(len(v) for v in items.values()), border=True)
cards[5].metric(t("kpi_weak"), len(items.get("weak_without_partner", [])), border=True)

metrics = rolled_up(ctx.scope)
rate_cards = st.columns(len(KPI_METRICS))
for col, m in zip(rate_cards, KPI_METRICS, strict=True):
    v = metrics.get(m, {})
    col.metric(
        capital(METRICS[m][ctx.lang]),
        pct(v.get("rate")),
        delta=f"{v.get('covered', 0)} / {v.get('total', 0)}",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )

# ---------------------------------------------------------------- drill-down

st.subheader(t("drill"))
focus = ctx.scope
if focus is None and len(ctx.tree.roots()) == 1:
    focus = ctx.tree.roots()[0]
picks = st.columns(3)
for i in range(3):
    kids = [
        r for r in ctx.tree.children_of(focus) if ctx.tree.regions[r]["level"] in state.SCOPE_LEVELS
    ]
    if not kids:
        break
    level = ctx.tree.regions[kids[0]]["level"]
    key = f"drill_{focus}_{i}"
    pick = picks[i].selectbox(
        state.level_name(level, ctx.lang),
        [None, *kids],
        format_func=lambda r: t("drill_hint") if r is None else ctx.tree.regions[r]["name"],
        key=key,
    )
    if pick is None:
        break
    focus = pick

focus_name = state.region_name(ctx, focus)
child_level = None
if focus is None:
    child_level = "district"
else:
    kids = ctx.tree.children_of(focus)
    levels = [ctx.tree.regions[r]["level"] for r in kids]
    child_level = next((lv for lv in state.SCOPE_LEVELS if lv in levels), None)

left, right = st.columns([3, 2])
with left:
    if child_level is None:
        st.markdown(f"**{t('rates_title')} · {state.md(focus_name)}**")
        own = rolled_up(focus)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("metric"): METRICS[m][ctx.lang],
                        t("rate"): v["rate"],
                        t("covered"): v["covered"],
                        t("total"): v["total"],
                    }
                    for m, v in own.items()
                ]
            ),
            hide_index=True,
            column_config={t("rate"): st.column_config.ProgressColumn(format="percent")},
        )
    else:
        rows = [
            r
            for r in coverage_rows(child_level)
            if r["id"] is not None and (focus is None or r["parent"] == focus)
        ]
        st.markdown(
            f"**{t('rates_by', level=state.level_name(child_level, ctx.lang))} · "
            f"{state.md(focus_name)}**"
        )
        metric = st.selectbox(
            t("metric"),
            list(METRICS),
            format_func=lambda m: METRICS[m][ctx.lang],
            key="overview_metric",
        )
        frame = pd.DataFrame(
            [
                {
                    "region": r["name"],
                    "rate": r["metrics"][metric]["rate"],
                    "covered": r["metrics"][metric]["covered"],
                    "total": r["metrics"][metric]["total"],
                }
                for r in rows
            ]
        )
        if frame.empty:
            st.caption(t("no_data"))
        else:
            chart = (
                alt.Chart(frame)
                .mark_bar(cornerRadiusEnd=3, size=18)
                .encode(
                    x=alt.X(
                        "rate:Q",
                        title=t("rate"),
                        axis=alt.Axis(format="%"),
                        scale=alt.Scale(domain=[0, 1]),
                    ),
                    y=alt.Y(
                        "region:N",
                        title=None,
                        sort="-x",
                        axis=alt.Axis(labelLimit=200, labelOverlap=False),
                    ),
                    color=alt.Color(
                        "rate:Q",
                        scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                        legend=None,
                    ),
                    tooltip=[
                        alt.Tooltip("region:N", title=t("region")),
                        alt.Tooltip("rate:Q", title=t("rate"), format=".1%"),
                        alt.Tooltip("covered:Q", title=t("covered")),
                        alt.Tooltip("total:Q", title=t("total")),
                    ],
                )
                .properties(height=40 + 30 * len(frame))
            )
            st.altair_chart(chart, width="stretch")
            table = pd.DataFrame(
                [
                    {
                        t("region"): r["name"],
                        **{METRICS[m][ctx.lang]: r["metrics"][m]["rate"] for m in METRICS},
                    }
                    for r in rows
                ]
            )
            st.dataframe(
                table,
                hide_index=True,
                column_config={
                    METRICS[m][ctx.lang]: st.column_config.ProgressColumn(
                        format="percent", min_value=0, max_value=1
                    )
                    for m in METRICS
                },
            )

with right:
    st.markdown(f"**{t('gap_counts')} · {state.md(focus_name)}**")
    within = state.scope_of(ctx.cfg.key, focus, ctx.store)
    focus_items = widgets.gap_items(ctx, allowed=within)
    frame = pd.DataFrame(
        [
            {"rule": widgets.rule_title(rule, ctx.lang), "count": len(rows)}
            for rule, rows in focus_items.items()
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#c0392b", cornerRadiusEnd=3)
        .encode(
            x=alt.X("count:Q", title=t("count"), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(
                "rule:N",
                title=None,
                sort="-x",
                axis=alt.Axis(labelLimit=220, labelOverlap=False),
            ),
            tooltip=[
                alt.Tooltip("rule:N", title=t("rule")),
                alt.Tooltip("count:Q", title=t("count")),
            ],
        )
        .properties(height=max(200, 26 * len(frame)))
    )
    st.altair_chart(chart, width="stretch")
