"""A report's :class:`~lianjian.report.figures.Figures` as one HTML page, A4 and
printable: a title and a date and scope line, the figures in sentences, the coverage
rates per street and community as tables and bar charts (inline SVG), the gaps per
rule (with their definitions) and per street with their fixes, the communities of
lowest coverage, the pairing proposals, and (from the store of record) the change since
the previous version; a table of contents when it runs long.

Every value from the ledger goes through :func:`lianjian.report.markup.text`; the
page loads nothing (no script, no link, fonts named, not fetched).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from lianjian.queries.coverage.rates import METRICS
from lianjian.queries.gaps.find import RULES
from lianjian.report.figures import Figures, GapRow
from lianjian.report.markup import text
from lianjian.report.style import CSS
from lianjian.report.svg import bar_chart
from lianjian.report.words import OTHER, date_text, level_name, level_word, say, sub_no, whole_of

__all__ = ["render_html", "PER_RULE", "PER_STREET", "MAX_PAIRS", "TOC_ROWS"]

PER_RULE = 3  # gaps listed per rule in a street's table
PER_STREET = 12  # gaps listed per street at most
MAX_PAIRS = 40  # proposals listed at most
WORST = 10  # communities of lowest coverage listed
TOC_ROWS = 40  # table rows past which the report gets a table of contents


def render_html(f: Figures, with_names: bool = False) -> str:
    """The report as a standalone HTML document (UTF-8 text)."""
    lang = f.lang
    title = say("title", lang, place=f.place) if f.place else say("title_all", lang)
    sections = [
        ("basic", say("basic", lang), _basic(f)),
        ("coverage", say("coverage", lang), _coverage(f)),
        ("gaps", say("gaps", lang), _gaps(f)),
        ("worst", say("worst", lang, level=_word(f, "community")), _worst(f)),
        ("pairing", say("pairing", lang), _pairing(f)),
    ]
    if f.changes:
        sections.append(("changes", say("changes", lang), _changes(f)))
    rows = len(f.streets) + len(f.communities) + len(f.gaps) + len(f.pairs)
    meta = say("meta", lang, date=date_text(f.as_of, lang), scope=text(f.place or say("all", lang)))
    names = say("names_on" if with_names else "names_off", lang)
    body = [
        f"<h1>{text(title)}</h1>",
        f'<p class="meta">{meta}　{text(names)}</p>',
    ]
    if rows > TOC_ROWS:
        body.append(f'<nav class="toc"><h2>{say("toc", lang)}</h2><ul>')
        body += [f'<li><a href="#{key}">{text(head)}</a></li>' for key, head, _ in sections]
        body.append("</ul></nav>")
    for key, head, content in sections:
        body.append(f'<section id="{key}"><h2>{text(head)}</h2>{content}</section>')
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{text(title)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


# ---------------------------------------------------------------- sections


def _basic(f: Figures) -> str:
    lang, c = f.lang, f.counts
    below = ("district", "street", "community", "grid")
    if f.level in below:
        below = below[below.index(f.level) + 1 :]
    parts = []
    for lv in below:
        other, n = c[f"Region:{lv}:other"], c[f"Region:{lv}"]
        if n - other:
            parts.append(say("n_region", lang, level=level_name(lv, lang), n=f"{n - other:,}"))
        if other:  # towns and villages by their own name
            word = OTHER[lv][1] if lang == "zh" else OTHER[lv][2]
            parts.append(say("n_region", lang, level=word, n=f"{other:,}"))
    parts.append(say("n_building", lang, n=f"{c['Building:residential']:,}"))
    parts += [
        say("n_org", lang, n=f"{c['PartyOrg']:,}"),
        say("n_member", lang, n=f"{c['Member']:,}"),
        say("n_unit", lang, n=f"{c['Unit']:,}"),
    ]
    joined = "、".join(parts) if lang == "zh" else ", ".join(parts)
    line = say("basic_text", lang, date=date_text(f.as_of, lang), whole=_whole(f), parts=joined)
    return f"<p>{text(line)}</p>"


def _coverage(f: Figures) -> str:
    lang = f.lang
    rates = [
        f"{METRICS[m][lang]}{'' if lang == 'zh' else ' '}{_cell(v, lang)}"
        for m, v in f.total.items()
        if v["total"]
    ]
    sep = "，" if lang == "zh" else "; "
    out = [
        "<p>"
        + text(
            say(
                "coverage_text",
                lang,
                date=date_text(f.as_of, lang),
                whole=_whole(f),
                rates=sep.join(rates),
            )
        )
    ]
    street_word, community_word = _word(f, "street"), _word(f, "community")
    placed = [r for r in f.streets if r["id"] is not None]
    if len(placed) > 1:
        for m in ("grids_with_branch", "units_covered"):
            known = [r for r in placed if r["metrics"][m]["rate"] is not None]
            if known:
                low = min(known, key=lambda r: (r["metrics"][m]["rate"], r["id"]))
                out.append(
                    text(
                        say(
                            "lowest",
                            lang,
                            metric=METRICS[m][lang],
                            level=street_word,
                            name=low["name"],
                            rate=f"{low['metrics'][m]['rate']:.1%}",
                        )
                    )
                )
    out.append("</p>")
    charted, word = (placed, street_word) if len(placed) > 1 else (f.communities, community_word)
    heads = iter(range(1, 4))
    if len([r for r in f.districts if r["id"] is not None]) > 1:
        district_word = level_name("district", lang)
        no = sub_no(next(heads), lang)
        out.append(f"<h3>{text(say('by_level', lang, no=no, level=district_word))}</h3>")
        out.append(_rate_table(f.districts, lang, None))
    no = sub_no(next(heads), lang)
    out.append(f"<h3>{text(say('by_level', lang, no=no, level=street_word))}</h3>")
    out.append(_rate_table(f.streets, lang, None))
    if charted:
        out.append(f"<h3>{text(say('charts_by', lang, level=word))}</h3><div class='charts'>")
        for m in METRICS:
            bars = [(r["name"], r["metrics"][m]["rate"]) for r in charted]
            note = say("axis", lang)
            out.append(f'<div class="chart">{bar_chart(bars, METRICS[m][lang], note)}</div>')
        out.append("</div>")
    no = sub_no(next(heads), lang)
    out.append(f"<h3>{text(say('by_level', lang, no=no, level=community_word))}</h3>")
    out.append(_rate_table(f.communities, lang, say("in_street", lang, level=street_word)))
    return "".join(out)


def _gaps(f: Figures) -> str:
    lang = f.lang
    total = sum(f.gap_counts.values())
    kinds = sum(1 for n in f.gap_counts.values() if n)
    whole = _whole(f)
    if not total:
        return f"<p>{text(say('gaps_none', lang, rules=len(f.gap_counts), whole=whole))}</p>"
    top = sorted((r for r in f.gap_counts if f.gap_counts[r]), key=lambda r: -f.gap_counts[r])
    listed = ("、" if lang == "zh" else ", ").join(
        f"{RULES[r].title(lang)}（{f.gap_counts[r]:,}处）"
        if lang == "zh"
        else f"{RULES[r].title(lang)} ({f.gap_counts[r]:,})"
        for r in top[:3]
    )
    line = say(
        "gaps_text",
        lang,
        rules=len(f.gap_counts),
        whole=whole,
        total=f"{total:,}",
        kinds=kinds,
        top=say("gaps_top", lang, list=listed),
    )
    out = [f"<p>{text(line)}</p>"]
    if f.map_svg:  # where the buildings' gaps lie
        gap, covered, unplaced = (f"{n:,}" for n in f.map_counts)
        note = say("map_note", lang, gap=gap, covered=covered, unplaced=unplaced)
        out.append(f'<figure class="map">{f.map_svg}<figcaption>{text(note)}</figcaption></figure>')
    out.append(f"<h3>{say('rule_counts', lang)}</h3>")
    rows = [
        [str(n), RULES[r].title(lang), f"{count:,}", f.definitions[r]]
        for n, (r, count) in enumerate(f.gap_counts.items(), 1)
    ]
    heads = [say(k, lang) for k in ("no", "rule", "count", "definition")]
    out.append(_table(heads, rows, numeric={0, 2}, widths=(6, 24, 8, 62)))
    street_word = _word(f, "street")
    out.append(f"<h3>{text(say('per_street', lang, level=street_word))}</h3>")
    by_street: dict[tuple, list[GapRow]] = defaultdict(list)
    for g in f.gaps:
        by_street[(g.street, g.street_name)].append(g)
    for (_, name), found in by_street.items():
        shown = _first(found)
        label = name or say("unplaced", lang)
        out.append(f"<h4>{text(say('street_head', lang, name=label, n=f'{len(found):,}'))}</h4>")
        heads = [say(k, lang) for k in ("rule", "object", "reason", "fix")]
        cells = [[RULES[g.rule].title(lang), _named(g.name, g.id), g.reason, g.fix] for g in shown]
        out.append(_table(heads, cells, raw={1}, widths=(16, 18, 28, 38)))
        if len(found) > len(shown):
            out.append(
                f"<p class='note'>{text(say('more', lang, n=f'{len(found) - len(shown):,}'))}</p>"
            )
    return "".join(out)


def _worst(f: Figures) -> str:
    lang = f.lang
    word = _word(f, "community")
    worst = f.worst(WORST)
    if not worst:
        return f"<p>{text(say('worst_none', lang, level=word))}</p>"
    out = [f"<p>{text(say('worst_text', lang, n=len(worst), level=word))}</p>"]
    heads = [
        say("no", lang),
        say("region", lang),
        say("in_street", lang, level=_word(f, "street")),
    ]
    heads += [say("mean", lang), say("weakest", lang)]
    rows = [
        [
            str(n),
            r["name"],
            r["parent_name"] or "",
            f"{r['mean']:.1%}",
            f"{METRICS[r['lowest']][lang]} {_cell(r['metrics'][r['lowest']], lang)}",
        ]
        for n, r in enumerate(worst, 1)
    ]
    out.append(_table(heads, rows, numeric={0, 3}, widths=(6, 26, 20, 12, 36)))
    return "".join(out)


def _pairing(f: Figures) -> str:
    lang = f.lang
    rest = say("pairing_rest", lang, n=len(f.unmatched)) if f.unmatched else ""
    line = say(
        "pairing_text",
        lang,
        whole=_whole(f),
        weak=f"{f.weak:,}",
        pairs=f"{len(f.pairs):,}",
        rest=rest,
    )
    out = [f"<p>{text(line)}</p>"]
    if f.pairs:
        heads = [say(k, lang) for k in ("no", "weak", "strong", "why")]
        rows = [
            [str(n), _named(p.weak_name, p.weak), _named(p.strong_name, p.strong), p.reason]
            for n, p in enumerate(f.pairs[:MAX_PAIRS], 1)
        ]
        out.append(_table(heads, rows, numeric={0}, raw={1, 2}, widths=(6, 28, 28, 38)))
        if len(f.pairs) > MAX_PAIRS:
            out.append(
                f"<p class='note'>{text(say('pairing_more', lang, n=len(f.pairs) - MAX_PAIRS))}</p>"
            )
    if f.unmatched:
        listed = "、".join(name or i for i, name in f.unmatched[:MAX_PAIRS])
        out.append(f"<p class='note'>{text(say('unmatched', lang, list=listed))}</p>")
    return "".join(out)


def _changes(f: Figures) -> str:
    lang, first = f.lang, f.changes[0]
    day = lambda d: date_text(dt.date.fromisoformat(d), lang) if d else "—"  # noqa: E731
    line = say(
        "changes_text", lang, before=day(first["from"]), after=day(first["to"]), n=len(f.changes)
    )
    heads = [say("region", lang), say("metric", lang), say("before", lang), say("after", lang)]
    pct = lambda r: "—" if r is None else f"{r:.1%}"  # noqa: E731
    rows = [
        [c["name"], METRICS[c["metric"]][lang], pct(c["before"]), pct(c["after"])]
        for c in f.changes
    ]
    return f"<p>{text(line)}</p>" + _table(heads, rows, numeric={2, 3}, widths=(30, 40, 15, 15))


# ---------------------------------------------------------------- helpers


def _word(f: Figures, level: str) -> str:
    """What the streets or communities in the report are called (街道, 乡镇 or both)."""
    rows = f.streets if level == "street" else f.communities
    return level_word(level, [r["name"] for r in rows if r["id"] is not None], f.lang)


def _whole(f: Figures) -> str:
    return whole_of(f.place, f.level, f.lang)


def _cell(v: dict, lang: str, sep: str = "") -> str:
    """``80.0%（4/5）``; ``sep`` between the rate and the counts (a newline in tables)."""
    if v["rate"] is None:
        return "—"
    counts = say("cell", lang, covered=f"{v['covered']:,}", total=f"{v['total']:,}")
    return f"{v['rate']:.1%}{sep}{counts}"


def _named(name: str, node_id: str) -> str:
    """A name with its id in small type under it (already escaped)."""
    return f'{text(name)}<span class="id">{text(node_id)}</span>'


def _first(found: Sequence[GapRow]) -> list[GapRow]:
    """What a street's table lists: at most :data:`PER_RULE` gaps of each rule, at most
    :data:`PER_STREET` in all, in the rules' order."""
    seen: Counter = Counter()
    shown = []
    for g in found:
        if seen[g.rule] < PER_RULE and len(shown) < PER_STREET:
            seen[g.rule] += 1
            shown.append(g)
    return shown


