"""The words a generated ledger is written in, all taken from the schema.

Headers are each property's Chinese name; an enumeration value is written as its
Chinese name, or, where a ledger commonly spells it otherwise (村 for a village,
住宅 for a residential building), as another alias the schema accepts for it.
Nothing here is a second list of the ledger's vocabulary: a spelling the schema
does not accept for the value fails at import.

>>> words("gender")["female"]
'女'
>>> spelling("region_level", "community", "村")
'村'
"""

from __future__ import annotations

from lianjian.core.schema import SCHEMA
from lianjian.core.text import fold

__all__ = ["words", "spelling", "headers", "TABLES", "WRITTEN"]

# the columns a generated ledger fills, in the order its rows are written (write.py);
# the schema's other columns (those the standard forms bring) are not generated
WRITTEN = {
    "regions": ("id", "name", "level", "parent"),
    "buildings": ("id", "name", "kind", "grid", "compound", "households", "lat", "lon"),
    "units": ("id", "name", "kind", "location", "party_members"),
    "orgs": (
        *("id", "name", "kind", "parent", "unit", "covers"),
        *("founded", "term_end", "rating", "has_committee", "secretary"),
    ),
    "members": (
        *("id", "name", "gender", "birth_year", "education", "status", "category"),
        *("org", "unit", "home", "reported_to", "assigned_grid", "roles"),
    ),
    # the three lists and the service records (lianjian/generator/lists.py)
    "needs": ("id", "name", "category", "region", "quantity", "raised", "wanted_by", "status"),
    "resources": ("id", "name", "category", "provider", "capacity", "area"),
    "projects": ("id", "name", "need", "resources", "start", "due", "status", "outcome"),
    "services": ("id", "name", "member", "need", "date", "category", "hours"),
    "links": ("source", "target", "kind", "since", "until", "note"),
}
TABLES = tuple(SCHEMA.tables)  # regions … members, the lists and services, links


def spelling(enum: str, value: str, text: str) -> str:
    """``text``, once checked to be one of the schema's spellings of ``value``."""
    v = SCHEMA.enums[enum][value]
    if text not in (v.zh, *v.aliases):
        raise ValueError(f"schema: {text!r} is no alias of {enum} {value!r}")
    return text


def words(enum: str, **spelt: str) -> dict[str, str]:
    """Value → the text written for it: the Chinese name, or the spelling given in ``spelt``."""
    out = {value: v.zh for value, v in SCHEMA.enums[enum].items()}
    for value, text in spelt.items():
        out[value] = spelling(enum, value, text)
    return out


def headers(table: str, *extra: str) -> tuple[str, ...]:
    """A table's header row: the Chinese names of the columns written, then ``extra`` columns the schema
    does not know (a loader keeps those as properties under their header text)."""
    spellings = {
        fold(a)
        for n, p in SCHEMA.table_properties(table).items()
        for a in (n, p.zh, p.en, *p.aliases)
    }
    for h in extra:
        if fold(h) in spellings:
            raise ValueError(f"schema: {h!r} is a column of {table} already")
    props = SCHEMA.table_properties(table)
    return tuple(props[n].zh for n in WRITTEN[table]) + extra
