"""The columns a table may carry but the graph never holds: citizen ID numbers, phones,
addresses (the schema's ``consumed_columns``).

Each is found by its header, taken out of the row before any value is read (so it
never becomes an extra column), and consumed: a citizen ID number is checked and gives
the member's id when the row has none (:func:`lianjian.core.idcard.card_id`), and a
birth year and gender where those cells are empty; a phone is dropped, with one notice
per table; an address is matched to a building and a grid's 楼栋 list to its buildings
(:mod:`lianjian.loaders.places`), and neither is kept. A number is never shown: a report
holds only its mask.

>>> from lianjian.core.schema import SCHEMA
>>> sorted(set(consumed_headers(SCHEMA)["members"].values()))
['address', 'id_card', 'phone']
>>> sorted(set(consumed_headers(SCHEMA)["regions"].values()))
['buildings']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from lianjian.core.idcard import BadCard, card_id, masked, normalise, read_card
from lianjian.core.privacy import pseudonym_key
from lianjian.core.report import ERROR, NOTICE, WARNING, Report
from lianjian.core.schema import Property, Schema
from lianjian.core.text import fold
from lianjian.loaders.read import RawTable, header_key
from lianjian.loaders.values import BadValue, parse_value

__all__ = [
    "Consumed",
    "consumed_headers",
    "take_consumed",
    "read_card_cell",
    "fill_from_card",
    "numbers_as_ids",
]

FILLED = ("birth_year", "gender")  # the columns a number fills when their cell is empty
NUMBER_CELL = " (a workbook keeps 15 digits of a number: format the column as text)"


def consumed_headers(schema: Schema) -> dict[str, dict[str, str]]:
    """Per table: every folded header of a consumed column → the column's key."""
    out: dict[str, dict[str, str]] = {}
    for table, columns in schema.consumed_columns.items():
        index: dict[str, str] = {}
        for key, c in columns.items():
            for alias in (key, c["zh"], c["en"], *c.get("aliases", ())):
                index[fold(alias)] = key
        out[table] = index
    return out


@dataclass
class Consumed:
    """Where a table's consumed columns are: the ID-number columns and every position to
    blank before the row is read."""

    cards: list[int] = field(default_factory=list)
    positions: set[int] = field(default_factory=set)
    header: str = ""  # the first ID-number column's header, for the report
    key: bytes | None = None  # the pseudonym key, read once a number is to be hashed
    seen: dict[str, int] = field(default_factory=dict)  # id from a number → its first row
    uses: dict[int, str] = field(default_factory=dict)  # position → the column's use, when kept
    headers: dict[str, str] = field(default_factory=dict)  # use → the column's header

    def blank(self, cells: list[str]) -> list[str]:
        """The row without its consumed cells."""
        return [("" if i in self.positions else c) for i, c in enumerate(cells)]

    def text(self, cells: list[str], use: str) -> str:
        """The row's first non-empty cell of the columns of ``use`` (``address``, ``buildings``)."""
        for i, u in self.uses.items():
            text = str(cells[i] or "").strip() if u == use and i < len(cells) else ""
            if text:
                return text
        return ""


def take_consumed(t: RawTable, schema: Schema, unknown: dict[int, str], report: Report) -> Consumed:
    """The consumed columns of ``t``, taken out of ``unknown`` (the columns that would be
    kept as extra properties); a notice for each dropped one."""
    index = consumed_headers(schema).get(t.table, {})
    columns = schema.consumed_columns.get(t.table, {})
    out = Consumed()
    for i in sorted(unknown):
        key = index.get(header_key(t.header[i])) if i < len(t.header) else None
        if key is None:
            continue
        del unknown[i]
        out.positions.add(i)
        c = columns[key]
        if c["use"] == "id_card":
            out.cards.append(i)
            out.header = out.header or t.header[i].strip()
        elif c["use"] in ("address", "buildings"):  # matched to buildings, then dropped
            out.uses[i] = c["use"]
            out.headers.setdefault(c["use"], t.header[i].strip())
            if c["use"] == "address":
                why = "never stored; matched to a building where the row gives no home"
                report.add(
                    t.file, None, t.header[i].strip(), None, f"{c['zh']} ({c['en']}): {why}", NOTICE
                )
        else:
            what = f"{c['zh']} ({c['en']})"
            report.add(t.file, None, t.header[i].strip(), None, f"{what}: not loaded", NOTICE)
    return out


