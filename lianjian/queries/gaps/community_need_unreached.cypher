// community_need_unreached: communities with an open need (status open or empty, raised
// empty or on or before the as-of date) in the community or one of its grids, of a
// category no resource with a capacity above 0 reaches. Reach, as matching's
// (lianjian/queries/matching/plan.py): the resource's area is the need's region, community,
// street or district; without an area, its provider lies in the need's community or street.
// Places as lianjian/queries/places.py: the anchor of the provider (steps 1–3), its
// ancestors within 4 steps (step 4).
CALL () {
  MATCH (res:Resource)
  WHERE coalesce(res.capacity, 1) > 0
  OPTIONAL MATCH (res)-[:SERVES_AREA]->(a:Region)
  WITH res, min(a.id) AS area
  OPTIONAL MATCH (res)-[:OFFERED_BY]->(p)
  WITH res, area, p ORDER BY p.id
  WITH res, area, head(collect(p)) AS p
  CALL (p) {
    OPTIONAL MATCH (p:PartyOrg)-[:ORG_OF_UNIT]->(ou:Unit)
    WITH p, ou ORDER BY ou.id LIMIT 1
    OPTIONAL MATCH (p:PartyOrg)-[:COVERS]->(t)
    WITH p, ou, t ORDER BY t.id LIMIT 1
    WITH CASE WHEN p:PartyOrg THEN coalesce(ou, t) ELSE p END AS x
    OPTIONAL MATCH (x:Unit)-[:LOCATED_IN]->(loc)
    WITH x, loc ORDER BY loc.id LIMIT 1
    WITH coalesce(loc, x) AS y
    OPTIONAL MATCH (y:Building)-[:IN_GRID]->(g:Region)
    OPTIONAL MATCH (y:Building)-[:IN_COMPOUND]->(c:Region)
    WITH y, min(g.id) AS grid, min(c.id) AS compound
    RETURN CASE WHEN y:Region THEN y.id WHEN y:Building THEN coalesce(grid, compound) END AS anchor
  }
  OPTIONAL MATCH (ar:Region {id: anchor})
  OPTIONAL CALL (ar) {
    MATCH (ar)-[:PART_OF*0..4]->(x:Region {level: 'community'})
    RETURN x.id AS community LIMIT 1
  }
  OPTIONAL CALL (ar) {
    MATCH (ar)-[:PART_OF*0..4]->(x:Region {level: 'street'})
    RETURN x.id AS street LIMIT 1
  }
  RETURN collect({category: res.category, area: area, community: community, street: street})
         AS offered
}
MATCH (n:Need)-[:NEEDED_IN]->(r:Region)
WHERE (n.status IS NULL OR n.status = 'open') AND (n.raised IS NULL OR n.raised <= $as_of)
WITH offered, n, min(r.id) AS region
MATCH (rg:Region {id: region})
OPTIONAL CALL (rg) {
  MATCH (rg)-[:PART_OF*0..4]->(x:Region {level: 'community'})
  RETURN x AS cm LIMIT 1
}
OPTIONAL CALL (rg) {
  MATCH (rg)-[:PART_OF*0..4]->(x:Region {level: 'street'})
  RETURN x.id AS st LIMIT 1
}
OPTIONAL CALL (rg) {
  MATCH (rg)-[:PART_OF*0..4]->(x:Region {level: 'district'})
  RETURN x.id AS di LIMIT 1
}
WITH offered, n, region, cm, st, di, [x IN [region, cm.id, st, di] WHERE x IS NOT NULL] AS chain
WHERE cm IS NOT NULL
  AND NONE(o IN offered WHERE o.category = n.category AND CASE
        WHEN o.area IS NOT NULL THEN o.area IN chain
        ELSE coalesce(o.community = cm.id, false) OR coalesce(o.street = st, false) END)
WITH cm, n ORDER BY n.id
WITH cm, collect(n.id) AS ids
RETURN cm.id AS id, cm.name AS name, cm.id AS anchor, null AS fix, size(ids) AS needs,
       reduce(s = head(ids), x IN tail(ids) | s + ', ' + x) AS need_ids
