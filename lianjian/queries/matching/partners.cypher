// partners: per community, the organisations and units joint-building with an organisation
// that covers it: either end of a JOINT_BUILD or SEAT_ON relationship (joint_build,
// strong_leads_weak and seat links), with its end date; activity is judged in Python.
MATCH (o:PartyOrg)-[:COVERS]->(c:Region {level: 'community'})
MATCH (o)-[r:JOINT_BUILD|SEAT_ON]-(x)
RETURN DISTINCT c.id AS community, x.id AS partner, r.until AS until
ORDER BY community, partner, until
