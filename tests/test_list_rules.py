"""The gap rules over the three lists and the service records, on the hand ledger
tests/fixtures/lists, whose expectations are computed by hand, on both engines.

As of 2026-06-30 (quarter from 2026-04-01):

- need_open_too_long: the open needs N1–N5 were raised 2026-06-01 … 06-05, 29 … 25 days
  before; with need_open_max_days = 27, N1 (29 days) and N2 (28); with the default 30,
  none. N6 is done, N7 raised after the date.
- community_need_unreached: C1's needs N1 (legal: R1 lies in C1) and N5 (education: R3
  serves C1) are reached; C2's N2 (legal) is reached by R1 a street away, but N3
  (elderly: no resource; member M1 is no resource) and N4 (health: R5 serves C3 only)
  are not: C2, with N3 and N4.
- member_without_service: M1 served on 06-01 (SV2), M2 on 04-10 and 05-02; M3 reports to C3
  and has no record: M3.
- project_overdue_without_outcome: P1 was due 05-31 and has an outcome; P2 was due 06-15
  and has none: P2.
- seat_unit_without_resource: the street's big committee O3 seats U3, U5 and U6 (U6's seat
  ended 2025-12-31); U3 offers R5 through its branch OU3; U5 offers nothing: U5.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.privacy import pseudonym
from lianjian.export.gaps import gap_findings
from lianjian.export.rdf import export_rdf
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.gaps.find import find_gaps
from tests.ledgers import write_ledger
from tests.random_ledgers import HEADERS, list_ledgers

LISTS = Path(__file__).parent / "fixtures" / "lists"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"
AS_OF = "2026-06-30"
LIST_RULES = [
    "need_open_too_long",
    "community_need_unreached",
    "member_without_service",
    "project_overdue_without_outcome",
    "seat_unit_without_resource",
]
EXPECTED = {
    "need_open_too_long": ["N1", "N2"],
    "community_need_unreached": ["C2"],
    "member_without_service": ["M3"],
    "project_overdue_without_outcome": ["P2"],
    "seat_unit_without_resource": ["U5"],
}


@pytest.fixture(scope="module")
def data():
    return load_ledger(LISTS)


@pytest.fixture(scope="module")
def embedded(data):
    s = EmbeddedStore()
    s.write(data)
    return s


def _ids(store, as_of=AS_OF, **params):
    result = find_gaps(store, as_of, rules=LIST_RULES, params={"need_open_max_days": 27, **params})
    return {rid: result.ids(rid) for rid in LIST_RULES}


def check_hand_ledger(store) -> None:
    """The hand-computed ids, the reasons and the boundaries of each rule on ``store``."""
    assert _ids(store) == EXPECTED
    # a need open exactly N days is not open longer than N days
    assert _ids(store, need_open_max_days=28)["need_open_too_long"] == ["N1"]
    assert _ids(store, need_open_max_days=30)["need_open_too_long"] == []
    # P2 is due 06-15: on that day it is not yet past its date
    assert _ids(store, "2026-06-15")["project_overdue_without_outcome"] == []
    assert _ids(store, "2026-06-16")["project_overdue_without_outcome"] == ["P2"]
    # the next quarter starts anew: nobody has served since 07-01
    assert _ids(store, "2026-07-01")["member_without_service"] == ["M1", "M2", "M3"]
    # U6's seat ended 2025-12-31: on that day it was still active
    assert _ids(store, "2025-12-31")["seat_unit_without_resource"] == ["U5", "U6"]
    # N7 (epidemic prevention, C1) is raised 08-01 and C1 has no such resource
    assert _ids(store, "2026-08-01")["community_need_unreached"] == ["C1", "C2"]

    result = find_gaps(store, AS_OF, rules=LIST_RULES, params={"need_open_max_days": 27})
    items = {rid: {i.id: i for i in result.rules[rid]} for rid in LIST_RULES}
    assert items["need_open_too_long"]["N1"].reason_zh == (
        "需求于2026-06-01提出，29天未认领（超过27天）"
    )
    c2 = items["community_need_unreached"]["C2"]
    assert c2.reason_en == "2 open needs that no resource of their category reaches: N3, N4"
    assert (c2.street, c2.street_name) == ("S1", "胜利街道")
    assert items["project_overdue_without_outcome"]["P2"].reason_zh == (
        "计划于2026-06-15完成，至2026-06-30未填写成效"
    )
    assert items["project_overdue_without_outcome"]["P2"].street == "S1"  # N2's community
    u5 = items["seat_unit_without_resource"]["U5"]
    assert u5.fix is not None and u5.fix.text("en") == (
        "中共崇文街道大工委 (O3) could ask it to list its resources"
    )
    m3 = items["member_without_service"]["M3"]
    assert (
        m3.reason_en == "reported to a community, no service record from 2026-04-01 to 2026-06-30"
    )
    assert m3.name == "" and m3.street == "S2"
    shown = result.to_dict()["rules"]["member_without_service"]["items"][0]
    assert (shown["id"], shown["name"]) == (pseudonym("M3"), pseudonym("M3"))


def test_the_hand_ledger_on_the_embedded_store(embedded):
    check_hand_ledger(embedded)


@pytest.mark.neo4j
def test_the_hand_ledger_on_neo4j(neo4j_driver, neo4j_settings, data, embedded):
    neo = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    neo.clear()
    neo.write(data)
    try:
        check_hand_ledger(neo)
        for day in ("2025-12-31", AS_OF, "2026-08-01"):
            assert find_gaps(neo, day).to_dict() == find_gaps(embedded, day).to_dict()
    finally:
        neo.clear()


def test_a_ledger_without_lists_flags_nothing(tmp_path):
    bare = tmp_path / "sample"  # the sample without its lists and service records
    shutil.copytree(SAMPLE, bare)
    for table in ("needs", "resources", "projects", "services"):
        (bare / f"{table}.csv").unlink()
    store = EmbeddedStore()
    store.write(load_ledger(bare))
    assert _ids(store, need_open_max_days=0) == {rid: [] for rid in LIST_RULES}


def test_reported_members_and_seats_are_looked_at_only_where_the_lists_are_kept(data):
    """Without service records no member is flagged; without resources no seat unit."""
    kept = {k: v for k, v in data.nodes.items() if v[0] not in ("Service", "Resource")}
    edges = [e for e in data.edges if e.source in kept and e.target in kept]
    store = EmbeddedStore()
    store.write(type(data)(nodes=kept, edges=edges, report=data.report))
    got = _ids(store)
    assert got["member_without_service"] == [] and got["seat_unit_without_resource"] == []
    # with no resource at all, every community with open needs is unreached
    assert got["community_need_unreached"] == ["C1", "C2"]


def test_cli_shows_a_flagged_member_by_pseudonym_unless_names_are_asked_for():
    args = ["gaps", str(LISTS), "--as-of", AS_OF, "-r", "member_without_service"]
    for fmt in ("json", "csv", "table"):
        out = CliRunner().invoke(app, [*args, "--format", fmt])
        assert out.exit_code == 0, out.output
        if fmt != "table":  # a table folds the pseudonym across lines
            assert pseudonym("M3") in out.stdout
        assert "M3" not in out.stdout and "张华" not in out.stdout
    named = CliRunner().invoke(app, [*args, "--format", "csv", "--with-names"])
    assert "张华" in named.stdout


# ---------------------------------------------------------------- random ledgers


def _oracle(data, as_of: str, max_days: int) -> dict[str, list[str]]:
    """Three rules from the loaded rows' own terms, not the rules' code."""
    nodes = {k: p for k, (label, p) in data.nodes.items()}
    label = {k: lb for k, (lb, _) in data.nodes.items()}
    day = dt.date.fromisoformat(as_of)
    too_long = [
        n
        for n, p in nodes.items()
        if label[n] == "Need"
        and p.get("status", "open") == "open"
        and p.get("raised")
        and p["raised"] <= as_of
        and (day - dt.date.fromisoformat(p["raised"])).days > max_days
    ]
    overdue = [
        n
        for n, p in nodes.items()
        if label[n] == "Project" and p.get("due") and p["due"] < as_of and not p.get("outcome")
    ]
    start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1).isoformat()
    served = {
        e.target
        for e in data.edges
        if e.type == "SERVICE_BY" and start <= nodes[e.source]["date"] <= as_of
    }
    reported = {e.source for e in data.edges if e.type == "REPORTS_TO"}
    keeps_services = any(lb == "Service" for lb in label.values())
    idle = sorted(reported - served) if keeps_services else []
    return {
        "need_open_too_long": sorted(too_long),
        "project_overdue_without_outcome": sorted(overdue),
        "member_without_service": idle,
    }


@settings(max_examples=60, deadline=None)
@given(tables=list_ledgers(), max_days=st.sampled_from([0, 29, 30, 60]))
def test_three_rules_follow_their_definitions_on_random_ledgers(tables, max_days):
    with tempfile.TemporaryDirectory() as tmp:
        ledger = write_ledger(Path(tmp), {t: [HEADERS[t], *rows] for t, rows in tables.items()})
        data = load_ledger(ledger)
    store = EmbeddedStore()
    store.write(data)
    result = find_gaps(store, AS_OF, rules=LIST_RULES, params={"need_open_max_days": max_days})
    got = {rid: result.ids(rid) for rid in LIST_RULES}
    expected = _oracle(data, AS_OF, max_days)
    assert {rid: got[rid] for rid in expected} == expected


def test_a_member_finding_is_exported_under_the_member_pseudonym(tmp_path, data):
    findings = gap_findings(data, dt.date(2026, 6, 30))
    assert [i["id"] for i in findings["rules"]["member_without_service"]["items"]] == ["M3"]
    path = tmp_path / "lists.ttl"
    export_rdf(data, path, "ttl", gaps=findings)
    text = path.read_text("utf-8")
    token = pseudonym("M3").removeprefix("党员-").replace("-", "")
    assert f"gap:member_without_service:{token} a lj:GapFinding" in text
    assert "M3" not in text and "张华" not in text
