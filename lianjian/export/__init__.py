"""Exports of the graph for data exchange: RDF on W3C vocabularies (ORG, schema.org,
SKOS, PROV-O) and the small project vocabulary ``lianjian.ttl``, checked by the
SHACL shapes ``shapes.ttl``, and read back by the import.

- ``rdf_mapping.yaml`` / :mod:`.mapping`: the schema's names → RDF terms, as data.
- :mod:`.rdf`: ``export_rdf(data, out, fmt)``, streaming N-Triples, Turtle, JSON-LD.
- :mod:`.rdf_import`: ``read_rdf(path)`` → a ``GraphData`` for either backend.
- :mod:`.validate`: ``validate_rdf(path)`` → readable SHACL violations.

The benchmark of the writers against rdflib is ``lianjian bench rdf`` (:mod:`lianjian.bench.rdf`).
"""
