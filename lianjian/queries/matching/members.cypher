// members: every member reporting to a community (REPORTS_TO), with what matching reads:
// the skills and service posts of the 双报到 form, the work unit and organisation (for joint
// building), and the coordinates of the home building (never shown).
MATCH (m:Member)-[:REPORTS_TO]->(c:Region)
WITH m, min(c.id) AS community
OPTIONAL MATCH (m)-[:WORKS_AT]->(u:Unit)
WITH m, community, min(u.id) AS unit
OPTIONAL MATCH (m)-[:MEMBER_OF]->(o:PartyOrg)
WITH m, community, unit, min(o.id) AS org
OPTIONAL MATCH (m)-[:LIVES_IN]->(b:Building)
WITH m, community, unit, org, b ORDER BY b.id
WITH m, community, unit, org, head(collect(b)) AS home
RETURN m.id AS id, community, coalesce(m.skills, []) AS skills, coalesce(m.posts, []) AS posts,
       unit, org, home.lat AS lat, home.lon AS lon
ORDER BY id
