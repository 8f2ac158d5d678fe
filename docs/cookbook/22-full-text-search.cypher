// 22 Which nodes of the 1999 text have "security" in their name?
CALL db.index.fulltext.queryNodes('node_names', 'security') YIELD node
WHERE node.sourceId = 'source:human-security-1999'
RETURN node.id AS id, node.name AS name
ORDER BY id
