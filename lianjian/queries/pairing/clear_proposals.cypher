// clear_proposals: remove every PROPOSED_PAIR relationship (an earlier plan); the ledger's
// own links (JOINT_BUILD) are never touched.
MATCH (:PartyOrg)-[r:PROPOSED_PAIR]->(:PartyOrg)
DELETE r
RETURN count(r) AS removed
