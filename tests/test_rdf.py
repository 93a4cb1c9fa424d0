"""RDF export, SHACL validation and import: two parsers agree, the shapes hold,
members stay pseudonymised, IRIs are stable, and the round trip is lossless."""

from __future__ import annotations

import io
from collections import Counter
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
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
from lianjian.export.rdf_import import read_rdf
from lianjian.export.validate import validate_graph, validate_rdf
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import load_ledger
from lianjian.queries.gaps.find import find_gaps
from tests.ledgers import write_ledger

FORMATS = ("ttl", "nt", "jsonld")
OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
BASE = "https://data.example.org/jz/"
LJ, LJC = MAPPING.namespaces["lj"], MAPPING.namespaces["ljc"]
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


# A small ledger with the hard cases: quotes, backslashes, <>, a non-BMP character
# and a space in names and ids, an extra column with personal data, every link kind.
LEDGER = {
    "regions.csv": '''id,name,level,parent,备注
D1,荆州区,district,,
S1,胜利街道,street,D1,
C1,"幸福""社区""",community,S1,
C2,和平社区 <东>,community,S1,
P1,阳光小区,compound,C1,
G1,一网格,grid,C1,重点网格
G2,二网格 \\ 反斜杠,grid,C1,
G3,三网格 𠀀,grid,C2,
G 4,四网格,grid,C2,
''',
    "buildings.csv": """id,name,kind,grid,compound,households,lat,lon
B1,1号楼,residential,G1,P1,48,30.35,112.19
B2,万达广场,commercial,G2,,,,
B3,3号楼,residential,G3,,12,,
""",
    "units.csv": """id,name,kind,location,party_members
U1,某科技公司,private,B2,2
U2,红色物业,property,G1,
U3,税务局,agency,C2,12
""",
    "orgs.csv": """id,name,kind,parent,unit,covers,founded,term_end,rating,has_committee,secretary
O1,胜利街道党工委,working_committee,,,S1,2019-03-01,2027-01-01,5,是,M1
O2,幸福社区党委,committee,O1,,C1,,,4,,
O3,一网格党支部,branch,O2,,G1,,2023-06-30,1,否,M2
O4,联合党支部,joint_branch,O2,,U1;U3,,,,,
O5,和平社区大党委,big_committee,O1,,C2,,,,,
O6,1号楼党小组,group,O3,,B1,,,,,
O7,税务局党支部,branch,O1,U3,G3,,,,,
""",
    "members.csv": '''id,name,gender,birth_year,education,status,category,org,unit,home,reported_to,assigned_grid,roles,联系电话
M1,张三丰,男,1970,本科,正式党员,在职,O1,U3,B1,C1,G1,党建指导员,13800000001
M2,"李""四""",女,1985,大专,正式党员,在职,O3,U1,B1,C1,G2,楼栋长;网格员,13800000002
M3,王\\五,男,1992,研究生,预备党员,流动,O4,U1,B3,C2,,,
M4,赵六六,女,1950,高中,正式党员,离退休,O3,,B3,,,,
''',
    "links.csv": """source,target,kind,since,until,note,负责人
O1,O3,strong_leads_weak,2024-01-01,,以强带弱,书记
O2,O5,joint_build,2023-05-01,2025-01-01,,
O2,O5,joint_build,2024-05-01,,,
U3,G2,contact,,,,
U2,P1,manages,,,,
U3,O4,guides,,,,
M1,U1,guides,,,,
U1,O5,seat,,,,
U3,O5,seat,2022-01-01,,,
""",
}
MEMBER_NAMES = ("张三丰", '李"四"', "王\\五", "赵六六")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    tables = {Path(name).stem: text for name, text in LEDGER.items()}
    return write_ledger(tmp_path_factory.mktemp("rdf_ledger"), tables)


@pytest.fixture(scope="module")
def data(ledger) -> GraphData:
    d = load_ledger(ledger)
    assert d.report.totals[2] == 0, d.report.sorted_problems()
    return d


def export_text(data: GraphData, fmt: str, **kw) -> tuple[str, int]:
    buf = io.StringIO()
    n = export_rdf(data, buf, fmt, base=kw.pop("base", BASE), **kw)
    return buf.getvalue(), n


def parse(text: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=RDFLIB[fmt])


def ox_store(text: str, fmt: str) -> ox.Store:
    store = ox.Store()
    store.load(text.encode("utf-8"), format=OX[fmt])
    return store


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
            "households: {type: int, zh: 户数, en: Households, rdf: lj:households}",
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
                if str(getattr(p, "value", p)) == str(rdflib.RDFS.label):
                    found[str(getattr(s, "value", s)).rsplit("/", 1)[-1]] = str(
                        getattr(o, "value", o)
                    )
            assert sorted(found.values()) == sorted(names.values()), fmt
        back = _roundtrip(text, fmt)
        assert {k: v[1]["name"] for k, v in back.nodes.items()} == names


def _roundtrip(text: str, fmt: str) -> GraphData:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x.{fmt}"
        path.write_text(text, encoding="utf-8")
        return read_rdf(path)


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
    assert "1380000000" not in text  # an extra column on members is personal too
    assert "birthYear" not in text and "basedAt" not in text
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


# ---------------------------------------------------------------- stable IRIs, round trip


def test_iris_are_stable_across_runs(ledger, tmp_path):
    texts = []
    for i in range(2):
        out = tmp_path / f"run{i}.ttl"
        result = CliRunner().invoke(
            app, ["export", "rdf", str(ledger), "--out", str(out), "--base-iri", BASE]
        )
        assert result.exit_code == 0, result.output
        texts.append(out.read_text("utf-8"))
    assert texts[0] == texts[1]
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
    back = _roundtrip(text, fmt)
    again, _ = export_text(back, fmt, with_names=with_names)
    assert isomorphic(parse(text, fmt), parse(again, fmt))
    expected = data.stats().to_dict()
    if not with_names:
        expected["relationships"].pop("LIVES_IN")
    assert back.stats().to_dict() == expected
    assert back.report.problems == []  # every predicate of the export is understood


def test_import_gives_back_the_graph_model(data):
    back = _roundtrip(export_text(data, "ttl", with_names=True)[0], "ttl")
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
    """Rule ``grid_without_branch`` (RULES.md) computed straight from the graph model."""
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
