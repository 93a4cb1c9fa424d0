// seat_unit_without_resource: units with an active seat link (until empty or >= $as_of) to
// an org of a kind in $seat_kinds that offer no resource, themselves or through an own org;
// only where the ledger keeps a resource list.
// fix: the big committee it sits on (the smallest id).
MATCH (u:Unit)-[s:SEAT_ON]->(o:PartyOrg)
WHERE EXISTS { MATCH (:Resource) }
  AND o.kind IN $seat_kinds
  AND (s.until IS NULL OR s.until >= $as_of)
WITH u, min(o.id) AS seat
WHERE NOT EXISTS { (u)<-[:OFFERED_BY]-(:Resource) }
  AND NOT EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg)<-[:OFFERED_BY]-(:Resource) }
MATCH (o:PartyOrg {id: seat})
// anchor: the region the unit lies in (its location, or that building's grid or compound)
CALL (u) {
  OPTIONAL MATCH (u)-[:LOCATED_IN]->(loc)
  WITH loc ORDER BY loc.id LIMIT 1
  OPTIONAL MATCH (loc:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (loc:Building)-[:IN_COMPOUND]->(c:Region)
  WITH loc, min(g.id) AS grid, min(c.id) AS compound
  RETURN CASE WHEN loc:Region THEN loc.id ELSE coalesce(grid, compound) END AS anchor
}
RETURN u.id AS id, u.name AS name, anchor, {org: o.id, org_name: o.name} AS fix
