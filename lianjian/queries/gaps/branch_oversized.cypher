// branch_oversized: orgs of kind branch or joint_branch with more than $branch_max_members
// members (full and probationary). fix: how many branches of at most that size it splits into.
MATCH (o:PartyOrg)
WHERE o.kind IN $sized_branch_kinds
WITH o, COUNT { (o)<-[:MEMBER_OF]-(:Member) } AS members
WHERE members > $branch_max_members
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
RETURN o.id AS id, o.name AS name, anchor, members,
       CASE WHEN $branch_max_members > 0
            THEN {parts: (members + $branch_max_members - 1) / $branch_max_members}
            ELSE null END AS fix
