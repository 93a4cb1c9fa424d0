"""One call from a store to a finished report: figures, HTML, and (for ``pdf``) PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from lianjian.core.privacy import pseudonym
from lianjian.graph.store import GraphStore
from lianjian.queries.scope import Scope
from lianjian.report.figures import gather
from lianjian.report.html import render_html
from lianjian.report.pdf import html_to_pdf

__all__ = ["build", "FORMATS", "LANGS"]

FORMATS = ("pdf", "html")
LANGS = ("zh", "en")


def build(
    store: GraphStore,
    fmt: str = "pdf",
    as_of: dt.date | str | None = None,
    scope: Scope | None = None,
    lang: str = "zh",
    name_of: Callable[[str], str] = pseudonym,
    with_names: bool = False,
    **cached: Any,
) -> tuple[bytes, int]:
    """The report as ``fmt`` (``pdf`` or ``html``, UTF-8) bytes and its page count (0
    for HTML). ``name_of`` shows members in fixes (pseudonyms unless ``with_names``);
    ``cached`` passes ``gaps`` / ``pairing`` results already computed for the date.
    ``ValueError`` on an unknown format or language, or a bad date."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: give pdf or html")
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: give zh or en")
    figures = gather(store, as_of, scope, lang, name_of, **cached)
    html = render_html(figures, with_names)
    if fmt == "html":
        return html.encode("utf-8"), 0
    return html_to_pdf(html)