def read_card_cell(
    report: Report,
    t: RawTable,
    row_no: int,
    cells: list[str],
    c: Consumed,
    has_id: bool,
    today: dt.date,
    keyed: bool = False,
) -> tuple[dict[str, Any], bool]:
    """What the row's ID number gives (``id``, ``birth_year``, ``gender``), and whether
    the row can load: it cannot when it has neither an id nor a valid number. ``keyed``:
    the id is wanted though the row can stand without (a 双报到 row, joined by it)."""
    texts = (str(cells[i] or "").strip() for i in c.cards if i < len(cells))
    text = next((s for s in texts if s), "")
    where = (t.file, row_no, c.header)
    if not text:
        if has_id:
            return {}, True
        report.add(*where, None, "neither an id (编号) nor a citizen ID number: row rejected")
        return {}, False
    try:
        card = read_card(text, today)
    except BadCard as e:
        end = "number dropped" if has_id else "no id: row rejected"
        if "[" in t.file and normalise(text).isdigit() and len(normalise(text)) > 15:
            end += NUMBER_CELL  # a sheet's cell: maybe a number, rounded
        report.add(
            *where,
            masked(text),
            f"not a citizen ID number: {e}: {end}",
            WARNING if has_id else ERROR,
        )
        return {}, has_id
    if len(normalise(text)) == 15:
        report.add(*where, masked(text), "a 15-digit number: read as its 18-character form", NOTICE)
    if c.key is None:
        c.key = pseudonym_key()
    derived: dict[str, Any] = {"birth_year": card.birth.year, "gender": card.gender}
    if keyed or not has_id:
        derived["id"] = card_id(card.number, c.key)
        first = c.seen.setdefault(derived["id"], row_no)
        if first != row_no:
            why = f"the same citizen ID number as row {first} (one person, one row): row rejected"
            report.add(*where, masked(text), why)
            return {}, False
    return derived, True


def fill_from_card(
    report: Report,
    file: str,
    row_no: int,
    values: dict[str, Any],
    dropped: set[str],
    derived: dict[str, Any],
    props: dict[str, Property],
    col_name: dict[str, str],
    today: dt.date,
) -> None:
    """Put the number's id, birth year and gender in ``values`` where the row has none (a
    refused cell stays refused); where the row's own value differs, a warning, and the
    row's value stands."""
    if "id" in derived:
        values.setdefault("id", derived["id"])
    for name in FILLED:
        if name not in derived or name not in props or name in dropped:
            continue
        p = props[name]
        column = col_name.get(name, col_name.get("id", name))
        if name in values:
            if values[name] != derived[name]:
                report.add(
                    file,
                    row_no,
                    column,
                    values[name],
                    f"{name} differs from the citizen ID number's: the column's kept",
                    WARNING,
                    p.personal,
                )
            continue
        try:
            values[name] = parse_value(str(derived[name]), p, today)
        except BadValue as e:
            report.add(
                file,
                row_no,
                column,
                derived[name],
                f"{name} from the citizen ID number: {e}: not used",
                WARNING,
                p.personal,
            )


_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")  # the shape of a citizen ID number


def _as_id(value: Any, key: list[bytes]) -> str | None:
    """The member id a cell that is a valid citizen ID number stands for, else None."""
    if not isinstance(value, str) or not _NUMBER.fullmatch(value):
        return None
    try:
        card = read_card(value)
    except BadCard:
        return None
    if not key:
        key.append(pseudonym_key())
    return card_id(card.number, key[0])


def numbers_as_ids(
    report: Report,
    file: str,
    row_no: int,
    values: dict[str, Any],
    props: dict[str, Property],
    col_name: dict[str, str],
    schema: Schema,
    table: str,
    member_refs: frozenset[str] | None = None,
) -> dict[str, Any]:
    """A citizen ID number typed as an id: a member's own ``id`` (a notice), or a
    reference that may name a member (an org's secretary, the source of a link whose
    kind may start at a member), becomes the member id it stands for, so the number is
    stored nowhere; what the member's number gives (birth year, gender) to fill the row
    with. Other references are left alone (a 15-digit grid code is no person).
    ``member_refs``: the names of the references that may name a member, if known."""
    key: list[bytes] = []
    derived: dict[str, Any] = {}
    if table == schema.nodes["Member"].table and (member := _as_id(values.get("id"), key)):
        card = read_card(values["id"])
        report.add(
            file,
            row_no,
            col_name.get("id"),
            masked(values["id"]),
            "the id is a citizen ID number: its keyed hash is the id",
            NOTICE,
        )
        values["id"] = member
        derived = {"birth_year": card.birth.year, "gender": card.gender}
    if member_refs is None:
        member_refs = frozenset(
            n for n, p in props.items() if p.edge is not None and "Member" in p.edge.targets
        )
    for name, v in values.items():
        if name in member_refs:
            if isinstance(v, list):
                values[name] = [_as_id(x, key) or x for x in v]
            else:
                values[name] = _as_id(v, key) or v
    kind = schema.link_kinds.get(values.get("kind", "")) if table == schema.link_table else None
    if kind is not None and "Member" in kind.sources:
        values["source"] = _as_id(values.get("source"), key) or values.get("source")
    return derived
