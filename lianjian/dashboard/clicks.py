"""A click on a node of the drawing makes it the Explorer's selection.

The drawing (an ``st.iframe`` page, :mod:`lianjian.dashboard.render`) posts
``{"lianjian": "node", "id": …}`` to the page when an entity is clicked. This
component, drawn as nothing, listens for that message, accepts it only from a
frame of the page, and hands the id to Python as a one-shot trigger value. The
page then accepts only an id of the drawing it drew (so of the user's scope): a
message cannot select anything else.
"""

from __future__ import annotations

import streamlit as st

__all__ = ["clicked_node"]

_JS = """
export default function (component) {
  const { setTriggerValue } = component;
  if (window.__lianjianClick) { window.removeEventListener("message", window.__lianjianClick); }
  window.__lianjianClick = (e) => {
    const d = e.data;
    if (!d || d.lianjian !== "node" || typeof d.id !== "string" || d.id.length > 200) { return; }
    const frames = [...document.querySelectorAll("iframe")];
    if (frames.some((f) => f.contentWindow === e.source)) { setTriggerValue("clicked", d.id); }
  };
  window.addEventListener("message", window.__lianjianClick);
}
"""
_LISTENER = st.components.v2.component("lianjian_node_click", js=_JS)


def clicked_node(key: str, drawn: set[str] | dict) -> str | None:
    """The id of the node just clicked in the drawing, if it is one of ``drawn``."""
    result = _LISTENER(key=key, on_clicked_change=lambda: None)
    value = getattr(result, "clicked", None)
    return value if isinstance(value, str) and value in drawn else None
