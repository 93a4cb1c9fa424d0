// The place of each region of $ids: itself or its ancestor (PART_OF, up to 4 steps) at
// the levels community, street and district.
UNWIND $ids AS id
MATCH (r:Region {id: id})
OPTIONAL CALL (r) {
  MATCH (r)-[:PART_OF*0..4]->(x:Region {level: 'community'})
  RETURN x AS cm LIMIT 1
}
OPTIONAL CALL (r) {
  MATCH (r)-[:PART_OF*0..4]->(x:Region {level: 'street'})
  RETURN x AS st LIMIT 1
}
OPTIONAL CALL (r) {
  MATCH (r)-[:PART_OF*0..4]->(x:Region {level: 'district'})
  RETURN x AS di LIMIT 1
}
RETURN id,
       di.id AS district, di.name AS district_name,
       st.id AS street, st.name AS street_name,
       cm.id AS community, cm.name AS community_name
