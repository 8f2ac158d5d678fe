// 23 Which luncheon countries ratified the Mine Ban Convention, and when?
MATCH (a:Country)-[p:PARTICIPATED_IN]->(:Event {id: 'event:human-security-luncheon-1998'})
MATCH (a)-[s:SIGNATORY_OF]->(:Agreement {id: 'agreement:ottawa'})
WHERE s.ratified IS NOT NULL
RETURN a.name AS country, p.role AS atLuncheon, s.signed AS signed, s.ratified AS consented, s.method AS method
ORDER BY consented, country
