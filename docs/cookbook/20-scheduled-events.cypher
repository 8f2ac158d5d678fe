// 20 Which events does the text still speak of as future?
MATCH (e:Event {status: 'SCHEDULED'})
RETURN e.startDate AS date, e.endDate AS endDate, e.name AS event
ORDER BY date
