// org_area: per party organisation, the employed members assigned to (ASSIGNED_TO) or
// reporting to (REPORTS_TO) a region of its area. The area: every region o covers and
// the regions below it (PART_OF, up to 3 steps), and the grid of every building o covers.
// Organisations with no such member are left out (they count 0).
// Organisations with the same area (the same covered regions and the same grids of
// covered buildings: many branches cover buildings of one grid) are counted once.
MATCH (o:PartyOrg)
CALL (o) {
  OPTIONAL MATCH (o)-[:COVERS]->(r:Region)
  WITH r ORDER BY r.id
  RETURN collect(DISTINCT r) AS regions
}
CALL (o) {
  OPTIONAL MATCH (o)-[:COVERS]->(:Building)-[:IN_GRID]->(g:Region)
  WITH g ORDER BY g.id
  RETURN collect(DISTINCT g) AS grids
}
WITH regions, grids, collect(o.id) AS orgs
WHERE size(regions) + size(grids) > 0
CALL (regions, grids) {
  UNWIND CASE WHEN regions = [] THEN [null] ELSE regions END AS r
  OPTIONAL MATCH (r)<-[:PART_OF*0..3]-(x:Region)
  WITH grids, collect(DISTINCT x) AS below
  UNWIND below + grids AS a
  MATCH (a)<-[:ASSIGNED_TO|REPORTS_TO]-(m:Member {category: 'employed'})
  RETURN count(DISTINCT m) AS employed_in_area
}
WITH orgs, employed_in_area WHERE employed_in_area > 0
UNWIND orgs AS id
RETURN id, employed_in_area
