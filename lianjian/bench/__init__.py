"""All benchmark code, behind the one ``lianjian bench`` command (``python -m lianjian.bench``).

- :mod:`.harness` (``lianjian bench``): every stage of the pipeline, on generated ledgers
  of several sizes, on both backends, beside baselines measured in the same run;
  :mod:`.stages` are its stages, :mod:`.baselines` its baselines, :mod:`.report` its table.
- :mod:`.gaps` (``lianjian bench gaps``): each gap rule and the coverage rates.
- :mod:`.pairing` (``lianjian bench pairing``): the optimal pairing plan against greedy.
- :mod:`.rdf` (``lianjian bench rdf``): our RDF writers against rdflib, whose baseline
  (the export's triples as an rdflib ``Graph``) lives there too.
- :mod:`.measure`: timers, forked runs, the median run, peak memory;
  :mod:`.stores`: opening stores, and the only reach into their insides.
"""
