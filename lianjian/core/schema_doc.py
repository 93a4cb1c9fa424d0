"""The tables of docs/ledger.md, written from the schema.

Each ledger table gets a section: its column names (the property name, the
Chinese header, every other header the loaders accept), whether the column is
required, and the values it takes: enumeration values with all their spellings,
the kind of entity a reference names, number ranges. What the schema cannot say
comes from its ``doc_notes``. The page's prose stays as written; only the part
between :data:`BEGIN` and :data:`END` is replaced.

Rewrite the page after changing the schema::

    python -m lianjian.core.schema_doc docs/ledger.md

(``--check`` exits 1 instead when the page differs.)

>>> "| level | 层级 |" in ledger_tables()
True
"""

from __future__ import annotations

import sys
from pathlib import Path

from lianjian.core.schema import SCHEMA, Property, Schema
from lianjian.core.text import fold

__all__ = ["ledger_tables", "with_tables", "main", "BEGIN", "END"]

BEGIN = (
    "<!-- The tables below are written from lianjian/core/schema.yaml by "
    "`python -m lianjian.core.schema_doc docs/ledger.md`: change the schema, not them. -->"
)
END = "<!-- End of the tables written from the schema. -->"
BOOL = "是/否, yes/no, true/false, 1/0"


def _noun(schema: Schema, label: str) -> str:
    """What the page calls an entity of ``label``: its table name in the singular."""
    return schema.nodes[label].table.removesuffix("s")


