// 03 According to the 1999 text, how is Thailand connected to the ICRC? (all shortest paths)
MATCH p = allShortestPaths((:Country {id: 'country:THA'})-[*..6]-(:Organization {id: 'org:icrc'}))
WHERE all(r IN relationships(p) WHERE r.sourceId = 'source:human-security-1999')
RETURN [n IN nodes(p) | n.name] AS path, length(p) AS hops
ORDER BY path
