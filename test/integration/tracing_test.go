package integration

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/config"
	"github.com/lysoen/lysoen/internal/telemetry"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestTracingSpanTree: with a tracer provider (here the SDK's in-memory
// recorder) a request gives one trace: the operation's span at the root,
// a span per resolver under it (nested like the fields), and each Cypher
// statement under the resolver that sent it. Off by default: config.Load leaves it off.
func TestTracingSpanTree(t *testing.T) {
	testdb.Seeded(t)
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	st := testdb.Open(t, func(o *store.Options) { o.OnQuery = telemetry.CountRoundTrip; o.Trace = telemetry.CypherTracer(tp, "") })
	c, err := config.Load("serve", nil, func(string) string { return "" }, os.ReadFile, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.OTel != "" {
		t.Fatalf("tracing is on by default: %q", c.OTel)
	}
	// This tree is the resolvers'. A direct read (graph/directread) has no
	// resolver spans: its one Cypher span sits under the operation.
	c.DirectReads = false
	srv := httptest.NewServer(inProcess(t, c, slog.New(slog.NewTextHandler(io.Discard, nil)), st, tp))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/graphql", "application/json",
		strings.NewReader(`{"query":"query Norway { country(iso3: \"NOR\") { name memberships { role } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"Norway"`) || strings.Contains(string(body), `"errors"`) {
		t.Fatalf("HTTP %d %s", resp.StatusCode, body)
	}

	spans := sr.Ended()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = append(byName[s.Name()], s)
	}
	one := func(name string) sdktrace.ReadOnlySpan {
		t.Helper()
		if len(byName[name]) != 1 {
			var names []string
			for _, s := range spans {
				names = append(names, s.Name())
			}
			t.Fatalf("%d spans %q, want 1; spans: %v", len(byName[name]), name, names)
		}
		return byName[name][0]
	}
	op := one("graphql.query Norway")
	country := one("graphql.resolve Query.country")
	memberships := one("graphql.resolve Country.memberships")
	if op.Parent().IsValid() {
		t.Errorf("the operation span has a parent %v", op.Parent())
	}
	for _, s := range spans {
		if s.SpanContext().TraceID() != op.SpanContext().TraceID() {
			t.Errorf("span %q in another trace", s.Name())
		}
	}
	// Resolver spans nest like the fields: Country.memberships resolves
	// under Query.country.
	if country.Parent().SpanID() != op.SpanContext().SpanID() || memberships.Parent().SpanID() != country.SpanContext().SpanID() {
		t.Errorf("resolver spans: country's parent %v (operation %v), memberships' parent %v (country %v)",
			country.Parent().SpanID(), op.SpanContext().SpanID(), memberships.Parent().SpanID(), country.SpanContext().SpanID())
	}
	under := map[string]int{}
	for _, s := range byName["neo4j.cypher"] {
		switch s.Parent().SpanID() {
		case country.SpanContext().SpanID():
			under["country"]++
		case memberships.SpanContext().SpanID():
			under["memberships"]++
		default:
			t.Errorf("a Cypher span outside the resolvers: parent %v", s.Parent().SpanID())
		}
		text := ""
		for _, a := range s.Attributes() {
			if a.Key == "db.query.text" {
				text = a.Value.AsString()
			}
		}
		if !strings.Contains(text, "$") || strings.Contains(text, "NOR") {
			t.Errorf("db.query.text should be the parameterized statement: %q", text)
		}
	}
	if under["country"] != 1 || under["memberships"] != 1 {
		t.Errorf("Cypher spans: %v, want one under each resolver", under)
	}
}
