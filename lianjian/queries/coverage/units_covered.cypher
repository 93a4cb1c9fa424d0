// Units under organisation coverage (an own org, or joint-covered) or work coverage (the
// target of an active guides link), per place (a unit lies where its location lies).
MATCH (u:Unit)
WITH u,
     EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg) }
     OR EXISTS { (u)<-[:COVERS]-(:PartyOrg {kind: 'joint_branch'}) }
     OR EXISTS { MATCH (u)<-[l:GUIDES]-() WHERE l.until IS NULL OR l.until >= $as_of }
     OR (
       EXISTS { MATCH (u)<-[:WORKS_AT]-(m:Member) WHERE coalesce(m.status, 'full') = 'full' }
       AND NOT EXISTS {
         MATCH (u)<-[:WORKS_AT]-(m:Member)
         WHERE coalesce(m.status, 'full') = 'full'
           AND NOT EXISTS { (m)-[:MEMBER_OF]->(:PartyOrg {kind: 'joint_branch'}) }
       }
     ) AS ok
OPTIONAL CALL (u) {
  MATCH (u)-[:LOCATED_IN]->(loc)
  RETURN loc ORDER BY loc.id LIMIT 1
}
WITH ok, coalesce(loc, u) AS y
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
