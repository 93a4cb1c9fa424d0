"""Coverage gaps (覆盖空白): one table per rule with reasons and suggested fixes,
filtered by region, downloadable as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lianjian.dashboard import state, widgets
from lianjian.queries.catalogue import RULES

ctx = state.context()
t = ctx.t

st.title(t("gaps"))
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {ctx.as_of.isoformat()}"
)

items = widgets.gap_items(ctx)
streets = sorted(
    {(i["street"], i.get("street_name") or i["street"]) for rows in items.values() for i in rows},
    key=lambda s: (s[0] is None, s[0] or ""),
)
f1, f2, f3 = st.columns([1, 2, 1])
street = f1.selectbox(
    t("street"),
    [None, *[s[0] for s in streets if s[0] is not None]],
    format_func=lambda s: t("all_streets") if s is None else dict(streets).get(s, s),
    key="gaps_street",
)
rules = f2.multiselect(
    t("rules"),
    list(items),
    format_func=lambda r: widgets.rule_title(r, ctx.lang),
    placeholder=t("all_rules"),
    key="gaps_rules",
) or list(items)
needle = f3.text_input(t("filter_text"), key="gaps_filter").strip().lower()


def keep(item: dict) -> bool:
    if street is not None and item.get("street") != street:
        return False
    return not needle or needle in item["id"].lower() or needle in (item["name"] or "").lower()


shown = {r: [i for i in items[r] if keep(i)] for r in rules}
reason_key = "reason_zh" if ctx.lang == "zh" else "reason_en"
columns = {
    "id": t("id"),
    "name": t("name"),
    "street_name": t("street"),
    "reason": t("reason"),
    "fix": t("fix"),
}


def table(rule: str, rows: list[dict]) -> list[dict]:
    return [
        {
            "rule": rule,
            "rule_title": widgets.rule_title(rule, ctx.lang),
            "id": i["id"],
            "name": i["name"],
            "street_name": i.get("street_name") or "",
            "reason": i[reason_key],
            "fix": widgets.fix_text(i, ctx.lang),
        }
        for i in rows
    ]


summary = pd.DataFrame(
    [{t("rule"): widgets.rule_title(r, ctx.lang), t("count"): len(v)} for r, v in shown.items()]
)
top, dl = st.columns([3, 1])
top.dataframe(summary, hide_index=True, width="stretch", height=35 * (len(summary) + 1) + 3)
everything = [row for r, v in shown.items() for row in table(r, v)]
dl.download_button(
    t("download_all"),
    widgets.csv_bytes(everything, ["rule", "rule_title", *columns]),
    f"gaps-{ctx.as_of.isoformat()}.csv",
    "text/csv",
    key="gaps_dl_all",
)

for rule, rows in shown.items():
    title = widgets.rule_title(rule, ctx.lang)
    with st.expander(f"{title} · {len(rows)}", expanded=bool(rows)):
        if rule in RULES and ctx.lang == "en":
            st.caption(f"{t('definition')}: {RULES[rule].definition} (`{rule}`)")
        else:
            st.caption(f"`{rule}`")
        if not rows:
            st.caption(t("none_flagged"))
            continue
        frame = pd.DataFrame(table(rule, rows))[list(columns)].rename(columns=columns)
        st.dataframe(frame, hide_index=True, width="stretch")
        st.download_button(
            t("download_csv"),
            widgets.csv_bytes(table(rule, rows), list(columns)),
            f"gaps-{rule}-{ctx.as_of.isoformat()}.csv",
            "text/csv",
            key=f"gaps_dl_{rule}",
        )