def _join(words: list[str], last: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _spellings(schema: Schema, enum: str, value: str) -> str:
    """A value's Chinese name, its aliases and its English name, each once."""
    v = schema.enums[enum][value]
    seen = {fold(value), fold(value.replace("_", " "))}
    out = []
    for s in (v.zh, *v.aliases, v.en):
        if fold(s) not in seen:
            seen.add(fold(s))
            out.append(s)
    return "/".join(out)


def _ends(schema: Schema, kind: str) -> str:
    """What a kind of link joins: ``property unit → compound``."""
    k = schema.link_kinds[kind]
    src = [
        " ".join((*k.source_kinds, _noun(schema, s))) if k.source_kinds else _noun(schema, s)
        for s in k.sources
    ]
    dst = []
    for t in k.targets:
        if t == "Region" and k.target_levels:
            dst.extend(k.target_levels)
        else:
            dst.append(" ".join((*k.target_kinds, _noun(schema, t))))
    ends = f"{_join(src, 'or')} → {_join(dst, 'or')}"
    note = schema.doc_notes.get("link_kinds", {}).get(kind)
    return f"{ends}; {note}" if note else ends


def _enum_values(schema: Schema, enum: str) -> str:
    parts = []
    for value in schema.enums[enum]:
        part = f"`{value}` {_spellings(schema, enum, value)}"
        if enum == "link_kind" and value in schema.link_kinds:
            part += f" ({_ends(schema, value)})"
        parts.append(part)
    return "; ".join(parts)


def _nesting(schema: Schema) -> str:
    """A region's parent, from ``region_nesting``: grouped by the parent's level."""
    by_parent: dict[str, list[str]] = {}
    for level, parents in schema.region_nesting.items():
        for parent in parents:
            by_parent.setdefault(parent, []).append(f"`{level}`")
    groups = [f"a {_join(kids, 'or')} in a `{p}`" for p, kids in by_parent.items()]
    return "a region one level up: " + ", ".join(groups)


def _range(p: Property) -> str:
    lo, hi = p.bound_text("min"), p.bound_text("max")
    after = f", not before `{p.not_before}`" if p.not_before else ""
    if lo is not None and hi is not None:
        return f" from {lo} to {hi}{after}"
    if lo is not None:
        return f", {'from' if p.type == 'date' else 'at least'} {lo}{after}"
    return (
        f", {'until' if p.type == 'date' else 'at most'} {hi}" if hi is not None else ""
    ) + after


def _ids(schema: Schema, p: Property) -> list[str]:
    assert p.edge is not None
    out: list[str] = []
    for t in p.edge.targets:
        if t == "Region" and p.edge.levels:
            out.extend(p.edge.levels)
        else:
            out.append(_noun(schema, t))
    return out


def _values(schema: Schema, table: str, name: str, p: Property) -> str:
    parts = []
    if table == schema.nodes["Region"].table and name == "parent":
        parts.append(_nesting(schema))
    elif p.type == "ref":
        ids = _join(_ids(schema, p), "or")
        parts.append(f"{'an' if ids[0] in 'aeio' else 'a'} {ids} id or name")
    elif p.type == "refs":
        parts.append(f"list of {_join(_ids(schema, p), 'and')} ids or names")
    elif p.type == "list":
        parts.append("list" + (f": {_enum_values(schema, p.enum)}" if p.enum else ""))
    elif p.type == "enum" and p.enum:
        parts.append(_enum_values(schema, p.enum))
    elif p.type == "int":
        parts.append("integer" + _range(p))
    elif p.type == "float":
        parts.append("number" + _range(p))
    elif p.type == "date":
        parts.append("date" + _range(p))
    elif p.type == "bool":
        parts.append(BOOL)
    if p.personal:
        parts.append("personal data: see below")
    note = schema.doc_notes.get(table, {}).get(name, {}).get("note")
    if note:
        parts.append(note)
    return "; ".join(parts)


def _required(schema: Schema, table: str, name: str, p: Property) -> str:
    override = schema.doc_notes.get(table, {}).get(name, {}).get("required")
    if override:
        return str(override)
    if p.required:
        return "yes"
    return f"optional, default `{p.default}`" if p.default else "optional"


def _also(name: str, p: Property) -> str:
    """Every other header spelling the loaders accept for the column."""
    seen = {fold(name), fold(p.zh)}
    out = []
    for s in (p.en, *p.aliases):
        if fold(s) not in seen:
            seen.add(fold(s))
            out.append(s)
    return ", ".join(out)


def _consumed_rows(schema: Schema, table: str) -> list[str]:
    """The rows of the columns a table may carry but the graph never holds (an ID
    number, a phone): read, used or dropped, never stored."""
    rows = []
    for name, c in schema.consumed_columns.get(table, {}).items():
        seen = {fold(name), fold(c["zh"])}
        also = [s for s in (c["en"], *c.get("aliases", ())) if fold(s) not in seen]
        notes = schema.doc_notes.get(table, {}).get(name, {})
        lead, note = notes.get("values", "never stored: see below"), notes.get("note")
        values = "; ".join((lead, *([note] if note else [])))
        rows.append(f"| {name} | {c['zh']} | {', '.join(also)} | optional | {values} |")
    return rows


def ledger_tables(schema: Schema = SCHEMA) -> str:
    """The table sections of docs/ledger.md, as Markdown."""
    sections = []
    for table in schema.read_tables:
        label = schema.tables.get(table)
        names = schema.nodes[label].table_aliases if label else schema.link_table_aliases
        names = (*names, *schema.form_names_of(table))  # and the forms read as it
        if table in schema.joined:  # a form whose rows fill another table's (双报到)
            names = schema.joined[table].table_aliases
        lines = [
            f"## {table} ({'/'.join(names)})",
            "| column | 中文 | also accepted | required | values |",
            "|---|---|---|---|---|",
        ]
        for name, p in schema.table_properties(table).items():
            cells = (
                name,
                p.zh,
                _also(name, p),
                _required(schema, table, name, p),
                _values(schema, table, name, p),
            )
            lines.append("|" + "".join(f" {c} |" if c else " |" for c in cells))
        lines.extend(_consumed_rows(schema, table))
        sections.append("\n".join(lines))
    return "\n\n".join(sections) + "\n"


def with_tables(page: str, schema: Schema = SCHEMA) -> str:
    """``page`` with the text between :data:`BEGIN` and :data:`END` written anew."""
    head, sep, rest = page.partition(BEGIN + "\n")
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError("the page has no markers for the schema's tables")
    return f"{head}{BEGIN}\n\n{ledger_tables(schema)}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"] or ["docs/ledger.md"]
    status = 0
    for path in map(Path, paths):
        page = path.read_text("utf-8")
        new = with_tables(page)
        if new == page:
            continue
        if check:
            print(f"{path}: the tables differ from the schema", file=sys.stderr)
            status = 1
        else:
            path.write_text(new, "utf-8")
            print(f"{path}: tables rewritten from the schema")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
