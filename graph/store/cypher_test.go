package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// fingerprint is everything a write could change: counts of nodes,
// relationships and properties, the label, type and property-key tokens,
// and the names of indexes and constraints.
func fingerprint(t *testing.T, driver neo4j.DriverWithContext) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		"MATCH (n) RETURN count(n) AS a, sum(size(keys(n))) AS b, sum(size(labels(n))) AS c",
		"MATCH ()-[r]->() RETURN count(r) AS a, sum(size(keys(r))) AS b",
		"MATCH (n) RETURN collect(DISTINCT n.name) AS names",
		"CALL db.labels() YIELD label RETURN collect(label) AS a",
		"CALL db.relationshipTypes() YIELD relationshipType RETURN collect(relationshipType) AS a",
		"CALL db.propertyKeys() YIELD propertyKey RETURN collect(propertyKey) AS a",
		"SHOW INDEXES YIELD name RETURN collect(name) AS a",
		"SHOW CONSTRAINTS YIELD name RETURN collect(name) AS a",
	} {
		res, err := neo4j.ExecuteQuery(context.Background(), driver, q, nil, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, fmt.Sprint(res.Records[0].Values))
	}
	return strings.Join(parts, "\n")
}

type refusal int

const (
	refused refusal = iota // *store.CypherRefusedError
	invalid                // *store.CypherInputError (syntax, multi-statement)
)

// writeAttempts are queries that would change the database, or act outside
// it, if they ran. Every one must be refused and leave the graph as it was.
var writeAttempts = []struct {
	name, query string
	want        refusal
}{
	{"CREATE", "CREATE (:Probe {id: 'probe:1'})", refused},
	{"CREATE relationship", "MATCH (a:Country {iso3: 'CAN'}), (b:Country {iso3: 'THA'}) CREATE (a)-[:MEMBER_OF]->(b)", refused},
	{"MERGE new", "MERGE (:Probe {id: 'probe:2'})", refused},
	{"MERGE existing with SET", "MERGE (n:Country {id: 'country:CAN'}) SET n.probe = true RETURN n", refused},
	{"MERGE ON CREATE", "MERGE (n:Country {id: 'country:XXX'}) ON CREATE SET n.name = 'x' RETURN n", refused},
	{"DELETE relationship", "MATCH ()-[r:PARTICIPATED_IN]->() DELETE r", refused},
	{"DETACH DELETE", "MATCH (n:Country {iso3: 'THA'}) DETACH DELETE n", refused},
	{"DELETE everything", "MATCH (n) DETACH DELETE n", refused},
	{"SET property", "MATCH (n:Country) SET n.name = 'renamed'", refused},
	{"SET label", "MATCH (n:Country) SET n:Probe", refused},
	{"SET map", "MATCH (n:Country {iso3: 'CAN'}) SET n = {}", refused},
	{"REMOVE property", "MATCH (n:Country) REMOVE n.iso2", refused},
	{"REMOVE label", "MATCH (n:Country) REMOVE n:Actor", refused},
	{"FOREACH CREATE", "FOREACH (x IN range(1, 3) | CREATE (:Probe {n: x}))", refused},
	{"write in subquery", "MATCH (n:Country) CALL (n) { SET n.probe = 1 } RETURN count(n)", refused},
	{"write after UNION", "MATCH (n) RETURN 1 AS x UNION CREATE (p:Probe) RETURN 2 AS x", refused},
	{"write hidden after comment", "MATCH (n) RETURN count(n) AS c // harmless\nCREATE (:Probe)", invalid},
	{"CALL IN TRANSACTIONS", "CALL () { CREATE (:Probe) } IN TRANSACTIONS", refused},
	{"CALL IN TRANSACTIONS delete", "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS", refused},
	{"read-only CALL IN TRANSACTIONS", "CALL () { RETURN 1 AS x } IN TRANSACTIONS RETURN x", refused},
	{"LOAD CSV file", "LOAD CSV FROM 'file:///seed.csv' AS row RETURN row", refused},
	{"LOAD CSV URL", "LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS row RETURN row", refused},
	{"LOAD CSV write", "LOAD CSV WITH HEADERS FROM 'file:///x.csv' AS row CREATE (:Probe {v: row.v})", refused},
	{"CREATE INDEX", "CREATE INDEX probe_idx FOR (n:Probe) ON (n.id)", refused},
	{"CREATE FULLTEXT INDEX", "CREATE FULLTEXT INDEX probe_ft FOR (n:Country) ON EACH [n.name]", refused},
	{"CREATE CONSTRAINT", "CREATE CONSTRAINT probe_c FOR (n:Probe) REQUIRE n.id IS UNIQUE", refused},
	{"DROP INDEX", "DROP INDEX node_names", refused},
	{"DROP CONSTRAINT", "DROP CONSTRAINT unique_country_id", refused},
	{"CREATE USER", "CREATE USER probe SET PASSWORD 'probe-password'", refused},
	{"db.createLabel", "CALL db.createLabel('Probe')", refused},
	{"db.createProperty", "CALL db.createProperty('probe')", refused},
	{"db.createRelationshipType", "CALL db.createRelationshipType('PROBE')", refused},
	{"db.clearQueryCaches", "CALL db.clearQueryCaches()", refused},
	{"db.stats.clear (planner says read-only)", "CALL db.stats.clear('QUERIES')", refused},
	{"db.awaitIndexes (planner says read-only)", "CALL db.awaitIndexes(1)", refused},
	{"procedure in a subquery", "MATCH (n) WITH n LIMIT 1 CALL (n) { CALL db.stats.clear('QUERIES') YIELD section RETURN section } RETURN section", refused},
	{"TERMINATE TRANSACTIONS", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'", refused},
	{"SHOW TRANSACTIONS", "SHOW TRANSACTIONS", refused},
	{"SHOW SETTINGS", "SHOW SETTINGS", refused},
	{"two statements", "MATCH (n) RETURN count(n); CREATE (:Probe)", invalid},
	{"two statements after a string", "RETURN 'a;b' AS s; MATCH (n) DETACH DELETE n", invalid},
	{"EXPLAIN prefix", "EXPLAIN CREATE (:Probe)", invalid},
	{"PROFILE prefix", "PROFILE CREATE (:Probe)", invalid},
	{"CYPHER options", "CYPHER runtime=slotted CREATE (:Probe)", invalid},
	{"USE another database", "USE system SHOW USERS", invalid},
}

func TestReadCypherRefusesWrites(t *testing.T) {
	s := testdb.Seeded(t)
	before := fingerprint(t, s.Driver())
	ctx := context.Background()
	for _, c := range writeAttempts {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.ReadCypher(ctx, c.query, nil, store.CypherOptions{})
			var ref *store.CypherRefusedError
			var in *store.CypherInputError
			switch {
			case err == nil:
				t.Fatalf("%q ran", c.query)
			case c.want == refused && !errors.As(err, &ref):
				t.Errorf("%q: %T %v, want a refusal", c.query, err, err)
			case c.want == invalid && !errors.As(err, &in) && !errors.As(err, &ref):
				t.Errorf("%q: %T %v, want a syntax error or a refusal", c.query, err, err)
			}
			if after := fingerprint(t, s.Driver()); after != before {
				t.Errorf("%q changed the database:\nbefore %s\nafter  %s", c.query, before, after)
			}
		})
	}
}

