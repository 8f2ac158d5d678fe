package main

// IDs used by the shapes. They exist at every synth scale (tiny has 12
// initiatives). The mutation links to another initiative than the one the
// reads look at, so writes do not change what the reads return.
const (
	readInitiative  = "initiative:synth-00007"
	writeInitiative = "initiative:synth-00003"
	sourceID        = "source:bench"
)

// request is one operation for one target: a GraphQL document with
// variables, or (for the floor) a JSON object of parameters.
type request struct {
	Query     string         `json:"query,omitempty"`
	Variables map[string]any `json:"variables,omitempty"`
	Params    map[string]any `json:"-"`
}

// shape is one query shape, written once per target. The three versions ask
// for the same nodes, relationships and properties.
type shape struct {
	Name  string
	What  string
	Write bool
	// Lysoen, NeoGraphQL: GraphQL operations; Floor: parameters of the floor's Cypher.
	Lysoen, NeoGraphQL request
	Floor              map[string]any
}

func shapes() []shape {
	return []shape{
		{
			Name: "nested", What: "20 countries → memberships (of initiatives) → initiatives → issue areas",
			Lysoen: request{Query: `query($first: Int!) { countries(first: $first) { edges { node { id name
  memberships(first: 1000, where: {initiative: {}}) { role since initiative { id name issueAreas { id name } } } } } } }`,
				Variables: map[string]any{"first": 20}},
			NeoGraphQL: request{Query: `query($first: Int!) { countries(limit: $first, sort: [{name: ASC}, {id: ASC}]) { id name
  membershipsConnection { edges { properties { role since } node { id name issueAreas { id name } } } } } }`,
				Variables: map[string]any{"first": 20}},
			Floor: map[string]any{"first": 20},
		},
		{
			Name: "initiative", What: "one initiative with its members, events and the events' participants",
			Lysoen: request{Query: `query($id: ID!) { initiative(id: $id) { id name
  members { role actor { id name } }
  events { id name startDate participants { role actor { id name } } } } }`,
				Variables: map[string]any{"id": readInitiative}},
			NeoGraphQL: request{Query: `query($id: ID!) { initiatives(where: {id: {eq: $id}}) { id name
  membersConnection { edges { properties { role } node { id name } } }
  events { id name startDate participantsConnection { edges { properties { role } node { id name } } } } } }`,
				Variables: map[string]any{"id": readInitiative}},
			Floor: map[string]any{"id": readInitiative},
		},
		{
			Name: "events", What: "events starting in 1999-01-01…1999-03-31 (first 50, date order) with participants",
			Lysoen: request{Query: `query($from: Date!, $to: Date!) { events(first: 50, where: {startDate: {from: $from, to: $to}}) {
  edges { node { id name startDate participants { role actor { id name } } } } } }`,
				Variables: map[string]any{"from": "1999-01-01", "to": "1999-03-31"}},
			NeoGraphQL: request{Query: `query($from: String!, $to: String!) { events(limit: 50, where: {startDate: {gte: $from, lte: $to}}, sort: [{startDate: ASC}, {name: ASC}, {id: ASC}]) {
  id name startDate participantsConnection { edges { properties { role } node { id name } } } } }`,
				Variables: map[string]any{"from": "1999-01-01", "to": "1999-03-31"}},
			Floor: map[string]any{"from": "1999-01-01", "to": "1999-03-31", "first": 50},
		},
		{
			Name: "search", What: `full-text search "synthetic initiative 00007", first 10`,
			Lysoen: request{Query: `query($text: String!) { search(text: $text, first: 10) { label score node { id
  ... on Country { name } ... on Organization { name } ... on IssueArea { name }
  ... on Initiative { name } ... on Event { name } ... on Agreement { name } } } }`,
				Variables: map[string]any{"text": "synthetic initiative 00007"}},
			// The library has no multi-label full-text field; a @cypher field
			// runs the same index query (bench/neo4j-graphql/server.js). The
			// client sends the Lucene query Lysøen builds from the text.
			NeoGraphQL: request{Query: `query($query: String!) { search(query: $query, first: 10) { id label name score } }`,
				Variables: map[string]any{"query": "(synthetic OR synthetic*) AND (initiative OR initiative*) AND (00007 OR 00007*)"}},
			Floor: map[string]any{"text": "synthetic initiative 00007", "first": 10},
		},
		{
			Name: "neighborhood", What: "2-hop neighbourhood of an initiative, at most 100 nodes, with the relationships among them",
			Lysoen: request{Query: `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 100) {
  nodes { id: nodeId label name } edges { source type target } truncated } }`,
				Variables: map[string]any{"id": readInitiative}},
			NeoGraphQL: request{Query: `query($id: ID!) { neighborhood(id: $id, limit: 100) { nodes { id label name } edges { source type target } } }`,
				Variables: map[string]any{"id": readInitiative}},
			Floor: map[string]any{"id": readInitiative, "limit": 100},
		},
		{
			Name: "mutation", What: "upsert an organization and link it MEMBER_OF an initiative (role MEMBER): Lysøen in two fields (upsert, link)", Write: true,
			Lysoen: request{Query: `mutation($id: ID!, $init: ID!) {
  upsertOrganization(input: {id: $id, name: "Bench Organization",
    evidence: {sourceId: "` + sourceID + `", quote: "benchmark write"}}) { id }
  link(input: {type: MEMBER_OF, from: $id, to: $init, properties: {role: "MEMBER"},
    evidence: {sourceId: "` + sourceID + `", quote: "benchmark write"}}) { type } }`,
				Variables: map[string]any{"id": "org:bench-lysoen", "init": writeInitiative}},
			NeoGraphQL: request{Query: `mutation($id: ID!, $init: ID!) {
  upsertOrganizationAndLink(id: $id, name: "Bench Organization", initiativeId: $init, role: "MEMBER") { id } }`,
				Variables: map[string]any{"id": "org:bench-neo4j-graphql", "init": writeInitiative}},
			Floor: map[string]any{"id": "org:bench-floor", "name": "Bench Organization", "initiativeId": writeInitiative, "role": "MEMBER"},
		},
		{
			// The same work as "mutation" in one Lysøen field: the nested
			// upsert, one transaction and one statement.
			Name: "nested-write", What: "the same as mutation, Lysøen in one field (upsertOrganization with memberOf)", Write: true,
			Lysoen: request{Query: `mutation($id: ID!, $init: ID!) {
  upsertOrganization(input: {id: $id, name: "Bench Organization",
    evidence: {sourceId: "` + sourceID + `", quote: "benchmark write"},
    memberOf: [{to: $init, role: MEMBER}]}) { id } }`,
				Variables: map[string]any{"id": "org:bench-lysoen-nested", "init": writeInitiative}},
			NeoGraphQL: request{Query: `mutation($id: ID!, $init: ID!) {
  upsertOrganizationAndLink(id: $id, name: "Bench Organization", initiativeId: $init, role: "MEMBER") { id } }`,
				Variables: map[string]any{"id": "org:bench-neo4j-graphql-nested", "init": writeInitiative}},
			Floor: map[string]any{"id": "org:bench-floor-nested", "name": "Bench Organization", "initiativeId": writeInitiative, "role": "MEMBER"},
		},
	}
}
