"""The coverage-gap rules: a Cypher file per rule (``<id>.cypher``) and a NetworkX function
per rule (:mod:`.nx`, over the shared terms of :mod:`.facts`), run on any store by
:mod:`.run`; :mod:`.find` words the findings (``find_gaps``)."""
