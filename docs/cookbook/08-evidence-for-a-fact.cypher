// 08 On what evidence does the graph say Thailand attended the luncheon?
MATCH (:Country {id: 'country:THA'})-[p:PARTICIPATED_IN]->(:Event {id: 'event:human-security-luncheon-1998'})
MATCH (s:Source {id: p.sourceId})
RETURN p.role AS role, p.evidence AS evidence, s.title AS source
