// joint_branch_too_wide: joint branches that cover more than $joint_branch_max_units units.
// fix: how many joint branches of at most that many units it splits into.
MATCH (o:PartyOrg {kind: 'joint_branch'})
WITH o, COUNT { (o)-[:COVERS]->(:Unit) } AS units
WHERE units > $joint_branch_max_units
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
RETURN o.id AS id, o.name AS name, anchor, units,
       CASE WHEN $joint_branch_max_units > 0
            THEN {parts: (units + $joint_branch_max_units - 1) / $joint_branch_max_units}
            ELSE null END AS fix
