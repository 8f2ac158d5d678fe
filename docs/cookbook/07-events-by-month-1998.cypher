// 07 What happened in 1998, month by month?
MATCH (e:Event)
WHERE e.startDate STARTS WITH '1998'
WITH substring(e.startDate, 0, 7) AS month, e
ORDER BY e.name
RETURN month, collect(e.name) AS events
ORDER BY month
