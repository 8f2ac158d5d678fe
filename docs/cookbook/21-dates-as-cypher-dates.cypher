// 21 Which events began before 15 December 1998, comparing real dates?
MATCH (e:Event)
WITH e, date(e.startDate) AS firstDay
WHERE firstDay < date('1998-12-15')
RETURN e.name AS event, e.startDate AS stored, toString(firstDay) AS firstPossibleDay
ORDER BY firstDay
