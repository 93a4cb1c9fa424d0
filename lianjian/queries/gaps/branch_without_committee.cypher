// branch_without_committee: orgs of kind branch or joint_branch with at least
// $committee_min_members members (full and probationary) whose has_committee is not true.
MATCH (o:PartyOrg)
WHERE o.kind IN $sized_branch_kinds AND coalesce(o.has_committee, false) <> true
WITH o, COUNT { (o)<-[:MEMBER_OF]-(:Member) } AS members
WHERE members >= $committee_min_members
// anchor: the region the org lies in: that of its own unit, else of what it covers first
CALL (o) {
  OPTIONAL MATCH (o)-[:ORG_OF_UNIT]->(ou:Unit)
  WITH o, ou ORDER BY ou.id LIMIT 1
  OPTIONAL MATCH (o)-[:COVERS]->(t)
  WITH ou, t ORDER BY t.id LIMIT 1
  WITH coalesce(ou, t) AS x
  OPTIONAL MATCH (x:Unit)-[:LOCATED_IN]->(loc)
  WITH x, loc ORDER BY loc.id LIMIT 1
  WITH coalesce(loc, x) AS y
  OPTIONAL MATCH (y:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (y:Building)-[:IN_COMPOUND]->(c:Region)
  WITH y, min(g.id) AS grid, min(c.id) AS compound
  RETURN CASE WHEN y:Region THEN y.id ELSE coalesce(grid, compound) END AS anchor
}
RETURN o.id AS id, o.name AS name, anchor, members, null AS fix
