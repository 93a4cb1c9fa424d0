"""What a person reads for an entity: names from the schema, in Chinese or English,
members shown by pseudonym unless names were asked for.

Every view (drawing, tables, downloads, search results) goes through these
helpers, so that a label never comes from anywhere but ``schema.yaml`` and a
member's name never leaves without ``--with-names``.

>>> type_name("PartyOrg", "zh"), type_name("PartyOrg", "en")
('党组织', 'Party organisation')
>>> count_label(326, "Member", "zh")
'326 名党员'
"""

from __future__ import annotations

from typing import Any

from lianjian.core.privacy import member_label, personal_keys
from lianjian.core.schema import SCHEMA
from lianjian.present.coverage import rate_floor

__all__ = [
    "LABEL_ORDER",
    "type_name",
    "rel_name",
    "kind_of",
    "kind_name",
    "node_name",
    "count_label",
    "capital",
    "region_word",
    "property_rows",
    "public_props",
    "pct",
    "rate_floor",
]

# Structure first: the order in which a capped drawing keeps nodes of each label.
LABEL_ORDER = {"Region": 0, "PartyOrg": 1, "Unit": 2, "Building": 3, "Member": 4}
_HIDDEN = {"name_key"}  # derived for matching, not for reading


def type_name(label: str, lang: str = "zh") -> str:
    """The schema's name of a node label."""
    node = SCHEMA.nodes.get(label)
    return getattr(node, lang) if node else label


def rel_name(rel: str, lang: str = "zh") -> str:
    """The schema's name of a relationship type."""
    return SCHEMA.rel_name(rel, lang)


def kind_of(label: str, props: dict[str, Any]) -> tuple[str, str] | None:
    """(enum name, value) of the property that says what kind of entity this is."""
    field = "level" if label == "Region" else "kind"
    node = SCHEMA.nodes.get(label)
    if node is None or field not in node.properties or props.get(field) in (None, ""):
        return None
    return node.properties[field].enum or "", str(props[field])


def kind_name(label: str, props: dict[str, Any], lang: str = "zh") -> str:
    """The localised kind or level (党支部, 网格 …), or the type name when there is none."""
    k = kind_of(label, props)
    return SCHEMA.enum_label(k[0], k[1], lang) if k else type_name(label, lang)


def node_name(node_id: str, label: str, props: dict[str, Any], with_names: bool = False) -> str:
    """A node's display name; a member's is a pseudonym unless names were asked for."""
    node = SCHEMA.nodes.get(label)
    if node is not None and node.personal:
        return member_label(node_id, props.get("name"), with_names)
    return str(props.get("name") or node_id)


# English for the schema's own spellings of a level that name another kind of place
_WORD_EN = {"镇": "town", "乡": "township", "乡镇": "town", "村": "village", "社区村": "village"}


def region_word(name: str, level: str, lang: str = "zh") -> str:
    """What a region is called, by the schema's spellings of its level that its name ends
    with: 荆州市 a 市, 岑河镇 a 镇 (not a 街道), 杏林村 a 村 (not a 社区); else the level's name.

    >>> region_word("岑河镇", "street"), region_word("中山街道", "street", "en")
    ('镇', 'street')
    """
    enum = SCHEMA.enums["region_level"].get(level)
    if enum is None:
        return level
    words = sorted({enum.zh, *enum.aliases}, key=len, reverse=True)
    word = next((w for w in words if name.endswith(w)), enum.zh)
    if word == enum.zh or level == "district":
        return enum.zh if lang == "zh" else enum.en
    return word if lang == "zh" else _WORD_EN.get(word, enum.en)


def capital(text: str) -> str:
    """English names in the schema are lower case; a card or a heading starts with a capital."""
    return text[:1].upper() + text[1:]


def count_label(n: int, label: str, lang: str = "zh") -> str:
    """The caption of a summary node standing for ``n`` entities of one label."""
    if lang == "zh":
        return f"{n} {'名' if label == 'Member' else '个'}{type_name(label, 'zh')}"
    en = type_name(label, "en")
    return f"{n} {en[0].lower() + en[1:]}{'s' if n != 1 else ''}"


def public_props(
    node_id: str, label: str, props: dict[str, Any], with_names: bool = False
) -> dict[str, Any]:
    """The properties that may leave the process: personal ones (a member's columns the
    schema does not declare too: a note, an archive number) only with names."""
    node = SCHEMA.nodes.get(label)
    hidden = _HIDDEN if with_names else _HIDDEN | personal_keys(node, props) | {"pseudonym"}
    out: dict[str, Any] = {k: v for k, v in props.items() if k not in hidden}
    if node is not None and node.personal and not with_names:
        out["name"] = member_label(node_id, None)
    return out


def property_rows(
    node_id: str, label: str, props: dict[str, Any], lang: str = "zh", with_names: bool = False
) -> list[tuple[str, str]]:
    """(field, value) rows of a details table: schema order, localised names and values."""
    node = SCHEMA.nodes.get(label)
    shown = public_props(node_id, label, props, with_names)
    rows: list[tuple[str, str]] = []
    if node is not None:
        for key, prop in node.properties.items():
            if key not in shown or prop.is_ref:
                continue
            value = shown.pop(key)
            if prop.enum and isinstance(value, list):
                value = "、".join(SCHEMA.enum_label(prop.enum, v, lang) for v in value)
            elif prop.enum:
                value = SCHEMA.enum_label(prop.enum, str(value), lang)
            elif isinstance(value, bool):
                value = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
            rows.append((getattr(prop, lang), str(value)))
    source = (shown.pop("ledger_file", None), shown.pop("ledger_row", None))
    for key, value in shown.items():  # columns the ledger added: kept, shown as they came
        rows.append((key, str(value)))
    if source[0]:
        rows.append(("台账位置" if lang == "zh" else "Ledger row", f"{source[0]}:{source[1]}"))
    return rows


def pct(rate: float | None) -> str:
    """A rate as a percentage with one decimal ("—" for none)."""
    return "—" if rate is None else f"{rate:.1%}"
