"""Matching community needs (需求清单) to resources (资源清单) and reporting members (双报到):
facts on both backends (``facts.py``), the plan (``plan.py``), the result (``match.py``)."""
