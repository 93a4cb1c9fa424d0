"""The record layer: versions of sources loaded into a store of record, the history of
every gap finding (opened, closed 销号, still open) and the coverage trend. It runs the
queries on each staged version (so it sits above them) and keeps what they found
through a :class:`~lianjian.graph.versions.RecordStore` (docs/store.md)."""
