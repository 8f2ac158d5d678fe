CALL () { MATCH (n) RETURN count(n) AS all }
CALL () { MATCH (v:DatasetVersion) RETURN count(v) AS meta }
CALL () { MATCH ()-[r]->() RETURN count(r) AS r }
RETURN all - meta AS n, r
