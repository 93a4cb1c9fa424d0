"""Pairings (以强带弱结对): proposed strong partners for weak organisations, with the
reasons, what could not be matched, and the audit of existing pairings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lianjian.dashboard import state, widgets
from lianjian.queries.pairing.audit import AUDIT_LABELS

ctx = state.context()
t = ctx.t

st.title(t("pairings"))
st.caption(
    f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {ctx.as_of.isoformat()}"
)
st.markdown(t("pair_help"))

capacity = st.columns(4)[0].number_input(t("capacity"), 1, 10, 3, key="pairing_capacity")
result = widgets.pairing(ctx, int(capacity))

reason = "reason_zh" if ctx.lang == "zh" else "reason_en"


def name(node_id: str) -> str:
    return widgets.display_name(ctx, node_id)


# a user (or a dashboard started with --scope) is held to a region: a proposal or a
# finding naming an organisation outside it is not shown at all
limit = state.scope_of(ctx.cfg.key, ctx.cfg.root, ctx.store) if ctx.cfg.root else None


def inside(*ids: str) -> bool:
    """Some of ``ids`` in the sidebar's scope, and all of them in the user's region."""
    if limit is not None and not all(i in limit for i in ids):
        return False
    return ctx.allowed is None or any(i in ctx.allowed for i in ids)


proposals = [
    {
        "weak": p["weak"],
        "weak_name": name(p["weak"]),
        "strong": p["strong"],
        "strong_name": name(p["strong"]),
        "cost": p["cost"],
        "reason": p[reason],
    }
    for p in result["proposals"]
    if inside(p["weak"], p["strong"])
]
unmatched = [{"id": u, "name": name(u)} for u in result["unmatched"] if inside(u)]
audit = [
    {
        "kind": AUDIT_LABELS.get(a["kind"], (a["kind"], a["kind"]))[ctx.lang != "zh"],
        "kind_id": a["kind"],
        "ids": "、".join(a["ids"]),
        "names": "、".join(name(i) for i in a["ids"]),
        "reason": a[reason],
    }
    for a in result["audit"]
    if inside(*a["ids"])
]

k1, k2, k3 = st.columns(3)
k1.metric(t("proposals"), len(proposals), border=True)
k2.metric(t("unmatched"), len(unmatched), border=True)
k3.metric(t("audit"), len(audit), border=True)

heads = {
    "weak": f"{t('weak')} {t('id')}",
    "weak_name": t("weak"),
    "strong": f"{t('strong')} {t('id')}",
    "strong_name": t("strong"),
    "cost": t("cost"),
    "reason": t("reason"),
}
st.subheader(t("proposals"))
st.caption(f"{t('cost')}: {t('cost_help')}")
if proposals:
    st.dataframe(
        pd.DataFrame(proposals)[list(heads)].rename(columns=heads),
        hide_index=True,
        width="stretch",
        column_config={
            t("cost"): st.column_config.NumberColumn(format="%.2f", help=t("cost_help"))
        },
    )
else:
    st.caption(t("none_flagged"))
widgets.downloads(ctx, proposals, heads, f"{t('proposals')}-{ctx.as_of.isoformat()}", "pairing_dl")

left, right = st.columns(2)
with left:
    st.subheader(t("unmatched"))
    if unmatched:
        st.dataframe(
            pd.DataFrame(unmatched).rename(columns={"id": t("id"), "name": t("name")}),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(t("none_flagged"))
with right:
    st.subheader(t("audit"))
    if audit:
        st.dataframe(
            pd.DataFrame(audit)
            .drop(columns="kind_id")
            .rename(
                columns={
                    "kind": t("kind"),
                    "ids": t("ids"),
                    "names": t("name"),
                    "reason": t("reason"),
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(t("none_flagged"))
    widgets.downloads(
        ctx,
        audit,
        {"kind": t("kind"), "ids": t("ids"), "names": t("name"), "reason": t("reason")},
        f"{t('audit')}-{ctx.as_of.isoformat()}",
        "pairing_audit_dl",
    )
