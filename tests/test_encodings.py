"""Encodings decided per file (never a decoding that merely raises no error), and row
numbers as a spreadsheet shows them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from opencc import OpenCC

from lianjian.core.schema import SCHEMA
from lianjian.loaders import encoding
from lianjian.loaders.encoding import (
    BIG5,
    GB18030,
    MARGIN,
    PLAUSIBLE,
    decode,
    detect_encoding,
    plausibility,
)
from lianjian.loaders.ledger import header_index, load_ledger
from lianjian.loaders.read import _header_hits

SAMPLE = Path(__file__).parent.parent / "data" / "sample"
TRADITIONAL = OpenCC("s2t")
HEADERS = set().union(*header_index(SCHEMA).values())  # every table's, as the loader knows them


def header_hits(text: str) -> int:
    return _header_hits(text, HEADERS)


def sample_tables() -> dict[str, tuple[str, list[str]]]:
    """The sample ledger's tables as header and data lines (units.csv is GBK already)."""
    out = {}
    for f in sorted(SAMPLE.glob("*.csv")):
        text = f.read_bytes().decode(detect_encoding(f.read_bytes()))
        head, *rows = text.lstrip("\ufeff").splitlines()
        out[f.stem] = head, rows
    return out


def legacy_forms(text: str) -> list[tuple[bytes, str]]:
    """The text as GBK, and in Traditional script as Big5, with the codec that is right."""
    return [
        (text.encode("gbk", "ignore"), GB18030),
        (TRADITIONAL.convert(text).encode("big5", "ignore"), BIG5),
    ]


def load_files(tmp_path: Path, files: dict[str, bytes]):
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
    return load_ledger(tmp_path)


def shown(data, file: str) -> list[tuple[int | None, str]]:
    return [(p.row, p.reason) for p in data.report.sorted_problems() if p.file == file]


# ---------------------------------------------------------------- GB18030 or Big5


def test_plausibility_separates_right_and_wrong_decodings_of_ten_rows():
    """The measure the choice rests on: on any ten rows of the sample ledger, right
    decodings score 0.9 or more, wrong ones (GBK read as Big5, Big5 read as GB18030)
    less than ``PLAUSIBLE`` and by more than ``MARGIN`` below (0.61 at most)."""
    right, wrong = [], []
    for _, rows in sample_tables().values():
        for i in range(max(1, len(rows) - 9)):
            for data, codec in legacy_forms("\n".join(rows[i : i + 10])):
                for other in (GB18030, BIG5):
                    try:
                        score = plausibility(data.decode(other))
                    except UnicodeDecodeError:
                        continue
                    if score is not None:
                        (right if other == codec else wrong).append(score)
    assert len(right) > 50 and len(wrong) > 50
    assert min(right) >= 0.9
    assert max(wrong) < PLAUSIBLE and min(right) - max(wrong) > MARGIN


def test_no_short_file_is_ever_read_in_the_wrong_legacy_encoding():
    """Every sample row alone under its header, as GBK and as Big5: decoded right, or
    (a short file under an ASCII header only) refused; never garbage."""
    refused = set()
    for table, (head, rows) in sample_tables().items():
        for row in rows:
            for data, codec in legacy_forms(f"{head}\n{row}\n"):
                d = decode(data, header_hits)
                if d.text is None:
                    assert d.refused == "cannot tell whether it is GB18030 or Big5 text"
                    refused.add(table)
                else:
                    assert d.encoding in (codec, "utf-8"), (table, row)
    assert refused <= {"links"}  # its header is ASCII: the short rows alone cannot tell


def test_the_header_decides_where_the_text_is_too_short_to_tell():
    data = "编号,名称,层级,上级编号\nSS0101G02,红门路社区第二网格,网格,SS0101\n".encode("gbk")
    assert decode(data).refused == "cannot tell whether it is GB18030 or Big5 text"
    d = decode(data, header_hits)
    assert d.encoding == GB18030 and "红门路社区第二网格" in d.text


def test_big5_is_read_as_big5_not_as_the_gb18030_it_also_decodes_as(tmp_path):
    body = "編號,名稱,層級,上級編號\nR1,沙市區,區,\nR2,勝利街道,街道,R1\n".encode("big5")
    body.decode("gb18030")  # the trap: no error, garbage text
    data = load_files(tmp_path, {"regions.csv": body})
    assert data.report.problems == []
    assert [p["name"] for _, p in data.nodes.values()] == ["沙市區", "勝利街道"]


def test_a_short_file_that_could_be_either_is_refused_by_name(tmp_path):
    links = "source,target,kind,since\nP16,P03,联建共建,2023-05-01\n".encode("gbk")
    regions = "id,name,level\nR1,沙市区,district\n".encode()
    data = load_files(tmp_path, {"links.csv": links, "regions.csv": regions})
    assert shown(data, "links.csv") == [
        (
            1,
            "cannot tell whether it is GB18030 or Big5 text: all its rows rejected; "
            "save it as UTF-8",
        )
    ]
    assert data.report.totals == (2, 1, 1)


def test_a_refused_file_counts_its_records_not_its_lines(tmp_path):
    body = 'id,name,kind\nU1,"Bäckerei\nMüller",company\nU2,Café,company\n'.encode("cp1252")
    regions = "id,name,level\nR1,沙市区,district\n".encode()
    data = load_files(tmp_path, {"units.csv": body, "regions.csv": regions})
    assert shown(data, "units.csv") == [
        (1, "not text in UTF-8, GB18030 or Big5: all its rows rejected; save it as UTF-8")
    ]
    assert data.report.rejected["units.csv"] == 2


