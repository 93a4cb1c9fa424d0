// resources: every resource with its provider (OFFERED_BY, a unit or an organisation), the
// area it serves (SERVES_AREA), and where the provider lies:
//   anchor     the region the provider lies in (lianjian/queries/places.py, steps 1–3)
//   lat, lon   the building steps 1–2 reach, when it has both
//   sides      the provider and the units or organisations ORG_OF_UNIT joins it to (for
//              joint building with the community's organisation)
MATCH (r:Resource)
OPTIONAL MATCH (r)-[:OFFERED_BY]->(p)
WITH r, p ORDER BY p.id
WITH r, head(collect(p)) AS p
OPTIONAL MATCH (r)-[:SERVES_AREA]->(a:Region)
WITH r, p, min(a.id) AS area
CALL (p) {
  OPTIONAL MATCH (p:PartyOrg)-[:ORG_OF_UNIT]->(ou:Unit)
  WITH p, ou ORDER BY ou.id LIMIT 1
  OPTIONAL MATCH (p:PartyOrg)-[:COVERS]->(t)
  WITH p, ou, t ORDER BY t.id LIMIT 1
  WITH CASE WHEN p:PartyOrg THEN coalesce(ou, t) ELSE p END AS x
  OPTIONAL MATCH (x:Unit)-[:LOCATED_IN]->(loc)
  WITH x, loc ORDER BY loc.id LIMIT 1
  WITH coalesce(loc, x) AS y
  OPTIONAL MATCH (y:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (y:Building)-[:IN_COMPOUND]->(c:Region)
  WITH y, min(g.id) AS grid, min(c.id) AS compound
  RETURN CASE WHEN y:Region THEN y.id WHEN y:Building THEN coalesce(grid, compound) END AS anchor,
         CASE WHEN y:Building THEN y.lat END AS lat, CASE WHEN y:Building THEN y.lon END AS lon
}
CALL (p) {
  OPTIONAL MATCH (p)-[:ORG_OF_UNIT]-(q)
  WITH q ORDER BY q.id
  RETURN [x IN collect(DISTINCT q.id) WHERE x IS NOT NULL] AS joined
}
RETURN r.id AS id, r.name AS name, r.category AS category, r.capacity AS capacity,
       p.id AS provider, area, anchor, lat, lon,
       CASE WHEN p IS NULL THEN [] ELSE [p.id] + joined END AS sides
ORDER BY id
