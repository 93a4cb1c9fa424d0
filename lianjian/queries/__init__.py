"""Queries over the graph, the same on every backend (each a Cypher file beside a
NetworkX function, run by the store: :class:`lianjian.graph.store.Query`).

* :mod:`.catalogue` and ``rules.yaml``: the rules, their wording, populations and the
  kind groups; :mod:`.params`: the thresholds (one set with pairing's);
* :mod:`.places`: where an entity lies (community, street, district);
* :mod:`.scope`: one region's subtree (the dashboard's scope, ``--scope``);
* :mod:`.gaps`: the coverage-gap rules (覆盖空白), ``find_gaps``;
* :mod:`.coverage`: coverage rates per district, street, community (覆盖率);
* :mod:`.pairing`: strong leads weak (以强带弱), ``propose``.
"""
