// org_area: per party organisation, the employed members assigned to (ASSIGNED_TO) or
// reporting to (REPORTS_TO) a region of its area. The area: every region o covers and
// the regions below it (PART_OF, up to 3 steps), and the grid of every building o covers.
// Organisations with no such member are left out (they count 0).
MATCH (o:PartyOrg)
CALL (o) {
  OPTIONAL MATCH (o)-[:COVERS]->(:Region)<-[:PART_OF*0..3]-(x:Region)
  WITH o, collect(DISTINCT x) AS below
  OPTIONAL MATCH (o)-[:COVERS]->(:Building)-[:IN_GRID]->(g:Region)
  WITH below, collect(DISTINCT g) AS grids
  UNWIND below + grids AS a
  MATCH (a)<-[:ASSIGNED_TO|REPORTS_TO]-(m:Member {category: 'employed'})
  RETURN count(DISTINCT m) AS employed_in_area
}
WITH o, employed_in_area WHERE employed_in_area > 0
RETURN o.id AS id, employed_in_area