# ---------------------------------------------------------------- mixed files


def test_a_utf8_line_in_a_gbk_file_is_rejected_never_read_as_garbage(tmp_path):
    body = (
        "编号,名称,层级,上级编号\nR1,沙市区,区,\n".encode("gbk") + "R2,胜利街道,街道,R1\n".encode()
    )
    assert "鑳滃埄琛楅亾" in body.decode("gb18030")  # what a decoder alone makes of it
    data = load_files(tmp_path, {"regions.csv": body})
    assert shown(data, "regions.csv") == [
        (
            None,
            "mixes UTF-8 and GB18030 lines (1 UTF-8, 2 GB18030): read as GB18030, "
            "each UTF-8 row rejected; save it as UTF-8",
        ),
        (3, "a UTF-8 line in a file read as GB18030"),
    ]
    assert [p["name"] for _, p in data.nodes.values()] == ["沙市区"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_gbk_line_in_a_utf8_file_is_rejected(tmp_path, bom):
    body = (
        bom
        + "编号,名称,层级,上级编号\nR1,沙市区,区,\n".encode()
        + "R2,东方社区,社区,R1\n".encode("gbk")
        + "R3,胜利街道,街道,R1\n".encode()
    )
    data = load_files(tmp_path, {"regions.csv": body})
    assert shown(data, "regions.csv")[1:] == [(3, "a GB18030 line in a file read as UTF-8")]
    assert [p["name"] for _, p in data.nodes.values()] == ["沙市区", "胜利街道"]


def test_a_line_in_no_encoding_is_rejected_by_its_row(tmp_path):
    body = "编号,名称,层级,上级编号\nR1,沙市区,区,\n".encode("gbk") + b"R2,\xff\xfe,x,R1\n"
    data = load_files(tmp_path, {"regions.csv": body})
    assert shown(data, "regions.csv") == [
        (None, "read as GB18030; 1 line(s) hold bytes that are not GB18030"),
        (3, "undecodable bytes (file read as GB18030)"),
    ]


# ---------------------------------------------------------------- UTF-16


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(tmp_path, codec):
    # 一 is U+4E00: a NUL in the other byte of its code unit
    text = "编号,名称,层级,上级编号\r\nR1,一一一一,区,\r\nR2,一一,街道,R1\r\n"
    assert detect_encoding(text.encode(codec)) == codec
    data = load_files(tmp_path, {"regions.csv": text.encode(codec)})
    assert data.report.problems == []
    assert [p["name"] for _, p in data.nodes.values()] == ["一一一一", "一一"]


def test_nul_bytes_that_are_not_utf16_are_still_binary():
    assert decode(b"id,name\n\x00\x00\x01\x02" * 40).refused == (
        "not a text CSV file (binary content)"
    )
    assert decode("id,name\n".encode("utf-16-le") + b"\x00\xd8").text is None  # odd length


# ---------------------------------------------------------------- row numbers


def test_rows_are_numbered_as_a_spreadsheet_shows_them_after_a_quoted_line_break(tmp_path):
    body = 'id,name,level,parent\nR1,"沙市\n区",district,\nR2,胜利街道,street,R404\n'
    data = load_files(tmp_path, {"regions.csv": body.encode()})
    assert shown(data, "regions.csv") == [
        (3, "reference to a missing ID R404: relationship dropped")
    ]
    assert data.nodes["R2"][1]["ledger_row"] == 3
    # as a spreadsheet opens it: three rows, R2 on the third
    assert [r[0] for r in csv.reader(body.splitlines(keepends=True))] == ["id", "R1", "R2"]


def test_undecodable_lines_are_numbered_like_the_rows_after_bare_carriage_returns(tmp_path):
    # old Mac line ends: the file has no \n at all, its lines end with \r
    body = (
        "编号,名称,层级,上级编号\r".encode("gbk")
        + 'R1,"沙市\r区",区,\r'.encode("gbk")
        + b"R2,\xff\xfe,x,R1\r"
        + "R3,胜利街道,街道,R1\r".encode("gbk")
    )
    data = load_files(tmp_path, {"regions.csv": body})
    assert shown(data, "regions.csv")[1:] == [(3, "undecodable bytes (file read as GB18030)")]
    assert {k: p["ledger_row"] for k, (_, p) in data.nodes.items()} == {"R1": 2, "R3": 4}


def test_lines_split_a_chunk_at_a_time_are_the_files_lines(monkeypatch):
    """The survey splits large files in chunks: no line is cut or merged at a boundary."""
    monkeypatch.setattr(encoding, "CHUNK", 3)
    for data in (b"ab\r\ncd\ref\n\ngh", b"\r\n\r\n\r\r\n", b"abcdefgh\r\nij", b"a\rb\r\nc"):
        for keepends in (False, True):
            assert list(encoding._lines(data, keepends)) == data.splitlines(keepends)
    big = (
        "编号,名称,层级,上级编号\r\nR1,沙市区,区,\r\n".encode("gbk")
        + "R2,胜利街道,街道,R1\r\n".encode()
    )
    assert decode(big).bad == {3: "a UTF-8 line in a file read as GB18030"}
