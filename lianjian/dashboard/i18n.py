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
    "map": ("地图", "Map"),
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
    "computing_gaps": ("正在查找覆盖空白 …", "Finding the coverage gaps …"),
    "computing_coverage": ("正在计算覆盖率 …", "Computing the coverage rates …"),
    "opening": ("正在打开台账 …", "Opening the ledger …"),
    "opening_read": ("读取台账 · {table}：{rows} 行", "Reading the ledger · {table}: {rows} rows"),
    "opening_write": ("写入图谱：{done} / {total}", "Building the graph: {done} / {total}"),
    "show_in_graph": ("在图谱中查看", "Show in graph"),
    "show_gaps": ("查看空白明细", "Show the gaps"),
    "click_bar_region": (
        "点击条形可在图谱中查看该区划",
        "Click a bar to see the region in the graph",
    ),
    "click_bar_rule": (
        "点击条形可查看该类空白明细",
        "Click a bar to see the findings of that rule",
    ),
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
        "选中一行，即在图谱浏览中以该对象为中心显示；点“在地图上显示”则在地图上显示",
        "choose a row to see it in the Explorer, or its “Show on the map” cell to see it on the map",
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
    # map
    "map_counts": (
        "楼栋 {n} 个：有覆盖空白 {gap} 个，已覆盖 {covered} 个；无坐标 {unplaced} 个",
        "{n} buildings: {gap} with a coverage gap, {covered} covered; {unplaced} without coordinates",
    ),
    "map_legend": (
        ":orange[●] 有覆盖空白的楼栋　:blue[●] 已覆盖的楼栋　▢ 网格（按所属楼栋画出范围，有空白的网格为浅黄色）；悬停可看名称和空白",
        ":orange[●] building with a gap　:blue[●] covered building　▢ grid (drawn around its "
        "buildings; pale amber where the grid has a gap); hover for the name and its gaps",
    ),
    "map_unplaced": (
        "无坐标的楼栋（{n} 个，未画在地图上）",
        "Buildings without coordinates ({n}, not drawn)",
    ),
    "map_centre_none": (
        "此处没有带坐标的楼栋，地图显示当前范围",
        "no building with coordinates here: the map shows the whole scope",
    ),
    "map_nothing": ("当前范围内没有带坐标的楼栋", "no building with coordinates in this scope"),
    "show_on_map": ("在地图上显示", "Show on the map"),
    "map_col": ("地图", "Map"),
    "map_needs": ("显示需求清单（{n} 项，待认领 {open} 项）", "Show the needs ({n}, {open} open)"),
    "map_needs_legend": (
        "紫色圆点为需求，画在其所在社区或网格楼栋的中心（深色为待认领）。",
        "Purple dots are needs, drawn at the middle of their community's or grid's buildings "
        "(dark: open).",
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
    # the store of record: the Progress page, the Overview's changes
    "progress": ("进展", "Progress"),
    "record_store": ("台账库", "store of record"),
    "conflicts": (
        "来源之间有 {n} 处冲突：保留先加载来源的数据，未合并；命令行（如 lianjian stats）逐条列出。",
        "{n} conflicts between sources: the first-loaded source's data is kept, never "
        "merged; the command line (e.g. lianjian stats) names each.",
    ),
    "delta_help": (
        "变化：版本 {a}（{da}）→ 版本 {b}（{db}），按各版本加载时的记录",
        "Change from version {a} ({da}) to version {b} ({db}), as recorded with each version",
    ),
    "progress_none": (
        "当前看板直接读取一份台账，没有历史记录。要跟踪每月进展，请将台账逐月加载到台账库，再不带台账路径启动看板：",
        "This dashboard reads one ledger directly: there is no history. To follow progress "
        "month by month, load each month's ledger into the store of record, then start the "
        "dashboard without a ledger path:",
    ),
    "progress_versions": (
        "共 {n} 个版本；最新：版本 {v}（来源 {source}，截至 {as_of}）",
        "{n} versions; the latest: version {v} (source {source}, as of {as_of})",
    ),
    "open_gaps": ("待整改覆盖空白", "Open gaps"),
    "opened_gaps": ("本期新发现", "Opened this version"),
    "closed_gaps": ("本期销号", "Closed this version (销号)"),
    "trend": ("覆盖率走势", "Coverage over time"),
    "trend_by_region": ("各{level}{metric}", "{metric} by {level}"),
    "trend_by_metric": ("{name}各项覆盖率", "Coverage rates of {name}"),
    "trend_table": ("各版本覆盖率", "Rates per version"),
    "version": ("版本", "Version"),
    "worklist": ("整改清单（按挂账时长排序）", "Worklist (oldest first)"),
    "worklist_help": (
        "截至最新版本仍未销号的覆盖空白；责任层级为该对象所在的社区，不在社区内的为街道。选中一行，即在图谱浏览中以该对象为中心显示。",
        "Gaps still open at the latest version; the level responsible is the community the "
        "entity lies in, else its street. Choose a row to see it in the Explorer.",
    ),
    "age_months": ("挂账月数", "Age (months)"),
    "since": ("首次发现", "First seen"),
    "closed_on": ("销号日期", "Closed on"),
    "months_open": ("历时月数", "Months open"),
    "level_responsible": ("责任层级", "Level responsible"),
    "responsible": ("责任单位", "Responsible"),
    "closed_title": ("本期销号（版本 {a} → {b}）", "Closed since the previous version ({a} → {b})"),
    "nothing_closed": ("本期没有销号的覆盖空白", "no gap closed in this version"),
    "one_version": (
        "台账库只有一个版本：加载下个月的台账后即可看到销号情况。",
        "The store holds one version: load next month's ledger to see what was closed.",
    ),
    "no_open": ("没有待整改的覆盖空白", "no open gap"),
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
    "need_worklist": ("待办需求", "Open-need worklist"),
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
