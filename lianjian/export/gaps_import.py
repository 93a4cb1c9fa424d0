"""Gap findings read back from an export: the ``lj:GapFinding`` resources and the
``ljc:gap_rule`` concept scheme as the ``to_dict()`` of a gap run, so that an
export with ``--with-gaps``, imported and exported again, gives the same graph."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from lianjian.export.mapping import Mapping

__all__ = ["gaps_from_subjects"]


def gaps_from_subjects(
    by_subject: dict[str, list[tuple[str, Any]]],
    types: dict[str, set[str]],
    iri_to_id: dict[str, tuple[str, str]],
    m: Mapping,
) -> dict[str, Any] | None:
    """``{"as_of", "rules": {rule: {"count", "items": [{"id", "reason_zh", "reason_en",
    "fix_zh", "fix_en"}]}}}`` from the triples grouped by subject (literals as
    ``(lexical, datatype, language)``), or None when the export holds no gap rule."""
    x = m.expand
    scheme, finding = m.scheme("gap_rule"), x("lj:GapFinding")
    rule_prefix = f"{scheme}-"
    in_scheme, label = x("skos:inScheme"), x("skos:prefLabel")
    rules: dict[str, dict[str, Any]] = {}
    for s, pos in by_subject.items():
        if s.startswith(rule_prefix) and (in_scheme, scheme) in pos:
            rule = rules.setdefault(unquote(s[len(rule_prefix) :]), {"count": 0, "items": []})
            for p, o in pos:
                if p == label and type(o) is tuple and o[2] in ("zh", "en"):
                    rule[f"title_{o[2]}"] = o[0]
    if not rules:
        return None
    as_of = None
    preds = {
        x("lj:gapRule"): "rule",
        x("lj:concerns"): "id",
        x("rdfs:comment"): "reason",
        x("lj:suggestedFix"): "fix",
        x("lj:asOf"): "as_of",
    }
    for s, cs in types.items():
        if finding not in cs:
            continue
        item: dict[str, Any] = {}
        rid = None
        for p, o in by_subject.get(s, ()):
            what = preds.get(p)
            if what == "rule" and type(o) is str and o.startswith(rule_prefix):
                rid = unquote(o[len(rule_prefix) :])
            elif what == "id" and o in iri_to_id:
                item["id"] = iri_to_id[o][0]
            elif what in ("reason", "fix") and type(o) is tuple and o[2] in ("zh", "en"):
                item[f"{what}_{o[2]}"] = o[0]
            elif what == "as_of" and type(o) is tuple:
                as_of = o[0]
        if rid in rules and "id" in item:
            rules[rid]["items"].append(item)
            rules[rid]["count"] += 1
    for rule in rules.values():
        rule["items"].sort(key=lambda i: str(i["id"]))
    return {"as_of": as_of, "rules": rules}
