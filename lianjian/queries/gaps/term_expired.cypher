// term_expired: orgs whose term_end is before the as-of date (ISO dates compare as text).
MATCH (o:PartyOrg)
WHERE o.term_end < $as_of
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
RETURN o.id AS id, o.name AS name, anchor, o.term_end AS term_end, null AS fix
