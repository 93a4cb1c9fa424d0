"""Text from the ledger made safe for HTML and SVG, in one place.

:func:`text` first makes a value what a reader should see
(:func:`lianjian.present.escape.plain_text`: control characters and escape sequences
removed, invisible formatting characters shown as ``<U+202E>``), then escapes
``&``, ``<``, ``>`` and both quotes, so a name is always text, never markup, in an
element or in an attribute.

>>> text('<script>"x"</script>\\u202e&')
'&lt;script&gt;&quot;x&quot;&lt;/script&gt;&lt;U+202E&gt;&amp;'
"""

from __future__ import annotations

from html import escape
from typing import Any

from lianjian.present.escape import plain_text

__all__ = ["text"]


def text(value: Any) -> str:
    """``value`` as HTML text (element content or a quoted attribute value)."""
    return escape(plain_text("" if value is None else value), quote=True)
