"""The report's print style: A4, page numbers at the foot, the CJK fonts named
(Noto Serif CJK SC for text, Noto Sans CJK SC for headings and tables, from
fonts-noto-cjk), tables that repeat their heads across pages."""

from __future__ import annotations

__all__ = ["CSS", "SERIF", "SANS"]

SERIF = '"Noto Serif CJK SC", "Noto Serif CJK", serif'
SANS = '"Noto Sans CJK SC", "Noto Sans CJK", sans-serif'

CSS = f"""
@page {{
  size: A4;
  margin: 22mm 18mm 20mm 18mm;
  @bottom-center {{
    content: "— " counter(page) " / " counter(pages) " —";
    font-family: {SANS};
    font-size: 9pt;
    color: #444;
  }}
}}
html {{ font-family: {SERIF}; font-size: 10.5pt; line-height: 1.6; color: #111; }}
h1, h2, h3, h4, th, table, .meta, nav {{ font-family: {SANS}; }}
h1 {{ font-size: 18pt; text-align: center; margin: 8mm 0 2mm; line-height: 1.4; }}
h2 {{ font-size: 13pt; margin: 6mm 0 2mm; break-after: avoid; }}
h3 {{ font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; }}
h4 {{ font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; }}
p {{ text-indent: 2em; margin: 1mm 0 2mm; text-align: justify; }}
p.meta {{ text-indent: 0; text-align: center; color: #444; font-size: 9.5pt; }}
p.note {{ text-indent: 0; color: #444; font-size: 8.5pt; }}
nav.toc ul {{ list-style: none; padding: 0; margin: 0 0 6mm; }}
nav.toc li {{ margin: 1mm 0; }}
nav.toc a {{ color: #111; text-decoration: none; }}
nav.toc a::after {{ content: leader(".") target-counter(attr(href), page); }}
table {{ width: 100%; border-collapse: collapse; font-size: 8pt; margin: 1mm 0 3mm; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
th {{ background: #eef1f5; font-weight: bold; }}
th, td {{ border: 0.5pt solid #999; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }}
th {{ white-space: nowrap; }}
td.num {{ text-align: right; white-space: nowrap; }}
table.rates {{ font-size: 7.5pt; }}
table.rates th {{ white-space: normal; }}
table.rates td.num {{ white-space: pre-line; }}
span.id {{ display: block; color: #777; font-size: 7pt; }}
div.chart {{ display: inline-block; width: 49%; break-inside: avoid; margin: 1mm 0 2mm; }}
div.chart svg {{ width: 100%; height: auto; }}
figure.map {{ break-inside: avoid; margin: 2mm 0 3mm; }}
figure.map svg {{ width: 80%; height: auto; display: block; margin: 0 auto; }}
figure.map figcaption {{ font-size: 8pt; color: #555; text-align: center; }}
"""
