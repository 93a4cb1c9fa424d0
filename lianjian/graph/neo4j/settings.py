"""Where the Neo4j server is and how to log in: from options, else ``NEO4J_*``.

No driver here, so a command can read its settings (and report a missing one) without
paying for the driver's import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["Neo4jSettings", "Neo4jConfigError"]


class Neo4jConfigError(RuntimeError):
    """No server given, or settings that cannot work."""


@dataclass
class Neo4jSettings:
    uri: str
    user: str
    password: str
    database: str = "neo4j"

    @classmethod
    def from_env(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Neo4jSettings:
        """Options first, then ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``."""
        uri = uri or os.environ.get("NEO4J_URI")
        if not uri:
            raise Neo4jConfigError(
                "no Neo4j server given: set NEO4J_URI (e.g. bolt://127.0.0.1:7687), NEO4J_USER and "
                "NEO4J_PASSWORD, or start the project's own with `lianjian neo4j start`"
            )
        return cls(
            uri=uri,
            user=user or os.environ.get("NEO4J_USER", "neo4j"),
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD", ""),
            database=database or os.environ.get("NEO4J_DATABASE", "neo4j"),
        )

    def __repr__(self) -> str:  # never show the password
        return f"Neo4jSettings(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"
