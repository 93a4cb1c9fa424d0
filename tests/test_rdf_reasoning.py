"""RDF as a partner who knows W3C ORG, PROV-O, SKOS and schema.org reads it: after the
RDFS closure with the shipped vocabularies, one party parent per organisation, no
person, organisation or place a prov:Entity, every name tagged with its language,
every post in an organisation, the shapes still hold; two ledgers under one base
share no IRI that means two things; the gap findings survive the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, SKOS, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from lianjian import __version__
from lianjian.cli.app import app
from lianjian.core.model import GraphData
from lianjian.export.closure import VOCABULARIES, rdfs_closure, vocabularies
from lianjian.export.gaps import gap_findings
from lianjian.export.provenance import model_fingerprint
from lianjian.export.rdf import DEFAULT_BASE
from lianjian.export.rdf_import import read_export
from lianjian.export.validate import validate_graph
from lianjian.generator.generate import generate
from lianjian.loaders.fingerprint import ledger_fingerprint
from lianjian.loaders.ledger import load_ledger
from tests.rdf_common import BASE, LJ, LJC, SAMPLE, TIME, export_text, parse

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
lj = Namespace(LJ)
AS_OF = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    generate(out, "jingzhou", scale=0.01, seed=2)
    return out


@pytest.fixture(scope="module", params=["sample", "generated"])
def case(request, sample_data, generated):
    """(ledger model, its export with gap findings, the export's RDFS closure)."""
    data = sample_data if request.param == "sample" else load_ledger(generated)
    g = parse(export_text(data, "nt", gaps=gap_findings(data, AS_OF))[0], "nt")
    return data, g, rdfs_closure(g)


def iri(label: str, node_id: str) -> URIRef:
    seg = {"PartyOrg": "org", "Unit": "unit", "Region": "region", "Building": "building"}
    return URIRef(f"{BASE}{seg[label]}/{node_id}")


# ---------------------------------------------------------------- the vocabularies


def test_the_vocabularies_are_shipped_with_their_licences():
    folder = Path(__file__).resolve().parent.parent / "lianjian" / "export" / "vocab"
    readme = (folder / "README.md").read_text("utf-8")
    for name in VOCABULARIES:
        assert (folder / name).is_file() and name in readme
    assert "CC BY-SA 3.0" in readme and "W3C" in readme
    v = vocabularies()
    # the axioms the modelling rests on, as published
    assert (ORG.unitOf, RDFS.subPropertyOf, ORG.subOrganizationOf) in v
    assert (ORG.headOf, RDFS.subPropertyOf, ORG.memberOf) in v
    assert (ORG.identifier, RDFS.domain, ORG.Organization) in v
    assert (PROV.wasDerivedFrom, RDFS.domain, PROV.Entity) in v
    assert (SCHEMA.Male, RDF.type, SCHEMA.GenderType) in v
    assert (lj.hostUnit, RDFS.subPropertyOf, ORG.linkedTo) in v


def test_the_closure_applies_the_published_axioms():
    g = rdflib.Graph()
    a, b, u = URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:u")
    g.add((a, ORG.unitOf, u))  # what the export wrote before
    g.add((b, PROV.wasDerivedFrom, u))
    c = rdfs_closure(g)
    assert (a, ORG.subOrganizationOf, u) in c  # a second parent
    assert (b, RDF.type, PROV.Entity) in c
    assert (ORG.Head, RDF.type, SKOS.Concept) not in c  # the vocabularies' own facts


# ---------------------------------------------------------------- the "done when" points


def test_each_party_organisation_has_one_parent_in_the_party_tree(case):
    data, _, c = case
    parents = {e.source: e.target for e in data.edges if e.type == "SUB_ORG_OF"}
    hosted = {e.source for e in data.edges if e.type == "ORG_OF_UNIT"}
    assert set(parents) & hosted  # organisations with a parent and a host unit
    orgs = [n for n, (label, _) in data.nodes.items() if label == "PartyOrg"]
    for node_id in orgs:
        found = set(c.objects(iri("PartyOrg", node_id), ORG.subOrganizationOf))
        expected = {iri("PartyOrg", parents[node_id])} if node_id in parents else set()
        assert found == expected, node_id
        assert all((p, RDF.type, lj.PartyOrg) in c for p in found)
        unit_class = (iri("PartyOrg", node_id), RDF.type, ORG.OrganizationalUnit) in c
        assert unit_class == (node_id in parents), node_id  # no unit of nothing


def test_no_person_organisation_or_place_is_a_prov_entity(case):
    _, g, c = case
    entities = set(c.subjects(RDF.type, PROV.Entity))
    for cls in (FOAF.Person, ORG.Organization, ORG.Site, SCHEMA.Place):
        things = set(c.subjects(RDF.type, cls))
        assert things and not things & entities, cls
    rows = set(g.subjects(RDF.type, lj.LedgerRow))
    assert rows and rows <= entities
    assert not list(g.triples((None, PROV.wasDerivedFrom, None)))
    described = {o for _, o in g.subject_objects(lj.describes)}
    assert set(g.subjects(RDF.type, lj.PartyOrg)) <= described


def test_every_name_literal_has_a_language_tag(case):
    _, g, _ = case
    names = [o for p in (RDFS.label, SKOS.prefLabel) for o in g.objects(None, p)]
    assert names and all(isinstance(o, Literal) and o.language for o in names)
    fixes = list(g.objects(None, lj.suggestedFix))
    assert fixes and {o.language for o in fixes} == {"zh", "en"}
    for finding in g.subjects(RDF.type, lj.GapFinding):
        langs = [o.language for o in g.objects(finding, lj.suggestedFix)]
        assert sorted(langs) in ([], ["en", "zh"]), finding


def test_a_traditional_name_is_tagged_zh_hant(sample_data):
    g = parse(export_text(sample_data, "nt")[0], "nt")
    assert Literal("梅臺巷社區黨總支", lang="zh-Hant") in set(
        g.objects(iri("PartyOrg", "P03"), RDFS.label)
    )
    assert Literal("胜利街道", lang="zh") in set(g.objects(iri("Region", "SS01"), RDFS.label))


def test_every_post_is_in_an_organisation(case):
    data, g, c = case
    posts = set(c.subjects(RDF.type, ORG.Post))
    assert posts
    for post in posts:
        orgs = set(c.objects(post, ORG.postIn))
        assert len(orgs) == 1 and (next(iter(orgs)), RDF.type, lj.PartyOrg) in c, post
    secretaries = {(e.source, e.target) for e in data.edges if e.type == "SECRETARY_OF"}
    in_org = {e.source for e in data.edges if e.type == "MEMBER_OF"}
    roles = sum(
        len(p.get("roles") or ())
        for n, (label, p) in data.nodes.items()
        if label == "Member" and n in in_org
    )
    assert roles > 0  # a member's roles are posts in its organisation
    assert len(posts) == len({t for _, t in secretaries}) + roles
    heads = set(g.subject_objects(ORG.headOf))
    assert len(heads) == len(secretaries) > 0
    assert {o for _, o in heads} == {iri("PartyOrg", t) for _, t in secretaries}


def test_the_shapes_conform_after_the_closure(case):
    _, _, c = case
    result = validate_graph(c)
    assert result.violations == []
    assert result.conforms


def test_two_ledgers_under_one_base_share_no_iri_that_means_two_things(sample_data, generated):
    def described(data: GraphData) -> rdflib.Graph:
        return parse(export_text(data, "nt", base=DEFAULT_BASE)[0], "nt")

    a, b = described(sample_data), described(load_ledger(generated))
    shared = set(a.subjects()) & set(b.subjects())
    assert shared  # the concept schemes, the software agent
    for s in shared:
        assert set(a.predicate_objects(s)) == set(b.predicate_objects(s)), s
    # both have a row 2 of members.csv: two rows, two IRIs
    rows = [
        {r for r in g.subjects(lj.rowNumber, Literal(2)) if str(r).endswith(":members.csv:2")}
        for g in (a, b)
    ]
    assert len(rows[0]) == len(rows[1]) == 1 and not rows[0] & rows[1]


# ---------------------------------------------------------------- ORG, schema.org, SKOS


def test_org_schema_and_skos_terms_are_used_as_intended(sample_data):
    g = parse(export_text(sample_data, "nt", with_names=True)[0], "nt")
    for p in (ORG.unitOf, ORG.basedAt, SKOS.exactMatch):
        assert not list(g.triples((None, p, None))), p
    assert set(g.objects(None, SCHEMA.gender)) == {SCHEMA.Male, SCHEMA.Female}
    assert not list(g.triples((None, RDFS.label, Literal("男", lang="zh"))))  # no gender scheme
    for s in {*g.objects(None, SCHEMA.worksFor), *g.subjects(SCHEMA.location, None)}:
        assert (s, RDF.type, SCHEMA.Organization) in g, s
    for s in g.subjects(SCHEMA.foundingDate, None):
        assert (s, RDF.type, SCHEMA.Organization) in g, s
    assert set(g.objects(None, SCHEMA.homeLocation)) <= set(g.subjects(RDF.type, lj.Building))
    for m in g.subjects(RDF.type, ORG.Membership):
        assert not set(g.objects(m, ORG.role)) & set(
            g.subjects(SKOS.inScheme, URIRef(LJC + "member_status"))
        )
    p01 = iri("PartyOrg", "P01")
    assert (p01, ORG.identifier, Literal("P01")) in g
    assert (
        iri("Region", "SS01"),
        URIRef("http://purl.org/dc/terms/identifier"),
        Literal("SS01"),
    ) in g


def test_the_rating_notation_is_an_integer(sample_data):
    g = parse(export_text(sample_data, "nt")[0], "nt")
    assert (URIRef(LJC + "rating-5"), SKOS.notation, Literal(5)) in g
    assert Literal(5).datatype == rdflib.XSD.integer
    good = g.query(
        f"""PREFIX lj: <{LJ}> PREFIX skos: <{SKOS}>
        SELECT ?org WHERE {{ ?org lj:rating/skos:notation ?n FILTER(?n >= 4) }}"""
    )
    expected = {
        iri("PartyOrg", n)
        for n, (label, p) in sample_data.nodes.items()
        if label == "PartyOrg" and str(p.get("rating")) in ("4", "5")
    }
    assert {row.org for row in good} == expected and expected


def test_a_role_of_a_member_of_no_organisation_is_a_concept_not_a_post():
    d = GraphData()
    d.nodes["M1"] = ("Member", {"id": "M1", "name": "张三", "roles": ["building_leader"]})
    text, _ = export_text(d, "ttl", with_names=True)
    g = parse(text, "ttl")
    assert not list(g.subjects(RDF.type, ORG.Post))
    role = URIRef(LJC + "member_role-building_leader")
    assert (None, lj.memberRole, role) in g
    path = Path(__file__).parent / "x.ttl"
    try:
        path.write_text(text, encoding="utf-8")
        back, _ = read_export(path)
    finally:
        path.unlink()
    assert back.nodes["M1"][1]["roles"] == ["building_leader"]


# ---------------------------------------------------------------- provenance, round trip


def test_one_export_activity_with_time_tool_and_fingerprint(sample_data, tmp_path, monkeypatch):
    g = parse(export_text(sample_data, "nt")[0], "nt")
    (activity,) = set(g.subjects(RDF.type, PROV.Activity))
    assert g.value(activity, PROV.startedAtTime).toPython() == TIME
    agent = g.value(activity, PROV.wasAssociatedWith)
    assert str(g.value(agent, SCHEMA.softwareVersion)) == __version__
    assert str(g.value(activity, lj.ledgerFingerprint)) == model_fingerprint(sample_data)
    assert set(g.objects(activity, PROV.used)) == set(g.subjects(RDF.type, lj.Ledger))
    # the command takes the ledger's own fingerprint, and SOURCE_DATE_EPOCH for the time
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767254400")
    out = tmp_path / "x.ttl"
    result = CliRunner().invoke(app, ["export", "rdf", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(out, format="turtle")
    (activity,) = set(g.subjects(RDF.type, PROV.Activity))
    assert str(g.value(activity, lj.ledgerFingerprint)) == ledger_fingerprint(SAMPLE)
    assert g.value(activity, PROV.startedAtTime).toPython() == TIME
    assert ledger_fingerprint(SAMPLE)[:16] in str(g.value(activity, PROV.used))


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
@pytest.mark.parametrize("with_names", [False, True])
def test_round_trip_keeps_the_gap_findings(sample_data, tmp_path, fmt, with_names):
    gaps = gap_findings(sample_data, AS_OF)
    assert sum(r["count"] for r in gaps["rules"].values()) > 0
    text, _ = export_text(sample_data, fmt, gaps=gaps, with_names=with_names)
    path = tmp_path / f"x.{fmt}"
    path.write_text(text, encoding="utf-8")
    back, back_gaps = read_export(path)
    assert back_gaps["as_of"] == AS_OF.isoformat()
    assert {r: v["count"] for r, v in back_gaps["rules"].items()} == {
        r: v["count"] for r, v in gaps["rules"].items()
    }
    again, _ = export_text(back, fmt, gaps=back_gaps, with_names=with_names)
    assert isomorphic(parse(text, fmt), parse(again, fmt))
    assert back.report.problems == []


def test_vocab_writes_the_project_vocabulary_beside_the_export(tmp_path):
    out = tmp_path / "sample.ttl"
    args = ["export", "rdf", str(SAMPLE), "--out", str(out), "--vocab", "--with-gaps"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    vocab_file = tmp_path / "sample.vocab.ttl"
    assert "sample.vocab.ttl" in result.output
    vocab = rdflib.Graph().parse(vocab_file, format="turtle")
    g = rdflib.Graph().parse(out, format="turtle")
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(LJ)}
    assert used and all((t, RDF.type, None) in vocab for t in used)
    plain = CliRunner().invoke(
        app, ["export", "rdf", str(SAMPLE), "--out", str(tmp_path / "b.ttl")]
    )
    assert plain.exit_code == 0 and not (tmp_path / "b.vocab.ttl").exists()
    folder = tmp_path / "c.vocab.ttl"
    folder.mkdir()  # the vocabulary's path is checked before any work, as --out is
    refused = CliRunner().invoke(
        app, ["export", "rdf", str(SAMPLE), "--out", str(tmp_path / "c.ttl"), "--vocab"]
    )
    assert refused.exit_code == 2 and not (tmp_path / "c.ttl").exists()


def test_the_export_time_is_now_unless_source_date_epoch_says(monkeypatch):
    from lianjian.export.provenance import export_time

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767254400")
    assert export_time() == TIME
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert before <= export_time() <= dt.datetime.now(dt.UTC)