def _rate_table(rows: list[dict], lang: str, parent_head: str | None) -> str:
    heads = [say("region", lang)] + ([parent_head] if parent_head else [])
    heads += [METRICS[m][lang] for m in METRICS]
    cells = []
    for r in rows:
        name = r["name"] if r["id"] is not None else say("unplaced", lang)
        row = [name] + ([r["parent_name"] or ""] if parent_head else [])
        cells.append(row + [_cell(r["metrics"][m], lang, "\n") for m in METRICS])
    first = 2 if parent_head else 1
    return _table(heads, cells, numeric=set(range(first, len(heads))), cls="rates")


def _table(
    heads: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: set[int] = frozenset(),  # type: ignore[assignment]
    raw: set[int] = frozenset(),  # type: ignore[assignment]
    cls: str = "",
    widths: Sequence[int] = (),
) -> str:
    """A table; cells escaped but those in ``raw`` (built escaped by the caller);
    ``widths``: each column's share of the width in per cent."""
    out = [f'<table class="{cls}">']
    if widths:
        out.append("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths))
        out.append("</colgroup>")
    out.append("<thead><tr>")
    out += [f"<th>{text(h)}</th>" for h in heads]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for n, cell in enumerate(row):
            attr = ' class="num"' if n in numeric else ""
            out.append(f"<td{attr}>{cell if n in raw else text(cell)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
