// unit_needs_own_org: units with at least $min_members_for_org full members and no own org.
// Full members: listed members with status full; the declared party_members where the
// ledger lists no member at all for the unit.
// fix: the joint branch (smallest id) that now covers the unit, to split off from.
MATCH (u:Unit)
WHERE NOT EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg) }
WITH u,
     COUNT { (u)<-[:WORKS_AT]-(:Member) } AS listed,
     COUNT { MATCH (u)<-[:WORKS_AT]-(m:Member) WHERE m.status = 'full' } AS listed_full
WITH u, CASE WHEN listed = 0 THEN coalesce(u.party_members, 0) ELSE listed_full END AS full
WHERE full >= $min_members_for_org
OPTIONAL CALL (u) {
  MATCH (u)<-[:COVERS]-(o:PartyOrg {kind: 'joint_branch'})
  RETURN o
  ORDER BY o.id
  LIMIT 1
}
// anchor: the region the unit lies in (its location, or that building's grid or compound)
CALL (u) {
  OPTIONAL MATCH (u)-[:LOCATED_IN]->(loc)
  WITH loc ORDER BY loc.id LIMIT 1
  OPTIONAL MATCH (loc:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (loc:Building)-[:IN_COMPOUND]->(c:Region)
  WITH loc, min(g.id) AS grid, min(c.id) AS compound
  RETURN CASE WHEN loc:Region THEN loc.id ELSE coalesce(grid, compound) END AS anchor
}
RETURN u.id AS id, u.name AS name, anchor, full,
       CASE WHEN o IS NULL THEN null ELSE {org: o.id, org_name: o.name} END AS fix
