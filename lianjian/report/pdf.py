"""The report as PDF, through WeasyPrint (HTML and CSS to PDF, fonts embedded and
subset): the HTML of :func:`lianjian.report.html.render_html`, nothing fetched.

>>> pdf, pages = html_to_pdf("<p>两个覆盖</p>")
>>> pdf[:5], pages
(b'%PDF-', 1)
"""

from __future__ import annotations

__all__ = ["html_to_pdf"]


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """PDF bytes of ``html`` and the number of pages. No URL is ever fetched: a
    reference to anything outside the page is refused."""
    # deferred: WeasyPrint (with its font and layout stack) takes half a second to
    # import, and only a PDF needs it
    from weasyprint import HTML

    doc = HTML(string=html, url_fetcher=_refuse, base_url=None).render()
    return doc.write_pdf(), len(doc.pages)


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"the report fetches nothing ({url})")
