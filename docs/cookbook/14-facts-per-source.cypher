// 14 How many nodes and relationships rest on each source?
CALL () { MATCH ()-[r]->() WITH r.sourceId AS id, count(*) AS n RETURN collect([id, n]) AS perSource }
MATCH (s:Source)
CALL (s) { MATCH (n {sourceId: s.id}) RETURN count(n) AS nodes }
RETURN s.id AS source, nodes, coalesce(head([x IN perSource WHERE x[0] = s.id | x[1]]), 0) AS relationships
ORDER BY source
