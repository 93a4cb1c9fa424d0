"""RDF export, SHACL validation and import: two parsers agree, the shapes hold,
members stay pseudonymised, IRIs are stable, and the round trip is lossless."""

from __future__ import annotations

from importlib import resources

import pytest
import rdflib
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.model import GraphData
from lianjian.core.privacy import pseudonym
from lianjian.core.schema import SCHEMA, load_schema
from lianjian.export.mapping import MAPPING, load_mapping
from lianjian.export.rdf import export_rdf
from lianjian.export.validate import validate_graph, validate_rdf
from tests.rdf_common import (
    BASE,
    FORMATS,
    LJ,
    LJC,
    MEMBER_NAMES,
    export_text,
    ox_store,
    parse,
    roundtrip,
)

# ---------------------------------------------------------------- the mapping


def test_every_schema_name_is_mapped():
    assert set(SCHEMA.nodes) == set(MAPPING.node_segment)
    for label, t in SCHEMA.nodes.items():
        scalar = {name for name, p in t.properties.items() if not p.is_ref}
        mapped = set(MAPPING.node_props[label]) | set(MAPPING.post_props[label])
        assert scalar == mapped, label
    for rel in SCHEMA.relationships:
        assert rel in MAPPING.rel_predicate or rel in MAPPING.rel_post_role, rel
    assert set(SCHEMA.link_kinds) == set(MAPPING.link_predicate)
    assert set(SCHEMA.link_properties) - {"source", "target"} == set(MAPPING.link_props)
    for enum in SCHEMA.enums:
        assert MAPPING.enums[enum]["zh"] and MAPPING.enums[enum]["en"], enum


@pytest.mark.parametrize(
    ("line", "what"),
    [
        (
            "households: {type: int, zh: 户数, en: Households, min: 0, max: 10000, rdf: lj:households}",
            "Building.households",
        ),
        ("  COVERS: {zh: 覆盖, en: covers, rdf: lj:covers}", "relationship COVERS"),
    ],
)
def test_a_schema_name_without_an_rdf_term_is_refused(line, what):
    text = resources.files("lianjian.core").joinpath("schema.yaml").read_text("utf-8")
    assert line in text
    schema = load_schema(text.replace(line, line.replace(", rdf: lj:", ", x: lj:")))
    with pytest.raises(ValueError, match=what):
        load_mapping(schema=schema)
    derived = load_mapping(schema=load_schema(text.replace("lj:households}", "lj:homes}")))
    assert derived.node_props["Building"]["households"] == LJ + "homes"


def test_vocabulary_declares_every_project_term(data):
    ttl = resources.files("lianjian.export").joinpath("lianjian.ttl").read_text("utf-8")
    vocab = rdflib.Graph().parse(data=ttl, format="turtle")
    gaps = {
        "as_of": "2025-01-01",
        "rules": {
            "grid_without_branch": {
                "count": 1,
                "items": [
                    {
                        "id": "G2",
                        "name": "二网格",
                        "reason_zh": "无支部",
                        "reason_en": "no branch",
                        "fix": "x",
                    }
                ],
            }
        },
    }
    g = parse(export_text(data, "nt", gaps=gaps)[0], "nt")
    used = {str(t) for triple in g for t in triple if str(t).startswith(LJ)}
    used |= MAPPING.vocabulary_terms()
    label, comment = rdflib.RDFS.label, rdflib.RDFS.comment
    for term in sorted(used):
        ref = rdflib.URIRef(term)
        assert (ref, rdflib.RDF.type, None) in vocab, term
        for prop in (label, comment):
            langs = {o.language for o in vocab.objects(ref, prop)}
            assert {"zh", "en"} <= langs, (term, prop)


# ---------------------------------------------------------------- formats and parsers


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_parsers_read_the_same_triples(data, fmt):
    text, n = export_text(data, fmt)
    g = parse(text, fmt)
    assert len(g) == n
    assert len(ox_store(text, fmt)) == n
    assert isomorphic(g, parse(export_text(data, "nt")[0], "nt"))  # every format: one graph


