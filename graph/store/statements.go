package store

import "embed"

// statementFiles holds every fixed statement of the store: each .cypher
// file of this folder, also embedded where it is used. TestStatementsPlan
// (statements_test.go) plans each one with EXPLAIN against the real schema,
// so a statement that no longer parses or names a missing label fails there
// rather than on the first request that needs it. Statements that depend on
// the request (filters, orderings, allow-listed labels and types) are built
// in Go; the golden tests (golden_cypher_test.go) pin what the builders write.
//
//go:embed *.cypher
var statementFiles embed.FS
