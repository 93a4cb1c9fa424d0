// project_overdue_without_outcome: projects whose due date is before the as-of date and
// whose outcome is empty. anchor: the region of its need (the need with the smallest id).
MATCH (p:Project)
WHERE p.due IS NOT NULL AND p.due < $as_of
  AND (p.outcome IS NULL OR trim(toString(p.outcome)) = '')
OPTIONAL CALL (p) {
  MATCH (p)-[:FOR_NEED]->(n:Need)
  WITH n ORDER BY n.id LIMIT 1
  OPTIONAL MATCH (n)-[:NEEDED_IN]->(r:Region)
  RETURN min(r.id) AS anchor
}
RETURN p.id AS id, p.name AS name, anchor, null AS fix, p.due AS due
