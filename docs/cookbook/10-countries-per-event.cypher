// 10 How many countries took part in each event?
MATCH (e:Event)
OPTIONAL MATCH (c:Country)-[:PARTICIPATED_IN]->(e)
RETURN e.startDate AS date, e.name AS event, count(c) AS countries
ORDER BY date, event
