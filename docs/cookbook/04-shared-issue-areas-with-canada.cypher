// 04 Which actors share three or more issue areas with Canada?
MATCH (can:Country {id: 'country:CAN'})-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(i:IssueArea)
WITH can, collect(DISTINCT i) AS canadaIssues
MATCH (other:Actor)-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(i:IssueArea)
WHERE other <> can AND i IN canadaIssues
WITH other, count(DISTINCT i) AS shared
WHERE shared >= 3
RETURN other.name AS actor, shared AS sharedIssueAreas
ORDER BY sharedIssueAreas DESC, actor
