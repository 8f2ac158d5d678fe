// likeMinded as a researcher would write it in plain Cypher.
MATCH (a:Country {id: $a})-[va:VOTED]->(r:RollCall)<-[vb:VOTED]-(b:Country)
WHERE r.date >= $from AND r.date <= $to AND b <> a
WITH b, count(*) AS votes, sum(CASE WHEN va.vote = vb.vote THEN 1 ELSE 0 END) AS agreed
WHERE votes >= $minVotes
RETURN b.id AS id, b.name AS name, toFloat(agreed) / votes AS score, votes, agreed
ORDER BY score DESC, votes DESC, name
LIMIT $first
