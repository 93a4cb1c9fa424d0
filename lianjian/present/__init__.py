"""Presentation: structured results (gap findings, coverage rows, pairings, reports,
statistics) turned into tables, JSON, CSV and text, once, for the CLI, the dashboard
and the exports.

Escaping lives in one place, :mod:`lianjian.present.escape`: CSV cells that a
spreadsheet would run as formulas are neutralised, text for a terminal loses its
control and escape sequences and its rich markup. Members are shown by pseudonym
unless the caller passes a ``name_of`` that shows names (only where the user asked).

This layer sits above :mod:`lianjian.queries` and below export, dashboard and CLI.
"""
