"""The 双报到 form (在职党员到社区报到登记表, the schema's ``reports``): each row is joined to
a member of the roster, never made a new one (docs/ledger.md, "The 双报到 form").

A row is read like any other (types, the citizen ID number consumed and checked); then,
once every member is read, it is joined to the member whose id is the keyed hash of its
valid number, else to the one member of its folded name whose work unit is the row's
(the same unit by id or name, else the same folded name). A row that names no member,
or several, is rejected: the name is personal data (hidden in the report), the
candidates are named by their pseudonyms, a number only by its mask.

A joined row fills the member's empty fields: a list (专业特长 ``skills``, 服务岗位
``posts``) is set, a reference (报到社区, 居住小区/楼栋, 下沉网格) becomes one of the
member's references, resolved by id or name like the roster's own. Where the member has
a different value, the member's is kept and the row's is reported, never put in its place.
"""

from __future__ import annotations

from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.core.report import ERROR, NOTICE, WARNING
from lianjian.core.schema import Property
from lianjian.core.text import name_key
from lianjian.loaders.names import Names
from lianjian.loaders.resolve import Build, LinkRow, Ref, check_target

__all__ = ["join_reports"]

FORM = "the 双报到 form"


def join_reports(b: Build) -> None:
    """Join every row of ``b.joined`` to its member or reject it; counts each either way."""
    rows, b.joined = b.joined, []
    if not rows:
        return
    join = _Join(b)
    extra: dict[str, dict[str, None]] = {}
    for row in rows:
        extra.setdefault(row.file, {}).update(dict.fromkeys(row.extra))
        member = join.member(row)
        if member is None:
            b.report.count_rejected(row.file)
            continue
        join.fill(member, row)
        b.report.count_loaded(row.file)
    for file, columns in extra.items():
        if columns:
            why = f"columns {FORM} has no place for, not loaded: {', '.join(columns)}"
            b.report.add(file, None, None, None, why, NOTICE)
    join.add_refs()


class _Join:
    def __init__(self, b: Build) -> None:
        self.b = b
        spec = b.schema.joined["reports"]
        self.label, self.match = spec.joins, spec.match
        self.columns = spec.properties
        self.props = b.schema.nodes[self.label].properties
        nodes = b.data.nodes
        self.members = {n: p for n, (lab, p) in nodes.items() if lab == self.label}
        self.refs: dict[str, dict[str, Ref]] = {}
        for r in b.refs:
            if r.source in self.members:
                self.refs.setdefault(r.source, {})[r.prop.name] = r
        self.names = Names(b.data)
        self.by_name: dict[str, list[str]] | None = None
        self.joined_at: dict[str, int] = {}  # member → the row joined to it
        self.added: dict[str, list[Ref]] = {}  # member → references the form gives it

    # ------------------------------------------------------------ which member

    def member(self, row: LinkRow) -> str | None:
        """The member ``row`` is joined to, or None (reported: the row is rejected)."""
        v, col = row.values, row.columns
        if "id" in v:  # the keyed hash of a valid citizen ID number
            found = v["id"] if v["id"] in self.members else None
            if found is None:
                self._reject(
                    row, col.get("id"), None, "no member of the roster has this citizen ID number"
                )
                return None
        else:
            found = self._by_name(row)
            if found is None:
                return None
        first = self.joined_at.setdefault(found, row.row)
        if first != row.row:
            why = f"joined to the same member as row {first} (one member, one row)"
            self._reject(row, col.get("name") or col.get("id"), None, why)
            return None
        return found

    def _by_name(self, row: LinkRow) -> str | None:
        v, col = row.values, row.columns
        name, unit = (v.get(k) for k in self.match)
        if not name or not unit:
            why = (
                "neither a valid citizen ID number nor a name and a work unit to find the member by"
            )
            self._reject(row, col.get("name"), v.get("name"), why)
            return None
        if self.by_name is None:
            self.by_name = {}
            for n, p in self.members.items():
                self.by_name.setdefault(name_key(str(p.get("name", ""))), []).append(n)
        spec = self.props[self.match[1]]
        want = self._key(unit, spec)
        found = [
            m
            for m in self.by_name.get(name_key(name), ())
            if (r := self.refs.get(m, {}).get(self.match[1]))
            and self._key(r.targets[0], spec) == want
        ]
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(sorted(pseudonym(m) for m in found))
            why = f"ambiguous: {len(found)} members of the roster have this name and work unit ({listed})"
        else:
            why = "no member of the roster has this name and work unit"
        self._reject(row, col.get("name"), name, why)
        return None

    def _reject(self, row: LinkRow, column: str | None, name: Any, why: str) -> None:
        """Report the row rejected; ``name``: the row's name (personal: hidden), or None."""
        self.b.report.add(row.file, row.row, column, name, f"{why}: row rejected", ERROR, True)

    # ------------------------------------------------------------ what it fills

    def fill(self, member: str, row: LinkRow) -> None:
        """Put the row's values in the member's empty fields; report those that differ."""
        props = self.members[member]
        own = self.refs.setdefault(member, {})
        for name, value in row.values.items():
            if name not in self.columns:
                continue
            p = self.props[name]
            if p.edge is not None:
                if name not in own:
                    ref = Ref(p, member, (value,), row.file, row.row, row.columns[name])
                    own[name] = ref
                    self.added.setdefault(member, []).append(ref)
                elif self._key(own[name].targets[0], p) != self._key(value, p):
                    self._differs(row, p, own[name].targets[0], value)
            elif not props.get(name):
                props[name] = value
            elif _key(props[name]) != _key(value):
                self._differs(row, p, props[name], value)

    def _differs(self, row: LinkRow, p: Property, roster: Any, form: Any) -> None:
        if p.personal:
            why = f"the roster's {p.name} ({p.zh}) differs from {FORM}'s: the roster's kept"
        else:
            why = f"the roster says {_text(roster)}, {FORM} says {_text(form)}: the roster's {p.name} kept"
        self.b.report.add(
            row.file, row.row, row.columns[p.name], _text(form), why, WARNING, p.personal
        )

    def _key(self, text: str, p: Property) -> str:
        """What a reference cell names, to compare two: the entity's id where the text is an
        id or the name of one entity of the kind wanted, else its folded name."""
        assert p.edge is not None
        spec = p.edge
        if check_target(self.b.data, text, spec.targets, spec.levels) is None:
            return text
        m = self.names.lookup(text, spec.targets, spec.levels)
        return m.node if m.node is not None else "\x00" + name_key(text)

    def add_refs(self) -> None:
        """The references the form gives, each after its member's own (a row's references
        are consecutive: names are resolved row by row)."""
        added = self.added
        if not added:
            return
        last = {r.source: i for i, r in enumerate(self.b.refs) if r.source in added}
        refs: list[Ref] = []
        for i, r in enumerate(self.b.refs):
            refs.append(r)
            if last.get(r.source) == i:
                refs.extend(added.pop(r.source))
        for rest in added.values():
            refs.extend(rest)
        self.b.refs = refs


def _key(value: Any) -> Any:
    """A plain value as compared: a list as the set of its items' folded names, a name folded."""
    if isinstance(value, list):
        return frozenset(name_key(str(v)) for v in value)
    return name_key(str(value))


def _text(value: Any) -> str:
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)
