// What a researcher reads before clustering the states elsewhere (no
// community detection runs in Neo4j without the Graph Data Science
// plugin): every vote of the window.
MATCH (c:Country)-[v:VOTED]->(r:RollCall)
WHERE r.date >= $from AND r.date <= $to
RETURN r.rcid AS rcid, c.id AS country, v.vote AS vote
