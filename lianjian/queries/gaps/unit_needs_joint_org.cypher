// unit_needs_joint_org: units with 1 or 2 full members, no own org, and not joint-covered
// (no joint_branch covers it, and not every listed full member belongs to a joint_branch).
// fix: a joint branch with room (fewer than $joint_branch_max_units units) that joins a unit
// in the same community, else the same street; the smallest id first.
MATCH (u:Unit)
WHERE NOT EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg) }
  AND NOT EXISTS { (u)<-[:COVERS]-(:PartyOrg {kind: 'joint_branch'}) }
WITH u,
     COUNT { (u)<-[:WORKS_AT]-(:Member) } AS listed,
     COUNT { MATCH (u)<-[:WORKS_AT]-(m:Member) WHERE m.status = 'full' } AS listed_full
WITH u, listed_full,
     CASE WHEN listed = 0 THEN coalesce(u.party_members, 0) ELSE listed_full END AS full
WHERE full >= 1 AND full <= 2
  AND NOT (listed_full > 0 AND NOT EXISTS {
    MATCH (u)<-[:WORKS_AT]-(m:Member)
    WHERE m.status = 'full'
      AND NOT EXISTS { (m)-[:MEMBER_OF]->(:PartyOrg {kind: 'joint_branch'}) }
  })
OPTIONAL CALL (u) {
  MATCH (u)-[:LOCATED_IN]->(loc)
  OPTIONAL MATCH (loc:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (loc:Building)-[:IN_COMPOUND]->(c:Region)
  WITH coalesce(g, c, loc) AS r
  MATCH (r:Region)-[:PART_OF*0..4]->(area:Region)
  WHERE area.level IN ['community', 'street']
  MATCH (o:PartyOrg {kind: 'joint_branch'})-[:COVERS]->(:Unit)-[:LOCATED_IN]->(vloc)
  OPTIONAL MATCH (vloc:Building)-[:IN_GRID]->(vg:Region)
  OPTIONAL MATCH (vloc:Building)-[:IN_COMPOUND]->(vc:Region)
  WITH area, o, coalesce(vg, vc, vloc) AS vr
  MATCH (vr:Region)-[:PART_OF*0..4]->(area)
  WITH DISTINCT area, o
  WITH area, o, COUNT { (o)-[:COVERS]->(:Unit) } AS units
  WHERE units < $joint_branch_max_units
  RETURN o, units
  ORDER BY CASE area.level WHEN 'community' THEN 0 ELSE 1 END, o.id
  LIMIT 1
}
// anchor: the region the unit lies in (its location, or that building's grid or compound)
CALL (u) {
  OPTIONAL MATCH (u)-[:LOCATED_IN]->(loc)
  WITH loc ORDER BY loc.id LIMIT 1
  OPTIONAL MATCH (loc:Building)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (loc:Building)-[:IN_COMPOUND]->(c:Region)
  WITH loc, min(g.id) AS grid, min(c.id) AS compound
  RETURN CASE WHEN loc:Region THEN loc.id ELSE coalesce(grid, compound) END AS anchor
}
RETURN u.id AS id, u.name AS name, anchor, full,
       CASE WHEN o IS NULL THEN null ELSE {org: o.id, org_name: o.name, units: units} END AS fix
