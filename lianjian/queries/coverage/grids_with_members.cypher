// Grids that are some member's assigned_grid, per place.
MATCH (r:Region {level: 'grid'})
WITH r, EXISTS { (r)<-[:ASSIGNED_TO]-(:Member) } AS ok
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
