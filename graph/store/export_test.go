package store

import "context"

// ReadCypherAccessModeOnly runs a query with guards 1 and 2 (EXPLAIN query
// type and plan) switched off, so tests can prove that the read access mode
// alone refuses writes.
func (s *Store) ReadCypherAccessModeOnly(ctx context.Context, query string, params map[string]any, opts CypherOptions) (CypherResult, error) {
	return s.readCypher(ctx, query, params, opts, false)
}
