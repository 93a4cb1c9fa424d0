"""Strong leads weak (以强带弱): the facts read from the store (:mod:`.facts`), the strength
score (:mod:`.strength`), the plan (:mod:`.plan`), the audit of existing links
(:mod:`.audit`), parameters (:mod:`.params`, ``pairing.yaml``) and ``propose``
(:mod:`.propose`)."""
