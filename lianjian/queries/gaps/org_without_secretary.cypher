// org_without_secretary: orgs of kind working_committee, committee, general_branch, branch
// or joint_branch with no secretary (a secretary naming a missing member is none).
MATCH (o:PartyOrg)
WHERE o.kind IN $secretary_kinds
  AND NOT EXISTS { (o)<-[:SECRETARY_OF]-(:Member) }
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
RETURN o.id AS id, o.name AS name, anchor, null AS fix
