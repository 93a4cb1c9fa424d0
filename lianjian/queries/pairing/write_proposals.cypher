// write_proposals: one PROPOSED_PAIR relationship per proposal, from the strong org to the
// weak one, with its cost, the as-of date of the plan, the leader's capacity and reasons.
UNWIND $rows AS row
MATCH (s:PartyOrg {id: row.strong})
MATCH (w:PartyOrg {id: row.weak})
MERGE (s)-[r:PROPOSED_PAIR {key: row.key}]->(w)
SET r.cost = row.cost, r.as_of = row.as_of, r.capacity = row.capacity,
    r.reason_zh = row.reason_zh, r.reason_en = row.reason_en
RETURN count(r) AS written
