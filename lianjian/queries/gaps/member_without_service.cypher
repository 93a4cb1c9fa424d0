// member_without_service: members reporting to a community with no service record dated
// from the first day of the as-of date's quarter to the as-of date; only where the ledger
// keeps service records. A member is never returned with its name.
// anchor: the community it reports to (the smallest id).
MATCH (m:Member)-[:REPORTS_TO]->(c:Region)
WHERE EXISTS { MATCH (:Service) }
WITH m, min(c.id) AS anchor, toString(date.truncate('quarter', date($as_of))) AS since
WHERE NOT EXISTS {
  MATCH (s:Service)-[:SERVICE_BY]->(m)
  WHERE s.date >= since AND s.date <= $as_of
}
RETURN m.id AS id, null AS name, anchor, null AS fix, since