// TestReadAccessModeAloneRefusesWrites switches the EXPLAIN guards off: the
// read access-mode transaction must still refuse every graph or schema write.
func TestReadAccessModeAloneRefusesWrites(t *testing.T) {
	s := testdb.Seeded(t)
	before := fingerprint(t, s.Driver())
	ctx := context.Background()
	// Not graph writes: the plan guard refuses these (or EXPLAIN only plans);
	// here they only must leave the graph unchanged.
	notWrites := map[string]bool{"LOAD CSV file": true, "LOAD CSV URL": true, "db.clearQueryCaches": true,
		"db.stats.clear (planner says read-only)": true, "db.awaitIndexes (planner says read-only)": true,
		"procedure in a subquery": true, "TERMINATE TRANSACTIONS": true, "SHOW TRANSACTIONS": true,
		"SHOW SETTINGS": true, "EXPLAIN prefix": true}
	for _, c := range writeAttempts {
		t.Run(c.name, func(t *testing.T) {
			if _, err := s.ReadCypherAccessModeOnly(ctx, c.query, nil, store.CypherOptions{}); err == nil && !notWrites[c.name] {
				t.Fatalf("%q ran in a read transaction", c.query)
			}
			if after := fingerprint(t, s.Driver()); after != before {
				t.Errorf("%q changed the database:\nbefore %s\nafter  %s", c.query, before, after)
			}
		})
	}
}

