// org_facts: what the strength score and the pairing read about every party organisation.
//   members           members whose org is o (full and probationary)
//   young             of them, born after $born_after (younger than young_age_below)
//   educated          of them, with an education in $educated
//   anchor            the region o lies in (lianjian/queries/places.py, steps 1–3)
//   lat, lon          o's coordinates: the building steps 1–2 reach, when it has both;
//                     else the building with the smallest id (that has both) in the grid
//                     or compound of step 3
// employed_in_area is counted by org_area.cypher, the JOINT_BUILD links by links.cypher.
MATCH (o:PartyOrg)
CALL (o) {
  OPTIONAL MATCH (m:Member)-[:MEMBER_OF]->(o)
  RETURN count(DISTINCT m) AS members,
         count(DISTINCT CASE WHEN m.birth_year > $born_after THEN m END) AS young,
         count(DISTINCT CASE WHEN m.education IN $educated THEN m END) AS educated
}
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
  RETURN y, CASE WHEN y:Region THEN y.id ELSE coalesce(grid, compound) END AS anchor
}
CALL (anchor) {
  OPTIONAL MATCH (:Region {id: anchor})<-[:IN_GRID|IN_COMPOUND]-(b:Building)
  WHERE b.lat IS NOT NULL AND b.lon IS NOT NULL
  WITH b ORDER BY b.id LIMIT 1
  RETURN b AS near
}
WITH o, members, young, educated, anchor,
     CASE WHEN y:Building AND y.lat IS NOT NULL AND y.lon IS NOT NULL THEN y ELSE near END AS at
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.rating AS rating,
       members, young, educated, anchor, at.lat AS lat, at.lon AS lon
ORDER BY id
