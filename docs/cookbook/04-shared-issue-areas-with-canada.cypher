// 04 According to the 1999 text, which actors share three or more issue areas with Canada?
MATCH (can:Country {id: 'country:CAN'})-[r1:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[r2:ADDRESSES]->(i:IssueArea)
WHERE r1.sourceId = 'source:human-security-1999' AND r2.sourceId = 'source:human-security-1999'
WITH can, collect(DISTINCT i) AS canadaIssues
MATCH (other:Actor)-[r1:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[r2:ADDRESSES]->(i:IssueArea)
WHERE other <> can AND i IN canadaIssues
  AND r1.sourceId = 'source:human-security-1999' AND r2.sourceId = 'source:human-security-1999'
WITH other, count(DISTINCT i) AS shared
WHERE shared >= 3
RETURN other.name AS actor, shared AS sharedIssueAreas
ORDER BY sharedIssueAreas DESC, actor
