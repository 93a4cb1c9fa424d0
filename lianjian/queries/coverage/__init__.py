"""Coverage rates (:mod:`.rates`), each the complement of a gap rule over its population
(``population.cypher`` and ``regions.cypher`` beside their NetworkX sides)."""
