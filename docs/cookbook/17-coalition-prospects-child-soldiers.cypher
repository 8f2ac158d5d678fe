// 17 Which countries already meet with Canada but are not yet in an initiative on child soldiers?
MATCH (:Country {id: 'country:CAN'})-[:PARTICIPATED_IN]->(:Event)<-[:PARTICIPATED_IN]-(c:Country)
WHERE NOT EXISTS { (c)-[:MEMBER_OF]->(:Initiative)-[:ADDRESSES]->(:IssueArea)<-[:PART_OF*0..1]-(:IssueArea {id: 'issue:child-soldiers'}) }
RETURN DISTINCT c.name AS country
ORDER BY country
