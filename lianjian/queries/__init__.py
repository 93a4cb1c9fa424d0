"""Queries over the graph, the same on every backend.

* :mod:`lianjian.queries.gaps.find`: the coverage-gap rules (覆盖空白), ``find_gaps``;
* :mod:`lianjian.queries.coverage.rates`: coverage rates per district, street, community;
* ``rules.yaml`` and :mod:`lianjian.queries.params`: the rule catalogue and thresholds;
* ``gaps/*.cypher``, ``coverage/*.cypher``: the Neo4j side; ``gaps_nx``: the NetworkX side.
"""
