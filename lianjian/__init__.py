"""lianjian (联建): a knowledge graph of grassroots party organisations, the units and
buildings around them, their members, and the joint-building links between them.

The package reads as the pipeline: ``graph/schema.yaml`` (the data model) →
``loaders`` (ledgers in) → ``graph`` (embedded NetworkX or Neo4j backends) →
``queries`` (coverage gaps, pairings) → ``dashboard`` and exports → ``cli``.
"""

__version__ = "0.1.0"
