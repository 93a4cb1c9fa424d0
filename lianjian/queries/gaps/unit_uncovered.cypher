// unit_uncovered: (coverage only) units with no own org, not joint-covered, and the target
// of no active guides link. Joint-covered: a joint_branch covers it, or it has listed full
// members and every one of them belongs to a joint_branch. Active: until empty or >= $as_of.
MATCH (u:Unit)
WHERE NOT EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg) }
  AND NOT EXISTS { (u)<-[:COVERS]-(:PartyOrg {kind: 'joint_branch'}) }
  AND NOT EXISTS { MATCH (u)<-[l:GUIDES]-() WHERE l.until IS NULL OR l.until >= $as_of }
  AND NOT (
    EXISTS { MATCH (u)<-[:WORKS_AT]-(m:Member) WHERE m.status = 'full' }
    AND NOT EXISTS {
      MATCH (u)<-[:WORKS_AT]-(m:Member)
      WHERE m.status = 'full'
        AND NOT EXISTS { (m)-[:MEMBER_OF]->(:PartyOrg {kind: 'joint_branch'}) }
    }
  )
// anchor: the region the unit lies in (its location, or that building's grid or compound)
CALL (u) {
  OPTIONAL MATCH (u)-[:LOCATED_IN]->(loc)
  WITH loc ORDER BY loc.id LIMIT 1
  OPTIONAL MATCH (loc:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (loc:Building)-[:IN_COMPOUND]->(c:Region)
  WITH loc, min(g.id) AS grid, min(c.id) AS compound
  RETURN CASE WHEN loc:Region THEN loc.id ELSE coalesce(grid, compound) END AS anchor
}
RETURN u.id AS id, u.name AS name, anchor, null AS fix
