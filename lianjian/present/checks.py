"""The validation report of a ledger, the graph's statistics and the SHACL violations
of an RDF file, as tables and lines."""

from __future__ import annotations

from typing import Any

from lianjian.core.report import HOW_RESOLVED, Report
from lianjian.core.schema import SCHEMA
from lianjian.present.table import Block, Column, Styled, Table, columns

__all__ = ["report_blocks", "stats_table", "violation_blocks", "SHOWN"]

SHOWN = 500  # problems or violations a table shows; JSON has all
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "notice": "dim"}


def report_blocks(report: Report, with_names: bool = False) -> list[Block]:
    """The problems (file, row, column, value, reason, severity), how the references of each
    column matched (by id, by name as written, by folded name, or not: ambiguous, unknown),
    the rows per file, the balance; a personal value only ``with_names``."""
    blocks: list[Block] = []
    problems = report.sorted_problems()
    if problems:
        t = Table(
            "问题 Problems",
            columns(
                "文件 File",
                "行 Row",
                "列 Column",
                "值 Value",
                "原因 Reason",
                "级别 Severity",
                overflow="fold",
            ),
        )
        for p in problems[:SHOWN]:
            severity = Styled(p.severity, SEVERITY_STYLE.get(p.severity, ""))
            t.add(
                p.file,
                str(p.row or ""),
                p.column or "",
                p.shown(with_names) or "",
                p.reason,
                severity,
            )
        blocks.append(t)
        if len(problems) > SHOWN:
            blocks.append(f"… {len(problems) - SHOWN} more problems (use --format json for all)")
    counts = report.reference_counts()
    if counts:
        heads = ("编号 Id", "原名 Name", "折叠 Folded", "歧义 Ambiguous", "未知 Unknown")
        r = Table(
            "引用 References (matched by id, by name as written, by folded name; or not)",
            [Column("列 Column", no_wrap=True), *(Column(h, justify="right") for h in heads)],
        )
        for column, n in counts.items():
            r.add(column, *(str(n[how]) for how in HOW_RESOLVED))
        blocks.append(r)
    s = Table("行数 Rows", columns("文件 File", "读入 In", "已加载 Loaded", "已拒绝 Rejected"))
    for f in sorted(report.rows_in):
        s.add(f, str(report.rows_in[f]), str(report.loaded[f]), str(report.rejected[f]))
    rows_in, loaded, rejected = report.totals
    s.add(Styled("合计 Total", "bold"), str(rows_in), str(loaded), str(rejected))
    blocks.append(s)
    sev = report.by_severity()
    balance = "=" if report.balanced else "≠"
    blocks.append(
        f"rows in {rows_in} {balance} loaded {loaded} + rejected {rejected}; "
        f"{sev.get('error', 0)} errors, {sev.get('warning', 0)} warnings, {sev.get('notice', 0)} notices"
    )
    if report.addresses:  # home addresses (家庭住址) matched to buildings: counts, never text
        a = report.addresses
        blocks.append(
            f"家庭住址 home addresses: matched to a building {a['matched']}, "
            f"to none {a['unmatched']}, to several (ambiguous) {a['ambiguous']}"
        )
    if report.created:  # entities the forms name and the ledger had not: no rows of it
        made = ", ".join(f"{table} {n}" for table, n in sorted(report.created.items()))
        blocks.append(f"created from the forms (not rows of the ledger): {made}")
    return blocks


def stats_table(stats: Any, backend: str) -> Table:
    """Nodes per label, then relationships per type, with their zh/en names."""
    t = Table(
        f"图谱统计 Graph statistics ({backend})",
        columns("类型 Type", "中文", "English", "数量 Count"),
    )
    for label, n in stats.nodes.items():
        node = SCHEMA.nodes[label]
        t.add(label, node.zh, node.en, str(n))
    t.section()
    for rel, n in stats.relationships.items():
        t.add(rel, SCHEMA.rel_name(rel, "zh"), SCHEMA.rel_name(rel, "en"), str(n))
    return t


def violation_blocks(result: Any, source: str) -> list[Block]:
    """The SHACL violations (focus node, path, value, message) and the verdict."""
    blocks: list[Block] = []
    if result.violations:
        t = Table(
            "SHACL 违规 Violations",
            columns("焦点 Focus node", "路径 Path", "值 Value", "信息 Message", overflow="fold"),
        )
        for v in result.violations[:SHOWN]:
            t.add(v.focus, v.path, v.value, v.message)
        blocks.append(t)
        if len(result.violations) > SHOWN:
            blocks.append(f"… {len(result.violations) - SHOWN} more (use --format json for all)")
    verdict = "conforms 符合" if result.conforms else f"{len(result.violations)} violations 违规"
    blocks.append(f"{source}: {result.triples} triples; {verdict}")
    return blocks
