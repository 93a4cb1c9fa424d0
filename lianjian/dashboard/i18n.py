"""The dashboard's own words in Chinese and English (entity, relationship and enum
names come from the schema, rule titles from the rule catalogue, not from here).

>>> tr("overview", "zh"), tr("overview", "en")
('覆盖总览', 'Overview')
"""

from __future__ import annotations

__all__ = ["tr", "WORDS"]

WORDS: dict[str, tuple[str, str]] = {
    "app_title": ("基层党建知识图谱", "Grassroots party-building graph"),
    "overview": ("覆盖总览", "Overview"),
    "explorer": ("图谱浏览", "Explorer"),
    "gaps": ("覆盖空白", "Coverage gaps"),
    "pairings": ("以强带弱结对", "Pairings"),
    "console": ("Cypher 查询", "Cypher console"),
    "export": ("数据导出", "Export"),
    "language": ("语言 Language", "语言 Language"),
    "scope": ("范围", "Scope"),
    "whole": ("全部", "All"),
    "as_of": ("截至日期", "As of"),
    "backend": ("后端", "Backend"),
    "ledger": ("台账", "Ledger"),
    "names_on": ("显示党员姓名（已明确开启）", "member names shown (explicitly enabled)"),
    "names_off": ("党员以化名显示", "members shown by pseudonym"),
    "load_error": ("无法打开图谱：{e}", "cannot open the graph: {e}"),
    "balance_warning": (
        "台账未完整读入，以下数字只反映已读入的部分：{line}",
        "The ledger was not read in full; the figures show only what was loaded: {line}",
    ),
    "balance_not_read": ("未读入", "not read"),
    "balance_set_aside": ("未读入（其中没有台账表）", "not read (no ledger table in it)"),
    "balance_see": ("被拒绝的行及原因：运行 {command}", "rows rejected and why: run {command}"),
    "dismiss": ("知道了", "Dismiss"),
    # overview
    "kpi_gaps": ("覆盖空白", "Coverage gaps"),
    "kpi_weak": ("后进党组织待结对", "Weak orgs without a partner"),
    "kpi_proposals": ("建议结对", "Proposed pairings"),
    "rates_title": ("覆盖率", "Coverage rates"),
    "rates_by": ("{level}覆盖率", "Coverage by {level}"),
    "metric": ("指标", "Metric"),
    "rate": ("覆盖率", "Rate"),
    "rate_axis": ("覆盖率（横轴自 {low} 起）", "Rate (axis from {low})"),
    "covered": ("已覆盖", "Covered"),
    "total": ("总数", "Total"),
    "region": ("区划", "Region"),
    "gap_counts": ("各规则覆盖空白数", "Gaps per rule"),
    "rule": ("规则", "Rule"),
    "count": ("数量", "Count"),
    "drill": ("逐级查看", "Drill down"),
    "drill_hint": ("选择下级区划查看详情", "pick a region to look inside"),
    "no_data": ("没有数据", "no data"),
    "gaps_here": ("{name} 的覆盖空白", "Coverage gaps in {name}"),
    # explorer
    "search": (
        "搜索名称（繁简、全角、简称、拼音首字母均可）",
        "Search by name (any script, width, short form or pinyin initials)",
    ),
    "results": ("搜索结果", "Results"),
    "no_results": ("没有找到", "nothing found"),
    "centre": ("中心", "Centre"),
    "or_region": ("或按区划选择", "or pick a region"),
    "depth": ("关系层数", "Depth"),
    "types": ("节点类型", "Node types"),
    "cap": ("最多显示节点数", "Node cap"),
    "deep_cap": (
        "关系层数为3时最多显示 {n} 个节点，其余归入汇总节点；要看全貌请缩小范围或减少节点类型。",
        "At depth 3 at most {n} nodes are drawn, the rest folded into summary nodes; "
        "narrow the scope or the node types to see more.",
    ),
    "show_proposals": ("显示建议结对", "Show proposed pairings"),
    "drawn": (
        "显示 {n} 个节点、{e} 条关系；另有 {m} 个汇总在 {s} 个汇总节点中",
        "{n} nodes and {e} relationships drawn; {m} more in {s} summary nodes",
    ),
    "details": ("详细信息", "Details"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "relations": ("关系", "Relationships"),
    "download_html": ("下载图（HTML）", "Download drawing (HTML)"),
    "download_nodes": ("下载节点", "Download nodes"),
    "download_edges": ("下载关系", "Download relationships"),
    "download_json": ("下载子图（JSON）", "Download subgraph (JSON)"),
    "pick_centre": ("请搜索或选择一个区划作为中心", "search for an entity or pick a region"),
    # gaps
    "street": ("街道", "Street"),
    "all_streets": ("全部", "all"),
    "rules": ("规则", "Rules"),
    "all_rules": ("全部规则", "all rules"),
    "filter_text": ("按名称或编号筛选", "filter by name or id"),
    "id": ("编号", "ID"),
    "name": ("名称", "Name"),
    "reason": ("原因", "Reason"),
    "fix": ("建议", "Suggested fix"),
    "pick_row": (
        "选中一行，即在图谱浏览中以该对象为中心显示",
        "choose a row to see it in the Explorer",
    ),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download Excel"),
    "sheet": ("数据", "Data"),
    "depth_col": ("层数", "Depth"),
    "source": ("起点", "Source"),
    "target": ("终点", "Target"),
    "download_all": ("下载全部覆盖空白", "Download all gaps"),
    "none_flagged": ("无", "none"),
    "definition": ("定义", "Definition"),
    # pairings
    "weak": ("后进党组织", "Weak organisation"),
    "strong": ("结对组织", "Strong partner"),
    "cost": ("匹配代价", "Cost"),
    "cost_help": (
        "匹配代价越小越合适：同一社区最小（每公里加1），同一街道加20，同一区县50，跨区县100；"
        "再加上两者综合评分之差的折算（带领方越强代价越小，最多20）。",
        "Lower is better: same community cheapest (plus 1 per km), same street +20, same "
        "district 50, elsewhere 100; plus up to 20 the smaller the partner's lead in score.",
    ),
    "proposals": ("结对建议", "Proposals"),
    "unmatched": ("未能配对", "Unmatched"),
    "audit": ("核查", "Audit"),
    "kind": ("类型", "Kind"),
    "ids": ("涉及", "Entities"),
    "capacity": ("每个强组织最多带", "Weak orgs per strong partner"),
    "pair_help": (
        "以强带弱：为评定等级较低、尚无强组织结对的党组织，推荐距离近、等级高、负担轻的结对组织。",
        "Strong leads weak: for each weak organisation without a strong partner, a nearby, "
        "well-rated and not overloaded partner is proposed.",
    ),
    # console
    "console_neo4j_only": (
        "Cypher 查询仅在 Neo4j 后端可用（lianjian dashboard --neo4j）。",
        "The Cypher console needs the Neo4j backend (lianjian dashboard --neo4j).",
    ),
    "console_help": (
        "只运行只读查询：先用 EXPLAIN 检查，再在只读会话中带超时运行。",
        "Only read-only queries run: checked with EXPLAIN, then run in a read session with a timeout.",
    ),
    "saved": ("已保存的查询", "Saved queries"),
    "query": ("查询", "Query"),
    "params": ("参数", "Parameters"),
    "run": ("运行", "Run"),
    "limit": ("最多行数", "Row limit"),
    "timeout": ("超时（秒）", "Timeout (s)"),
    "refused": ("已拒绝：{why}", "refused: {why}"),
    "failed": ("查询失败：{why}", "query failed: {why}"),
    "rows": ("{n} 行，用时 {ms} ms", "{n} rows in {ms} ms"),
    "truncated": ("结果已截断为 {n} 行", "results cut at {n} rows"),
    "as_table": ("表格", "Table"),
    "as_graph": ("图", "Drawing"),
    # export
    "export_csv": ("CSV 导出", "CSV export"),
    "export_csv_help": (
        "当前范围内的实体与关系：一个 Excel 文件（每类一张表），或每类一个 CSV 文件（ZIP 打包）；表头和取值为中文，党员以化名显示。",
        "The entities and relationships in scope: one Excel file (a sheet per type) or one CSV per type (zipped), headers and values in the page's language; members pseudonymised.",
    ),
    "export_rdf": ("RDF 导出", "RDF export"),
    "rdf_format": ("格式", "Format"),
    "with_gaps": ("包含覆盖空白", "Include coverage gaps"),
    "prepare": ("生成文件", "Prepare file"),
    "download": ("下载", "Download"),
    # lists (三张清单)
    "lists": ("三张清单", "Lists"),
    "lists_help": (
        "社区的需求清单、驻区单位和党组织的资源清单、结成的项目清单，以及在职党员到社区报到后的服务记录。"
        "建议匹配按最小代价流计算（同一社区优先、其次同一街道，优先已联建共建的单位，不超过每月服务能力），"
        "只在当前范围内的需求、资源和报到党员之间匹配；旁边给出逐个认领（贪心）的结果作对照。",
        "The communities' needs, the resources resident units and organisations offer, the "
        "projects they form, and the services members reporting to a community have done. "
        "Proposed matches are a minimum-cost flow (same community first, then the same street, "
        "units already joint-building preferred, within each month's capacity) among the needs, "
        "resources and reporting members in scope; greedy first-come matching is shown beside it.",
    ),
    "lists_by_community": ("各社区清单", "Lists per community"),
    "community": ("社区", "Community"),
    "needs_list": ("需求清单", "Needs"),
    "resources_list": ("资源清单", "Resources"),
    "projects_list": ("项目清单", "Projects"),
    "needs_open": ("待认领需求", "Open needs"),
    "units_open": ("待认领数量", "Units asked"),
    "matched_optimal": ("建议匹配数量", "Units matched"),
    "matched_greedy": ("逐个认领可匹配", "Units matched greedily"),
    "objective": ("目标值（最优 / 贪心）", "Objective (optimal / greedy)"),
    "matches": ("建议匹配", "Proposed matches"),
    "match_help": (
        "每个需求单位的代价：同一社区0、同一街道20、全区40，加距离（公里，未知按1），未联建加10，党员本人服务加5；"
        "未匹配的每个单位计1000。",
        "Cost of one unit: same community 0, same street 20, whole district 40, plus km "
        "(1 where unknown), plus 10 if not joint-building, plus 5 for a member's own time; "
        "each unit left unmatched counts 1000.",
    ),
    "need": ("需求", "Need"),
    "provider": ("承接方", "Provider"),
    "units": ("数量", "Units"),
    "worklist": ("待办需求", "Open-need worklist"),
    "wanted_by": ("需求时限", "Wanted by"),
    "days_left": ("剩余天数", "Days left"),
    "matched": ("已匹配", "Matched"),
    "left_open": ("未匹配", "Left"),
    "category": ("服务类别", "Category"),
    "quantity": ("数量", "Quantity"),
    "status": ("状态", "Status"),
    "raised": ("提出日期", "Raised"),
    "capacity_month": ("每月服务能力", "Capacity a month"),
    "area": ("服务范围", "Area served"),
    "project_need": ("对应需求", "Need"),
    "start": ("开始日期", "Start"),
    "due": ("计划完成日期", "Due"),
    "outcome": ("成效", "Outcome"),
    "service_totals": ("党员服务统计", "Members' services"),
    "member": ("党员", "Member"),
    "services_n": ("服务次数", "Services"),
    "hours": ("服务时长（小时）", "Hours"),
    "categories_n": ("服务类别数", "Categories"),
    "last_service": ("最近服务", "Last service"),
}


def tr(key: str, lang: str = "zh", **fields: object) -> str:
    """The text of ``key`` in ``lang``, with ``{fields}`` filled in."""
    zh, en = WORDS.get(key, (key, key))
    text = zh if lang == "zh" else en
    return text.format(**fields) if fields else text
