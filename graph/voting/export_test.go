package voting_test

// The export of one bloc (GET /export/bloc, internal/export) on the real
// test Neo4j with the whole UN voting data imported: read with networkx,
// igraph and pandas, its states are the bloc's members in the GraphQL
// answer for the same arguments, and each edge's votes, agreement and
// dates are those the dataset files give.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/export"
	"github.com/lysoen/lysoen/internal/export/exporttest"
	"github.com/lysoen/lysoen/seed/coalition"
)

// exportServer serves the export routes over st for a reader.
func exportServer(t *testing.T, st *store.Store) *httptest.Server {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &export.Handler{Store: st, Logger: logger, Present: graph.ErrorPresenter(logger, func(context.Context) string { return "" }),
		Resolver: &graph.Resolver{Store: st, Logger: logger}}
	mux := http.NewServeMux()
	h.Mount(mux, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), auth.Principal{Name: "key:test", Role: auth.RoleReader, Method: "api-key"})))
		})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// What read.py reports.
type readGraph struct {
	Nodes map[string]map[string]any `json:"nodes"`
	Edges []struct {
		Source, Target string
		Data           map[string]any
	} `json:"edges"`
	Graph map[string]any `json:"graph"`
}

type readExport struct {
	Networkx *readGraph `json:"networkx"`
	Igraph   *struct {
		VCount, ECount int
		Graph          map[string]any `json:"graph"`
	} `json:"igraph"`
	Metadata map[string]any      `json:"metadata"`
	Nodes    []map[string]string `json:"nodes"`
	Edges    []map[string]string `json:"edges"`
}

