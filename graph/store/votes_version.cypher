// The version of the voting data: the sizes of the roll calls, votes and
// their issue links (from Neo4j's count store) and the content hash the
// importer records on the dataset's Source when a sync has completed.
CALL () { MATCH (r:RollCall) RETURN count(r) AS rollCalls }
CALL () { MATCH ()-[v:VOTED]->() RETURN count(v) AS votes }
CALL () { MATCH ()-[a:ADDRESSES]->() RETURN count(a) AS addresses }
CALL () { OPTIONAL MATCH (s:Source {id: $source}) RETURN s.contentHash AS hash }
RETURN rollCalls, votes, addresses, hash
