"""Overview (覆盖总览): KPI cards for the scope, coverage rates per region, gap counts
per rule, and a drill-down district → street → community."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from lianjian.dashboard import history, state, widgets
from lianjian.dashboard.display import capital, pct, rate_floor, type_name
from lianjian.dashboard.render import GAP_COLOR
from lianjian.queries.catalogue import METRICS as CATALOGUE_METRICS
from lianjian.queries.coverage.rates import METRICS

ctx = state.context()
t = ctx.t
goto = st.session_state.pop("overview_goto", None)
if goto is not None:  # a bar was clicked: its region in the Explorer, its rule's findings
    page, params = goto
    st.switch_page(page, query_params=params)
nonce = st.session_state.get("overview_nonce", 0)  # a chart comes back unselected
RATE_COLOR = "#4e79a7"  # a rate is no alarm: one calm colour, whatever its value
RATE_RULE = {m.id: m.rule for m in CATALOGUE_METRICS.values()}  # a rate → the rule it complements
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
    with st.spinner(t("computing_coverage")):
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
    return history.summed(coverage_rows("district"))


def metric_name(m: str) -> str:
    return capital(METRICS[m][ctx.lang])


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
    key = f"drill_{focus}_{i}"
    pick = picks[i].selectbox(
        state.words_title(ctx.tree, kids, ctx.lang),
        [state.ALL, *kids],
        format_func=lambda r: ctx.tree.regions[r]["name"] if r else t("drill_hint"),
        key=key,
    )
    if not pick:
        break
    focus = pick


def goto_gaps(rule: str | None) -> dict[str, str]:
    """The gaps page's query: one rule (or all), within the drill-down's street if any."""
    params = {"rule": rule} if rule else {}
    street = ctx.tree.ancestor(focus, "street") if focus else None
    if street:
        params["street"] = street
    return params


def clicked(key: str, page: str, param: str) -> None:
    """A bar of chart ``key`` was clicked: go to ``page`` with ``param`` = its id (next run)."""
    points = st.session_state[key].selection.get("pick") or []
    value = points[0].get("id") if points else None
    if value:
        params = {param: value} if param == "centre" else goto_gaps(value)
        st.session_state["overview_goto"] = (page, params)
        st.session_state["overview_nonce"] = nonce + 1


def clickable(chart: alt.Chart, name: str, page: str, param: str, hint: str) -> None:
    """``chart`` drawn with a click on a bar leading to ``page`` (:func:`clicked`)."""
    key = f"{name}_{nonce}"
    st.altair_chart(
        chart.add_params(alt.selection_point(name="pick", fields=["id"], on="click")),
        width="stretch",
        key=key,
        on_select=lambda: clicked(key, page, param),
        selection_mode="pick",
    )
    st.caption(t(hint))


# ---------------------------------------------------------------- KPI cards
# The cards follow the drill-down: they count within the region picked above.

within = ctx.allowed if focus == ctx.scope else state.scope_of(ctx.cfg.key, focus, ctx.store)
counts = widgets.label_counts(ctx, allowed=within)
items = widgets.gap_items(ctx, allowed=within)
cards = st.columns(6)
by_word = Counter(
    state.word_of(ctx.tree, r, ctx.lang)
    for r in ctx.tree.of_level("community")
    if within is None or r in within
)  # 社区 and 村 counted apart
plain = state.level_name("community", ctx.lang)
words = sorted(by_word, key=lambda w: w != plain) or [plain]
cards[0].metric(
    " / ".join(capital(w) for w in words),
    " / ".join(f"{by_word[w]:,}" for w in words),
    border=True,
)
cards[1].metric(
    capital(state.level_name("grid", ctx.lang)), f"{counts['Region:grid']:,}", border=True
)
cards[2].metric(type_name("PartyOrg", ctx.lang), f"{counts['PartyOrg']:,}", border=True)
cards[3].metric(type_name("Member", ctx.lang), f"{counts['Member']:,}", border=True)
# on a store of two versions or more: the change since the one before, in the same region
change = history.deltas(replace(ctx, scope=focus, allowed=within))
since = (
    t(
        "delta_help",
        a=change["from"][0],
        da=change["from"][1],
        b=change["to"][0],
        db=change["to"][1],
    )
    if change
    else None
)


def gap_card(col, label: str, n: int, moved: int | None) -> None:
    """A count of gaps, with its change since the version before (fewer is better)."""
    if not moved:
        col.metric(label, f"{n:,}", delta="±0" if moved == 0 else None, delta_color="off",
                   delta_arrow="off", border=True, help=since)  # fmt: skip
        return
    col.metric(label, f"{n:,}", delta=f"{moved:+,}", delta_color="inverse", border=True,
               help=since)  # fmt: skip


gap_card(cards[4], t("kpi_gaps"), sum(len(v) for v in items.values()),
         change["gaps"] if change else None)  # fmt: skip
gap_card(cards[5], t("kpi_weak"), len(items.get("weak_without_partner", [])),
         change["weak"] if change else None)  # fmt: skip
if focus is not None:
    for col in cards[:4]:  # a count leads to the region it counts in
        col.page_link("views/explorer.py", label=t("show_in_graph"), query_params={"centre": focus})
    for col in cards[:2]:  # and, for places, to where they lie
        col.page_link("views/map.py", label=t("show_on_map"), query_params={"centre": focus})
gap_links = {4: None, 5: "weak_without_partner"}
for i, rule in gap_links.items():  # a gap count leads to its findings
    cards[i].page_link("views/gaps.py", label=t("show_gaps"), query_params=goto_gaps(rule))

metrics = rolled_up(focus)
rate_cards = st.columns(len(KPI_METRICS))
for col, m in zip(rate_cards, KPI_METRICS, strict=True):
    v = metrics.get(m, {})
    counted = f"{v.get('covered', 0):,} / {v.get('total', 0):,}"
    moved = change["rates"].get(m) if change else None
    if moved:  # the change in percentage points (up green, down red), then the counts
        col.metric(metric_name(m), pct(v.get("rate")), delta=f"{moved * 100:+.1f} pp · {counted}",
                   border=True, help=since)  # fmt: skip
    else:
        col.metric(metric_name(m), pct(v.get("rate")), delta=counted, delta_color="off",
                   delta_arrow="off", border=True, help=since)  # fmt: skip
    col.page_link("views/gaps.py", label=t("show_gaps"), query_params=goto_gaps(RATE_RULE[m]))

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
                        t("metric"): metric_name(m),
                        t("rate"): v["rate"],
                        t("covered"): v["covered"],
                        t("total"): v["total"],
                    }
                    for m, v in own.items()
                ]
            ),
            hide_index=True,
            column_config={
                t("rate"): st.column_config.ProgressColumn(format="percent", color="blue")
            },
        )
    else:
        rows = [
            r
            for r in coverage_rows(child_level)
            if r["id"] is not None and (focus is None or r["parent"] == focus)
        ]
        words = state.words_title(ctx.tree, [r["id"] for r in rows], ctx.lang)
        st.markdown(
            f"**{t('rates_by', level=words or state.level_name(child_level, ctx.lang))} · "
            f"{state.md(focus_name)}**"
        )
        metric = st.selectbox(
            t("metric"),
            list(METRICS),
            format_func=lambda m: metric_name(m),
            key="overview_metric",
        )
        frame = pd.DataFrame(
            [
                {
                    "id": r["id"],
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
            low = rate_floor(frame["rate"])
            chart = (
                alt.Chart(frame)
                .mark_bar(cornerRadiusEnd=3, size=18, clip=True)
                .encode(
                    x=alt.X(
                        "rate:Q",
                        title=t("rate_axis", low=pct(low)) if low > 0 else t("rate"),
                        axis=alt.Axis(format="%"),
                        scale=alt.Scale(domain=[low, 1], nice=False, zero=False),
                    ),
                    x2=alt.datum(low),  # a bar starts where the axis does
                    y=alt.Y(
                        "region:N",
                        title=None,
                        sort="-x",
                        axis=alt.Axis(labelLimit=200, labelOverlap=False),
                    ),
                    color=alt.value(RATE_COLOR),
                    tooltip=[
                        alt.Tooltip("region:N", title=t("region")),
                        alt.Tooltip("rate:Q", title=t("rate"), format=".1%"),
                        alt.Tooltip("covered:Q", title=t("covered"), format=","),
                        alt.Tooltip("total:Q", title=t("total"), format=","),
                    ],
                )
                .properties(height=max(180, 70 + 32 * len(frame)))
            )
            clickable(chart, "overview_rates", "views/explorer.py", "centre", "click_bar_region")
            table = pd.DataFrame(
                [
                    {
                        t("region"): r["name"],
                        **{metric_name(m): r["metrics"][m]["rate"] for m in METRICS},
                    }
                    for r in rows
                ]
            )
            st.dataframe(
                table,
                hide_index=True,
                column_config={
                    metric_name(m): st.column_config.ProgressColumn(
                        format="percent", min_value=0, max_value=1, color="blue"
                    )
                    for m in METRICS
                },
            )

with right:
    st.markdown(f"**{t('gap_counts')} · {state.md(focus_name)}**")
    frame = pd.DataFrame(
        [
            {"id": rule, "rule": widgets.rule_title(rule, ctx.lang), "count": len(rows)}
            for rule, rows in items.items()  # the cards' findings
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(color=GAP_COLOR, cornerRadiusEnd=3)
        .encode(
            x=alt.X("count:Q", title=t("count"), axis=alt.Axis(tickMinStep=1, format=",d")),
            y=alt.Y(
                "rule:N",
                title=None,
                sort="-x",
                axis=alt.Axis(labelLimit=340, labelOverlap=False),
            ),
            tooltip=[
                alt.Tooltip("rule:N", title=t("rule")),
                alt.Tooltip("count:Q", title=t("count"), format=","),
            ],
        )
        .properties(height=max(200, 26 * len(frame)))
    )
    clickable(chart, "overview_rules", "views/gaps.py", "rule", "click_bar_rule")
