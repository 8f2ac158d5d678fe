// 01 Who attended the 1998 human security luncheon, and in what role?
MATCH (a:Actor)-[p:PARTICIPATED_IN]->(:Event {id: 'event:human-security-luncheon-1998'})
RETURN a.name AS actor, p.role AS role
ORDER BY role, actor
