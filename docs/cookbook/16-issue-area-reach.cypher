// 16 According to the 1999 text, which of its issue areas are addressed most often?
MATCH (i:IssueArea {sourceId: 'source:human-security-1999'})
OPTIONAL MATCH (x)-[a:ADDRESSES]->(i)
WHERE a.sourceId = 'source:human-security-1999'
RETURN i.name AS issueArea, count(x) AS addressedBy
ORDER BY addressedBy DESC, issueArea
