// Communities covered by a big_committee with at least $big_committee_min_seats active
// seat links (until empty or >= $as_of), per place.
MATCH (r:Region {level: 'community'})
WITH r, EXISTS {
  MATCH (r)<-[:COVERS]-(b:PartyOrg {kind: 'big_committee'})
  WHERE COUNT {
    MATCH (b)<-[s:SEAT_ON]-()
    WHERE s.until IS NULL OR s.until >= $as_of
  } >= $big_committee_min_seats
} AS ok
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
