// 15 Is any fact missing its evidence?
CALL () { MATCH (n) WHERE NOT n:Source AND NOT n:DatasetVersion AND (n.evidence IS NULL OR n.sourceId IS NULL) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() WHERE r.evidence IS NULL OR r.sourceId IS NULL RETURN count(r) AS relationships }
RETURN nodes, relationships
