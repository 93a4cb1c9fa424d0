// The regions of one level ($level) with their parent region.
MATCH (r:Region {level: $level})
OPTIONAL CALL (r) {
  MATCH (r)-[:PART_OF]->(p:Region)
  RETURN p ORDER BY p.id LIMIT 1
}
RETURN r.id AS id, r.name AS name, p.id AS parent, p.name AS parent_name