func TestReadCypherRowCap(t *testing.T) {
	s := testdb.Open(t)
	ctx := context.Background()
	res, err := s.ReadCypher(ctx, "UNWIND range(1, 2500) AS x RETURN x", nil, store.CypherOptions{MaxRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1000 || !res.Truncated || res.Rows[0][0] != int64(1) || res.Rows[999][0] != int64(1000) {
		t.Errorf("rows %d (first %v, last %v), truncated %v; want 1..1000, truncated", len(res.Rows), res.Rows[0], res.Rows[len(res.Rows)-1], res.Truncated)
	}
	res, err = s.ReadCypher(ctx, "UNWIND range(1, 1000) AS x RETURN x", nil, store.CypherOptions{MaxRows: 1000})
	if err != nil || len(res.Rows) != 1000 || res.Truncated {
		t.Errorf("exactly the cap: %d rows, truncated %v, err %v; want 1000, false", len(res.Rows), res.Truncated, err)
	}
	res, err = s.ReadCypher(ctx, "UNWIND range(1, 5000) AS x RETURN x", nil, store.CypherOptions{})
	if err != nil || len(res.Rows) != store.DefaultCypherMaxRows || !res.Truncated {
		t.Errorf("default cap: %d rows, truncated %v, err %v; want %d, true", len(res.Rows), res.Truncated, err, store.DefaultCypherMaxRows)
	}
}

func TestReadCypherTimeout(t *testing.T) {
	s := testdb.Open(t)
	// Counting to ten billion takes far longer than half a second.
	_, err := s.ReadCypher(context.Background(), "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x)", nil,
		store.CypherOptions{Timeout: 500 * time.Millisecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %T %v, want a timeout (context.DeadlineExceeded)", err, err)
	}
	// The request's own deadline stops it too.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err = s.ReadCypher(ctx, "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x)", nil, store.CypherOptions{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %T %v, want context.DeadlineExceeded", err, err)
	}
}

func TestReadCypherSerializes(t *testing.T) {
	s := testdb.Seeded(t)
	res, err := s.ReadCypher(context.Background(), `
		MATCH p = (c:Country {id: 'country:CAN'})-[r:MEMBER_OF]->(i:Initiative {id: $initiative})
		RETURN c, r, p, date(r.since) AS since, date('1998-12') AS month, $n + 1 AS n, [1.5, null, true] AS list`,
		map[string]any{"initiative": "initiative:lysoen-partnership", "n": json.Number("41")}, store.CypherOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"c", "r", "p", "since", "month", "n", "list"}; !reflect.DeepEqual(res.Columns, want) {
		t.Fatalf("columns %v, want %v", res.Columns, want)
	}
	if len(res.Rows) != 1 {
		t.Fatalf("rows %v, want one", res.Rows)
	}
	row := res.Rows[0]
	c := row[0].(map[string]any)
	if c["id"] != "country:CAN" || !reflect.DeepEqual(c["labels"], []string{"Actor", "Country"}) || c["elementId"] == "" ||
		c["properties"].(map[string]any)["iso3"] != "CAN" {
		t.Errorf("node = %v", c)
	}
	r := row[1].(map[string]any)
	if r["type"] != "MEMBER_OF" || r["startId"] != "country:CAN" || r["endId"] != "initiative:lysoen-partnership" ||
		r["startElementId"] != c["elementId"] || r["properties"].(map[string]any)["role"] != "FOUNDER" {
		t.Errorf("relationship = %v", r)
	}
	p := row[2].(map[string]any)
	if len(p["nodes"].([]any)) != 2 || len(p["relationships"].([]any)) != 1 {
		t.Errorf("path = %v", p)
	}
	if row[3] != "1998-05-11" || row[4] != "1998-12-01" || row[5] != int64(42) {
		t.Errorf("since %v, month %v, n %v; want 1998-05-11, 1998-12-01, 42", row[3], row[4], row[5])
	}
	if !reflect.DeepEqual(row[6], []any{1.5, nil, true}) {
		t.Errorf("list = %v", row[6])
	}
}

func TestReadCypherBadInput(t *testing.T) {
	s := testdb.Open(t)
	ctx := context.Background()
	for _, q := range []string{"MATCH (n RETURN n", "RETURN $missing AS x", "CALL no.such.procedure()", "   "} {
		_, err := s.ReadCypher(ctx, q, nil, store.CypherOptions{})
		var in *store.CypherInputError
		if !errors.As(err, &in) || in.Message == "" {
			t.Errorf("%q: %T %v, want a CypherInputError with a message", q, err, err)
		}
	}
	// Allowed read-only procedures and SHOW commands work.
	for _, q := range []string{"CALL db.labels() YIELD label RETURN label", "SHOW INDEXES YIELD name RETURN name",
		"CALL db.index.fulltext.queryNodes('node_names', 'Canada') YIELD node RETURN node.id"} {
		if _, err := s.ReadCypher(ctx, q, nil, store.CypherOptions{}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
}
