"""A subgraph as one self-contained HTML page: pyvis network data, vis-network inlined.

Colours and shapes per label come from the schema; entities flagged by a gap
rule are drawn red with the rule's reason in the tooltip; joint-building links
(联建共建, 以强带弱) and proposed pairings (建议结对) are distinct edges; summary
nodes stand for what the node cap left out. Physics runs until the layout is
stable, then is switched off, so the drawing holds still.

Names come from ledgers and may hold anything, ``<img src=x onerror=…>``
included: every label and tooltip is HTML-escaped here. Tooltips are put into
the page as markup built from escaped values; labels, which vis-network draws
on a canvas, have their escapes read back as text by an inert ``<textarea>``.
The data travels as JSON escaped for a ``<script>`` element, and the page loads
nothing from the network.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pyvis.network import Network

from lianjian.core.schema import SCHEMA
from lianjian.dashboard.display import (
    count_label,
    kind_name,
    node_name,
    rel_name,
    type_name,
)
from lianjian.dashboard.subgraph import PROPOSED, Subgraph

__all__ = ["render_html", "legend_html", "FLAG_COLOR", "GAP_COLOR", "FONT"]

FONT = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
# a gap is amber, apart from every label's colour (a party organisation is red)
GAP_COLOR = "#e6ab02"
FLAG_COLOR = {"background": GAP_COLOR, "border": "#5c4400"}
SUMMARY_COLOR = {"background": "#f5f7fa", "border": "#9aa5b1"}
PAIR_COLOR = "#d97706"
PROPOSED_COLOR = "#15803d"
EDGE_COLOR = "#b6c0ca"
MAX_LABEL = 14
_LABEL_INSIDE = {"box", "ellipse", "circle", "database", "text"}  # shapes that hold their label

_UI = {
    "zh": {
        "id": "编号",
        "flagged": "存在覆盖空白",
        "summary": "汇总节点",
        "pair": "联建共建（已有）",
        "proposed": "建议结对",
        "shown": "显示 {n} 个节点，另有 {m} 个汇总",
        "empty": "没有可显示的内容",
    },
    "en": {
        "id": "ID",
        "flagged": "coverage gap",
        "summary": "summary node",
        "pair": "joint building (existing)",
        "proposed": "proposed pairing",
        "shown": "{n} nodes drawn, {m} more summarised",
        "empty": "nothing to draw",
    },
}
_SVG = {
    "dot": '<circle cx="7" cy="7" r="6" fill="{c}"/>',
    "square": '<rect x="1" y="1" width="12" height="12" fill="{c}"/>',
    "box": '<rect x="0" y="3" width="14" height="8" rx="2" fill="{c}"/>',
    "diamond": '<polygon points="7,0 14,7 7,14 0,7" fill="{c}"/>',
}


def render_html(
    sub: Subgraph,
    *,
    lang: str = "zh",
    with_names: bool = False,
    flags: dict[str, list[tuple[str, str]]] | None = None,
    height: int = 640,
    title: str = "",
) -> str:
    """The drawing of ``sub`` as a standalone HTML page (no network access needed)."""
    flags = flags or {}
    ui = _UI.get(lang, _UI["zh"])
    net = Network(height=f"{height}px", width="100%", directed=True)
    for node_id, (label, props) in sub.nodes.items():
        net.add_node(node_id, **_node(node_id, label, props, sub, lang, with_names, flags, ui))
    for s in sub.summaries:
        caption = count_label(s.count, s.label, lang)
        net.add_node(
            s.id,
            label=_esc(caption),
            title=f"<b>{_esc(caption)}</b><br><span class='muted'>{_esc(ui['summary'])}</span>",
            shape="box",
            color=_colours(SUMMARY_COLOR["background"], SUMMARY_COLOR["border"]),
            font={"color": "#52606d"},
            shapeProperties={"borderDashes": [4, 3]},
            summary=True,  # no entity: a click on it selects nothing
        )
        net.add_edge(s.via, s.id, color=EDGE_COLOR, dashes=True, title=_esc(rel_name(s.rel, lang)))
    for e in sub.edges:
        net.add_edge(e.source, e.target, **_edge(e.type, e.props, lang))
    nodes, edges, _, _, _, _ = net.get_network_data()
    status = ui["shown"].format(n=len(sub.nodes), m=sum(s.count for s in sub.summaries))
    return _template().render(
        lang=lang,
        title=title or status,
        font=Markup(FONT),
        height=height,
        vis_js=Markup(_vis_js()),
        nodes=nodes,
        edges=edges,
        options=_options(len(nodes)),
        legend=Markup(legend_html(lang, sub)),
        status=status if sub.nodes else ui["empty"],
        centre=" ".join(n for n, d in sub.depth.items() if d == 0),
    )


def legend_html(lang: str = "zh", sub: Subgraph | None = None) -> str:
    """The legend: each label's colour and shape (schema), then flags, summaries, pairings."""
    ui = _UI.get(lang, _UI["zh"])
    items = []
    for label, node in SCHEMA.nodes.items():
        items.append(
            _legend_item(_SVG.get(node.shape, _SVG["dot"]), node.color, type_name(label, lang))
        )
    items.append(_legend_item(_SVG["dot"], FLAG_COLOR["background"], "⚠ " + ui["flagged"]))
    if sub is None or sub.summaries:
        items.append(_legend_item(_SVG["box"], SUMMARY_COLOR["border"], ui["summary"]))
    items.append(_legend_line(PAIR_COLOR, ui["pair"], dashed=False))
    items.append(_legend_line(PROPOSED_COLOR, ui["proposed"], dashed=True))
    return "".join(items)


