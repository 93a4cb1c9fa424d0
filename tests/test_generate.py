"""The ledger generator: deterministic bytes, the seeds' figures, clean loading in every
format and encoding, a gap for every rule, and the ``lianjian generate`` command."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianjian.cli.app import app
from lianjian.core.schema import SCHEMA
from lianjian.core.text import fold
from lianjian.generator.generate import generate, plan
from lianjian.generator.people import member_rows
from lianjian.generator.words import WRITTEN, headers, spelling, words
from lianjian.generator.write import HEADERS
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.loaders.ledger import TABLE_ORDER, header_index, load_ledger
from lianjian.loaders.values import parse_value
from lianjian.queries.catalogue import RULES
from lianjian.queries.gaps.find import find_gaps
from tests.ledgers import write_ledger

AS_OF = "2026-06-30"
TABLES = ("regions", "buildings", "units", "orgs", "members")
TABLES += ("needs", "resources", "projects", "services", "links")


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def rows(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def clean(data) -> list:
    """Problems that lost something: errors and warnings (notices lose nothing)."""
    return [p for p in data.report.problems if p.severity in ("error", "warning")]


def nodes_without_file(data) -> dict:
    return {
        k: (label, {x: y for x, y in props.items() if x != "ledger_file"})
        for k, (label, props) in data.nodes.items()
    }


@pytest.fixture(scope="module")
def jz(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("jz01")
    return out, generate(out, "jingzhou", scale=0.1, seed=5)


@pytest.fixture(scope="module")
def jz_data(jz):
    return load_ledger(jz[0])


@pytest.fixture(scope="module")
def jz_gaps(jz_data) -> dict:
    store = EmbeddedStore()
    store.write(jz_data)
    return find_gaps(store, AS_OF).to_dict()["rules"]


# ---------------------------------------------------------------- determinism


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts = generate(a, "nanqiao", scale=0.05, seed=3)
    assert generate(b, "nanqiao", scale=0.05, seed=3) == counts
    generate(c, "nanqiao", scale=0.05, seed=4)
    assert sorted(digest(a)) == [f"{t}.csv" for t in sorted(TABLES)]
    assert digest(a) == digest(b)
    assert digest(a)["members.csv"] != digest(c)["members.csv"]
    assert digest(a)["orgs.csv"] != digest(c)["orgs.csv"]


def test_workbook_bytes_are_deterministic(tmp_path):
    generate(tmp_path / "a", "shuangtaizi", scale=0.02, seed=1, xlsx=True)
    generate(tmp_path / "b", "shuangtaizi", scale=0.02, seed=1, xlsx=True)
    assert list(digest(tmp_path / "a")) == ["ledger.xlsx"]
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_counts_are_returned_per_table_and_match_the_files(jz, jz_data):
    out, counts = jz
    assert list(counts) == list(TABLES)
    for table in TABLES:
        assert len(rows(out, table)) == counts[table], table
    assert jz_data.report.totals == (sum(counts.values()), sum(counts.values()), 0)
    assert clean(jz_data) == []


# ---------------------------------------------------------------- figures


def test_jingzhou_tenth_follows_the_seed_figures(jz):
    out, counts = jz
    levels = Counter(r["层级"] for r in rows(out, "regions"))
    communities = levels["社区"] + levels["村"]
    assert levels["区"] + levels["县"] + levels["市"] == 1
    assert communities == 37  # 370 × 0.1
    assert 7 <= communities / (levels["街道"] + levels["乡镇"]) <= 15
    assert 7 * communities <= levels["网格"] <= 13 * communities  # ~10 grids a community
    assert communities <= levels["小区"] <= 4 * communities
    assert 20 * communities <= counts["buildings"] <= 40 * communities
    assert counts["units"] == 71  # 707 × 0.1
    assert counts["members"] == pytest.approx(7000, rel=0.05)
    members = rows(out, "members")
    status = Counter(m["党员状态"] for m in members)
    assert 0.02 <= status["预备党员"] / len(members) <= 0.08
    assert Counter(m["类别"] for m in members)["在职"] / len(members) == pytest.approx(
        0.65, abs=0.1
    )
    orgs = Counter(r["类型"] for r in rows(out, "orgs"))
    assert orgs["大党委"] >= 12  # 116+ big committees at scale 1
    assert orgs["功能型党组织"] == pytest.approx(99, rel=0.3)  # 991 functional organisations
    ratings = [r["评定等级"] for r in rows(out, "orgs") if r["评定等级"]]
    weak = sum(r in ("较差", "软弱涣散", "1", "2") for r in ratings)
    assert 0.05 <= weak / len(ratings) <= 0.15
    kinds = Counter(r["类型"] for r in rows(out, "units"))
    assert set(kinds) >= {"机关", "事业单位", "国有企业", "非公企业", "社会组织", "物业企业"}


def test_shuangtaizi_grid_groups_property_coverage_and_temporary_branches(tmp_path):
    generate(tmp_path, "shuangtaizi", scale=0.5, seed=2)
    regions = rows(tmp_path, "regions")
    levels = Counter(r["层级"] for r in regions)
    assert (levels["社区"], levels["村"]) == (17, 9)  # 33 communities and 18 villages × 0.5
    grids = {r["编号"] for r in regions if r["层级"] == "网格"}
    orgs = rows(tmp_path, "orgs")
    grouped = {r["覆盖范围"] for r in orgs if r["类型"] == "党小组"}
    assert grids <= grouped  # a party group on every grid
    assert Counter(r["类型"] for r in orgs)["临时党支部"] == 26  # 51 × 0.5
    units = rows(tmp_path, "units")
    assert Counter(u["类型"] for u in units)["物业企业"] == 12  # 24 × 0.5
    store = EmbeddedStore()
    store.write(load_ledger(tmp_path))
    assert find_gaps(store, AS_OF).to_dict()["rules"]["property_without_party_work"]["count"] == 0


def test_nanqiao_contacts_and_reporting_members():
    w = plan("nanqiao", scale=1, seed=0)
    contacts = [(s, t) for s, t, kind, *_ in w.links if kind == "包保联系"]
    assert len({s for s, _ in contacts}) == 54  # 54 units contact 366 grids
    assert len({t for _, t in contacts}) == pytest.approx(366, rel=0.1)
    compounds = {x for c in w.communities for x in c.compounds}
    compound_branches = [
        o for o in w.orgs if o.kind == "branch" and o.covers and o.covers[0] in compounds
    ]
    assert len(compound_branches) == pytest.approx(84, rel=0.15)  # 84 compound branches
    for seed in (
        0,
        1,
        2,
    ):  # 1,100+ employed members report to their community (the jingzhou profile)
        rows = list(member_rows(plan("nanqiao", scale=1, seed=seed)))
        employed = sum(1 for m in rows if m[6] == "在职")
        reporting = sum(1 for m in rows if m[6] == "在职" and m[10])
        assert reporting >= 1100, (seed, reporting)
        # drawn at the profile's rate among those with a home community to report to
        assert reporting <= w.p.report_rate * employed, (seed, reporting, employed)


def test_tiny_scale_keeps_one_of_each_level(tmp_path):
    counts = generate(tmp_path, "jingzhou", scale=0.001, seed=0)
    levels = Counter(r["层级"] for r in rows(tmp_path, "regions"))
    assert levels["区"] + levels["县"] + levels["市"] == 1
    assert levels["街道"] + levels["乡镇"] == 1
    assert levels["社区"] + levels["村"] == 1
    assert counts["members"] >= 1 and counts["units"] >= 1
    assert load_ledger(tmp_path).report.totals[2] == 0


# ---------------------------------------------------------------- loading


@pytest.mark.parametrize(("profile", "seed"), [("nanqiao", 1), ("shuangtaizi", 2), ("jingzhou", 3)])
def test_generated_ledger_loads_cleanly(tmp_path, profile, seed):
    counts = generate(tmp_path, profile, scale=0.05, seed=seed)
    data = load_ledger(tmp_path)
    rows_in, loaded, rejected = data.report.totals
    assert rows_in == sum(counts.values())
    assert (loaded, rejected) == (rows_in, 0)
    assert clean(data) == []
    assert data.stats().nodes["Member"] == counts["members"]


def test_ids_stay_strings_with_leading_zeros(jz_data):
    units = [k for k, (label, _) in jz_data.nodes.items() if label == "Unit"]
    assert "000001" in units
    assert all(u.startswith("0") and len(u) == 6 for u in units)


def test_workbook_loads_like_the_csv_files(tmp_path):
    generate(tmp_path / "csv", "nanqiao", scale=0.05, seed=7)
    generate(tmp_path / "xlsx", "nanqiao", scale=0.05, seed=7, xlsx=True)
    a, b = load_ledger(tmp_path / "csv"), load_ledger(tmp_path / "xlsx")
    assert clean(b) == []
    assert a.report.totals == b.report.totals
    assert a.stats() == b.stats()
    assert nodes_without_file(a) == nodes_without_file(b)


def test_gb18030_loads_like_utf8(tmp_path):
    generate(tmp_path / "u", "jingzhou", scale=0.02, seed=9)
    generate(tmp_path / "g", "jingzhou", scale=0.02, seed=9, encoding="gb18030")
    raw = (tmp_path / "g" / "regions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "编号".encode("gb18030") in raw
    assert (tmp_path / "u" / "regions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    a, b = load_ledger(tmp_path / "u"), load_ledger(tmp_path / "g")
    assert clean(b) == []
    assert nodes_without_file(a) == nodes_without_file(b)
    assert a.stats() == b.stats()


# ---------------------------------------------------------------- gaps


@pytest.mark.parametrize("rule", list(RULES))
def test_every_gap_rule_fires_on_a_jingzhou_tenth(jz_gaps, rule):
    assert jz_gaps[rule]["count"] > 0


def test_gaps_stay_modest(jz, jz_gaps):
    """Planted gaps are the exception: most grids, buildings and units are covered."""
    out, counts = jz
    levels = Counter(r["层级"] for r in rows(out, "regions"))
    assert jz_gaps["grid_without_branch"]["count"] < 0.1 * levels["网格"]
    assert jz_gaps["compound_without_org"]["count"] < 0.15 * levels["小区"]
    assert jz_gaps["building_without_group"]["count"] < 0.2 * counts["buildings"]
    assert jz_gaps["unit_needs_own_org"]["count"] < 0.15 * counts["units"]
    assert jz_gaps["community_without_big_committee"]["count"] < 0.6 * 37


# ---------------------------------------------------------------- errors and CLI


def test_bad_arguments_raise_value_errors(tmp_path):
    with pytest.raises(ValueError, match="unknown profile 'beijing'"):
        generate(tmp_path / "a", "beijing")
    with pytest.raises(ValueError, match="unknown encoding 'latin-1'"):
        generate(tmp_path / "a", encoding="latin-1")
    with pytest.raises(ValueError, match="scale must be a positive"):
        generate(tmp_path / "a", scale=0)
    assert not (tmp_path / "a").exists()


def test_a_folder_with_another_ledger_is_refused(tmp_path):
    write_ledger(tmp_path, {"old": [["编号"], ["1"]]})
    with pytest.raises(ValueError, match="other ledger files"):
        generate(tmp_path, "nanqiao", scale=0.02)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]


def test_cli_generate_writes_a_loadable_ledger(tmp_path):
    out = tmp_path / "led"
    args = ["generate", str(out), "--profile", "shuangtaizi", "--scale", "0.02", "--seed", "4"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "members" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    assert load_ledger(out).report.totals[2] == 0
    result = CliRunner().invoke(app, [*args[:2], "--xlsx", "--scale", "0.02"])
    assert result.exit_code == 2  # the CSV ledger already there would load alongside
    assert "other ledger files" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--profile", "beijing"], "beijing"), (["--encoding", "latin-1"], "unknown encoding")],
)
def test_cli_bad_profile_or_encoding_exits_2(tmp_path, extra, message):
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "x"), "--scale", "0.02", *extra])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------- schema-derived words

# Spellings the generator writes that are not a value's Chinese name: each must be an
# alias of that value in the schema.
OTHER_SPELLINGS = {
    ("building_kind", "住宅"): "residential",
    ("region_level", "区"): "district",
    ("region_level", "县"): "district",
    ("region_level", "市"): "district",
    ("region_level", "乡镇"): "street",
    ("region_level", "村"): "community",
    ("link_kind", "结对共建"): "joint_build",
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, list[list[str]]]:
    out = tmp_path_factory.mktemp("words")
    generate(out, "shuangtaizi", scale=0.1, seed=11)
    read = {}
    for table in TABLES:
        with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            read[table] = list(csv.reader(f))
    return read


def test_every_header_written_is_a_schema_header_in_schema_order(tables):
    index = header_index(SCHEMA)
    assert TABLES == tuple(SCHEMA.tables) == TABLE_ORDER == tuple(HEADERS)
    for table in TABLES:
        header = tables[table][0]
        known = [h for h in header if fold(h) in index[table]]
        props = SCHEMA.table_properties(table)
        assert known == [props[n].zh for n in WRITTEN[table]], table
        in_order = [n for n in props if n in WRITTEN[table]]  # schema order, none twice
        assert [index[table][fold(h)] for h in known] == in_order
        assert header[len(known) :] == (["统一社会信用代码"] if table == "units" else [])
    assert "统一社会信用代码" not in index["units"]  # kept as an unknown column


def test_every_chinese_value_written_is_the_schema_name_or_a_schema_alias(tables):
    written: set[tuple[str, str]] = set()
    for table in TABLES:
        header, *body = tables[table]
        props = {p.zh: p for p in SCHEMA.table_properties(table).values()}
        for col, h in enumerate(header):
            p = props.get(h)
            if p is None or p.enum is None:
                continue
            for row in body:
                items = row[col].split("、") if p.type == "list" else [row[col]]
                for text in filter(None, items):
                    written.add((p.enum, text))
    assert written, "no enumeration values read"
    for enum, text in written:
        value = SCHEMA.enum_value(enum, text)
        assert value is not None, (enum, text)
        if enum == "rating" and text.isdigit():
            continue  # ratings are also written as the digit
        expected = OTHER_SPELLINGS.get((enum, text))
        if expected is None:
            assert text == SCHEMA.enum_label(enum, value), (enum, text)
        else:
            assert value == expected, (enum, text)
    for enum in ("org_kind", "unit_kind", "member_category", "education", "member_status"):
        assert any(e == enum for e, _ in written), enum
    assert ("building_kind", "住宅") in written and ("region_level", "村") in written


def test_has_committee_is_written_as_a_yes_no_the_loaders_read(tables):
    header, *body = tables["orgs"]
    col = header.index(SCHEMA.nodes["PartyOrg"].properties["has_committee"].zh)
    assert {r[col] for r in body} == {"是", "否", ""}
    assert parse_value("是", SCHEMA.nodes["PartyOrg"].properties["has_committee"]) is True


def test_words_refuse_a_spelling_or_column_the_schema_does_not_have():
    assert words("link_kind", joint_build="结对共建")["joint_build"] == "结对共建"
    assert words("link_kind")["joint_build"] == SCHEMA.enums["link_kind"]["joint_build"].zh
    with pytest.raises(ValueError, match="no alias"):
        spelling("building_kind", "residential", "商务楼宇")
    with pytest.raises(ValueError, match="no alias"):
        words("region_level", community="街道")
    with pytest.raises(ValueError, match="column of units already"):
        headers("units", "Declared full members")
    assert headers("units", "统一社会信用代码")[-1] == "统一社会信用代码"


def test_no_generated_link_ends_before_it_starts():
    """A link's dates are drawn apart; the generator orders them, so no link it writes
    ends before it starts (the loader would reject such a row)."""
    w = plan("jingzhou", 0.2, 3)
    dated = [(since, until) for _, _, _, since, until, _ in w.links if since and until]
    assert len(dated) > 50  # expired seats, pairings and guidance: many links carry both
    assert [(s, u) for s, u in dated if u < s] == []
