// Package rawcypher is the raw-Cypher floor of Lysøen's benchmark:
// for each benchmark shape, the equivalent hand-written Cypher, and the tiny
// HTTP handler that runs it through the Go driver and writes the records as
// JSON. The command bench/floor serves it; BenchmarkServeSearch (root
// package) calls it in-process.
package rawcypher

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
)

// Shape is one benchmark shape: its Cypher and whether it writes.
type Shape struct {
	Cypher string
	Write  bool
	// Prepare turns the request's parameters into the Cypher's (may be nil).
	Prepare func(map[string]any) map[string]any
}

// Shapes are the hand-written equivalents of the GraphQL operations in
// bench/run/shapes.go: each reads or writes the same nodes and properties in
// one statement.
var Shapes = map[string]Shape{
	// countries(first) → memberships of initiatives (role, since) → initiative → issue areas.
	"nested": {Cypher: `MATCH (c:Country) WITH c ORDER BY c.name, c.id LIMIT $first
RETURN c.id AS id, c.name AS name,
  [(c)-[m:MEMBER_OF]->(i:Initiative) | {role: m.role, since: m.since,
    initiative: {id: i.id, name: i.name, issueAreas: [(i)-[:ADDRESSES]->(a:IssueArea) | {id: a.id, name: a.name}]}}] AS memberships`},
	// One initiative with its members, its events and their participants.
	"initiative": {Cypher: `MATCH (i:Initiative {id: $id})
RETURN i.id AS id, i.name AS name,
  [(a:Actor)-[m:MEMBER_OF]->(i) | {role: m.role, actor: {id: a.id, name: a.name}}] AS members,
  [(e:Event)-[:PART_OF]->(i) | {id: e.id, name: e.name, startDate: e.startDate,
    participants: [(p:Actor)-[r:PARTICIPATED_IN]->(e) | {role: r.role, actor: {id: p.id, name: p.name}}]}] AS events`},
	// Events whose start date lies in [from, to] (ISO strings of day or month
	// precision compare correctly as strings), in date order, with participants.
	"events": {Cypher: `MATCH (e:Event) WHERE e.startDate >= $from AND e.startDate <= $to
WITH e ORDER BY e.startDate, e.name, e.id LIMIT $first
RETURN e.id AS id, e.name AS name, e.startDate AS startDate,
  [(p:Actor)-[r:PARTICIPATED_IN]->(e) | {role: r.role, actor: {id: p.id, name: p.name}}] AS participants`},
	// Full-text search over the node_names index, the same Lucene query Lysøen builds.
	"search": {Cypher: `CALL db.index.fulltext.queryNodes('node_names', $query) YIELD node, score
WITH node, score ORDER BY score DESC, node.name, node.id LIMIT $first
RETURN node.id AS id, labels(node)[0] AS label, node.name AS name, score`,
		Prepare: func(p map[string]any) map[string]any {
			text, _ := p["text"].(string)
			return map[string]any{"query": store.SearchQuery(text), "first": p["first"]}
		}},
	// Nodes within 2 relationships of an initiative (at most $limit besides
	// it) and the relationships among them.
	"neighborhood": {Cypher: `MATCH (s:Initiative {id: $id})
CALL (s) {
  MATCH (s)-[r]-(m) RETURN r, m
  UNION
  MATCH (s)--(x)-[r]-(m) WHERE m <> s RETURN r, m
}
WITH s, collect(DISTINCT m)[..$limit] AS ns, collect(DISTINCT r) AS rs
WITH [s] + ns AS all, rs
RETURN [n IN all | {id: n.id, label: labels(n)[0], name: n.name}] AS nodes,
  [r IN rs WHERE startNode(r) IN all AND endNode(r) IN all | {source: startNode(r).id, type: type(r), target: endNode(r).id}] AS edges`},
	// Upsert an organization and link it to an initiative (MEMBER_OF with a role).
	"mutation": {Write: true, Cypher: `MERGE (o:Organization:Actor {id: $id})
SET o.name = $name, o.updatedAt = datetime()
WITH o
MATCH (i:Initiative {id: $initiativeId})
MERGE (o)-[r:MEMBER_OF]->(i)
SET r.role = $role, r.updatedAt = datetime()
RETURN o.id AS id, type(r) AS type`},
}

func init() {
	// The nested-write shape does the same work as mutation.
	Shapes["nested-write"] = Shapes["mutation"]
}

// Handler serves POST /<shape>.
func Handler(driver neo4j.DriverWithContext, database string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		shape, ok := Shapes[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok || r.Method != http.MethodPost {
			http.Error(w, "POST /<shape>", http.StatusNotFound)
			return
		}
		var params map[string]any
		if err := json.NewDecoder(r.Body).Decode(&params); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if shape.Prepare != nil {
			params = shape.Prepare(params)
		}
		// JSON numbers decode as float64; Cypher's LIMIT wants an integer.
		for k, v := range params {
			if f, ok := v.(float64); ok && f == float64(int64(f)) {
				params[k] = int64(f)
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		collect := func(res neo4j.ResultWithContext, err error) (any, error) {
			if err != nil {
				return nil, err
			}
			recs, err := res.Collect(ctx)
			if err != nil {
				return nil, err
			}
			rows := make([]map[string]any, len(recs))
			for i, rec := range recs {
				rows[i] = rec.AsMap()
			}
			return rows, nil
		}
		sess := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: database})
		defer sess.Close(ctx)
		var rows any
		var err error
		// Every shape is one statement, run as an auto-commit transaction:
		// no BEGIN and COMMIT messages, the least the driver can do per
		// statement, as Lysøen's reads and single-statement writes. With
		// ExecuteRead the floor's search cost ~25 % more; with ExecuteWrite
		// its write ran at 0.7× the throughput, its locks held until the
		// COMMIT message arrived.
		rows, err = collect(sess.Run(ctx, shape.Cypher, params))
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": err.Error()}}})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": rows, "extensions": map[string]any{"cypherRoundTrips": 1}})
	})
}
