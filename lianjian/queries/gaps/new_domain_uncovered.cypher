// new_domain_uncovered: buildings of kind commercial, park or market covered by no org,
// where also no unit located in the building has an own org.
// fix: the number of units located there, when two or more could form a joint branch.
MATCH (b:Building)
WHERE b.kind IN $new_domain_kinds
  AND NOT EXISTS { (b)<-[:COVERS]-(:PartyOrg) }
  AND NOT EXISTS { (b)<-[:LOCATED_IN]-(:Unit)<-[:ORG_OF_UNIT]-(:PartyOrg) }
WITH b, COUNT { (b)<-[:LOCATED_IN]-(:Unit) } AS units
// anchor: the region the building lies in (its grid, else its compound), for its street
CALL (b) {
  OPTIONAL MATCH (b)-[:IN_GRID]->(g:Region)
  OPTIONAL MATCH (b)-[:IN_COMPOUND]->(c:Region)
  RETURN coalesce(min(g.id), min(c.id)) AS anchor
}
RETURN b.id AS id, b.name AS name, anchor,
       CASE WHEN units < 2 THEN null ELSE {units: units} END AS fix
