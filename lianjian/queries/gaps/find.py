"""Coverage gaps (覆盖空白): which grids, compounds, buildings, units and organisations
a rule of the catalogue flags, on either backend, with reasons and suggested fixes.

The twenty-one rules are declared in ``rules.yaml`` (ids, zh/en titles, exact
definitions, reason and fix templates, thresholds) and implemented twice: a
Cypher file per rule in ``gaps/`` for Neo4j, a NetworkX function per rule in
:mod:`lianjian.queries.gaps.nx` for the embedded store. Both return the same ids
for every rule on every ledger; the tests hold them to it.

>>> from lianjian.graph.embedded.store import EmbeddedStore
>>> result = find_gaps(EmbeddedStore(), as_of="2026-06-30")
>>> result.to_dict()["rules"]["grid_without_branch"]
{'count': 0, 'items': []}

A fix is a :class:`Fix`: templates, values and member ids kept apart. ``to_dict``
shows members by pseudonym (:func:`lianjian.core.privacy.pseudonym`); names appear
only where a caller asks (:mod:`lianjian.present.gaps`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.graph.store import GraphStore
from lianjian.queries.catalogue import RULES, Rule, rule_ids
from lianjian.queries.gaps.run import run_rules
from lianjian.queries.params import GapParams, resolve_as_of, resolve_params
from lianjian.queries.places import NOWHERE, Place

__all__ = ["find_gaps", "GapResult", "GapItem", "Fix", "RULES", "rule_ids", "check_rules"]


@dataclass(frozen=True)
class Fix:
    """A suggested fix as a structure: the Chinese and the English template, the values
    they are filled with, and the ids of the members they name (never their names).

    :meth:`text` fills one language in; who a member is shown as is the caller's
    choice (``name_of``), a pseudonym unless said otherwise.
    """

    zh: str
    en: str
    values: tuple[tuple[str, Any], ...] = ()
    members: tuple[str, ...] = ()

    def text(self, lang: str, name_of: Callable[[str], str] = pseudonym) -> str:
        """The fix in ``lang`` (``zh`` or ``en``), each member shown as ``name_of(id)``."""
        values = dict(self.values)
        if self.members:
            joiner = "、" if lang == "zh" else ", "
            values["members"] = joiner.join(name_of(m) for m in self.members)
        return (self.zh if lang == "zh" else self.en).format(**values)

    def joined(self, name_of: Callable[[str], str] = pseudonym) -> str:
        """``中文 / English``: both languages in one string, as the JSON and CSV give it."""
        return f"{self.text('zh', name_of)} / {self.text('en', name_of)}"


@dataclass(frozen=True)
class GapItem:
    """One flagged entity: id, name, the reason in Chinese and English, a :class:`Fix`
    or None, and the street it lies in (None where it lies in none). A flagged member
    (``member``) has no name here and is shown by :meth:`shown`, never by its id."""

    id: str
    name: str
    reason_zh: str
    reason_en: str
    fix: Fix | None
    street: str | None = None
    street_name: str | None = None
    member: bool = False

    def shown(self, name_of: Callable[[str], str] = pseudonym) -> tuple[str, str]:
        """``(id, name)`` as outputs show them: a member as its pseudonym and ``name_of``."""
        return (pseudonym(self.id), name_of(self.id)) if self.member else (self.id, self.name)

    def to_dict(self, name_of: Callable[[str], str] = pseudonym) -> dict[str, Any]:
        """The item as JSON gives it; the fix as ``中文 / English``, members shown as
        ``name_of`` says (pseudonyms by default); a flagged member by its pseudonym."""
        shown_id, shown_name = self.shown(name_of)
        return {
            "id": shown_id,
            "name": shown_name,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
            "fix": self.fix.joined(name_of) if self.fix else None,
            "street": self.street,
            "street_name": self.street_name,
        }


@dataclass
class GapResult:
    """The items each rule flagged (sorted by id), the as-of date and the thresholds used."""

    as_of: dt.date
    rules: dict[str, list[GapItem]]
    params: GapParams = field(default_factory=GapParams)

    def ids(self, rule: str) -> list[str]:
        """The flagged ids of ``rule``, sorted."""
        return [item.id for item in self.rules[rule]]

    def to_dict(self, name_of: Callable[[str], str] = pseudonym) -> dict[str, Any]:
        """``{"as_of", "rules": {RULE_ID: {"count", "items": [{"id", "name", "reason_zh",
        "reason_en", "fix", "street", "street_name"}]}}}``: every rule asked for, items by id;
        members in a fix shown as ``name_of`` says (pseudonyms by default)."""
        return {
            "as_of": self.as_of.isoformat(),
            "rules": {
                rid: {"count": len(items), "items": [i.to_dict(name_of) for i in items]}
                for rid, items in self.rules.items()
            },
        }

    def by_street(self) -> list[dict[str, Any]]:
        """Per street: ``{"street", "street_name", "counts": {RULE_ID: N}}``, streets by id,
        entities in no street last (street None)."""
        table: dict[tuple[str | None, str | None], dict[str, int]] = {}
        for rid, items in self.rules.items():
            for i in items:
                row = table.setdefault((i.street, i.street_name), dict.fromkeys(self.rules, 0))
                row[rid] += 1
        keys = sorted(table, key=lambda k: (k[0] is None, k[0] or ""))
        return [{"street": s, "street_name": n, "counts": table[(s, n)]} for s, n in keys]


def check_rules(rules: Iterable[str] | None) -> list[str]:
    """The rule ids asked for, in catalogue order (all when None); ``ValueError`` on an unknown id."""
    if rules is None:
        return rule_ids()
    asked = list(dict.fromkeys(rules))
    unknown = [r for r in asked if r not in RULES]
    if unknown:
        raise ValueError(
            f"unknown gap rule(s) {', '.join(unknown)}; known: {', '.join(rule_ids())}"
        )
    return [r for r in rule_ids() if r in asked]


def find_gaps(
    store: GraphStore,
    as_of: dt.date | str | None = None,
    rules: Iterable[str] | None = None,
    params: GapParams | Mapping[str, Any] | None = None,
) -> GapResult:
    """Run the coverage-gap rules on an embedded or a Neo4j store.

    ``as_of`` is a date or ``YYYY-MM-DD`` (today when None): links whose ``until``
    is before it are inactive, terms that end before it have expired. ``rules``
    picks rule ids (all when None); ``params`` overrides thresholds by name.

    Returns a :class:`GapResult` with every rule asked for (an empty list where
    nothing is flagged). Cost: linear in the graph's size; on Neo4j one query per
    rule plus one to place the regions the flagged entities lie in.
    """
    day = resolve_as_of(as_of)
    p = resolve_params(params)
    wanted = check_rules(rules)
    raw, places = run_rules(store, wanted, p, day)
    base = {**p.to_dict(), "as_of": day.isoformat()}
    out = {
        rid: sorted(
            (_item(RULES[rid], row, base, places.get(row["id"], NOWHERE)) for row in raw[rid]),
            key=lambda i: i.id,
        )
        for rid in wanted
    }
    return GapResult(day, out, p)


# ---------------------------------------------------------------- wording


def _item(rule: Rule, row: dict[str, Any], base: dict[str, Any], place: Place) -> GapItem:
    facts = {k: v for k, v in row.items() if k not in ("id", "name", "fix")}
    fields = {**base, **facts} if facts else base
    return GapItem(
        id=row["id"],
        name="" if rule.entity == "Member" else row.get("name") or "",
        reason_zh=rule.reason_zh.format(**fields),
        reason_en=rule.reason_en.format(**fields),
        fix=_fix(rule, row.get("fix"), fields),
        street=place.street,
        street_name=place.street_name,
        member=rule.entity == "Member",
    )


def _fix(rule: Rule, fix: Mapping[str, Any] | None, fields: dict[str, Any]) -> Fix | None:
    """The fix template and the values it needs; member ids stay ids (shown by the caller)."""
    if not fix or rule.fix_zh is None or rule.fix_en is None:
        return None
    given = {**fields, **fix}
    used = {name for tpl in (rule.fix_zh, rule.fix_en) for _, name, _, _ in Formatter().parse(tpl)}
    members = tuple(fix["members"]) if "members" in fix else ()
    values = tuple((k, given[k]) for k in sorted(used - {None, "members"}) if k in given)
    return Fix(rule.fix_zh, rule.fix_en, values, members)
