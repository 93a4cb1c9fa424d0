"""Text folding for matching: headers, enumeration aliases and names.

Ledgers arrive in Simplified or Traditional script, with full-width or half-width
forms, and official names in several variants (中国共产党…委员会 / 中共…党委).
Matching must not care which, so every comparison goes through these keys.

>>> fold(" ＩＤ ")
'id'
>>> name_key("中共勝利街道委員會") == name_key("胜利街道党委")
True
>>> initials("胜利街道")
'sljd'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["fold", "name_key", "naming", "to_simplified", "pinyin", "initials", "search_keys"]

_SPACE = re.compile(r"\s+")
# Punctuation and symbols dropped from name keys (after NFKC, so ASCII forms).
_PUNCT = re.compile(
    r"[\s\-_.,;:!?'\"()\[\]{}<>/\\|·•。，、；：！？“”‘’（）【】《》〈〉「」『』—…~`@#$%^&*+=]+"
)


@lru_cache(maxsize=1)
def naming() -> dict:
    """lianjian/core/naming.yaml: naming patterns, variant characters, name scopes."""
    return yaml.safe_load(
        resources.files("lianjian.core").joinpath("naming.yaml").read_text("utf-8")
    )


@lru_cache(maxsize=1)
def _org_patterns() -> tuple[tuple[str, str], ...]:
    """Official-name variants in the order applied: each long form → its short form."""
    return tuple((old, new or "") for old, new in naming()["org_patterns"])


@lru_cache(maxsize=1)
def _variant_table() -> dict[int, str]:
    return {ord(k): v for k, v in naming()["variants"].items()}


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    """OpenCC's Traditional → Simplified character table, as a ``str.translate`` map.

    Character-level conversion (no phrase tables) is enough for a matching key
    and is thousands of times faster than phrase segmentation.
    """
    path = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    table: dict[int, str] = {}
    for line in path.read_text("utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if len(trad) == 1 and simp:
            table[ord(trad)] = simp.split()[0]
    return table


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (characters already simplified are kept)."""
    if text.isascii():
        return text
    return text.translate(_t2s_table())


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Key for headers and enumeration values: width, case, script and spaces ignored."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _SPACE.sub("", to_simplified(t))


def _strip_pinyin_glosses(text: str) -> str:
    # Some sources paste pinyin after characters: 規(guī)律 → 規律.
    return re.sub(r"\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+)\)", "", text)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Search key of an entity name: script, width, variant characters, punctuation and the
    official naming patterns of lianjian/core/naming.yaml folded."""
    t = unicodedata.normalize("NFKC", str(name)).lower()
    t = to_simplified(_strip_pinyin_glosses(t)).translate(_variant_table())
    t = _PUNCT.sub("", t)
    for old, new in _org_patterns():
        t = t.replace(old, new)
    return t


@lru_cache(maxsize=65536)
def pinyin(name: str) -> str:
    """Toneless pinyin of a name's key, syllables joined (胜利 → shengli)."""
    # deferred: pypinyin takes ~0.5 s to import and only the dashboard's search needs it
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(name_key(name), style=Style.NORMAL, errors="default"))


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """First letters of each syllable (胜利街道 → sljd), for search by initials."""
    # deferred: as in pinyin()
    from pypinyin import Style, lazy_pinyin

    return "".join(
        s[:1] for s in lazy_pinyin(name_key(name), style=Style.FIRST_LETTER, errors="default")
    )


def search_keys(name: str) -> tuple[str, str, str]:
    """(name key, pinyin, initials): what a search term is matched against."""
    return name_key(name), pinyin(name), initials(name)
