// grid_without_assigned_member: grids that are no member's assigned_grid.
// fix: employed members who reported to the grid's community and are assigned to no grid
// (count, and the first three ids).
MATCH (g:Region {level: 'grid'})
WHERE NOT EXISTS { (g)<-[:ASSIGNED_TO]-(:Member) }
CALL (g) {
  MATCH (g)-[:PART_OF]->(:Region {level: 'community'})<-[:REPORTS_TO]-(m:Member)
  WHERE m.category = 'employed' AND NOT EXISTS { (m)-[:ASSIGNED_TO]->(:Region) }
  WITH DISTINCT m ORDER BY m.id
  RETURN count(m) AS count, collect(m.id)[..3] AS members
}
RETURN g.id AS id, g.name AS name, g.id AS anchor,
       CASE WHEN count = 0 THEN null ELSE {count: count, members: members} END AS fix
