// property_without_party_work: units of kind property with no own org, not joint-covered,
// and the target of no active guides link (until empty or >= $as_of).
// fix: a grass-roots org (smallest id) covering a compound the company manages (active link).
MATCH (u:Unit {kind: 'property'})
WHERE NOT EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg) }
  AND NOT EXISTS { (u)<-[:COVERS]-(:PartyOrg {kind: 'joint_branch'}) }
  AND NOT EXISTS { MATCH (u)<-[r:GUIDES]-() WHERE r.until IS NULL OR r.until >= $as_of }
  AND NOT (
    EXISTS { MATCH (u)<-[:WORKS_AT]-(m:Member) WHERE m.status = 'full' }
    AND NOT EXISTS {
      MATCH (u)<-[:WORKS_AT]-(m:Member)
      WHERE m.status = 'full'
        AND NOT EXISTS { (m)-[:MEMBER_OF]->(:PartyOrg {kind: 'joint_branch'}) }
    }
  )
OPTIONAL CALL (u) {
  MATCH (u)-[r:MANAGES]->(c:Region)<-[:COVERS]-(o:PartyOrg)
  WHERE (r.until IS NULL OR r.until >= $as_of)
    AND o.kind IN $grass_roots_kinds
  RETURN o, c
  ORDER BY o.id, c.id
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
RETURN u.id AS id, u.name AS name, anchor,
       CASE WHEN o IS NULL THEN null
            ELSE {org: o.id, org_name: o.name, compound: c.id, compound_name: c.name} END AS fix
