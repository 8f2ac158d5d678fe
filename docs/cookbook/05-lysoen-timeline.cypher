// 05 What is the timeline of the Lysøen Partnership?
MATCH (e:Event)-[:PART_OF]->(:Initiative {id: 'initiative:lysoen-partnership'})
RETURN e.startDate AS date, e.datePrecision AS precision, e.name AS event, e.kind AS kind
ORDER BY date
