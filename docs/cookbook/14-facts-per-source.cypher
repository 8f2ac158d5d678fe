// 14 How many nodes and relationships rest on each source?
MATCH (s:Source)
CALL (s) { MATCH (n {sourceId: s.id}) RETURN count(n) AS nodes }
CALL (s) { MATCH ()-[r {sourceId: s.id}]->() RETURN count(r) AS relationships }
RETURN s.id AS source, nodes, relationships
ORDER BY source
