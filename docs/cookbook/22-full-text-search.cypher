// 22 Which nodes have "security" in their name?
CALL db.index.fulltext.queryNodes('node_names', 'security') YIELD node
RETURN node.id AS id, node.name AS name
ORDER BY id
