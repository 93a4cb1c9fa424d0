// community_without_big_committee: communities covered by no big_committee that is the
// target of at least $big_committee_min_seats active seat links (until empty or >= $as_of).
// fix: the covering big committee with the most active seats (then the smallest id).
MATCH (c:Region {level: 'community'})
WHERE NOT EXISTS {
  MATCH (c)<-[:COVERS]-(b:PartyOrg {kind: 'big_committee'})
  WHERE COUNT {
    MATCH (b)<-[s:SEAT_ON]-()
    WHERE s.until IS NULL OR s.until >= $as_of
  } >= $big_committee_min_seats
}
OPTIONAL CALL (c) {
  MATCH (c)<-[:COVERS]-(b:PartyOrg {kind: 'big_committee'})
  WITH b, COUNT {
    MATCH (b)<-[s:SEAT_ON]-()
    WHERE s.until IS NULL OR s.until >= $as_of
  } AS seats
  RETURN b, seats
  ORDER BY seats DESC, b.id
  LIMIT 1
}
RETURN c.id AS id, c.name AS name, c.id AS anchor,
       CASE WHEN b IS NULL THEN null
            ELSE {org: b.id, org_name: b.name, seats: seats,
                  missing: $big_committee_min_seats - seats} END AS fix
