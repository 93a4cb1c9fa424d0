"""Points per member per quarter (积分) on the hand ledger tests/fixtures/lists, computed
by hand with the weights of points.yaml (general: 1 a service + 1 an hour; professional,
legal among them: 2 + 2 an hour; at most 8 hours a service), on both engines.

In 2026Q2: M2 served twice in legal aid (SV1 2 h, SV3 3 h): 2 + 4 + 2 + 6 = 14; M1 once
in elderly care, a general service (SV2 1.5 h): 1 + 1.5 = 2.5; M3 reports to C3 and has
no service: 0. In 2026Q3 nobody served: the three reporting members with 0.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.privacy import pseudonym
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.neo4j.store import Neo4jStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.points.points import PointsParams, points, quarter_dates, quarter_of
from tests.ledgers import write_ledger
from tests.random_ledgers import HEADERS, list_ledgers

LISTS = Path(__file__).parent / "fixtures" / "lists"


@pytest.fixture(scope="module")
def data():
    return load_ledger(LISTS)


@pytest.fixture(scope="module")
def store(data):
    s = EmbeddedStore()
    s.write(data)
    return s


def _table(result):
    return [
        (r.member, r.community, r.general, r.professional, r.hours, r.points) for r in result.rows
    ]


def test_the_hand_ledger_gets_the_hand_computed_points(store):
    r = points(store, "2026Q2")
    assert (r.quarter, r.start, r.end) == ("2026Q2", "2026-04-01", "2026-06-30")
    assert _table(r) == [
        ("M2", "C1", 0, 2, 5.0, 14.0),
        ("M1", "C2", 1, 0, 1.5, 2.5),
        ("M3", "C3", 0, 0, 0.0, 0.0),
    ]
    assert [(x.member, x.points) for x in points(store, "2026Q3").rows] == sorted(
        [("M1", 0.0), ("M2", 0.0), ("M3", 0.0)], key=lambda t: pseudonym(t[0])
    )


def test_the_weights_are_parameters(store):
    r = points(store, "2026Q2", {"professional_per_hour": 1, "hours_cap": 2})
    # M2: (2 + 1 × 2) + (2 + 1 × min(3, 2)) = 8; M1: 1 + 1 × min(1.5, 2) = 2.5
    assert [(x.member, x.points) for x in r.rows][:2] == [("M2", 8.0), ("M1", 2.5)]
    flat = points(store, "2026Q2", {"professional_per_service": 1, "professional_per_hour": 1})
    assert [(x.member, x.points) for x in flat.rows][:2] == [("M2", 7.0), ("M1", 2.5)]
    for bad in ({"nope": 1}, {"hours_cap": -1}, {"general_per_hour": "x"}, {"hours_cap": "nan"}):
        with pytest.raises(ValueError):
            PointsParams.of(bad)


@pytest.mark.parametrize(
    ("text", "dates", "label"),
    [
        ("2026Q1", ("2026-01-01", "2026-03-31"), "2026Q1"),
        ("2024q1", ("2024-01-01", "2024-03-31"), "2024Q1"),
        ("2026-Q2", ("2026-04-01", "2026-06-30"), "2026Q2"),
        ("2026Q4", ("2026-10-01", "2026-12-31"), "2026Q4"),
    ],
)
def test_quarters(text, dates, label):
    assert quarter_dates(text) == dates
    for day in dates:
        assert quarter_of(dt.date.fromisoformat(day)) == label


@pytest.mark.parametrize("bad", ["2026Q5", "2026", "Q3", "2026Q0"])
def test_a_bad_quarter_is_refused(bad):
    with pytest.raises(ValueError):
        quarter_dates(bad)


def test_cli_shows_members_by_pseudonym_unless_names_are_asked_for():
    args = ["points", str(LISTS), "--quarter", "2026Q2"]
    out = CliRunner().invoke(app, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert [(m["member"], m["points"]) for m in got["members"]] == [
        (pseudonym("M2"), 14.0),
        (pseudonym("M1"), 2.5),
        (pseudonym("M3"), 0.0),
    ]
    assert got["weights"]["professional_per_hour"] == 2.0
    for fmt in ("json", "csv", "table"):
        shown = CliRunner().invoke(app, [*args, "--format", fmt]).stdout
        assert "M2" not in shown and "王强" not in shown and "李敏" not in shown
    named = CliRunner().invoke(app, [*args, "--format", "csv", "--with-names"])
    assert named.stdout.splitlines()[1].startswith(f"2026Q2,{pseudonym('M2')},王强,C1,2,0,2,")
    table = CliRunner().invoke(app, args)
    assert "红门路社区" in table.stdout and "14" in table.stdout
    bad = CliRunner().invoke(app, [*args, "-p", "nope=1"])
    assert bad.exit_code == 2
    assert CliRunner().invoke(app, ["points", str(LISTS), "-q", "2026Q9"]).exit_code == 2


@pytest.mark.neo4j
def test_the_same_points_on_neo4j(neo4j_driver, neo4j_settings, data, store):
    neo = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    neo.clear()
    neo.write(data)
    try:
        for q in ("2026Q2", "2026Q3"):
            assert points(neo, q).to_dict() == points(store, q).to_dict()
        assert _table(points(neo, "2026Q2"))[0] == ("M2", "C1", 0, 2, 5.0, 14.0)
    finally:
        neo.clear()


@pytest.mark.neo4j
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables=list_ledgers(), quarter=st.sampled_from(["2026Q1", "2026Q2", "2026Q3"]))
def test_engines_agree_on_random_ledgers(neo4j_driver, neo4j_settings, tables, quarter):
    with tempfile.TemporaryDirectory() as tmp:
        ledger = write_ledger(Path(tmp), {t: [HEADERS[t], *rows] for t, rows in tables.items()})
        data = load_ledger(ledger)
    embedded = EmbeddedStore()
    embedded.write(data)
    neo = Neo4jStore(neo4j_driver, neo4j_settings["database"])
    neo.clear()
    neo.write(data)
    try:
        assert points(neo, quarter).to_dict() == points(embedded, quarter).to_dict()
    finally:
        neo.clear()
