// 13 With whom does the Lysøen Partnership seek partnerships?
MATCH (i:Initiative)-[s:SEEKS_PARTNERSHIP_WITH]->(a:Actor)
RETURN i.name AS initiative, a.name AS actor, s.status AS status
ORDER BY initiative, actor
