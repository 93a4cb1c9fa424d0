// needs: every need with what matching reads of it.
//   region     the community or grid it is needed in (NEEDED_IN)
//   lat, lon   the building with the smallest id (that has both) in that grid or compound
// Open needs raised by the as-of date are picked in Python (lianjian/queries/matching/facts.py).
MATCH (n:Need)
OPTIONAL MATCH (n)-[:NEEDED_IN]->(r:Region)
WITH n, min(r.id) AS region
CALL (region) {
  OPTIONAL MATCH (:Region {id: region})<-[:IN_GRID|IN_COMPOUND]-(b:Building)
  WHERE b.lat IS NOT NULL AND b.lon IS NOT NULL
  WITH b ORDER BY b.id LIMIT 1
  RETURN b AS near
}
RETURN n.id AS id, n.name AS name, n.category AS category, n.quantity AS quantity,
       n.status AS status, n.raised AS raised, n.wanted_by AS wanted_by,
       region, near.lat AS lat, near.lon AS lon
ORDER BY id
