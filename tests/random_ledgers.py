"""Random small ledgers (Hypothesis) for the parity and property tests: the rows of
six CSV tables with English headers, aimed at the edge cases the rule terms imply:
links that expired the day before the as-of date or end on it, declared against
listed member counts, probationary members, covers lists naming missing ids, units
whose members all sit in joint branches, orgs without secretaries or with
unresolvable ones. :func:`list_ledgers` adds the three lists and the service records:
needs raised around the open-too-long threshold, resources with and without an area or
capacity, projects due the day before or on the as-of date, services on either side of
the quarter's first day.
"""

from __future__ import annotations

from hypothesis import strategies as st

AS_OF = "2026-06-30"
DATES = ["", "", "2026-06-29", AS_OF, "2026-07-01", "2020-01-01"]
BUILDING_KINDS = ["residential", "residential", "commercial", "park", "market"]
UNIT_KINDS = ["agency", "institution", "soe", "private", "social", "property", "school"]
ORG_KINDS = [
    "working_committee",
    "committee",
    "general_branch",
    "branch",
    "joint_branch",
    "joint_branch",
    "temporary_branch",
    "functional",
    "group",
    "household",
    "big_committee",
    "alliance",
]
HEADERS = {
    "regions": ["id", "name", "level", "parent"],
    "buildings": ["id", "name", "kind", "grid", "compound"],
    "units": ["id", "name", "kind", "location", "party_members"],
    "orgs": [
        "id",
        "name",
        "kind",
        "parent",
        "unit",
        "covers",
        "term_end",
        "rating",
        "has_committee",
        "secretary",
    ],
    "members": [
        "id",
        "name",
        "status",
        "category",
        "org",
        "unit",
        "home",
        "reported_to",
        "assigned_grid",
    ],
    "links": ["source", "target", "kind", "since", "until"],
    "needs": ["id", "name", "category", "region", "raised", "status"],
    "resources": ["id", "name", "category", "provider", "capacity", "area"],
    "projects": ["id", "name", "need", "due", "outcome"],
    "services": ["id", "name", "member", "date", "category"],
}
CATEGORIES = ["legal", "education", "elderly"]


def maybe(draw, values, blank_weight: int = 1):
    """A value from ``values`` or an empty cell."""
    return draw(st.sampled_from([""] * blank_weight + list(values)))


@st.composite
def ledgers(draw) -> dict[str, list[list[str]]]:
    """Rows of the six tables of one small ledger."""
    streets = [f"S{i}" for i in range(draw(st.integers(1, 2)))]
    comms = [f"C{i}" for i in range(draw(st.integers(1, 3)))]
    grids = [f"G{i}" for i in range(draw(st.integers(1, 5)))]
    compounds = [f"P{i}" for i in range(draw(st.integers(0, 3)))]
    regions = [["D0", "某区", "district", ""]]
    regions += [[s, f"街道{s}", "street", "D0"] for s in streets]
    # a community may lack its street (no parent: it lies in no street)
    regions += [[c, f"社区{c}", "community", maybe(draw, streets, 0)] for c in comms]
    regions += [[g, f"网格{g}", "grid", draw(st.sampled_from(comms))] for g in grids]
    regions += [[p, f"小区{p}", "compound", draw(st.sampled_from(comms))] for p in compounds]

    buildings = []
    for i in range(draw(st.integers(0, 6))):
        grid = draw(st.sampled_from([*grids, "G404"]))  # G404: a missing grid
        buildings.append(
            [
                f"B{i}",
                f"楼{i}",
                draw(st.sampled_from(BUILDING_KINDS)),
                grid,
                maybe(draw, compounds),
            ]
        )
    bids = [b[0] for b in buildings]

    units = []
    places = [*comms, *grids, *compounds, *streets, *bids, *bids, "X404"]
    for i in range(draw(st.integers(0, 8))):
        units.append(
            [
                f"U{i}",
                f"单位{i}",
                draw(st.sampled_from(UNIT_KINDS)),
                maybe(draw, places),
                maybe(draw, ["0", "1", "2", "3", "5"]),
            ]
        )
    uids = [u[0] for u in units]

    mids = [f"M{i}" for i in range(draw(st.integers(0, 20)))]
    oids = [f"O{i}" for i in range(draw(st.integers(0, 9)))]
    kinds = {o: draw(st.sampled_from(ORG_KINDS)) for o in oids}
    # what each kind usually covers; Z404 is a missing id
    anything = [*grids, *compounds, *comms, *bids, *uids]
    usual = {
        "joint_branch": [*uids, *uids, "Z404"],
        "big_committee": [*comms, "Z404"],
        "group": [*bids, "Z404"],
        "household": bids,
        "branch": [*grids, *compounds],
        "general_branch": [*grids, *compounds],
    }
    orgs = []
    for i, o in enumerate(oids):
        pool = usual.get(kinds[o]) or anything
        covers = draw(st.lists(st.sampled_from(pool), max_size=5, unique=True)) if pool else []
        orgs.append(
            [
                o,
                f"党组织{i}",
                kinds[o],
                maybe(draw, oids[:i], 2),
                maybe(draw, uids, 2),
                ";".join(covers),
                maybe(draw, ["2026-06-29", AS_OF, "2026-07-01"]),
                maybe(draw, ["1", "2", "3", "4", "5"]),
                maybe(draw, ["是", "否"]),
                maybe(draw, [*mids, "M404"]),
            ]
        )
    # members crowd into a few orgs, so that branches grow past the thresholds
    crowded = draw(st.lists(st.sampled_from(oids), max_size=3)) if oids else []

    members = []
    for m in mids:
        members.append(
            [
                m,
                f"党员{m}",
                maybe(draw, ["full", "probationary", "预备党员", "发展对象"]),  # the last: refused
                maybe(draw, ["employed", "retired"]),
                maybe(draw, [*oids, *crowded, *crowded, "O404"]),
                maybe(draw, uids),
                maybe(draw, bids),
                maybe(draw, comms),
                maybe(draw, grids, 2),
            ]
        )

    links = []
    ends = {
        "joint_build": (oids, oids),
        "strong_leads_weak": (oids, oids),
        "guides": ([*mids, *uids], [*uids, *oids, *bids]),
        "seat": (uids, [o for o in oids if kinds[o] == "big_committee"] or oids),
        "manages": (uids, compounds),
        "contact": (uids, [*comms, *grids]),
    }
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(sorted(ends)))
        sources, targets = ends[kind]
        if not sources or not targets:
            continue
        links.append(
            [
                draw(st.sampled_from(sources)),
                draw(st.sampled_from(targets)),
                kind,
                maybe(draw, ["2025-01-01", "2025-06-01"]),
                draw(st.sampled_from(DATES)),
            ]
        )
    return {
        "regions": regions,
        "buildings": buildings,
        "units": units,
        "orgs": orgs,
        "members": members,
        "links": links,
    }


