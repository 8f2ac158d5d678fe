package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
)

// statementCounter counts the Cypher statements Neo4j runs for a request,
// with Neo4j's own query collector (db.stats.collect('QUERIES'), which
// Community has too): every target's count comes from the database, so
// @neo4j/graphql, which reports nothing itself, is measured like the
// others, and what Lysøen and the floor report about themselves is checked.
type statementCounter struct {
	driver   neo4j.DriverWithContext
	database string
}

func newStatementCounter(ctx context.Context, uri string) (*statementCounter, error) {
	user := os.Getenv("NEO4J_USER")
	if user == "" {
		user = "neo4j"
	}
	d, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, os.Getenv("NEO4J_PASSWORD"), ""))
	if err != nil {
		return nil, err
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		_ = d.Close(ctx)
		return nil, fmt.Errorf("statement counter: %w", err)
	}
	return &statementCounter{driver: d, database: os.Getenv("NEO4J_DATABASE")}, nil
}

func (c *statementCounter) exec(ctx context.Context, cypher string) ([]*neo4j.Record, error) {
	res, err := neo4j.ExecuteQuery(ctx, c.driver, cypher, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(c.database))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cypher, err)
	}
	return res.Records, nil
}

// reset empties the collector and starts it again.
func (c *statementCounter) reset(ctx context.Context) error {
	_, _ = c.exec(ctx, "CALL db.stats.stop('QUERIES')") // fails when not collecting
	for _, q := range []string{"CALL db.stats.clear('QUERIES')", "CALL db.stats.collect('QUERIES')"} {
		if _, err := c.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// stop ends collection, so that the measured runs do not pay for it.
func (c *statementCounter) stop(ctx context.Context) error {
	_, err := c.exec(ctx, "CALL db.stats.stop('QUERIES')")
	return err
}

// count is the number of statements run since reset, without the
// collector's own calls, the drivers' connection checks (db.ping) and the
// server's background statements (the dataset version's poll after
// writes), which no request asks for.
func (c *statementCounter) count(ctx context.Context) (int, error) {
	recs, err := c.exec(ctx, "CALL db.stats.retrieve('QUERIES') YIELD data "+
		"RETURN data.query AS query, data.invocationSummary.invocationCount AS n")
	if err != nil {
		return 0, err
	}
	total := 0
	for _, r := range recs {
		q, _ := r.Values[0].(string)
		n, _ := r.Values[1].(int64)
		if strings.Contains(q, "db.stats.") || strings.HasPrefix(q, "CALL db.ping()") || strings.HasPrefix(q, store.BackgroundMarker) {
			continue
		}
		total += int(n)
	}
	return total, nil
}

func (c *statementCounter) close(ctx context.Context) { _ = c.driver.Close(ctx) }

// statementsPerRequest sends the shape n times to t, one after the other
// with nothing else running, and divides what Neo4j counted by n.
func statementsPerRequest(ctx context.Context, c *statementCounter, t *target, s shape, n int) (float64, error) {
	if err := c.reset(ctx); err != nil {
		return 0, err
	}
	for range n {
		if _, _, err := check(ctx, t, s); err != nil {
			return 0, err
		}
	}
	total, err := c.count(ctx)
	if err != nil {
		return 0, err
	}
	return float64(total) / float64(n), nil
}
