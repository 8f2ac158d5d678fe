// votingAgreement as a researcher would write it in plain Cypher: both
// states' votes on the same roll calls of the window.
MATCH (a:Country {id: $a})-[va:VOTED]->(r:RollCall)<-[vb:VOTED]-(b:Country {id: $b})
WHERE r.date >= $from AND r.date <= $to
RETURN count(*) AS votes, sum(CASE WHEN va.vote = vb.vote THEN 1 ELSE 0 END) AS agreed
