// compound_without_org: compounds covered by no org of a grass-roots kind.
// fix: the branch (smallest id) that covers a grid holding one of the compound's buildings.
MATCH (c:Region {level: 'compound'})
WHERE NOT EXISTS {
  MATCH (c)<-[:COVERS]-(o:PartyOrg)
  WHERE o.kind IN $grass_roots_kinds
}
OPTIONAL CALL (c) {
  MATCH (c)<-[:IN_COMPOUND]-(:Building)-[:IN_GRID]->(:Region)<-[:COVERS]-(o:PartyOrg)
  WHERE o.kind IN $branch_kinds
  RETURN o
  ORDER BY o.id
  LIMIT 1
}
RETURN c.id AS id, c.name AS name, c.id AS anchor,
       CASE WHEN o IS NULL THEN null ELSE {org: o.id, org_name: o.name} END AS fix
