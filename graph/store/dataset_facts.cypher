CALL () { MATCH (n) RETURN count(n) AS all }
CALL () { MATCH (v:DatasetVersion) RETURN count(v) AS meta }
CALL () { MATCH ()-[r]->() RETURN count(r) AS rels }
WITH all - meta AS nodes, rels
CALL () { MATCH (s:Source) WITH s ORDER BY s.id RETURN collect(properties(s)) AS sources }
CALL () { OPTIONAL MATCH (v:DatasetVersion {id: $id}) RETURN v.lastWrite AS lastWrite, v.writes AS writes, v IS NOT NULL AS recorded }
RETURN nodes, rels, sources, lastWrite, writes, recorded
