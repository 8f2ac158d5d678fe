// 24 How do the Lysøen founders and the nine luncheon guests overlap on five human-security treaties?
MATCH (g:Country)-[:PARTICIPATED_IN {role: 'PARTICIPANT'}]->(:Event {id: 'event:human-security-luncheon-1998'})
WITH g ORDER BY g.name
WITH collect(g) AS guests
MATCH (t:Agreement)
WHERE t.id IN ['agreement:ottawa', 'agreement:ccm', 'agreement:att', 'agreement:rome-statute', 'agreement:crc-op-ac']
CALL (t) {
  MATCH (f:Country)-[:MEMBER_OF {role: 'FOUNDER'}]->(:Initiative {id: 'initiative:lysoen-partnership'})
  WHERE EXISTS { (f)-[s:SIGNATORY_OF]->(t) WHERE s.ratified IS NOT NULL }
  RETURN count(f) AS founderParties
}
WITH t, founderParties, guests,
     [g IN guests WHERE EXISTS { (g)-[s:SIGNATORY_OF]->(t) WHERE s.ratified IS NOT NULL }] AS parties
RETURN t.id AS treaty, founderParties, size(parties) AS guestParties,
       [g IN guests WHERE NOT g IN parties | g.name] AS guestsNotParties
ORDER BY treaty
