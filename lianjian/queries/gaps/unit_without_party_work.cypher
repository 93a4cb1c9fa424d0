// unit_without_party_work: units of kind private or social with 0 full members, no own org,
// not joint-covered, and the target of no active guides link (until empty or >= $as_of).
// With 0 full members no listed full member exists, so joint-covered means a joint_branch covers it.
// fix: a joint branch with room (fewer than $joint_branch_max_units units) that joins a unit
// in the same community, else the same street; the smallest id first.
MATCH (u:Unit)
WHERE u.kind IN $unguided_unit_kinds
  AND NOT EXISTS { (u)<-[:ORG_OF_UNIT]-(:PartyOrg) }
  AND NOT EXISTS { (u)<-[:COVERS]-(:PartyOrg {kind: 'joint_branch'}) }
  AND NOT EXISTS { MATCH (u)<-[r:GUIDES]-() WHERE r.until IS NULL OR r.until >= $as_of }
WITH u,
     COUNT { (u)<-[:WORKS_AT]-(:Member) } AS listed,
     COUNT { MATCH (u)<-[:WORKS_AT]-(m:Member) WHERE m.status = 'full' } AS listed_full
WHERE CASE WHEN listed = 0 THEN coalesce(u.party_members, 0) ELSE listed_full END = 0
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
RETURN u.id AS id, u.name AS name, anchor,
       CASE WHEN o IS NULL THEN null ELSE {org: o.id, org_name: o.name, units: units} END AS fix
