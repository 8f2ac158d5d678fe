// Every UN General Assembly roll call with the issue areas it addresses,
// in date order (then rcid): the rows of the in-memory vote table.
MATCH (r:RollCall)
RETURN r.rcid AS rcid, r.id AS id, r.date AS date, r.resolution AS resolution, r.title AS title,
       COLLECT { MATCH (r)-[:ADDRESSES]->(i:IssueArea) RETURN i.id ORDER BY i.id } AS issues
ORDER BY date, rcid
