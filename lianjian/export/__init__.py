"""Exports of the graph for data exchange: RDF on W3C vocabularies (ORG, schema.org,
SKOS, PROV-O) and the small project vocabulary ``lianjian.ttl``, checked by the
SHACL shapes ``shapes.ttl``, and read back by the import.

- :mod:`.mapping`: the ``rdf:`` terms of the schema (``lianjian/core/schema.yaml``),
  expanded over the namespaces of ``rdf_mapping.yaml``, with its concept schemes.
- :mod:`.iris`: the IRIs minted under the base, members' keyed tokens.
- :mod:`.triples`: the triples of a graph, subject by subject (:mod:`.concepts`
  for the SKOS schemes, :mod:`.provenance` for the ledger rows and the export
  activity, :mod:`.gaps` for gap findings); :mod:`.terms` renders them.
- :mod:`.rdf`: ``export_rdf(data, out, fmt)``, streaming N-Triples, Turtle, JSON-LD.
- :mod:`.rdf_import`: ``read_rdf(path)`` → a ``GraphData`` for either backend;
  ``read_export(path)`` also gives the gap findings (:mod:`.gaps_import`).
- :mod:`.validate`: ``validate_rdf(path)`` → readable SHACL violations.
- :mod:`.closure`: the RDFS closure of an export with the offline copies of the
  published vocabularies in ``vocab/`` (docs/rdf.md: the mapping and its choices).
- :mod:`.jena`: Apache Jena's ``riot --validate`` and ``shacl validate``, fetched
  from Maven Central, as a second implementation the tests check exports with.

The benchmark of the writers against rdflib is ``lianjian bench rdf`` (:mod:`lianjian.bench.rdf`).
"""
