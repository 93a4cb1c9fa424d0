// building_without_group: residential buildings covered by no org of kind group or household.
// fix: the full members living there (count, and the first three ids as candidate leaders).
MATCH (b:Building {kind: 'residential'})
WHERE NOT EXISTS {
  MATCH (b)<-[:COVERS]-(o:PartyOrg)
  WHERE o.kind IN $group_kinds
}
CALL (b) {
  MATCH (b)<-[:LIVES_IN]-(m:Member)
  WHERE m.status = 'full'
  WITH m ORDER BY m.id
  RETURN count(m) AS count, collect(m.id)[..3] AS members
}
// anchor: the region the building lies in (its grid, else its compound), for its street
CALL (b) {
  OPTIONAL MATCH (b)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (b)-[:IN_COMPOUND]->(c:Region)
  RETURN coalesce(min(g.id), min(c.id)) AS anchor
}
RETURN b.id AS id, b.name AS name, anchor,
       CASE WHEN count = 0 THEN null ELSE {count: count, members: members} END AS fix
