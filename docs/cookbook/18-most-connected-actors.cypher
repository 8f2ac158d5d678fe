// 18 Which actors have the most relationships?
MATCH (a:Actor)
RETURN a.name AS actor, COUNT { (a)--() } AS relationships
ORDER BY relationships DESC, actor
LIMIT 5
