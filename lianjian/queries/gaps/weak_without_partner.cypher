// weak_without_partner: orgs with a rating of at most $weak_rating_max that are neither the
// target of an active strong_leads_weak link nor joined by an active joint_build link (either
// direction) to an org rated at least $strong_rating_min. Active: until empty or >= $as_of.
// fix: the best-rated org (then the smallest id) rated at least $strong_rating_min under the
// same parent org.
MATCH (o:PartyOrg)
WHERE o.rating <= $weak_rating_max
  AND NOT EXISTS {
    MATCH (o)<-[r:JOINT_BUILD {kind: 'strong_leads_weak'}]-(:PartyOrg)
    WHERE r.until IS NULL OR r.until >= $as_of
  }
  AND NOT EXISTS {
    MATCH (o)-[r:JOINT_BUILD {kind: 'joint_build'}]-(p:PartyOrg)
    WHERE (r.until IS NULL OR r.until >= $as_of) AND p.rating >= $strong_rating_min
  }
OPTIONAL CALL (o) {
  MATCH (o)-[:SUB_ORG_OF]->(:PartyOrg)<-[:SUB_ORG_OF]-(p:PartyOrg)
  WHERE p <> o AND p.rating >= $strong_rating_min
  RETURN p
  ORDER BY p.rating DESC, p.id
  LIMIT 1
}
// anchor: the region the org lies in: that of its own unit, else of what it covers first
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
  RETURN CASE WHEN y:Region THEN y.id ELSE coalesce(grid, compound) END AS anchor
}
RETURN o.id AS id, o.name AS name, anchor, o.rating AS rating,
       CASE WHEN p IS NULL THEN null
            ELSE {org: p.id, org_name: p.name, partner_rating: p.rating} END AS fix
