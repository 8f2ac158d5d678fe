// 03 How is Thailand connected to the ICRC? (all shortest paths)
MATCH p = allShortestPaths((:Country {id: 'country:THA'})-[*..6]-(:Organization {id: 'org:icrc'}))
RETURN [n IN nodes(p) | n.name] AS path, length(p) AS hops
ORDER BY path
