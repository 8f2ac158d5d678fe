// 09 Who hosted which events?
MATCH (a:Actor)-[:PARTICIPATED_IN {role: 'HOST'}]->(e:Event)
WITH e, a
ORDER BY a.name
RETURN e.name AS event, e.startDate AS date, collect(a.name) AS hosts
ORDER BY date
