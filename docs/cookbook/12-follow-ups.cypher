// 12 Which events follow up which?
MATCH (later:Event)-[:FOLLOWS]->(earlier:Event)
RETURN earlier.startDate AS earlierDate, earlier.name AS earlier, later.startDate AS laterDate, later.name AS later
ORDER BY earlierDate
