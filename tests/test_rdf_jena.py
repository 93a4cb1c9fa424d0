"""Apache Jena, an implementation nobody on the project wrote, checks the export:
``riot --validate`` on Turtle, N-Triples and JSON-LD (hostile ids included) and
``shacl validate`` with the project's shapes, which must agree with pySHACL — on the
export, on its RDFS closure, and on a broken graph. Jena is fetched from Maven Central
on the first run (``python -m lianjian.export.jena fetch``)."""

from __future__ import annotations

import shutil

import pytest
import rdflib

from lianjian.export.closure import rdfs_closure
from lianjian.export.gaps import gap_findings
from lianjian.export.jena import conforms, riot, shacl
from lianjian.export.validate import validate_graph
from tests.rdf_common import BASE, FORMATS, LJ, export_text, parse

pytestmark = pytest.mark.skipif(
    not (shutil.which("java") and shutil.which("mvn")), reason="Jena needs Java and Maven"
)


@pytest.fixture(scope="module")
def exports(data, sample_data, tmp_path_factory):
    """Files of the hostile test ledger and the sample, with gap findings, in every format."""
    tmp = tmp_path_factory.mktemp("jena")
    out = {}
    for name, d in (("hostile", data), ("sample", sample_data)):
        for fmt in FORMATS:
            path = tmp / f"{name}.{fmt}"
            text, _ = export_text(d, fmt, gaps=gap_findings(d))
            path.write_text(text, encoding="utf-8")
            out[(name, fmt)] = path
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["hostile", "sample"])
def test_riot_validates_every_format(exports, name, fmt):
    result = riot(exports[(name, fmt)])
    assert result.ok, result.stderr[-2000:]
    assert "ERROR" not in result.stderr and "WARN" not in result.stderr


def test_riot_finds_what_is_broken(tmp_path):
    bad = tmp_path / "bad.ttl"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    bad.write_text(f'<http://e/a> <http://e/b> "abc"^^<{xsd}integer> .\n', encoding="utf-8")
    result = riot(bad)  # a warning is enough to fail
    assert not result.ok and "not valid for datatype" in result.stderr


@pytest.mark.parametrize("name", ["hostile", "sample"])
def test_jena_shacl_agrees_with_pyshacl(exports, name, tmp_path):
    path = exports[(name, "ttl")]
    g = rdflib.Graph().parse(path, format="turtle")
    assert validate_graph(g).conforms
    assert conforms(shacl(path))
    closed = tmp_path / "closed.nt"  # after the RDFS closure with the shipped vocabularies
    rdfs_closure(g).serialize(closed, format="nt", encoding="utf-8")
    assert conforms(shacl(closed))


def test_jena_shacl_reports_a_violation_pyshacl_reports(data, tmp_path):
    g = parse(export_text(data, "nt")[0], "nt")
    b1 = rdflib.URIRef(BASE + "building/B1")
    g.remove((b1, rdflib.URIRef(LJ + "inGrid"), None))  # a building in no grid
    path = tmp_path / "broken.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    assert not validate_graph(g).conforms
    result = shacl(path)
    assert not conforms(result)
    assert "building/B1" in result.stdout and "inGrid" in result.stdout
