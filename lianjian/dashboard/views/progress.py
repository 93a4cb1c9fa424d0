"""Progress (进展): the store of record's history within the scope: coverage rates per
version as lines (per street or community, per metric), the worklist of gaps still open
at the latest version, oldest first, with the level responsible, and the gaps closed
(销号) since the version before. A one-shot ledger has no history: the page says how to
start one."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from lianjian.dashboard import history, state, widgets
from lianjian.dashboard.display import capital, pct, rate_floor
from lianjian.queries.coverage.rates import METRICS
from lianjian.record.history import months_between

ctx = state.context()
t = ctx.t
goto = st.session_state.pop("progress_goto", None)
if goto is not None:  # a worklist row was chosen: the Explorer, centred on its entity
    st.switch_page("views/explorer.py", query_params={"centre": goto})

st.title(t("progress"))
if ctx.record is None:
    st.info(t("progress_none"), icon=":material/history:")
    st.code(
        "lianjian load LEDGER --source NAME --as-of YYYY-MM-DD   # 每月一次 once a month\n"
        "lianjian dashboard   # --store PATH, or --backend neo4j",
        language="bash",
    )
    st.stop()

data = history.history_of(ctx.cfg.key, ctx.record)
versions, change = data["versions"], data["changes"]
last = versions[-1]
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · "
    + state.md(
        t(
            "progress_versions",
            n=len(versions),
            v=last["version"],
            source=last["source"],
            as_of=last["as_of"],
        )
    )
)
streets = {f.id: f.street for f in data["findings"] if f.closed_at is None}
closed_in = {(f.rule, f.id): f for f in data["findings"] if f.closed_at == change["to"]}
open_rows = [
    g for g in change["gaps"]["open"] if history.in_scope(ctx, g["id"], streets.get(g["id"]))
]
opened = [
    g for g in change["gaps"]["opened"] if history.in_scope(ctx, g["id"], streets.get(g["id"]))
]
closed = [
    closed_in[(g["rule"], g["id"])]
    for g in change["gaps"]["closed"]
    if history.in_scope(ctx, g["id"], closed_in[(g["rule"], g["id"])].street)
]
cards = st.columns(3)
cards[0].metric(t("open_gaps"), f"{len(open_rows):,}", border=True)
cards[1].metric(t("opened_gaps"), f"{len(opened):,}" if len(versions) > 1 else "—", border=True)
cards[2].metric(t("closed_gaps"), f"{len(closed):,}" if len(versions) > 1 else "—", border=True)


def metric_name(m: str) -> str:
    return capital(METRICS[m][ctx.lang])


def lines(frame: pd.DataFrame, colour: str) -> alt.Chart:
    """Rates per version date (a tick each) as lines with points, one per ``colour``; the
    rate axis fitted to the rates."""
    low = rate_floor(frame["rate"])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("as_of:O", title=t("as_of"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "rate:Q",
                title=t("rate_axis", low=pct(low)) if low > 0 else t("rate"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[low, 1], nice=False, zero=False),
            ),
            color=alt.Color(
                f"{colour}:N",
                title=None,
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=220),
            ),
            tooltip=[
                alt.Tooltip(
                    f"{colour}:N", title=t("region") if colour == "region" else t("metric")
                ),
                alt.Tooltip("version:Q", title=t("version")),
                alt.Tooltip("as_of:O", title=t("as_of")),
                alt.Tooltip("rate:Q", title=t("rate"), format=".1%"),
                alt.Tooltip("covered:Q", title=t("covered"), format=","),
                alt.Tooltip("total:Q", title=t("total"), format=","),
            ],
        )
        .properties(height=320)
    )


# ---------------------------------------------------------------- the trend

st.subheader(t("trend"))
level = "street"
if ctx.scope is not None and ctx.tree.regions[ctx.scope]["level"] != "district":
    level = "community"
rows = history.trend_rows(ctx, data, level)
metric = st.selectbox(t("metric"), list(METRICS), format_func=metric_name, key="progress_metric")
left, right = st.columns(2)
by_region = pd.DataFrame(
    [
        {
            "as_of": r["as_of"],
            "version": r["version"],
            "region": r["name"] or r["id"],
            **{k: r["metrics"][metric][k] for k in ("rate", "covered", "total")},
        }  # fmt: skip
        for r in rows
    ]
)
words = state.words_title(ctx.tree, {r["id"] for r in rows if r["id"] in ctx.tree.regions},
                          ctx.lang) or state.level_name(level, ctx.lang)  # fmt: skip
left.markdown(f"**{state.md(t('trend_by_region', level=words, metric=metric_name(metric)))}**")
if by_region.empty:
    left.caption(t("no_data"))
else:
    left.altair_chart(lines(by_region, "region"), width="stretch")
dates = {}  # the last version of each date (two sources loaded for one month: the later)
for v in versions:
    dates[v["as_of"]] = max(v["version"], dates.get(v["as_of"], 0))
by_metric = pd.DataFrame(
    [
        {
            "as_of": day,
            "version": n,
            "metric": metric_name(m),
            **{k: v[k] for k in ("rate", "covered", "total")},
        }  # fmt: skip
        for day, n in sorted(dates.items())
        for m, v in history.rates_at(ctx, data, n).items()
        if m in METRICS and v["rate"] is not None
    ]
)
right.markdown(f"**{state.md(t('trend_by_metric', name=state.region_name(ctx, ctx.scope)))}**")
if by_metric.empty:
    right.caption(t("no_data"))
else:
    right.altair_chart(lines(by_metric, "metric"), width="stretch")
with st.expander(t("trend_table")):
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("as_of"): r["as_of"],
                    t("version"): r["version"],
                    t("region"): r["name"],
                    **{metric_name(m): r["metrics"][m]["rate"] for m in METRICS},
                }  # fmt: skip
                for r in rows
            ]
        ),
        hide_index=True,
        column_config={
            metric_name(m): st.column_config.ProgressColumn(
                format="percent", min_value=0, max_value=1, color="blue"
            )
            for m in METRICS
        },
    )

# ---------------------------------------------------------------- the worklist

st.subheader(t("worklist"))
st.caption(t("worklist_help"))


def place_name(region: str | None) -> str:
    return state.region_name(ctx, region) if region else ""


def work_row(g: dict) -> dict:
    level_, at = history.responsible(ctx, g["id"], streets.get(g["id"]))
    street = ctx.tree.ancestor(at, "street") if at in ctx.tree.regions else None
    return {
        "rule": widgets.rule_title(g["rule"], ctx.lang),
        "id": g["id"],  # to go to; shown: a member by pseudonym
        "shown_id": widgets.shown_id(ctx, g["id"], g["rule"]),
        "name": widgets.display_name(ctx, g["id"]),
        "age_months": g["age_months"],
        "since": g["since"],
        "level": state.level_title(level_, ctx.lang),
        "responsible": place_name(at),
        "street": place_name(street or streets.get(g["id"])),
    }


work = [work_row(g) for g in open_rows]
work_columns = {
    "rule": t("rule"),
    "shown_id": t("id"),
    "name": t("name"),
    "age_months": t("age_months"),
    "since": t("since"),
    "level": t("level_responsible"),
    "responsible": t("responsible"),
    "street": state.words_title(ctx.tree, ctx.tree.of_level("street"), ctx.lang) or t("street"),
}
nonce = st.session_state.get("progress_nonce", 0)


def chosen() -> None:
    """A worklist row was chosen: go to its entity (on the next run)."""
    picked = st.session_state[f"progress_worklist_{nonce}"].selection.rows
    if picked:
        st.session_state["progress_goto"] = work[picked[0]]["id"]
        st.session_state["progress_nonce"] = nonce + 1  # the table comes back unselected


if not work:
    st.caption(t("no_open"))
else:
    st.dataframe(
        pd.DataFrame(work)[list(work_columns)].rename(columns=work_columns),
        hide_index=True,
        width="stretch",
        key=f"progress_worklist_{nonce}",
        on_select=chosen,
        selection_mode="single-row",
    )
    stem = f"{t('worklist')}-{last['as_of']}"
    widgets.downloads(ctx, work, work_columns, stem, "progress_dl_worklist")

# ---------------------------------------------------------------- closed (销号)

st.subheader(t("closed_title", a=change["from"], b=change["to"]))
if len(versions) < 2:
    st.caption(t("one_version"))
elif not closed:
    st.caption(t("nothing_closed"))
else:
    done = [
        {
            "rule": widgets.rule_title(f.rule, ctx.lang),
            "shown_id": widgets.shown_id(ctx, f.id, f.rule),
            "name": widgets.display_name(ctx, f.id),
            "since": f.since,
            "closed_on": f.closed_on,
            "months_open": months_between(f.since, f.closed_on or f.since),
            "street": place_name(f.street),
        }
        for f in closed
    ]
    done_columns = {
        "rule": t("rule"),
        "shown_id": t("id"),
        "name": t("name"),
        "since": t("since"),
        "closed_on": t("closed_on"),
        "months_open": t("months_open"),
        "street": work_columns["street"],
    }
    st.dataframe(
        pd.DataFrame(done)[list(done_columns)].rename(columns=done_columns),
        hide_index=True,
        width="stretch",
    )
    stem = f"{t('closed_gaps')}-{last['as_of']}"
    widgets.downloads(ctx, done, done_columns, stem, "progress_dl_closed")
