// 02 Which issue areas does the Lysøen Partnership cover?
MATCH (:Initiative {id: 'initiative:lysoen-partnership'})-[:ADDRESSES]->(i:IssueArea)
RETURN i.name AS issueArea
ORDER BY issueArea
