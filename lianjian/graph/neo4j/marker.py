"""The ledger marker of a Neo4j database: one node saying which ledger it holds (its
fingerprint), whether it was loaded with member names, and the ledger's balance (counts
and file names, never a value), so a command on the database need not read the ledger
again to say what it lost.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["META_LABEL", "NOT_A_RECORD", "PENDING", "LedgerMarker"]

META_LABEL = "LianjianLedger"  # one marker node: which ledger the database holds
PENDING = "record_pending"  # the marker's property while a first version is written
# a database whose marker names a plain load, as a store of record's commands say it
NOT_A_RECORD = (
    "holds a ledger loaded without --source, not a store of record: give that ledger's path "
    "to read it, or load with --source into another database or over this one cleared "
    "(load --replace)"
)
_MATCH = f"MATCH (m:{META_LABEL} {{key: 'ledger'}})"
_MERGE = f"MERGE (m:{META_LABEL} {{key: 'ledger'}})"


class LedgerMarker:
    """The marker's reads and writes, for a store with ``driver`` and ``database``."""

    driver: Any
    database: str

    def _marked(self, cypher: str, **params: Any) -> list:
        records, _, _ = self.driver.execute_query(cypher, database_=self.database, **params)
        return records

    def _marker_value(self, field: str) -> Any:
        records = self._marked(f"{_MATCH} RETURN m.{field} AS v")
        return records[0]["v"] if records else None

    def marker(self) -> str | None:
        """The fingerprint of the ledger the database holds, or None."""
        return self._marker_value("fingerprint")

    def holds_names(self) -> bool:
        """Whether the database may hold member names: its marker says it was loaded with
        names (or such a load began). A database without a marker holds none we wrote."""
        return bool(self._marker_value("names"))

    def set_marker(self, fingerprint: str, with_names: bool = False) -> None:
        self._marked(
            f"{_MERGE} SET m.fingerprint = $f, m.names = $names, m.loaded_at = datetime()",
            f=fingerprint,
            names=with_names,
        )

    def _mark_names(self) -> None:
        self._marked(f"{_MERGE} SET m.names = true")

    def ledger_balance(self) -> Any:
        """What :meth:`set_ledger_balance` kept beside the marker (decoded JSON), or None."""
        text = self._marker_value("balance")
        try:
            return json.loads(text) if isinstance(text, str) else None
        except ValueError:
            return None

    def set_ledger_balance(self, balance: dict[str, Any]) -> None:
        """Keep the ledger's balance (counts and file names, no values) in the marker, so a
        command on this database says what the ledger lost without reading it again."""
        self._marked(f"{_MATCH} SET m.balance = $b", b=json.dumps(balance, ensure_ascii=False))

    def holds_record(self) -> bool:
        """Whether the database is a store of record (loads with ``--source``), or a first
        version of one began in it."""
        records = self._marked(f"{_MATCH} RETURN m.record_format AS f, m.{PENDING} AS p")
        return bool(records) and (records[0]["f"] is not None or bool(records[0]["p"]))

    def is_empty(self) -> bool:
        """Whether the database holds no node but the marker."""
        records = self._marked(f"MATCH (n) WHERE NOT n:{META_LABEL} RETURN count(n) > 0 AS any")
        return not records[0]["any"]
