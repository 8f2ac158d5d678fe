// 19 Where do the events take place?
MATCH (e:Event)
WHERE e.location IS NOT NULL OR EXISTS { (e)-[:HELD_IN]->() }
OPTIONAL MATCH (e)-[:HELD_IN]->(c:Country)
RETURN e.name AS event, e.location AS location, c.name AS heldIn
ORDER BY event
