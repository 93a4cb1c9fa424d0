// grid_without_branch: grids covered by no org of kind general_branch, branch or joint_branch.
// fix: the branch (smallest id) that covers a sibling grid of the same community.
MATCH (g:Region {level: 'grid'})
WHERE NOT EXISTS {
  MATCH (g)<-[:COVERS]-(o:PartyOrg)
  WHERE o.kind IN $branch_kinds
}
OPTIONAL CALL (g) {
  MATCH (g)-[:PART_OF]->(:Region)<-[:PART_OF]-(s:Region {level: 'grid'})<-[:COVERS]-(o:PartyOrg)
  WHERE s <> g AND o.kind IN $branch_kinds
  RETURN o, s
  ORDER BY o.id, s.id
  LIMIT 1
}
RETURN g.id AS id, g.name AS name, g.id AS anchor,
       CASE WHEN o IS NULL THEN null
            ELSE {org: o.id, org_name: o.name, grid: s.id, grid_name: s.name} END AS fix
