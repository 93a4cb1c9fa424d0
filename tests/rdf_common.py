"""The RDF tests' shared ledger (the hard cases: quotes, backslashes, <>, a non-BMP
character, every link kind), its fixtures and the export and parse helpers."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from lianjian.core.model import GraphData
from lianjian.export.mapping import MAPPING
from lianjian.export.rdf import export_rdf
from lianjian.export.rdf_import import read_rdf
from lianjian.loaders.ledger import load_ledger
from tests.ledgers import write_ledger

FORMATS = ("ttl", "nt", "jsonld")
OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
BASE = "https://data.example.org/jz/"
LJ, LJC = MAPPING.namespaces["lj"], MAPPING.namespaces["ljc"]
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
# The time of every test export: an export records its time, so two exports compared
# triple by triple share one.
TIME = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


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
    "members.csv": '''id,name,gender,birth_year,education,status,category,org,unit,home,reported_to,assigned_grid,roles,档案号
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
    n = export_rdf(data, buf, fmt, base=kw.pop("base", BASE), time=kw.pop("time", TIME), **kw)
    return buf.getvalue(), n


def parse(text: str, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=text, format=RDFLIB[fmt])


def ox_store(text: str, fmt: str) -> ox.Store:
    store = ox.Store()
    store.load(text.encode("utf-8"), format=OX[fmt])
    return store


def roundtrip(text: str, fmt: str) -> GraphData:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x.{fmt}"
        path.write_text(text, encoding="utf-8")
        return read_rdf(path)