def test_escaping_round_trips_in_every_format():
    names = {
        "R1": 'say "hi" \\ back',
        "R 2<x>": "line\nbreak\r\tand <angle> brackets",
        "区~3.": "非BMP 𠀀 😀 and \x01 control",
    }
    d = GraphData()
    for node_id, name in names.items():
        d.nodes[node_id] = ("Region", {"id": node_id, "name": name, "level": "grid"})
    for fmt in FORMATS:
        text, n = export_text(d, fmt)
        for g in (parse(text, fmt), ox_store(text, fmt)):
            found = {}
            for s, p, o in (
                g
                if isinstance(g, rdflib.Graph)
                else ((q.subject, q.predicate, q.object) for q in g)
            ):
                subject = str(getattr(s, "value", s))
                if str(getattr(p, "value", p)) == str(rdflib.RDFS.label) and "/region/" in subject:
                    found[subject.rsplit("/", 1)[-1]] = str(getattr(o, "value", o))
            assert sorted(found.values()) == sorted(names.values()), fmt
        back = roundtrip(text, fmt)
        assert {k: v[1]["name"] for k, v in back.nodes.items()} == names


# ---------------------------------------------------------------- SHACL


def test_export_conforms_to_the_shapes(data, tmp_path):
    path = tmp_path / "x.ttl"
    export_rdf(data, path, "ttl", base=BASE)
    result = validate_rdf(path)
    assert result.violations == []
    assert result.conforms


def test_sample_export_conforms(sample_data, tmp_path):
    path = tmp_path / "sample.ttl"
    n = export_rdf(sample_data, path, "ttl")
    result = validate_rdf(path)
    assert result.conforms, result.violations[:5]
    assert result.triples == n


def test_broken_graph_is_reported(data):
    g = parse(export_text(data, "nt")[0], "nt")
    b1, g2 = rdflib.URIRef(BASE + "building/B1"), rdflib.URIRef(BASE + "region/G2")
    lj = rdflib.Namespace(LJ)
    g.remove((b1, lj.inGrid, None))  # a building in no grid
    g.set(
        (g2, lj.regionLevel, rdflib.URIRef(LJC + "org_kind-branch"))
    )  # a level from another scheme
    o1 = rdflib.URIRef(BASE + "org/O1")
    g.set((o1, lj.termEnd, rdflib.Literal("soon")))  # not a date
    result = validate_graph(g)
    assert not result.conforms
    found = {(v.focus, v.path) for v in result.violations}
    assert any("building/B1" in f and "inGrid" in p for f, p in found)
    assert any("region/G2" in f and "regionLevel" in p for f, p in found)
    assert any("org/O1" in f and "termEnd" in p for f, p in found)
    assert all(v.message for v in result.violations)


def test_validate_rdf_command(data, tmp_path):
    good = tmp_path / "good.ttl"
    export_rdf(data, good, "ttl", base=BASE)
    result = CliRunner().invoke(app, ["validate-rdf", str(good)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        good.read_text("utf-8").replace("lj:inGrid region:G1", "lj:inGrid region:G1, building:B2"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["validate-rdf", str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert '"focus": "building:B1"' in result.output and '"path": "lj:inGrid"' in result.output
    missing = CliRunner().invoke(app, ["validate-rdf", str(tmp_path / "none.ttl")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output


# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize("fmt", FORMATS)
def test_members_are_pseudonymised_by_default(data, fmt):
    text, _ = export_text(data, fmt)
    for name in MEMBER_NAMES:
        assert name not in text
        assert name.replace('"', '\\"').replace("\\", "\\\\") not in text
    assert "1380000000" not in text  # an extra column on members (档案号) is personal too
    assert "birthYear" not in text and "homeLocation" not in text
    g = parse(text, fmt)
    labels = {
        str(o)
        for s in g.subjects(rdflib.RDF.type, rdflib.URIRef(LJ + "Member"))
        for o in g.objects(s, rdflib.RDFS.label)
    }
    assert labels == {pseudonym(m) for m in ("M1", "M2", "M3", "M4")}
    assert not any("/member/M" in str(s) for s in g.subjects())


def test_names_only_when_asked(ledger, tmp_path):
    out = tmp_path / "named.nt"
    result = CliRunner().invoke(
        app, ["export", "rdf", str(ledger), "--out", str(out), "--with-names"]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert '"张三丰"' in text and '"李\\"四\\""' in text and '"王\\\\五"' in text
    assert f"<{MAPPING.namespaces['lj']}birthYear>" in text
    assert (out.stat().st_mode & 0o777) == 0o600
    plain = tmp_path / "plain.nt"
    result = CliRunner().invoke(app, ["export", "rdf", str(ledger), "--out", str(plain)])
    assert result.exit_code == 0 and "pseudonymised" in result.output
    assert "张三丰" not in plain.read_text("utf-8")
