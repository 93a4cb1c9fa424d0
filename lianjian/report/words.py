"""The report's own words in Chinese and English (rule titles and definitions come
from the rule catalogue, metric names from the coverage rates, level names from the
schema, never from here).

>>> say("gaps", "zh"), say("gaps", "en")
('三、存在的问题：覆盖空白', '3. Coverage gaps')
"""

from __future__ import annotations

import datetime as dt

from lianjian.core.schema import SCHEMA

__all__ = ["say", "sub_no", "date_text", "level_name", "level_word", "whole_of", "WORDS"]

WORDS: dict[str, tuple[str, str]] = {
    "report_name": ("汇报材料", "Report"),
    "report_help": (
        "当前范围与截至日期的“两个覆盖”情况报告（A4，PDF）：基本情况、分街道和社区的覆盖率及图表、覆盖空白与整改建议、薄弱社区、以强带弱结对建议。",
        "A printable report (A4, PDF) of the scope as of the date: the figures, coverage per street and community with charts, the gaps and their fixes, the weakest communities, the pairings.",
    ),
    "pages": ("共 {n} 页", "{n} pages"),
    "title": (
        "{place}党建引领基层治理“两个覆盖”情况报告",
        "{place}: the two coverages (两个覆盖) of party building",
    ),
    "title_all": (
        "党建引领基层治理“两个覆盖”情况报告",
        "The two coverages (两个覆盖) of party building",
    ),
    "meta": ("截至{date}　范围：{scope}", "As of {date} · scope: {scope}"),
    "all": ("全部", "all regions"),
    "names_off": ("党员以化名显示", "members shown by pseudonym"),
    "names_on": ("含党员姓名，注意保密", "contains member names: keep it confidential"),
    "toc": ("目　录", "Contents"),
    "page": ("第 {n} 页", "page {n}"),
    "basic": ("一、基本情况", "1. The figures"),
    "basic_text": ("截至{date}，{whole}共有{parts}。", "On {date}, {whole} has {parts}."),
    "coverage": ("二、“两个覆盖”情况", "2. The two coverages"),
    "coverage_text": ("截至{date}，{whole}{rates}。", "On {date}, {whole}: {rates}."),
    "lowest": ("{metric}最低的{level}是{name}（{rate}）。", "Lowest {metric}: {name} ({rate})."),
    "by_level": ("（{no}）各{level}覆盖情况", "2.{no} Coverage by {level}"),
    "charts_by": ("各{level}覆盖率", "Coverage by {level}"),
    "axis": ("横轴自 {low} 起", "axis from {low}"),
    "cell": ("（{covered}/{total}）", " ({covered}/{total})"),
    "gaps": ("三、存在的问题：覆盖空白", "3. Coverage gaps"),
    "map_note": (
        "图：楼栋覆盖分布（琥珀色为存在覆盖空白的楼栋{gap}个，蓝色为已覆盖楼栋{covered}个；"
        "网格以其楼栋的外包范围表示；无坐标楼栋{unplaced}个未画出）",
        "Map: the buildings ({gap} with a gap in amber, {covered} covered in blue; each grid "
        "the hull of its buildings; {unplaced} without coordinates not drawn)",
    ),
    "gaps_text": (
        "对照{rules}项规则，{whole}共发现覆盖空白{total}处，涉及{kinds}类问题{top}。",
        "Against {rules} rules, {whole} has {total} coverage gaps of {kinds} kinds{top}.",
    ),
    "gaps_top": ("，数量较多的是{list}", "; the largest: {list}"),
    "gaps_none": (
        "对照{rules}项规则，{whole}未发现覆盖空白。",
        "Against {rules} rules, {whole} has no coverage gap.",
    ),
    "rule_counts": ("（一）各类问题数量", "3.1 Gaps per rule"),
    "per_street": (
        "（二）各{level}主要问题及整改建议",
        "3.2 The main gaps per {level} and their fixes",
    ),
    "street_head": ("{name}（{n}处）", "{name} ({n})"),
    "more": (
        "另有{n}处未列出，详见覆盖空白清单（数据导出或 lianjian gaps）。",
        "{n} more not listed: see the full list (Export, or lianjian gaps).",
    ),
    "unplaced": ("未定位", "unplaced"),
    "worst": ("四、覆盖薄弱的{level}", "4. The {level} with the lowest coverage"),
    "worst_text": (
        "按六项覆盖率的平均值排序，覆盖最薄弱的{n}个{level}如下，建议作为下一步工作重点。",
        "Ranked by the mean of the six rates, these {n} have the lowest coverage.",
    ),
    "worst_none": ("各{level}各项覆盖率均已达到100%。", "Every {level} is fully covered."),
    "pairing": ("五、以强带弱结对建议", "5. Strong leads weak: proposed pairings"),
    "pairing_text": (
        "{whole}现有后进党组织{weak}个；对尚无强组织结对的，建议结对{pairs}对{rest}。",
        "{whole} has {weak} weak organisations; {pairs} pairings are proposed for those without a strong partner{rest}.",
    ),
    "pairing_rest": ("，另有{n}个暂无可带领的组织", "; {n} have no leader with room"),
    "pairing_more": (
        "另有{n}对未列出，详见结对清单（lianjian pair）。",
        "{n} more not listed: see lianjian pair.",
    ),
    "unmatched": (
        "暂无可带领组织的后进党组织：{list}。",
        "Weak organisations without a leader with room: {list}.",
    ),
    "changes": ("六、与上期相比", "6. Since the previous version"),
    "changes_text": (
        "与上一版本（{before}）相比，截至{after}共有{n}项覆盖率发生变化。",
        "Since the previous version ({before}), {n} rates changed by {after}.",
    ),
    "metric": ("指标", "Rate"),
    "before": ("上期", "Before"),
    "after": ("本期", "Now"),
    # table heads
    "no": ("序号", "No."),
    "region": ("名称", "Name"),
    "in_street": ("所属{level}", "{level}"),
    "rule": ("问题类型", "Gap"),
    "count": ("数量", "Count"),
    "definition": ("认定标准", "Definition"),
    "object": ("对象", "Entity"),
    "reason": ("原因", "Reason"),
    "fix": ("整改建议", "Suggested fix"),
    "mean": ("平均覆盖率", "Mean rate"),
    "weakest": ("最低一项", "Lowest rate"),
    "weak": ("后进党组织", "Weak organisation"),
    "strong": ("建议带领组织", "Proposed leader"),
    "why": ("结对理由", "Why"),
    # counts in the first paragraph
    "n_region": ("{level}{n}个", "{n} {level}s"),
    "n_building": ("住宅楼栋{n}栋", "{n} residential buildings"),
    "n_org": ("党组织{n}个", "{n} party organisations"),
    "n_member": ("党员{n}名", "{n} party members"),
    "n_unit": ("驻区单位{n}家", "{n} resident units"),
}


