"""RDF exchange: IRIs stable across runs, export → import → export lossless, SPARQL
answers the rules, gap findings, and the writers' benchmark."""

from __future__ import annotations

from collections import Counter

import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.model import GraphData
from lianjian.core.privacy import pseudonym
from lianjian.export.rdf import export_rdf
from lianjian.export.rdf_import import read_rdf
from lianjian.export.validate import validate_graph
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.gaps.find import find_gaps
from tests.rdf_common import (
    BASE,
    FORMATS,
    LJ,
    LJC,
    export_text,
    ox_store,
    parse,
    roundtrip,
)

# ---------------------------------------------------------------- stable IRIs, round trip


def test_iris_are_stable_across_runs(ledger, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767254400")  # the activity's time, fixed
    texts = []
    for i in range(2):
        out = tmp_path / f"run{i}.ttl"
        result = CliRunner().invoke(
            app, ["export", "rdf", str(ledger), "--out", str(out), "--base-iri", BASE]
        )
        assert result.exit_code == 0, result.output
        texts.append(out.read_text("utf-8"))
    assert texts[0] == texts[1]
    assert '"2026-01-01T08:00:00Z"^^xsd:dateTime' in texts[0]
    assert f"@prefix partyorg: <{BASE}org/>" in texts[0]
    assert "region:G%204" in texts[0]  # an id with a space, percent-encoded
    bad = CliRunner().invoke(
        app, ["export", "rdf", str(ledger), "--out", str(tmp_path / "x.ttl"), "--base-iri", "x y"]
    )
    assert bad.exit_code == 2 and "base" in bad.output
    assert not (tmp_path / "x.ttl").exists() and not (tmp_path / "x.ttl.part").exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("with_names", [False, True])
def test_export_import_export_is_isomorphic(data, fmt, with_names):
    text, _ = export_text(data, fmt, with_names=with_names)
    back = roundtrip(text, fmt)
    again, _ = export_text(back, fmt, with_names=with_names)
    assert isomorphic(parse(text, fmt), parse(again, fmt))
    expected = data.stats().to_dict()
    if not with_names:
        expected["relationships"].pop("LIVES_IN")
    assert back.stats().to_dict() == expected
    assert back.report.problems == []  # every predicate of the export is understood


def test_import_gives_back_the_graph_model(data):
    back = roundtrip(export_text(data, "ttl", with_names=True)[0], "ttl")
    assert back.nodes == data.nodes

    def edges(d: GraphData) -> set:
        return {
            (e.type, e.source, e.target, e.key, tuple(sorted(e.props.items()))) for e in d.edges
        }

    assert edges(back) == edges(data)


def test_import_command_into_the_embedded_store(data, tmp_path):
    path = tmp_path / "x.jsonld"
    export_rdf(data, path, "jsonld", base=BASE, with_names=True)
    result = CliRunner().invoke(app, ["import", "rdf", str(path)])
    assert result.exit_code == 0, result.output
    stats = data.stats()
    nodes, rels = sum(stats.nodes.values()), sum(stats.relationships.values())
    assert f"{nodes} nodes, {rels} relationships" in result.output


@pytest.mark.neo4j
def test_import_command_into_neo4j(data, tmp_path, neo4j_driver, neo4j_settings, monkeypatch):
    from lianjian.graph.neo4j.store import Neo4jStore

    path = tmp_path / "x.ttl"
    export_rdf(data, path, "ttl", base=BASE)
    monkeypatch.setenv("NEO4J_URI", neo4j_settings["uri"])
    monkeypatch.setenv("NEO4J_USER", neo4j_settings["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings["password"])
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings["database"])
    result = CliRunner().invoke(app, ["import", "rdf", str(path), "--neo4j", "--replace"])
    assert result.exit_code == 0, result.output
    stats = Neo4jStore(neo4j_driver, neo4j_settings["database"]).stats().to_dict()
    assert stats == read_rdf(path).stats().to_dict()


# ---------------------------------------------------------------- a question in SPARQL

GRID_WITHOUT_BRANCH = f"""
PREFIX lj: <{LJ}>
PREFIX ljc: <{LJC}>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id WHERE {{
  ?grid a lj:Region ; lj:regionLevel ljc:region_level-grid ; dcterms:identifier ?id .
  FILTER NOT EXISTS {{
    ?org lj:covers ?grid ; org:classification ?kind .
    VALUES ?kind {{ ljc:org_kind-general_branch ljc:org_kind-branch ljc:org_kind-joint_branch }}
  }}
}}"""


def grid_without_branch(data: GraphData) -> set[str]:
    """Rule ``grid_without_branch`` (docs/rules.md) computed straight from the graph model."""
    kinds = {"general_branch", "branch", "joint_branch"}
    covered = {
        e.target
        for e in data.edges
        if e.type == "COVERS" and data.nodes[e.source][1]["kind"] in kinds
    }
    return {
        node_id
        for node_id, (label, props) in data.nodes.items()
        if label == "Region" and props["level"] == "grid" and node_id not in covered
    }


def sparql_ids(data: GraphData) -> set[str]:
    store = ox_store(export_text(data, "nt")[0], "nt")
    return {row["id"].value for row in store.query(GRID_WITHOUT_BRANCH)}


def test_sparql_answers_grid_without_branch(data):
    assert sparql_ids(data) == grid_without_branch(data) == {"G2", "G 4"}


def test_sparql_on_the_sample_matches_the_rule(sample_data):
    expected = grid_without_branch(sample_data)
    store = EmbeddedStore()
    store.write(sample_data)
    rule = find_gaps(store, None).to_dict()["rules"]["grid_without_branch"]
    assert {str(item["id"]) for item in rule["items"]} == expected
    assert expected == {"SS0102G02"}  # the sample's one grid without a branch
    assert sparql_ids(sample_data) == expected


# ---------------------------------------------------------------- gap findings


def test_gap_findings_are_written_and_redacted(data):
    gaps = {
        "as_of": "2025-01-01",
        "rules": {
            "grid_without_branch": {
                "count": 2,
                "items": [
                    {
                        "id": "G2",
                        "name": "二网格",
                        "reason_zh": "网格无支部",
                        "reason_en": "no branch on the grid",
                        "fix": '请 李"四" 牵头组建支部',
                    },
                    {
                        "id": "G 4",
                        "name": "四网格",
                        "reason_zh": "网格无支部",
                        "reason_en": "no branch on the grid",
                        "fix": None,
                    },
                ],
            }
        },
    }
    text, _ = export_text(data, "ttl", gaps=gaps)
    g = parse(text, "ttl")
    findings = list(g.subjects(rdflib.RDF.type, rdflib.URIRef(LJ + "GapFinding")))
    assert len(findings) == 2
    assert '李\\"四\\"' not in text
    assert f"请 {pseudonym('M2')} 牵头组建支部" in {
        str(o) for o in g.objects(None, rdflib.URIRef(LJ + "suggestedFix"))
    }
    assert validate_graph(g).conforms


def test_with_gaps_writes_one_finding_per_flagged_entity(ledger, data, tmp_path):
    out = tmp_path / "g.ttl"
    result = CliRunner().invoke(
        app,
        ["export", "rdf", str(ledger), "--out", str(out), "--with-gaps", "--as-of", "2025-01-01"],
    )
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out, format="turtle")
    findings = list(g.subjects(rdflib.RDF.type, rdflib.URIRef(LJ + "GapFinding")))
    per_rule = Counter(str(g.value(f, rdflib.URIRef(LJ + "gapRule"))) for f in findings)
    store = EmbeddedStore()
    store.write(data)
    rules = find_gaps(store, "2025-01-01").to_dict()["rules"]
    expected = {rid: len(r["items"]) for rid, r in rules.items() if r["items"]}
    assert {iri.rsplit("/gap_rule-", 1)[-1]: n for iri, n in per_rule.items()} == expected
    assert {str(g.value(f, rdflib.URIRef(LJ + "asOf"))) for f in findings} == {"2025-01-01"}


# ---------------------------------------------------------------- benchmark


def test_benchmark_measures_both_writers(ledger):
    from lianjian.bench.rdf import bench

    results = bench(ledger, ("nt",), ("ours", "rdflib"), repeat=3)
    assert [r["impl"] for r in results] == ["ours", "rdflib"]
    assert all("error" not in r for r in results), results
    assert results[0]["triples"] == results[1]["triples"] > 0
    assert all(r["triples_per_s"] > 0 and r["peak_rss_mib"] >= 0 for r in results)
    assert results[0]["runs"] == 3 and results[0]["spread_s"] >= 0 and results[1]["runs"] == 1
    # rdflib capped: the whole entities up to the one that brings the count to 100
    capped = bench(ledger, ("nt",), ("rdflib",), rdflib_max_triples=100)[0]
    from lianjian.export.rdf import DEFAULT_BASE, namespaces
    from lianjian.export.terms import NTriples
    from lianjian.export.triples import Triples

    kept: set[tuple[str, str, str]] = set()
    n = 0
    for s, po in Triples(
        load_ledger(ledger), NTriples(namespaces(DEFAULT_BASE)), base=DEFAULT_BASE
    ):
        kept.update((s, p, o) for p, o in po)
        n += len(po)
        if n >= 100:
            break
    assert capped["triples"] == len(kept) < results[0]["triples"]
