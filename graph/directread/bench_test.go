package directread

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/loader"
	"github.com/lysoen/lysoen/internal/testdb"
	data "github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// BenchmarkRelationshipConnectionPaths times the shapes of
// graph.BenchmarkRelationshipConnection (the Rome Statute's signatories:
// the plain list, the connection's first and last page of 20, and a page
// of 20 of each of the first 20 agreements' signatories) through the
// resolvers and through the direct path, on the seed plus the reference
// data. Run with
//
//	NEO4J_TEST_URI=… go test -run XXX -bench RelationshipConnectionPaths -benchtime 100x ./graph/directread/
func BenchmarkRelationshipConnectionPaths(b *testing.B) {
	st := testdb.Seeded(b)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		b.Fatal(err)
	}
	// As the server builds it: per-request loaders, so the resolvers batch
	// each level of parents into one statement.
	serve := func(direct bool) string {
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		r := &graph.Resolver{Store: st, Logger: logger}
		es := graph.NewExecutableSchema(graph.Config{Resolvers: r})
		if direct {
			es = Wrap(es, st)
		}
		h := handler.New(es)
		h.AddTransport(transport.POST{})
		h.SetQueryCache(lru.New[*ast.QueryDocument](100))
		h.SetErrorPresenter(graph.ErrorPresenter(logger, func(context.Context) string { return "" }))
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			h.ServeHTTP(w, req.WithContext(loader.With(req.Context(), loader.New(st))))
		}))
		b.Cleanup(srv.Close)
		return srv.URL
	}
	resolvers, direct := serve(false), serve(true)
	for _, c := range []struct{ name, query string }{
		{"plain list first 100", `{ agreement(id: "agreement:rome-statute") { signatories { signed actor { id name } } } }`},
		{"connection first 20", `{ agreement(id: "agreement:rome-statute") { signatoriesConnection { totalCount edges { cursor signed node { id name } } } } }`},
		{"connection last 20", `{ agreement(id: "agreement:rome-statute") { signatoriesConnection(last: 20) { totalCount edges { cursor signed node { id name } } } } }`},
		{"20 agreements x connection first 20", `{ agreements(first: 20) { edges { node { id signatoriesConnection { totalCount edges { cursor signed node { id name } } } } } } }`},
	} {
		if ok, err := plans(c.query); !ok {
			b.Fatalf("%s: not planned by the direct path (%v)", c.name, err)
		}
		for _, path := range []struct{ name, url string }{{"resolvers", resolvers}, {"direct", direct}} {
			b.Run(c.name+"/"+path.name, func(b *testing.B) {
				body, _ := json.Marshal(map[string]any{"query": c.query})
				for b.Loop() {
					resp, err := http.Post(path.url, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Fatal(err)
					}
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || strings.Contains(string(raw), `"errors"`) {
						b.Fatalf("%d %s", resp.StatusCode, raw)
					}
				}
			})
		}
	}
}
