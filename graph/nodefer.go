package graph

// The GraphQL parser's prelude declares @defer, and gqlgen runs deferred
// fragments only over an incremental-delivery transport (multipart/mixed).
// This server answers every operation as one JSON response: the direct
// read path, the response-size and cost limits, persisted queries and the
// GraphQL-over-HTTP transports all work on whole responses, and a
// @defer'd fragment was simply answered inline. So the schema does not
// declare @defer: a query that uses it is refused by validation
// (GRAPHQL_VALIDATION_FAILED, "Unknown directive") rather than silently
// run another way than it asks (docs/queries.md).
func init() {
	delete(parsedSchema.Directives, "defer")
}