def say(key: str, lang: str = "zh", **fields: object) -> str:
    """The text of ``key`` in ``lang``, with ``{fields}`` filled in."""
    zh, en = WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text


def sub_no(n: int, lang: str = "zh") -> str:
    """The number of a subsection: 一, 二, 三 … (up to ten), or 1, 2, 3."""
    return "一二三四五六七八九十"[n - 1] if lang == "zh" and 0 < n <= 10 else str(n)


def date_text(day: dt.date, lang: str = "zh") -> str:
    """2026年6月30日, or 30 June 2026."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {day:%B} {day.year}"


def level_name(level: str, lang: str = "zh") -> str:
    """A region level as the schema names it (街道, street)."""
    return SCHEMA.enum_label("region_level", level, lang)


#: the other kind of place a level holds: its endings, its name in Chinese and English
OTHER = {"street": (("镇", "乡"), "乡镇", "town"), "community": (("村",), "村", "village")}


def level_word(level: str, names: list[str], lang: str = "zh") -> str:
    """What the regions ``names`` of ``level`` are called together: 街道, 乡镇, or
    街道（乡镇） when both (towns are no streets, villages no communities)."""
    plain = level_name(level, lang)
    if level not in OTHER:
        return plain
    endings, zh, en = OTHER[level]
    other = sum(1 for n in names if str(n).endswith(endings))
    word = zh if lang == "zh" else en
    if not other:
        return plain
    if other == len(names):
        return word
    return f"{plain}（{word}）" if lang == "zh" else f"{plain} ({word})"


def whole_of(place: str | None, level: str | None, lang: str = "zh") -> str:
    """How the report speaks of its whole scope: 全区, 全街道, 全市, 全镇 (by the last
    word of the name the schema knows for its level), or the place's name in English."""
    if lang != "zh":
        return place or "the ledger"
    if place is None or level is None:
        return "全部台账范围"
    enum = SCHEMA.enums["region_level"].get(level)
    words = sorted({enum.zh, *enum.aliases}, key=len, reverse=True) if enum else []
    word = next((w for w in words if place.endswith(w)), enum.zh if enum else "")
    return "全" + (word[-1] if word in ("区县", "县区", "县级市", "乡镇") else word)
