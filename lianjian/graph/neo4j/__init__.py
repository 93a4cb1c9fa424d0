"""The Neo4j backend: the store over the official driver (:mod:`.store`) and the
project's own local server (:mod:`.server`). The only package that imports ``neo4j``."""
