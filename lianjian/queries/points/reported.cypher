// reported: every member reporting to a community (REPORTS_TO, the smallest id), for the
// points table (a reported member without a service this quarter has 0 points).
MATCH (m:Member)-[:REPORTS_TO]->(c:Region)
RETURN m.id AS id, min(c.id) AS community
ORDER BY id
