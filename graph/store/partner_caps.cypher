MATCH (i:Initiative {id: $id})
CALL (i) { OPTIONAL MATCH (i)<-[:MEMBER_OF]-(m:Actor) WHERE COUNT { (m)-[:PARTICIPATED_IN]->() } > $perMember
  RETURN collect(DISTINCT m.id) AS members }
CALL (i) { OPTIONAL MATCH (i)-[:ADDRESSES]->(ia:IssueArea)
  WHERE COUNT { (ia)<-[:ADDRESSES]-(:Agreement) } > $perIssue RETURN collect(DISTINCT ia.id) AS issues }
RETURN members, issues
