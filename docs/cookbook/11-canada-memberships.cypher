// 11 What is Canada a member of in the 1999 text, in what role and since when?
MATCH (:Country {id: 'country:CAN'})-[m:MEMBER_OF]->(x)
WHERE m.sourceId = 'source:human-security-1999'
RETURN x.name AS memberOf, CASE WHEN x:Initiative THEN 'Initiative' ELSE 'Organization' END AS label,
       m.role AS role, m.since AS since, m.until AS until
ORDER BY memberOf
