CALL () { MATCH (n) WHERE n.updatedAt IS NOT NULL RETURN max(datetime(n.updatedAt)) AS nw }
CALL () { MATCH ()-[r]->() WHERE r.updatedAt IS NOT NULL RETURN max(datetime(r.updatedAt)) AS rw }
RETURN toString(CASE WHEN rw IS NULL OR (nw IS NOT NULL AND nw >= rw) THEN nw ELSE rw END) AS lastWrite
