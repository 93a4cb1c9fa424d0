"""Name matching keys and member pseudonyms."""

from __future__ import annotations

import re
import stat

import pytest

from lianjian.core.privacy import expected_collisions, member_label, pseudonym
from lianjian.core.text import fold, initials, name_key, pinyin


@pytest.mark.parametrize(
    "a, b",
    [
        ("中共胜利街道工作委员会", "胜利街道党工委"),
        ("中國共產黨東方社區委員會", "东方社区党委"),
        ("东方社区党总支部委员会", "东方社区党总支"),
        ("（一）网格党支部", "(一)网格支部委员会"),
        ("ＡＢＣ大厦党支部", "abc大厦党支部"),
        ("規(guī)律社区", "规律社区"),
    ],
)
def test_name_key_variants_match(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_keeps_different_names_apart():
    assert name_key("东方社区党委") != name_key("西方社区党委")


def test_fold_headers():
    assert fold(" ＩＤ ") == "id"
    assert fold("上級編號") == "上级编号"


def test_pinyin_and_initials():
    assert pinyin("勝利街道") == "shenglijiedao"
    assert initials("胜利街道") == "sljd"


def test_pseudonyms_stable_keyed_and_hiding_names(monkeypatch):
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "key-one")
    a = pseudonym("M001")
    assert a == pseudonym("M001") and re.fullmatch(r"党员-[0-9a-f]{4}(-[0-9a-f]{4}){3}", a)
    assert a != pseudonym("M002")
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "key-two")
    assert pseudonym("M001") != a
    assert member_label("M001", "张三") == pseudonym("M001")
    assert member_label("M001", "张三", with_names=True) == "张三"


def test_pseudonyms_are_long_enough_for_a_province(monkeypatch):
    """64 bits: among 7 million members about 1e-6 pairs are expected to share a
    pseudonym (the birthday bound), where the former 32 bits gave thousands; and no two of
    200,000 members do here, where 32 bits make a collision all but certain (e^-4.7)."""
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY", "key-one")
    bits = 4 * len(pseudonym("M001").removeprefix("党员-").replace("-", ""))
    assert bits >= 64
    assert expected_collisions(7_000_000, bits) < 2e-6
    assert f"{expected_collisions(7_000_000, 64):.2g}" == "1.3e-06"
    assert expected_collisions(7_000_000, 32) > 5000
    members = 200_000
    assert len({pseudonym(f"M{i:07d}") for i in range(members)}) == members


def test_key_file_created_private(monkeypatch, tmp_path):
    monkeypatch.delenv("LIANJIAN_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "k" / "pseudonym.key"
    monkeypatch.setenv("LIANJIAN_PSEUDONYM_KEY_FILE", str(path))
    first = pseudonym("M001")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pseudonym("M001") == first
