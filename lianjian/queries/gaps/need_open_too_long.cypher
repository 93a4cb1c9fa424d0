// need_open_too_long: open needs (status open or empty) raised on or before the as-of date,
// more than $need_open_max_days days before it. anchor: the region it is needed in.
MATCH (n:Need)
WHERE (n.status IS NULL OR n.status = 'open')
  AND n.raised IS NOT NULL AND n.raised <= $as_of
WITH n, duration.inDays(date(n.raised), date($as_of)).days AS days
WHERE days > $need_open_max_days
OPTIONAL MATCH (n)-[:NEEDED_IN]->(r:Region)
WITH n, days, min(r.id) AS anchor
RETURN n.id AS id, n.name AS name, anchor, null AS fix, n.raised AS raised, days
