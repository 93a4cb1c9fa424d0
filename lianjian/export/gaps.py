"""Gap findings in the export: one ``lj:GapFinding`` per entity a coverage rule flags.

The rules themselves live in :mod:`lianjian.queries.gaps.find`; this module only runs
them (:func:`gap_findings`) and turns their result into triples (:func:`gap_blocks`). A fix text that names a member is redacted unless
names were asked for.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from lianjian.core.model import GraphData
from lianjian.core.privacy import MASKED, token_pseudonym
from lianjian.export.concepts import scheme_blocks
from lianjian.export.mapping import enc
from lianjian.graph.embedded.store import EmbeddedStore
from lianjian.graph.store import GraphStore
from lianjian.queries.gaps.find import RULES, find_gaps

__all__ = ["gap_findings", "gap_blocks", "fix_texts"]


def gap_findings(data: GraphData | GraphStore, as_of: dt.date | None = None) -> dict[str, Any]:
    """Run every coverage-gap rule on ``data`` (a graph model, in an embedded store; or a
    store, where the rules run: Cypher on Neo4j); returns ``GapResult.to_dict()`` with
    each item's fix also in each language alone (``fix_zh``, ``fix_en``).

    Cost: for a model, one NetworkX copy of the graph; plus the rules' own cost.
    """
    if isinstance(data, GraphData):
        store: GraphStore = EmbeddedStore()
        store.write(data)
    else:
        store = data
    result = find_gaps(store, as_of or dt.date.today())
    out = result.to_dict()
    for rid, items in result.rules.items():
        for item, row in zip(items, out["rules"][rid]["items"], strict=True):
            row["id"] = item.id  # the node the finding concerns (a member: its IRI names it)
            if item.fix is not None:
                row["fix_zh"], row["fix_en"] = item.fix.text("zh"), item.fix.text("en")
    return out


def fix_texts(item: dict[str, Any]) -> list[tuple[str, str]]:
    """``(text, language)`` of an item's fix: ``fix_zh`` and ``fix_en``, else the joined
    ``中文 / English`` form split at its first `` / ``, else the whole text as Chinese.

    >>> fix_texts({"fix": "请延伸覆盖 / extend the branch"})
    [('请延伸覆盖', 'zh'), ('extend the branch', 'en')]
    """
    if item.get("fix_zh") or item.get("fix_en"):
        return [(str(item[f"fix_{k}"]), k) for k in ("zh", "en") if item.get(f"fix_{k}")]
    fix = item.get("fix")
    if not fix:
        return []
    text = fix if isinstance(fix, str) else json.dumps(fix, ensure_ascii=False)
    zh, sep, en = text.partition(" / ")
    return [(zh, "zh"), (en, "en")] if sep and zh and en else [(text, "zh")]


def gap_blocks(tr: Any, gaps: dict[str, Any]) -> Iterator:
    """Blocks of triples (see :class:`~lianjian.export.triples.Triples`) for the findings."""
    T = tr.T
    rules = gaps.get("rules", {})
    names = None if tr.with_names else _member_names(tr)
    longest = min(max(map(len, names), default=0), 40) if names else 0
    vals = [(rid, _rule_name(rid, r, "zh"), _rule_name(rid, r, "en")) for rid, r in rules.items()]
    yield from scheme_blocks(tr, "gap_rule", "覆盖空白规则", "coverage-gap rule", vals, False)
    as_of = gaps.get("as_of")
    found = tr.lookup([str(item.get("id")) for r in rules.values() for item in r.get("items", ())])
    for rid, r in rules.items():
        for item in r.get("items", ()):
            node = found.get(str(item.get("id")))
            if node is None:
                continue
            label, props = node
            ekey = tr.key(str(item["id"]), label, props)
            po = [
                (T.type, tr.C["lj:GapFinding"]),
                (tr.P["lj:gapRule"], tr.concept("gap_rule", rid)),
                (tr.P["lj:concerns"], T.name(tr.prefix[label], ekey)),
            ]
            for lang in ("zh", "en"):
                if item.get(f"reason_{lang}"):
                    po.append((tr.P["rdfs:comment"], T.lang(str(item[f"reason_{lang}"]), lang)))
            for text, lang in fix_texts(item):
                po.append((tr.P["lj:suggestedFix"], T.lang(_redact(text, names, longest), lang)))
            if as_of:
                po.append((tr.P["lj:asOf"], T.typed(str(as_of), "date")))
            yield T.subject("gap", f"{enc(rid)}:{ekey}"), po


def _rule_name(rid: str, rule: dict[str, Any], lang: str) -> str:
    """The rule's title in ``lang``: from the rule catalogue, the result, or else its id."""
    title = getattr(RULES.get(rid), f"title_{lang}", None)
    if isinstance(title, str) and title:
        return title
    for k in (f"title_{lang}", f"name_{lang}", lang):
        if isinstance(rule.get(k), str) and rule[k]:
            return rule[k]
    title = rule.get("title")
    if isinstance(title, dict) and isinstance(title.get(lang), str) and title[lang]:
        return title[lang]
    return rid


def _member_names(tr: Any) -> dict[str, str]:
    """Member name → what to write instead: the pseudonym, or a mask where names repeat
    (the names of the members the export wrote, :attr:`Triples.member_names`)."""
    out: dict[str, str] = {}
    for name, key in tr.member_names:
        if len(name) >= 2:
            out[name] = MASKED if name in out else token_pseudonym(key)
    return out


def _redact(text: str, names: dict[str, str] | None, longest: int) -> str:
    """``text`` with every member name in ``names`` replaced (longest match first)."""
    if not names:
        return text
    out, i = [], 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 1, -1):
            hit = names.get(text[i : i + n])
            if hit:
                out.append(hit)
                i += n
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
