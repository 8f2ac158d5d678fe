// Package testdb connects tests to the real test Neo4j that `make test`
// starts (instance "test", its own ports and a throwaway data folder).
// There is no skip: a test that needs the database and cannot reach it
// fails, so CI can never pass without a real Neo4j.
package testdb

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed"
)

// Config is where the test database is.
type Config struct {
	URI, User, Password string
}

// FromEnv reads NEO4J_TEST_URI (required), NEO4J_TEST_USER and
// NEO4J_TEST_PASSWORD (falling back to NEO4J_PASSWORD and the local default).
func FromEnv(t testing.TB) Config {
	t.Helper()
	c := Config{URI: os.Getenv("NEO4J_TEST_URI"), User: os.Getenv("NEO4J_TEST_USER"), Password: os.Getenv("NEO4J_TEST_PASSWORD")}
	if c.URI == "" {
		t.Fatal("NEO4J_TEST_URI is not set: run the tests with `make test`, which starts a throwaway Neo4j (never the developer's)")
	}
	if c.User == "" {
		c.User = "neo4j"
	}
	if c.Password == "" {
		c.Password = os.Getenv("NEO4J_PASSWORD")
	}
	if c.Password == "" {
		c.Password = "lysoen-dev-password"
	}
	return c
}

// Open returns a store on the test database, closed when the test ends.
func Open(t testing.TB, opts ...func(*store.Options)) *store.Store {
	t.Helper()
	c := FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatalf("neo4j driver: %v", err)
	}
	t.Cleanup(func() { driver.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := driver.VerifyConnectivity(ctx); err != nil {
		t.Fatalf("the test Neo4j at %s does not answer (start it with `make test`): %v", c.URI, err)
	}
	o := store.Options{}
	for _, f := range opts {
		f(&o)
	}
	return store.New(driver, o)
}

// Reset deletes every node and relationship and applies the schema.
func Reset(t testing.TB, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatalf("reset test database: %v", err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatalf("apply schema: %v", err)
	}
}

// Seeded resets the database and loads the seed graph.
func Seeded(t testing.TB) *store.Store {
	t.Helper()
	s := Open(t)
	Reset(t, s)
	if _, err := seed.Load(context.Background(), s); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return s
}

// Exec runs one write statement on the test database: tests write their
// own fixtures (rows of the real datasets) with it.
func Exec(t testing.TB, cypher string, params map[string]any) {
	t.Helper()
	c := FromEnv(t)
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatalf("neo4j driver: %v", err)
	}
	defer driver.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer); err != nil {
		t.Fatalf("fixture: %v", err)
	}
}
