"""The three lists (三张清单): each community's needs, resources and projects, the matches
:mod:`lianjian.queries.matching` proposes among the needs, resources and reporting members
in scope, the open-need worklist, and the members' service totals (双报到).

Scope: a need lies in its region; a resource where its provider lies or in the area it
serves; a project with its need; a service with its member. Members are shown as
everywhere else (a pseudonym unless names are on for this user).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pandas as pd
import streamlit as st

from lianjian.core.schema import SCHEMA
from lianjian.dashboard import state, widgets
from lianjian.dashboard.tables import cell_value
from lianjian.queries.matching.facts import Facts, gather
from lianjian.queries.matching.match import plan_result
from lianjian.queries.matching.plan import MatchParams

ctx = state.context()
t = ctx.t
day = ctx.as_of.isoformat()
LIST_LABELS = ["Need", "Resource", "Project", "Service"]
LIST_EDGES = ["NEEDED_IN", "OFFERED_BY", "SERVES_AREA", "FOR_NEED", "USES_RESOURCE"]
LIST_EDGES += ["SERVED_BY", "SERVICE_BY", "SERVICE_FOR"]


def inside(*ids: str | None) -> bool:
    return ctx.allowed is None or any(i in ctx.allowed for i in ids if i)


def name(node_id: str | None) -> str:
    return widgets.display_name(ctx, node_id) if node_id else ""


def community_of(region: str | None) -> str | None:
    return ctx.tree.ancestor(region, "community") if region in ctx.tree.regions else None


def label(enum: str, value: Any) -> Any:
    return cell_value(value, ctx.lang, enum) if value is not None else ""


# ---------------------------------------------------------------- the lists in scope

with st.spinner("…"):
    ids = [r["id"] for r in ctx.store.node_summaries(LIST_LABELS)]
    nodes = ctx.store.nodes(ids)
    ends: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in ctx.store.edges_of_type(LIST_EDGES):
        ends[e.source][e.type].append(e.target)
    where = state.anchors_of(ctx.cfg.key, ctx.store)


def one(node_id: str, rel: str) -> str | None:
    found = sorted(ends[node_id][rel])
    return found[0] if found else None


def of(lab: str) -> dict[str, dict[str, Any]]:
    return {i: p for i, (x, p) in sorted(nodes.items()) if x == lab}


needs, resources, projects, services = (of(x) for x in LIST_LABELS)
need_region = {n: one(n, "NEEDED_IN") for n in needs}
scoped_needs = {n for n in needs if inside(need_region[n])}
res_place: dict[str, tuple[str | None, str | None]] = {}  # provider, area
for r in resources:
    res_place[r] = (one(r, "OFFERED_BY"), one(r, "SERVES_AREA"))
scoped_res = {r for r, (p, a) in res_place.items() if inside(p, a)}
scoped_projects = {p for p in projects if one(p, "FOR_NEED") in scoped_needs}
scoped_services = {s for s in services if inside(one(s, "SERVICE_BY"))}


def res_community(r: str) -> str | None:
    provider, area = res_place[r]
    return community_of(area) if area else community_of(where.get(provider or "", provider))


need_rows = [
    {
        "community": state.region_name(ctx, community_of(need_region[n])),
        "id": n,
        "name": p.get("name", ""),
        "category": label("service_category", p.get("category")),
        "quantity": p.get("quantity", 1),
        "raised": p.get("raised") or "",
        "wanted_by": p.get("wanted_by") or "",
        "status": label("need_status", p.get("status") or "open"),
    }
    for n, p in needs.items()
    if n in scoped_needs
]
res_rows = [
    {
        "community": state.region_name(ctx, res_community(r)) if res_community(r) else "",
        "id": r,
        "name": p.get("name", ""),
        "category": label("service_category", p.get("category")),
        "provider": name(res_place[r][0]),
        "capacity_month": p.get("capacity", 1),
        "area": state.region_name(ctx, res_place[r][1]) if res_place[r][1] else "",
    }
    for r, p in resources.items()
    if r in scoped_res
]
project_rows = [
    {
        "community": state.region_name(ctx, community_of(need_region.get(one(j, "FOR_NEED"))))
        if community_of(need_region.get(one(j, "FOR_NEED")))
        else "",
        "id": j,
        "name": p.get("name", ""),
        "project_need": needs.get(one(j, "FOR_NEED") or "", {}).get("name", ""),
        "resources_list": "、".join(
            resources[x].get("name", x) for x in sorted(ends[j]["USES_RESOURCE"])
        ),
        "member": "、".join(name(m) for m in sorted(ends[j]["SERVED_BY"])),
        "start": p.get("start") or "",
        "due": p.get("due") or "",
        "status": label("project_status", p.get("status") or "planned"),
        "outcome": p.get("outcome") or "",
    }
    for j, p in projects.items()
    if j in scoped_projects
]

# ---------------------------------------------------------------- matching on the scope


def scoped_facts() -> Facts:
    f = gather(ctx.store, day)
    return Facts(
        needs={k: v for k, v in f.needs.items() if k in scoped_needs},
        resources={k: v for k, v in f.resources.items() if k in scoped_res},
        members={k: v for k, v in f.members.items() if inside(k)},
        partners=f.partners,
    )


with st.spinner("…"):
    facts = scoped_facts()
    result = plan_result(facts, MatchParams.of(None), ctx.as_of)
reason = "reason_zh" if ctx.lang == "zh" else "reason_en"
match_rows = [
    {
        "need": p.need,
        "name": result.names.get(p.need, ""),
        "provider": name(p.node)
        if p.kind == "member"
        else f"{result.names.get(p.node, '')} ({p.node})",
        "kind": getattr(SCHEMA.nodes["Member" if p.kind == "member" else "Resource"], ctx.lang),
        "units": p.units,
        "cost": p.cost,
        "reason": getattr(p, reason),
    }
    for p in result.proposals
]
given: dict[str, int] = defaultdict(int)
for p in result.proposals:
    given[p.need] += p.units
left = {u.need: u for u in result.unmatched}
work_rows = sorted(
    (
        {
            "community": r["community"],
            "id": r["id"],
            "name": r["name"],
            "category": r["category"],
            "wanted_by": r["wanted_by"],
            "days_left": (dt.date.fromisoformat(r["wanted_by"]) - ctx.as_of).days
            if r["wanted_by"]
            else None,
            "quantity": r["quantity"],
            "matched": given[r["id"]],
            "left_open": left[r["id"]].units if r["id"] in left else 0,
            "reason": getattr(left[r["id"]], reason) if r["id"] in left else "",
        }
        for r in need_rows
        if r["id"] in facts.needs
    ),
    key=lambda r: (r["wanted_by"] or "9999-12-31", r["id"]),
)

# ---------------------------------------------------------------- services per member

totals: dict[str, dict[str, Any]] = {}
for s_id in sorted(scoped_services):
    p = services[s_id]
    if (p.get("date") or "") > day:
        continue
    m = one(s_id, "SERVICE_BY")
    row = totals.setdefault(m, {"member": name(m), "services_n": 0, "hours": 0.0, "cats": set()})
    row["services_n"] += 1
    row["hours"] += float(p.get("hours") or 0)
    if p.get("category"):
        row["cats"].add(p["category"])
    row["last_service"] = max(row.get("last_service", ""), p.get("date") or "")
service_rows = sorted(
    (
        {**{k: v for k, v in r.items() if k != "cats"}, "categories_n": len(r["cats"])}
        for r in totals.values()
    ),
    key=lambda r: (-r["hours"], r["member"]),
)

# ---------------------------------------------------------------- the page

st.title(t("lists"))
st.caption(f"{t('scope')}: {state.md(state.region_name(ctx, ctx.scope))} · {t('as_of')}: {day}")
st.markdown(t("lists_help"))

k = st.columns(5)
k[0].metric(t("needs_open"), len(work_rows), border=True)
k[1].metric(t("units_open"), result.units, border=True)
k[2].metric(t("matched_optimal"), result.matched_optimal, border=True)
k[3].metric(t("matched_greedy"), result.matched_greedy, border=True)
k[4].metric(t("objective"), f"{result.optimal:,.0f} / {result.greedy:,.0f}", border=True)


def table(rows: list[dict[str, Any]], heads: dict[str, str]) -> None:
    """The rows under ``heads``; the caller adds the downloads (each key a literal, so the
    audit's test sees it)."""
    if rows:
        st.dataframe(
            pd.DataFrame(rows)[list(heads)].rename(columns=heads), hide_index=True, width="stretch"
        )
    else:
        st.caption(t("none_flagged"))


def heads(*keys: str) -> dict[str, str]:
    return {k: t(k) for k in keys}


def stem(key: str) -> str:
    """A download's file name: the table's title and the as-of date."""
    return f"{t(key)}-{day}"


st.subheader(t("lists_by_community"))
per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
for r in need_rows:
    per[r["community"]][0] += 1
for r in work_rows:
    per[r["community"]][1] += 1
for r in res_rows:
    per[r["community"]][2] += 1
for r in project_rows:
    per[r["community"]][3] += 1
summary = [
    {
        "community": c or "–",
        "needs_list": a,
        "needs_open": b,
        "resources_list": x,
        "projects_list": y,
    }
    for c, (a, b, x, y) in sorted(per.items())
]
shown = heads("community", "needs_list", "needs_open", "resources_list", "projects_list")
table(summary, shown)
widgets.downloads(ctx, summary, shown, stem("lists_by_community"), "lists_summary_dl")
tabs = st.tabs([t("needs_list"), t("resources_list"), t("projects_list")])
with tabs[0]:
    shown = heads("community", "id", "name", "category", "quantity", "raised", "wanted_by")
    shown.update(heads("status"))
    table(need_rows, shown)
    widgets.downloads(ctx, need_rows, shown, stem("needs_list"), "lists_needs_dl")
with tabs[1]:
    shown = heads("community", "id", "name", "category", "provider", "capacity_month", "area")
    table(res_rows, shown)
    widgets.downloads(ctx, res_rows, shown, stem("resources_list"), "lists_resources_dl")
with tabs[2]:
    shown = heads("community", "id", "name", "project_need", "resources_list", "member")
    shown.update(heads("start", "due", "status", "outcome"))
    table(project_rows, shown)
    widgets.downloads(ctx, project_rows, shown, stem("projects_list"), "lists_projects_dl")

st.subheader(t("matches"))
st.caption(t("match_help"))
shown = {"need": f"{t('need')} {t('id')}", "name": t("need")}
shown.update(heads("provider", "kind", "units", "cost", "reason"))
table(match_rows, shown)
widgets.downloads(ctx, match_rows, shown, stem("matches"), "lists_matches_dl")

st.subheader(t("need_worklist"))
shown = heads("community", "id", "name", "category", "wanted_by", "days_left", "quantity")
shown.update(heads("matched", "left_open", "reason"))
table(work_rows, shown)
widgets.downloads(ctx, work_rows, shown, stem("need_worklist"), "lists_worklist_dl")

st.subheader(t("service_totals"))
shown = heads("member", "services_n", "hours", "categories_n", "last_service")
table(service_rows, shown)
widgets.downloads(ctx, service_rows, shown, stem("service_totals"), "lists_services_dl")