func TestExportBloc(t *testing.T) {
	st, fv := fixture(t)
	a := sharedAPI(t)
	srv := exportServer(t, st)

	const q = `query($from: Date, $to: Date) { blocs(from: $from, to: $to) { minVotes blocs { index members { id name } } } }`
	var got struct {
		Blocs struct {
			MinVotes int
			Blocs    []struct {
				Index   int
				Members []struct{ ID, Name string }
			}
		}
	}
	a.ok(q, map[string]any{"from": "1995", "to": "2004"}, &got)
	w := window{"1995-01-01", "2004-12-31", ""}
	var bloc []string
	index := -1
	names := map[string]string{}
	for _, b := range got.Blocs.Blocs {
		for _, m := range b.Members {
			if m.ID == "country:CAN" {
				index = b.Index
			}
		}
		if index == b.Index {
			for _, m := range b.Members {
				bloc = append(bloc, m.ID)
				names[m.ID] = m.Name
			}
			break
		}
	}
	if index < 0 || len(bloc) < 2 {
		t.Fatalf("Canada's bloc 1995-2004: %+v", got.Blocs.Blocs)
	}
	sort.Strings(bloc)

	// The ties the files give: every pair with at least minVotes shared
	// roll calls, at least one alike.
	type tie struct {
		votes, agreed int
		first, last   string
		differed      []string
	}
	want := map[string]tie{}
	for i, x := range bloc {
		for _, y := range bloc[i+1:] {
			p, differ := fv.agreement(w, x, y)
			if p.votes < got.Blocs.MinVotes || p.agreed == 0 {
				continue
			}
			tt := tie{votes: p.votes, agreed: p.agreed}
			for _, rc := range fv.selected(w) {
				_, okA := fv.votes[rc.rcid][x]
				_, okB := fv.votes[rc.rcid][y]
				if okA && okB {
					if tt.first == "" {
						tt.first = rc.date
					}
					tt.last = rc.date
				}
			}
			for k := len(differ) - 1; k >= 0 && len(tt.differed) < graph.BlocTieDisagreements; k-- {
				tt.differed = append(tt.differed, coalition.RollCallID(int64(differ[k].rcid)))
			}
			want[x+"|VOTING_AGREEMENT|"+y] = tt
		}
	}
	if len(want) == 0 {
		t.Fatal("no tie in Canada's bloc: the check would check nothing")
	}

	get := func(params url.Values) (string, *http.Response) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/export/bloc?" + params.Encode())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		file := filepath.Join(t.TempDir(), "bloc")
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return file, resp
	}
	// By member and by index: the same bloc.
	for _, which := range []url.Values{{"member": {"country:CAN"}}, {"index": {strconv.Itoa(index)}}} {
		for _, format := range []string{"gexf", "graphml", "csv"} {
			params := url.Values{"from": {"1995"}, "to": {"2004"}, "format": {format}}
			for k, v := range which {
				params[k] = v
			}
			file, resp := get(params)
			if resp.StatusCode != http.StatusOK {
				b, _ := os.ReadFile(file)
				t.Fatalf("%v: %d %s", params, resp.StatusCode, b)
			}
			var c readExport
			exporttest.Read(t, format, file, &c)
			what := fmt.Sprintf("%s by %v", format, which)
			var nodes []string
			type edgeSeen struct {
				id, source, target string
				data               map[string]any
			}
			var edges []edgeSeen
			switch format {
			case "gexf", "graphml":
				for id, d := range c.Networkx.Nodes {
					nodes = append(nodes, id)
					name := d["label"]
					if format == "graphml" {
						name = d["name"]
					}
					if d["type"] != "Country" || name != names[id] {
						t.Errorf("%s node %s: %v", what, id, d)
					}
				}
				for _, e := range c.Networkx.Edges {
					edges = append(edges, edgeSeen{fmt.Sprint(e.Data["id"]), e.Source, e.Target, e.Data})
				}
				if format == "graphml" && (c.Igraph.VCount != len(bloc) || c.Igraph.ECount != len(want)) {
					t.Errorf("%s: igraph read %d vertices and %d edges, want %d and %d", what, c.Igraph.VCount, c.Igraph.ECount, len(bloc), len(want))
				}
			case "csv":
				for _, r := range c.Nodes {
					nodes = append(nodes, r["id"])
				}
				for _, r := range c.Edges {
					d := map[string]any{}
					for k, v := range r {
						d[k] = v
					}
					edges = append(edges, edgeSeen{r["id"], r["source"], r["target"], d})
				}
				if c.Metadata["nodes"] != float64(len(bloc)) || c.Metadata["edges"] != float64(len(want)) || c.Metadata["truncated"] != false {
					t.Errorf("%s metadata: %v", what, c.Metadata)
				}
			}
			sort.Strings(nodes)
			if fmt.Sprint(nodes) != fmt.Sprint(bloc) {
				t.Errorf("%s: nodes %v, want the bloc's members %v", what, nodes, bloc)
			}
			if len(edges) != len(want) {
				t.Errorf("%s: %d edges, want %d", what, len(edges), len(want))
			}
			for _, e := range edges {
				tt, ok := want[e.id]
				if !ok {
					t.Errorf("%s: edge %s is no tie of the files", what, e.id)
					continue
				}
				num := func(k string) float64 {
					switch v := e.data[k].(type) {
					case float64:
						return v
					case string:
						f, _ := strconv.ParseFloat(v, 64)
						return f
					}
					return math.NaN()
				}
				if num("votes") != float64(tt.votes) || num("agreed") != float64(tt.agreed) ||
					math.Abs(num("score")-float64(tt.agreed)/float64(tt.votes)) > 1e-9 ||
					e.data["type"] != "VOTING_AGREEMENT" || e.data["sourceId"] != store.VoteSourceID || e.data["evidence"] == nil {
					t.Errorf("%s edge %s: %v; the files give %d agreed of %d", what, e.id, e.data, tt.agreed, tt.votes)
				}
				var differed []string
				_ = json.Unmarshal([]byte(fmt.Sprint(e.data["rollCallsDiffered"])), &differed)
				if fmt.Sprint(differed) != fmt.Sprint(tt.differed) {
					t.Errorf("%s edge %s: roll calls differed %v, the files give %v", what, e.id, differed, tt.differed)
				}
				switch format {
				case "gexf":
					sp, _ := e.data["spells"].([]any)
					pair, _ := func() ([]any, bool) {
						if len(sp) == 1 {
							p, ok := sp[0].([]any)
							return p, ok
						}
						return nil, false
					}()
					if len(pair) != 2 || pair[0] != tt.first || pair[1] != tt.last || num("weight") != num("score") {
						t.Errorf("gexf edge %s: spells %v weight %v, want %s … %s weighted by its score", e.id, sp, e.data["weight"], tt.first, tt.last)
					}
				default:
					if e.data["periodStart"] != tt.first || e.data["periodEnd"] != tt.last {
						t.Errorf("%s edge %s: period %v … %v, want %s … %s", what, e.id, e.data["periodStart"], e.data["periodEnd"], tt.first, tt.last)
					}
				}
			}
		}
	}

	// Bad parameters: typed errors with the HTTP status of their code.
	for _, c := range []struct {
		params    url.Values
		status    int
		code, arg string
	}{
		{url.Values{"from": {"1995"}, "to": {"2004"}}, 400, "BAD_USER_INPUT", "index"},
		{url.Values{"index": {"0"}, "member": {"country:CAN"}}, 400, "BAD_USER_INPUT", "index"},
		{url.Values{"index": {"999"}}, 400, "BAD_USER_INPUT", "index"},
		{url.Values{"index": {"one"}}, 400, "BAD_USER_INPUT", "index"},
		{url.Values{"index": {"0"}, "from": {"1999-13"}}, 400, "BAD_USER_INPUT", "from"},
		{url.Values{"index": {"0"}, "resolution": {"0"}}, 400, "BAD_USER_INPUT", "resolution"},
		{url.Values{"index": {"0"}, "minVotes": {"0"}}, 400, "BAD_USER_INPUT", "minVotes"},
		{url.Values{"index": {"0"}, "issueAreaId": {"issue:nope"}}, 404, "NOT_FOUND", "issueAreaId"},
		{url.Values{"index": {"0"}, "from": {"2000"}, "to": {"1999"}}, 400, "BAD_USER_INPUT", "to"},
		{url.Values{"index": {"0"}, "minVotse": {"3"}}, 400, "BAD_USER_INPUT", "minVotse"},
		{url.Values{"member": {"country:nowhere"}}, 404, "NOT_FOUND", ""},
	} {
		file, resp := get(c.params)
		body, _ := os.ReadFile(file)
		var e struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode != c.status || len(e.Errors) != 1 || e.Errors[0].Extensions["code"] != c.code ||
			(c.arg != "" && e.Errors[0].Extensions["argument"] != c.arg) {
			t.Errorf("%v: %d %s; want %d %s on %q", c.params, resp.StatusCode, body, c.status, c.code, c.arg)
		}
	}
}