def with_headers(tables: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """The tables of :func:`ledgers` with their header rows, for ``write_ledger``."""
    return {table: [HEADERS[table], *rows] for table, rows in tables.items()}


@st.composite
def list_ledgers(draw) -> dict[str, list[list[str]]]:
    """A ledger of :func:`ledgers` with needs, resources, projects and service records."""
    tables = draw(ledgers())
    regions = [r[0] for r in tables["regions"]]
    places = [r[0] for r in tables["regions"] if r[2] in ("community", "grid")]
    providers = [u[0] for u in tables["units"]] + [o[0] for o in tables["orgs"]]
    mids = [m[0] for m in tables["members"]]
    raised = ["2026-05-01", "2026-05-30", "2026-05-31", "2026-06-01", AS_OF, "2026-07-01"]
    needs = [
        [
            f"N{i}",
            f"需求{i}",
            draw(st.sampled_from(CATEGORIES)),
            draw(st.sampled_from([*places, "X404"])),
            maybe(draw, raised),
            maybe(draw, ["open", "done", "claimed"], 2),
        ]
        for i in range(draw(st.integers(0, 8)))
    ]
    resources = [
        [
            f"R{i}",
            f"资源{i}",
            draw(st.sampled_from(CATEGORIES)),
            draw(st.sampled_from([*providers, "Z404"])) if providers else "Z404",
            maybe(draw, ["0", "1", "2"]),
            maybe(draw, regions, 2),
        ]
        for i in range(draw(st.integers(0, 5)))
    ]
    nids = [n[0] for n in needs]
    projects = [
        [
            f"PJ{i}",
            f"项目{i}",
            draw(st.sampled_from(nids)),
            maybe(draw, ["2026-06-29", AS_OF, "2026-07-01"]),
            maybe(draw, ["服务30人次"]),
        ]
        for i in range(draw(st.integers(0, 4)) if nids else 0)
    ]
    services = [
        [
            f"SV{i}",
            f"服务{i}",
            draw(st.sampled_from(mids)),
            draw(st.sampled_from(["2026-03-31", "2026-04-01", "2026-06-15", AS_OF, "2026-07-01"])),
            maybe(draw, CATEGORIES),
        ]
        for i in range(draw(st.integers(0, 6)) if mids else 0)
    ]
    return {**tables, "needs": needs, "resources": resources, "projects": projects,
            "services": services}  # fmt: skip
