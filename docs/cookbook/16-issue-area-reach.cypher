// 16 Which issue areas are addressed most often?
MATCH (i:IssueArea)
OPTIONAL MATCH (x)-[:ADDRESSES]->(i)
RETURN i.name AS issueArea, count(x) AS addressedBy
ORDER BY addressedBy DESC, issueArea
