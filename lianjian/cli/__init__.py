"""The ``lianjian`` command: one module per group of commands, the shared options in
:mod:`lianjian.cli.common`, the typer application in :mod:`lianjian.cli.app`."""

from lianjian.cli.app import app, main

__all__ = ["app", "main"]
