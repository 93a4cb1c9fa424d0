"""Coverage gaps (覆盖空白): one table per rule with reasons and suggested fixes,
filtered by region, downloadable as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lianjian.dashboard import state, widgets

ctx = state.context()
t = ctx.t
goto = st.session_state.pop("gaps_goto", None)
if goto is not None:  # a row was chosen: the Explorer (or the map), centred on its entity
    page, entity = goto
    st.switch_page(f"views/{page}.py", query_params={"centre": entity})

st.title(t("gaps"))
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {ctx.as_of.isoformat()}"
)

items = widgets.gap_items(ctx)
# ``?rule=…&street=…`` (a link from the Overview) presets the filters once, then leaves the URL
asked_rule, asked_street = st.query_params.pop("rule", None), st.query_params.pop("street", None)
if asked_rule in items:
    st.session_state["gaps_rules"] = [asked_rule]
elif asked_rule is None and asked_street is not None:
    st.session_state["gaps_rules"] = []
streets = sorted(
    {(i["street"], i.get("street_name") or i["street"]) for rows in items.values() for i in rows},
    key=lambda s: (s[0] is None, s[0] or ""),
)
if asked_street is not None:  # a street with no finding (or another's) is no choice
    st.session_state["gaps_street"] = asked_street if asked_street in dict(streets) else None
street_word = state.words_title(ctx.tree, ctx.tree.of_level("street"), ctx.lang) or t("street")
community_word = state.words_title(ctx.tree, ctx.tree.of_level("community"), ctx.lang)
f1, f2, f3 = st.columns([1, 2, 1])
street = f1.selectbox(
    street_word,
    [state.ALL, *[s[0] for s in streets if s[0] is not None]],
    format_func=lambda s: dict(streets).get(s, s) if s else t("all_streets"),
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
    if street and item.get("street") != street:
        return False
    return not needle or needle in item["id"].lower() or needle in (item["name"] or "").lower()


shown = {r: [i for i in items[r] if keep(i)] for r in rules}
reason_key = "reason_zh" if ctx.lang == "zh" else "reason_en"
columns = {
    "id": t("id"),
    "name": t("name"),
    "street_name": street_word,
    "community_name": community_word or state.level_title("community", ctx.lang),
    "grid_name": state.level_title("grid", ctx.lang),
    "reason": t("reason"),
    "fix": t("fix"),
}


def place(node_id: str, level: str) -> str:
    region = state.region_of(ctx, node_id)
    at = ctx.tree.ancestor(region, level) if region else None
    return state.region_name(ctx, at) if at else ""


def table(rule: str, rows: list[dict]) -> list[dict]:
    return [
        {
            "rule": rule,
            "rule_title": widgets.rule_title(rule, ctx.lang),
            "id": i["id"],
            "name": i["name"],
            "street_name": i.get("street_name") or "",
            "community_name": place(i["id"], "community"),
            "grid_name": place(i["id"], "grid"),
            "reason": i[reason_key],
            "fix": widgets.fix_text(i, ctx.lang),
        }
        for i in rows
    ]


def chosen(rule: str, ids: list[str]) -> None:
    """A row of ``rule``'s table was chosen: go to its entity in the Explorer, or on the
    map when the cell chosen is the map column's (on the next run)."""
    selection = st.session_state[f"gaps_table_{rule}_{nonce}"].selection
    cells = [(r, "map" if c == MAP_COLUMN else "explorer") for r, c in selection.cells]
    picked = cells or [(r, "explorer") for r in selection.rows]
    if picked:
        row, page = picked[0]
        st.session_state["gaps_goto"] = (page, ids[row])
        st.session_state["gaps_nonce"] = nonce + 1  # the table comes back unselected


nonce = st.session_state.get("gaps_nonce", 0)
MAP_COLUMN = t("map_col")  # a cell of this column chosen: the map, centred on the row's entity


summary = pd.DataFrame(
    [{t("rule"): widgets.rule_title(r, ctx.lang), t("count"): len(v)} for r, v in shown.items()]
)
top, dl = st.columns([3, 1])
top.dataframe(summary, hide_index=True, width="stretch", height=35 * (len(summary) + 1) + 3)
everything = [row for r, v in shown.items() for row in table(r, v)]
dl.caption(t("download_all"))
widgets.downloads(
    ctx,
    everything,
    {"rule_title": t("rule"), **columns},
    f"{t('gaps')}-{ctx.as_of.isoformat()}",
    "gaps_dl_all",
    where=dl,
)

for rule, rows in shown.items():
    title = widgets.rule_title(rule, ctx.lang)
    with st.expander(f"{title} · {len(rows)}", expanded=bool(rows)):
        st.caption(f"{t('definition')}: {state.md(widgets.rule_definition(ctx, rule))}")
        if not rows:
            st.caption(t("none_flagged"))
            continue
        st.caption(t("pick_row"))
        frame = pd.DataFrame(table(rule, rows))[list(columns)].rename(columns=columns)
        frame.insert(2, MAP_COLUMN, f"{t('show_on_map')} ›")  # beside the name, in view
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            key=f"gaps_table_{rule}_{nonce}",
            on_select=lambda rule=rule, ids=[i["id"] for i in rows]: chosen(rule, ids),
            selection_mode=["single-row", "single-cell"],
        )
        widgets.downloads(
            ctx,
            table(rule, rows),
            columns,
            f"{t('gaps')}-{title}-{ctx.as_of.isoformat()}",
            f"gaps_dl_{rule}",
        )
