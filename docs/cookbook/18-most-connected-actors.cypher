// 18 Which actors have the most relationships in the 1999 text?
MATCH (a:Actor)
RETURN a.name AS actor, COUNT { (a)-[r]-() WHERE r.sourceId = 'source:human-security-1999' } AS relationships
ORDER BY relationships DESC, actor
LIMIT 5