# ---------------------------------------------------------------- helpers


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _node(
    node_id: str,
    label: str,
    props: dict[str, Any],
    sub: Subgraph,
    lang: str,
    with_names: bool,
    flags: dict[str, list[tuple[str, str]]],
    ui: dict[str, str],
) -> dict[str, Any]:
    node_type = SCHEMA.nodes.get(label)
    name = node_name(node_id, label, props, with_names)
    kind = kind_name(label, props, lang)
    tip = [
        f"<b>{_esc(name)}</b>",
        f"<span class='muted'>{_esc(type_name(label, lang))} · {_esc(kind)}</span>",
        f"<span class='muted'>{_esc(ui['id'])}: {_esc(node_id)}</span>",
    ]
    found = flags.get(node_id, [])
    for rule, reason in found:
        tip.append(f"<span class='gap'>⚠ {_esc(rule)}: {_esc(reason)}</span>")
    seed = sub.depth.get(node_id) == 0
    colour = node_type.color if node_type else "#999999"
    opts: dict[str, Any] = {
        "label": _esc(("⚠ " if found else "") + _short(name)),
        "title": "<br>".join(tip),
        "shape": node_type.shape if node_type else "dot",
        "color": _colours(colour, _darker(colour)),
        "size": 24 if seed else 14,
        "font": {"size": 17 if seed else 13},
    }
    if opts["shape"] in _LABEL_INSIDE:
        opts["font"]["color"] = "#ffffff"
    if seed:
        opts["borderWidth"] = 3
        if opts["shape"] not in _LABEL_INSIDE:
            opts["font"].update(strokeWidth=3, strokeColor="#ffffff")
    if found:
        opts["color"] = _colours(FLAG_COLOR["background"], FLAG_COLOR["border"])
        opts["borderWidth"] = 4
        if opts["shape"] not in _LABEL_INSIDE:
            opts["font"]["color"] = FLAG_COLOR["border"]
    return opts


def _edge(rel: str, props: dict[str, Any], lang: str) -> dict[str, Any]:
    name = rel_name(rel, lang)
    kind = props.get("kind")
    if rel == "JOINT_BUILD" and kind:
        name = SCHEMA.enum_label("link_kind", str(kind), lang)
    tip = f"<b>{_esc(name)}</b>"
    reason = props.get(f"reason_{lang}") or props.get("note")
    if reason:
        tip += f"<br>{_esc(reason)}"
    opts: dict[str, Any] = {"title": tip, "color": EDGE_COLOR, "width": 1}
    if rel == "JOINT_BUILD":
        opts.update(color=PAIR_COLOR, width=4, label=_esc(name))
    elif rel == PROPOSED:
        opts.update(color=PROPOSED_COLOR, width=3, dashes=[8, 6], label=_esc(name))
    if "label" in opts:
        opts["font"] = {"size": 11, "color": opts["color"], "strokeWidth": 3}
    return opts


def _options(n_nodes: int) -> dict[str, Any]:
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {"font": {"face": FONT, "size": 13, "color": "#1f2933"}, "borderWidth": 1.5},
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "font": {"face": FONT},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 300},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -70,
                "centralGravity": 0.012,
                "springLength": 100,
                "springConstant": 0.08,
                "avoidOverlap": 0.3,
            },
            "minVelocity": 1.5,
            "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 100},
        },
    }


def _colours(background: str, border: str) -> dict[str, Any]:
    """One colour for every state: hovering or selecting a node keeps what it says."""
    plain = {"background": background, "border": border}
    return {**plain, "highlight": {**plain, "border": "#102a43"}, "hover": dict(plain)}


def _darker(colour: str, factor: float = 0.7) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (r, g, b)))


def _legend_item(svg: str, colour: str, text: str) -> str:
    shape = svg.format(c=_esc(colour))
    return (
        f'<span class="item"><svg width="14" height="14" viewBox="0 0 14 14">{shape}</svg>'
        f"{_esc(text)}</span>"
    )


def _legend_line(colour: str, text: str, dashed: bool) -> str:
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        f'<span class="item"><svg width="22" height="14"><line x1="0" y1="7" x2="22" y2="7" '
        f'stroke="{_esc(colour)}" stroke-width="3"{dash}/></svg>{_esc(text)}</span>'
    )


@lru_cache(maxsize=1)
def _vis_js() -> str:
    import pyvis  # deferred: half a second to import, for the path of one file it ships

    return (Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js").read_text(
        "utf-8"
    )


@lru_cache(maxsize=1)
def _template():
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html"]),
    )
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env.get_template("graph.html")
