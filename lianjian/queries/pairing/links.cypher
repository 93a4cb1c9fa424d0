// links: every JOINT_BUILD relationship between two party organisations (the ledger's
// joint_build and strong_leads_weak links), active or not; `kind` tells them apart.
MATCH (a:PartyOrg)-[r:JOINT_BUILD]->(b:PartyOrg)
RETURN a.id AS source, b.id AS target, r.kind AS kind, r.since AS since, r.until AS until
ORDER BY source, target, kind, since
