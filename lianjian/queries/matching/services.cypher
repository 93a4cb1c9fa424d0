// services: every service record with its member (SERVICE_BY), the member's work unit
// (WORKS_AT, the smallest id), its date, hours and category.
MATCH (s:Service)-[:SERVICE_BY]->(m:Member)
OPTIONAL MATCH (m)-[:WORKS_AT]->(u:Unit)
WITH s, m, min(u.id) AS unit
RETURN s.id AS id, m.id AS member, unit, s.date AS date, s.hours AS hours,
       s.category AS category
ORDER BY id
