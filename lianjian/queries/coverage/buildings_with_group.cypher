// Residential buildings covered by an org of kind group or household, per place
// (a building lies where its grid, else its compound, lies).
MATCH (y:Building {kind: 'residential'})
WITH y, EXISTS {
  MATCH (y)<-[:COVERS]-(o:PartyOrg)
  WHERE o.kind IN ['group', 'household']
} AS ok
OPTIONAL CALL (y) {
  MATCH (y:Building)-[:IN_GRID]->(g:Region)
  RETURN g ORDER BY g.id LIMIT 1
}
OPTIONAL CALL (y) {
  MATCH (y:Building)-[:IN_COMPOUND]->(c:Region)
  RETURN c ORDER BY c.id LIMIT 1
}
WITH ok, coalesce(g, c, y) AS r
OPTIONAL CALL (r) {
  MATCH (r:Region)-[:PART_OF*0..4]->(x:Region {level: 'community'})
  RETURN x AS cm LIMIT 1
}
OPTIONAL CALL (r) {
  MATCH (r:Region)-[:PART_OF*0..4]->(x:Region {level: 'street'})
  RETURN x AS st LIMIT 1
}
OPTIONAL CALL (r) {
  MATCH (r:Region)-[:PART_OF*0..4]->(x:Region {level: 'district'})
  RETURN x AS di LIMIT 1
}
RETURN di.id AS district, di.name AS district_name,
       st.id AS street, st.name AS street_name,
       cm.id AS community, cm.name AS community_name,
       count(*) AS total, sum(CASE WHEN ok THEN 1 ELSE 0 END) AS covered
