// The version of the voting data (as votes_version.cypher) and the Country
// nodes of $ids in the same statement: what a cached answer that names
// states (a bloc partition) needs to check that it is still current and to
// name its states with their current properties, in one round trip.
CALL () { MATCH (r:RollCall) RETURN count(r) AS rollCalls }
CALL () { MATCH ()-[v:VOTED]->() RETURN count(v) AS votes }
CALL () { MATCH ()-[a:ADDRESSES]->() RETURN count(a) AS addresses }
CALL () { OPTIONAL MATCH (s:Source {id: $source}) RETURN s.contentHash AS hash }
CALL () {
  UNWIND $ids AS id
  MATCH (n:Country {id: id}) USING INDEX n:Country(id)
  RETURN collect([labels(n), properties(n)]) AS nodes
}
RETURN rollCalls, votes, addresses, hash, nodes
