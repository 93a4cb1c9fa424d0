// population: how many nodes of $label (whose $key is one of $values, unless $key is null)
// lie in each anchor region: a region is its own anchor, a building its grid (else its
// compound), a unit its location's (lianjian/queries/places.py, steps 2-3). The coverage
// rates divide by these counts; what the rule of the rate flags is subtracted from them.
CALL () {
  MATCH (n:Region) WHERE $label = 'Region' RETURN n
  UNION ALL
  MATCH (n:Building) WHERE $label = 'Building' RETURN n
  UNION ALL
  MATCH (n:Unit) WHERE $label = 'Unit' RETURN n
}
WITH n WHERE $key IS NULL OR n[$key] IN $values
OPTIONAL CALL (n) {
  MATCH (n:Unit)-[:LOCATED_IN]->(loc)
  RETURN loc ORDER BY loc.id LIMIT 1
}
WITH coalesce(loc, n) AS y
OPTIONAL CALL (y) {
  MATCH (y:Building)-[:IN_GRID]->(g:Region)
  RETURN g ORDER BY g.id LIMIT 1
}
OPTIONAL CALL (y) {
  MATCH (y:Building)-[:IN_COMPOUND]->(c:Region)
  RETURN c ORDER BY c.id LIMIT 1
}
WITH CASE WHEN y:Region THEN y.id ELSE coalesce(g.id, c.id) END AS anchor
RETURN anchor, count(*) AS total
