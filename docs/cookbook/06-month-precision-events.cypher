// 06 Which events are known only to the month?
MATCH (e:Event)
WHERE e.datePrecision = 'MONTH'
RETURN e.startDate AS month, e.name AS event
ORDER BY month, event
