// 15 Does every fact name its source, and every fact of the 1999 text its sentence?
CALL () { MATCH (n) WHERE NOT n:Source AND NOT n:DatasetVersion AND (n.evidence IS NULL OR n.sourceId IS NULL) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() WHERE r.sourceId IS NULL RETURN count(r) AS relationships }
CALL () { MATCH ()-[r {sourceId: 'source:human-security-1999'}]->() WHERE r.evidence IS NULL RETURN count(r) AS textFacts }
RETURN nodes, relationships, textFacts
