package integration

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/export/exporttest"
	"github.com/lysoen/lysoen/internal/testdb"
)

// What read.py reports (internal/export/exporttest/consumers).
type nxGraph struct {
	Graph    map[string]any            `json:"graph"`
	Directed bool                      `json:"directed"`
	Nodes    map[string]map[string]any `json:"nodes"`
	Edges    []struct {
		Source string         `json:"source"`
		Target string         `json:"target"`
		Data   map[string]any `json:"data"`
	} `json:"edges"`
}

type consumed struct {
	Networkx *nxGraph `json:"networkx"`
	Igraph   *struct {
		Directed bool                      `json:"directed"`
		VCount   int                       `json:"vcount"`
		ECount   int                       `json:"ecount"`
		Graph    map[string]any            `json:"graph"`
		Vertices map[string]map[string]any `json:"vertices"`
		Edges    []struct {
			Source string         `json:"source"`
			Target string         `json:"target"`
			Data   map[string]any `json:"data"`
		} `json:"edges"`
	} `json:"igraph"`
	// The zipped CSV, read by pandas.
	Files    []string            `json:"files"`
	Metadata map[string]any      `json:"metadata"`
	Nodes    []map[string]string `json:"nodes"`
	Edges    []map[string]string `json:"edges"`
}

// The GraphQL answer an export is checked against.
type wantNode struct {
	ID, Label, Name string
	Props           map[string]any
}

type wantEdge struct {
	ID, Type, Source, Target string
	Props                    map[string]any
	Quote, SourceID          string
}

type wantGraph struct {
	Nodes     map[string]wantNode
	Edges     map[string]wantEdge
	Truncated bool
	Dataset   string
}

const subgraphFields = `nodes { nodeId label name properties } edges { id type source target properties evidence { sourceId quote } }`

// graphqlSubgraph asks the GraphQL API for a subgraph (a Subgraph or Path
// field named field) and returns it keyed by id.
func graphqlSubgraph(t *testing.T, s *server, q, field string, vars map[string]any) wantGraph {
	t.Helper()
	resp := s.query(t, q, vars)
	var data map[string]struct {
		Truncated bool `json:"truncated"`
		Nodes     []struct {
			ID          string `json:"nodeId"`
			Label, Name string
			Properties  map[string]any
		}
		Edges []struct {
			ID, Type, Source, Target string
			Properties               map[string]any
			Evidence                 *struct{ SourceID, Quote string }
		}
	}
	mustOK(t, resp, &data)
	sg := data[field]
	w := wantGraph{Nodes: map[string]wantNode{}, Edges: map[string]wantEdge{}, Truncated: sg.Truncated}
	w.Dataset, _ = resp.Extensions["dataset"].(string)
	for _, n := range sg.Nodes {
		w.Nodes[n.ID] = wantNode{ID: n.ID, Label: n.Label, Name: n.Name, Props: n.Properties}
	}
	for _, e := range sg.Edges {
		we := wantEdge{ID: e.ID, Type: e.Type, Source: e.Source, Target: e.Target, Props: e.Properties}
		if e.Evidence != nil {
			we.Quote, we.SourceID = e.Evidence.Quote, e.Evidence.SourceID
		}
		w.Edges[e.ID] = we
	}
	return w
}

// download fetches an export into a file and returns its path and response.
func download(t *testing.T, s *server, path string, params url.Values) (string, *http.Response) {
	t.Helper()
	resp, err := http.Get(s.URL + path + "?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s?%s: %d %s", path, params.Encode(), resp.StatusCode, body)
	}
	file := filepath.Join(t.TempDir(), "export."+params.Get("format"))
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, resp
}

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string{}, vs...)
	}
	out.Set(k, val)
	return out
}

// text is a GraphQL JSON property value as the exports write it.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	case bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: got %d ids %v, want %d %v", what, len(got), got, len(want), want)
	}
}

// checkAll downloads the subgraph in every format, reads each with its
// consumers and compares nodes, edges, names, types, properties and
// evidence with the GraphQL answer.
func checkAll(t *testing.T, s *server, path string, params url.Values, want wantGraph) map[string]consumed {
	t.Helper()
	out := map[string]consumed{}
	for _, format := range []string{"gexf", "graphml", "csv"} {
		file, resp := download(t, s, path, with(params, "format", format))
		if got := resp.Header.Get("X-Lysoen-Dataset-Version"); got == "" || got != want.Dataset {
			t.Errorf("%s: dataset version header %q, GraphQL extensions.dataset %q", format, got, want.Dataset)
		}
		var c consumed
		exporttest.Read(t, format, file, &c)
		out[format] = c
		switch format {
		case "gexf":
			checkNetworkx(t, "gexf/networkx", c.Networkx, want, "label")
		case "graphml":
			checkNetworkx(t, "graphml/networkx", c.Networkx, want, "name")
			ig := c.Igraph
			if ig.VCount != len(want.Nodes) || ig.ECount != len(want.Edges) || !ig.Directed {
				t.Errorf("graphml/igraph: %d vertices, %d edges (directed %v), want %d and %d", ig.VCount, ig.ECount, ig.Directed, len(want.Nodes), len(want.Edges))
			}
			sameIDs(t, "graphml/igraph vertices", sortedKeys(ig.Vertices), sortedKeys(want.Nodes))
			for id, v := range ig.Vertices {
				if n := want.Nodes[id]; v["type"] != n.Label || v["name"] != n.Name {
					t.Errorf("graphml/igraph %s: type %v name %v, want %s %s", id, v["type"], v["name"], n.Label, n.Name)
				}
			}
			for _, e := range ig.Edges {
				we, ok := want.Edges[e.Source+"|"+fmt.Sprint(e.Data["type"])+"|"+e.Target]
				if !ok {
					t.Errorf("graphml/igraph: edge %s -%v-> %s not in the GraphQL answer", e.Source, e.Data["type"], e.Target)
					continue
				}
				if we.Quote != "" && e.Data["evidence"] != we.Quote {
					t.Errorf("graphml/igraph %s: evidence %q, want %q", we.ID, e.Data["evidence"], we.Quote)
				}
			}
			if ig.Graph["datasetVersion"] != want.Dataset || ig.Graph["truncated"] != want.Truncated {
				t.Errorf("graphml/igraph graph attributes %v: want datasetVersion %s, truncated %v", ig.Graph, want.Dataset, want.Truncated)
			}
		case "csv":
			sameIDs(t, "csv files", c.Files, []string{"nodes.csv", "edges.csv", "metadata.json"})
			var ids []string
			for _, r := range c.Nodes {
				ids = append(ids, r["id"])
				n := want.Nodes[r["id"]]
				if r["type"] != n.Label || r["name"] != n.Name {
					t.Errorf("csv node %s: type %q name %q, want %q %q", r["id"], r["type"], r["name"], n.Label, n.Name)
				}
				for k, v := range n.Props {
					if k != "id" && k != "name" && r[k] != text(v) {
						t.Errorf("csv node %s: %s = %q, want %q", r["id"], k, r[k], text(v))
					}
				}
			}
			sameIDs(t, "csv nodes", ids, sortedKeys(want.Nodes))
			ids = nil
			for _, r := range c.Edges {
				ids = append(ids, r["id"])
				we := want.Edges[r["id"]]
				if r["type"] != we.Type || r["source"] != we.Source || r["target"] != we.Target || r["evidence"] != we.Quote || r["sourceId"] != we.SourceID {
					t.Errorf("csv edge %s: %v, want %+v", r["id"], r, we)
				}
				for k, v := range we.Props {
					if r[k] != text(v) {
						t.Errorf("csv edge %s: %s = %q, want %q", r["id"], k, r[k], text(v))
					}
				}
			}
			sameIDs(t, "csv edges", ids, sortedKeys(want.Edges))
			if c.Metadata["datasetVersion"] != want.Dataset || c.Metadata["truncated"] != want.Truncated ||
				c.Metadata["nodes"] != float64(len(want.Nodes)) || c.Metadata["edges"] != float64(len(want.Edges)) {
				t.Errorf("csv metadata %v: want dataset %s, truncated %v, %d nodes, %d edges", c.Metadata, want.Dataset, want.Truncated, len(want.Nodes), len(want.Edges))
			}
		}
	}
	return out
}

// checkNetworkx compares a graph networkx read with the GraphQL answer;
// nameKey is the node attribute holding the name (GEXF's label).
func checkNetworkx(t *testing.T, what string, g *nxGraph, want wantGraph, nameKey string) {
	t.Helper()
	if !g.Directed {
		t.Errorf("%s: not directed", what)
	}
	sameIDs(t, what+" nodes", sortedKeys(g.Nodes), sortedKeys(want.Nodes))
	for id, d := range g.Nodes {
		n := want.Nodes[id]
		if d["type"] != n.Label || d[nameKey] != n.Name {
			t.Errorf("%s node %s: type %v, %s %v; want %s, %s", what, id, d["type"], nameKey, d[nameKey], n.Label, n.Name)
		}
		for k, v := range n.Props {
			if k != "id" && k != "name" && text(d[k]) != text(v) {
				t.Errorf("%s node %s: %s = %v, want %v", what, id, k, d[k], v)
			}
		}
	}
	var ids []string
	for _, e := range g.Edges {
		id := fmt.Sprint(e.Data["id"])
		ids = append(ids, id)
		we, ok := want.Edges[id]
		if !ok {
			continue // reported by sameIDs
		}
		typ := e.Data["type"]
		if typ != we.Type || e.Source != we.Source || e.Target != we.Target {
			t.Errorf("%s edge %s: %s -%v-> %s, want %s -%s-> %s", what, id, e.Source, typ, e.Target, we.Source, we.Type, we.Target)
		}
		if e.Data["evidence"] != nilIfEmpty(we.Quote) || e.Data["sourceId"] != nilIfEmpty(we.SourceID) {
			t.Errorf("%s edge %s: evidence %v from %v, want %q from %q", what, id, e.Data["evidence"], e.Data["sourceId"], we.Quote, we.SourceID)
		}
		for k, v := range we.Props {
			if text(e.Data[k]) != text(v) {
				t.Errorf("%s edge %s: %s = %v, want %v", what, id, k, e.Data[k], v)
			}
		}
	}
	sameIDs(t, what+" edges", ids, sortedKeys(want.Edges))
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// spellOf is a node's or edge's single spell as networkx reads it.
func spellOf(d map[string]any) (start, end string) {
	sp, _ := d["spells"].([]any)
	if len(sp) != 1 {
		return "", ""
	}
	pair, _ := sp[0].([]any)
	if len(pair) != 2 {
		return "", ""
	}
	return fmt.Sprint(pair[0]), fmt.Sprint(pair[1])
}

// lastDay is the last day of a year ("2000") or month ("1999-02").
func lastDay(d string) string {
	var y, m int
	if len(d) == 4 {
		fmt.Sscanf(d, "%d", &y)
		return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}
	fmt.Sscanf(d, "%d-%d", &y, &m)
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// TestExports: each export of each subgraph parses with networkx, igraph
// and pandas, holds exactly the nodes and edges of the GraphQL answer with
// their types, names, properties and evidence, and keeps dates at their
// precision as GEXF spells.
func TestExports(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	waitDataset(t, s)

	t.Run("neighborhood", func(t *testing.T) {
		want := graphqlSubgraph(t, s, `query($id: ID!) { neighborhood(id: $id, depth: 2) { truncated `+subgraphFields+` } }`, "neighborhood",
			map[string]any{"id": "country:CAN"})
		if len(want.Nodes) < 10 || want.Truncated {
			t.Fatalf("the seed's depth-2 neighbourhood of Canada: %d nodes, truncated %v", len(want.Nodes), want.Truncated)
		}
		got := checkAll(t, s, "/export/neighborhood", url.Values{"id": {"country:CAN"}, "depth": {"2"}}, want)

		// A year-precise membership (Canada on the Security Council,
		// since "1999" until "2000") is a spell over both whole years.
		gexf := got["gexf"].Networkx
		const unsc = "country:CAN|MEMBER_OF|org:un-security-council"
		we := want.Edges[unsc]
		since, until := text(we.Props["since"]), text(we.Props["until"])
		if len(since) != 4 || len(until) != 4 {
			t.Fatalf("%s: since %q until %q, want year-precise dates in the seed", unsc, since, until)
		}
		for _, e := range gexf.Edges {
			if e.Data["id"] == unsc {
				start, end := spellOf(e.Data)
				if start != since+"-01-01" || end != lastDay(until) {
					t.Errorf("%s: spell %s..%s, want %s-01-01..%s (the whole years)", unsc, start, end, since, lastDay(until))
				}
			}
		}
		// A month-precise event is a spell over the whole month.
		const presidency = "event:unsc-presidency-canada-1999"
		month := text(want.Nodes[presidency].Props["startDate"])
		if start, end := spellOf(gexf.Nodes[presidency]); len(month) != 7 || start != month+"-01" || end != lastDay(month) {
			t.Errorf("%s (startDate %q): spell %s..%s, want the whole month", presidency, month, start, end)
		}
		// A day-precise founding: the spell starts that day, open-ended.
		const founder = "country:CAN|MEMBER_OF|initiative:lysoen-partnership"
		day := text(want.Edges[founder].Props["since"])
		for _, e := range gexf.Edges {
			if e.Data["id"] == founder {
				if start, _ := spellOf(e.Data); start != day {
					t.Errorf("%s: spell starts %s, want %s", founder, start, day)
				}
			}
		}
		// GraphML and CSV carry the same period as columns.
		for _, r := range got["csv"].Edges {
			if r["id"] == unsc && (r["periodStart"] != since+"-01-01" || r["periodEnd"] != lastDay(until)) {
				t.Errorf("csv %s: period %s..%s", unsc, r["periodStart"], r["periodEnd"])
			}
		}
		if d := got["graphml"].Networkx.Nodes[presidency]; d["periodStart"] != month+"-01" || d["periodEnd"] != lastDay(month) {
			t.Errorf("graphml %s: period %v..%v", presidency, d["periodStart"], d["periodEnd"])
		}

		// The walkthrough's networkx script (docs/exports.md) runs on it.
		file, _ := download(t, s, "/export/neighborhood", url.Values{"id": {"country:CAN"}, "depth": {"2"}, "format": {"gexf"}})
		out, err := exec.Command(exporttest.Python(t), filepath.Join("examples", "exports", "analyse.py"), file, "1999-06-01").CombinedOutput()
		if err != nil {
			t.Fatalf("examples/exports/analyse.py: %v\n%s", err, out)
		}
		for _, line := range []string{"Dataset version: " + want.Dataset, fmt.Sprintf("%d nodes:", len(want.Nodes)),
			"Canada -MEMBER_OF-> United Nations Security Council  [('" + since + "-01-01', '" + lastDay(until) + "')]"} {
			if !strings.Contains(string(out), line) {
				t.Errorf("analyse.py's output lacks %q:\n%s", line, out)
			}
		}
	})

	t.Run("path", func(t *testing.T) {
		vars := map[string]any{"from": "country:THA", "to": "org:icrc"}
		want := graphqlSubgraph(t, s, `query($from: ID!, $to: ID!) { connectionPath(from: $from, to: $to, allShortest: true) { truncated `+subgraphFields+` } }`,
			"connectionPath", vars)
		if len(want.Edges) < 2 {
			t.Fatalf("path THA to ICRC: %d edges", len(want.Edges))
		}
		checkAll(t, s, "/export/path", url.Values{"from": {"country:THA"}, "to": {"org:icrc"}, "allShortest": {"true"}}, want)
	})

	t.Run("coalition", func(t *testing.T) {
		for _, c := range []struct{ id, asOf string }{
			{"org:un-security-council", "1999-06"},
			{"initiative:lysoen-partnership", "1998-06-01"},
			{"initiative:lysoen-partnership", ""},
		} {
			vars := map[string]any{"id": c.id}
			params := url.Values{"initiativeId": {c.id}}
			if c.asOf != "" {
				vars["asOf"] = c.asOf
				params.Set("asOf", c.asOf)
			}
			resp := s.query(t, `query($id: ID!, $asOf: Date) { coalition(initiativeId: $id, asOf: $asOf) {
				role since until actor { id name __typename } evidence { sourceId quote } } }`, vars)
			var data struct {
				Coalition []struct {
					Role, Since, Until string
					Actor              struct {
						ID, Name string
						Typename string `json:"__typename"`
					}
					Evidence *struct{ SourceID, Quote string }
				}
			}
			mustOK(t, resp, &data)
			if len(data.Coalition) == 0 {
				t.Fatalf("coalition %s as of %q: no members", c.id, c.asOf)
			}
			want := wantGraph{Nodes: map[string]wantNode{}, Edges: map[string]wantEdge{}}
			want.Dataset, _ = resp.Extensions["dataset"].(string)
			nodeResp := s.query(t, `query($id: ID!) { neighborhood(id: $id, depth: 1, limit: 1) { nodes { nodeId label name } } }`, map[string]any{"id": c.id})
			var group struct {
				Neighborhood struct {
					Nodes []struct{ NodeID, Label, Name string }
				}
			}
			mustOK(t, nodeResp, &group)
			g := group.Neighborhood.Nodes[0]
			want.Nodes[g.NodeID] = wantNode{ID: g.NodeID, Label: g.Label, Name: g.Name}
			for _, m := range data.Coalition {
				want.Nodes[m.Actor.ID] = wantNode{ID: m.Actor.ID, Label: m.Actor.Typename, Name: m.Actor.Name}
				props := map[string]any{}
				for k, v := range map[string]string{"role": m.Role, "since": m.Since, "until": m.Until} {
					if v != "" {
						props[k] = v
					}
				}
				e := wantEdge{ID: m.Actor.ID + "|MEMBER_OF|" + c.id, Type: "MEMBER_OF", Source: m.Actor.ID, Target: c.id, Props: props}
				if m.Evidence != nil {
					e.Quote, e.SourceID = m.Evidence.Quote, m.Evidence.SourceID
				}
				want.Edges[e.ID] = e
			}
			checkAll(t, s, "/export/coalition", params, want)
		}
	})

	t.Run("truncated", func(t *testing.T) {
		want := graphqlSubgraph(t, s, `{ neighborhood(id: "country:CAN", depth: 2, limit: 3) { truncated `+subgraphFields+` } }`, "neighborhood", nil)
		if !want.Truncated || len(want.Nodes) != 3 {
			t.Fatalf("limit 3: %d nodes, truncated %v", len(want.Nodes), want.Truncated)
		}
		got := checkAll(t, s, "/export/neighborhood", url.Values{"id": {"country:CAN"}, "depth": {"2"}, "limit": {"3"}}, want)
		if note, _ := got["csv"].Metadata["truncatedNote"].(string); !strings.Contains(note, "limit (3)") {
			t.Errorf("csv metadata truncatedNote %q does not name the limit", note)
		}
		// GEXF has no graph attributes: its <meta> description says so.
		file, _ := download(t, s, "/export/neighborhood", url.Values{"id": {"country:CAN"}, "depth": {"2"}, "limit": {"3"}, "format": {"gexf"}})
		var doc struct {
			Meta struct {
				Description string `xml:"description"`
			} `xml:"meta"`
		}
		b, _ := os.ReadFile(file)
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(doc.Meta.Description, "TRUNCATED") || !strings.Contains(doc.Meta.Description, want.Dataset) {
			t.Errorf("GEXF meta description does not say the export is cut, or lacks the dataset version:\n%s", doc.Meta.Description)
		}
	})
}

// waitDataset waits until the server knows the dataset version.
func waitDataset(t *testing.T, s *server) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp := s.query(t, `{ __typename }`, nil)
		if v, _ := resp.Extensions["dataset"].(string); v != "" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("no extensions.dataset after 30 s: %v", resp.Extensions)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestExportErrors: bad parameters are typed 400 errors with the argument
// named, unknown ids 404, as JSON like the GraphQL errors.
func TestExportErrors(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	for _, c := range []struct {
		query  string
		status int
		code   string
		arg    string
	}{
		{"/export/neighborhood?id=country:CAN&depth=4", 400, "BAD_USER_INPUT", "depth"},
		{"/export/neighborhood?id=country:CAN&depth=two", 400, "BAD_USER_INPUT", "depth"},
		{"/export/neighborhood?id=country:CAN&limit=1001", 400, "BAD_USER_INPUT", "limit"},
		{"/export/neighborhood?id=country:CAN&format=pdf", 400, "BAD_USER_INPUT", "format"},
		{"/export/neighborhood?id=country:CAN&relationshipTypes=KNOWS", 400, "BAD_USER_INPUT", "relationshipTypes"},
		{"/export/neighborhood?id=country:CAN&dpeth=2", 400, "BAD_USER_INPUT", "dpeth"},
		{"/export/neighborhood?depth=2", 400, "BAD_USER_INPUT", "id"},
		{"/export/neighborhood?id=country:XXX", 404, "NOT_FOUND", "id"},
		{"/export/path?from=country:CAN&to=country:CAN", 400, "BAD_USER_INPUT", "to"},
		{"/export/path?from=country:CAN&to=org:icrc&maxHops=11", 400, "BAD_USER_INPUT", "maxHops"},
		{"/export/path?from=country:CAN&to=org:icrc&allShortest=maybe", 400, "BAD_USER_INPUT", "allShortest"},
		{"/export/path?from=country:CAN&to=org:nope", 404, "NOT_FOUND", "to"},
		{"/export/coalition?initiativeId=initiative:lysoen-partnership&asOf=1999-13", 400, "BAD_USER_INPUT", "asOf"},
		{"/export/coalition?initiativeId=country:CAN", 404, "NOT_FOUND", "initiativeId"},
		{"/export/path?from=country:THA&to=org:icrc&maxHops=1", 404, "NOT_FOUND", ""}, // both exist, no path that short
	} {
		resp, err := http.Get(s.URL + c.query)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Errors []gqlError }
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(raw, &body); err != nil || len(body.Errors) != 1 {
			t.Errorf("%s: %d %s (%v)", c.query, resp.StatusCode, raw, err)
			continue
		}
		ext := body.Errors[0].Extensions
		arg, _ := ext["argument"].(string)
		if resp.StatusCode != c.status || ext["code"] != c.code || arg != c.arg || ext["requestId"] == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s, want %d %s on argument %s", c.query, resp.StatusCode, raw, c.status, c.code, c.arg)
		}
	}
}

// A coalition with no member at the date: the group alone.
func TestExportEmptyCoalition(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	file, _ := download(t, s, "/export/coalition", url.Values{"initiativeId": {"initiative:lysoen-partnership"}, "asOf": {"1990"}, "format": {"graphml"}})
	var c consumed
	exporttest.Read(t, "graphml", file, &c)
	if ig := c.Igraph; ig.VCount != 1 || ig.ECount != 0 || ig.Vertices["initiative:lysoen-partnership"] == nil {
		t.Errorf("coalition as of 1990 (before its founding in 1998): %d nodes, %d edges, %v", ig.VCount, ig.ECount, ig.Vertices)
	}
}

// TestExportRoles: with reads closed, exports need a reader's credentials
// like /graphql.
func TestExportRoles(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, authEnv(map[string]string{"LYSOEN_READS": "token"}))
	const q = "/export/neighborhood?id=country:CAN&format=graphml"
	resp, err := http.Get(s.URL + q)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(raw), "UNAUTHENTICATED") {
		t.Errorf("anonymous export with reads closed: %d %s", resp.StatusCode, raw)
	}
	req, _ := http.NewRequest(http.MethodGet, s.URL+q, nil)
	req.Header.Set("Authorization", "Bearer "+readerKey)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "<graphml") {
		t.Errorf("reader's export: %d %.200s", resp.StatusCode, raw)
	}
}

// TestDatasetVersion: the version is the same in extensions, export
// metadata and /about; /about's counts are the database's; a write
// changes the version, and equal versions give equal exports.
func TestDatasetVersion(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	v1 := waitDataset(t, s)

	var about struct {
		Version       string
		Nodes         int
		Relationships int
		Sources       []struct{ ID, Title, Date, Licence, Citation string }
	}
	aboutJSON := func() {
		t.Helper()
		code, body := get(t, s.URL+"/about?format=json")
		if code != http.StatusOK {
			t.Fatalf("/about: %d %s", code, body)
		}
		if err := json.Unmarshal([]byte(body), &about); err != nil {
			t.Fatal(err)
		}
	}
	aboutJSON()
	nodes, rels, err := st.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if about.Version != v1 || about.Nodes != nodes || about.Relationships != rels {
		t.Errorf("/about: version %s with %d nodes and %d relationships; extensions say %s, the database has %d and %d",
			about.Version, about.Nodes, about.Relationships, v1, nodes, rels)
	}
	if len(about.Sources) != 1 || about.Sources[0].ID != "source:human-security-1999" || about.Sources[0].Date != "1999" ||
		about.Sources[0].Licence == "" || !strings.Contains(about.Sources[0].Citation, about.Sources[0].Title) {
		t.Errorf("/about sources of the seed: %+v", about.Sources)
	}
	code, page := get(t, s.URL+"/about")
	if code != http.StatusOK || !strings.Contains(page, v1) || !strings.Contains(page, "source:human-security-1999") {
		t.Errorf("/about page: %d, version or source missing", code)
	}

	// Same version, same export (but for the time it was written).
	params := url.Values{"id": {"country:CAN"}, "depth": {"2"}, "format": {"csv"}}
	var a, b consumed
	f1, _ := download(t, s, "/export/neighborhood", params)
	exporttest.Read(t, "csv", f1, &a)
	f2, _ := download(t, s, "/export/neighborhood", params)
	exporttest.Read(t, "csv", f2, &b)
	ja, _ := json.Marshal([]any{a.Nodes, a.Edges})
	jb, _ := json.Marshal([]any{b.Nodes, b.Edges})
	if string(ja) != string(jb) || a.Metadata["datasetVersion"] != v1 || b.Metadata["datasetVersion"] != v1 {
		t.Errorf("two exports of version %s differ", v1)
	}

	// A write changes the version, everywhere.
	_, resp := s.queryAs(t, editorKey, upsertOrg, orgInput("org:icbl"))
	mustOK(t, resp, nil)
	deadline := time.Now().Add(20 * time.Second)
	for {
		aboutJSON()
		if about.Version != v1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dataset version is still %s 20 s after a write", v1)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if about.Nodes != nodes+1 {
		t.Errorf("after creating one organization /about counts %d nodes, want %d", about.Nodes, nodes+1)
	}
	if v := waitDataset(t, s); v != about.Version {
		t.Errorf("extensions.dataset %s, /about %s", v, about.Version)
	}
	f3, _ := download(t, s, "/export/neighborhood", params)
	var c consumed
	exporttest.Read(t, "csv", f3, &c)
	if c.Metadata["datasetVersion"] != about.Version || c.Metadata["lastWrite"] == "" {
		t.Errorf("export after the write: metadata %v, want version %s and a last write", c.Metadata, about.Version)
	}
}

// TestExportView: POST /export/view (the explorer's Export GEXF and
// GraphML) holds the nodes asked for and every relationship among them of
// the types asked for, computed here from the seed file itself.
func TestExportView(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	var seedFile struct {
		Relationships []struct{ Type, From, To, Evidence string }
	}
	raw, err := os.ReadFile("seed/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &seedFile); err != nil {
		t.Fatal(err)
	}
	ids := []string{"country:CAN", "country:NOR", "country:THA", "initiative:lysoen-partnership", "org:un-security-council",
		"event:human-security-luncheon-1998", "agreement:lysoen-declaration", "issue:landmines", "country:XXX"}
	in := map[string]bool{}
	for _, id := range ids {
		in[id] = true
	}
	for _, types := range [][]string{nil, {"MEMBER_OF", "PARTICIPATED_IN"}} {
		want := map[string]string{} // edge id -> evidence
		for _, r := range seedFile.Relationships {
			if in[r.From] && in[r.To] && (types == nil || strings.Contains(strings.Join(types, ","), r.Type)) {
				want[r.From+"|"+r.Type+"|"+r.To] = r.Evidence
			}
		}
		if len(want) < 3 {
			t.Fatalf("types %v: only %d seed relationships among the ids", types, len(want))
		}
		body, _ := json.Marshal(map[string]any{"ids": ids, "relationshipTypes": types})
		resp, err := http.Post(s.URL+"/export/view?format=gexf", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /export/view: %d %s", resp.StatusCode, b)
		}
		file := filepath.Join(t.TempDir(), "view.gexf")
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var c consumed
		exporttest.Read(t, "gexf", file, &c)
		sameIDs(t, "view nodes", sortedKeys(c.Networkx.Nodes), ids[:len(ids)-1]) // country:XXX is not in the graph
		var got []string
		for _, e := range c.Networkx.Edges {
			id := fmt.Sprint(e.Data["id"])
			got = append(got, id)
			if ev, ok := want[id]; ok && e.Data["evidence"] != ev {
				t.Errorf("view edge %s: evidence %v, want %q", id, e.Data["evidence"], ev)
			}
		}
		sameIDs(t, fmt.Sprintf("view edges of types %v", types), got, sortedKeys(want))
	}
	for _, c := range []struct {
		body, arg string
	}{
		{`{"ids": []}`, "ids"},
		{`{"ids": ["country:CAN"], "relationshipTypes": ["KNOWS"]}`, "relationshipTypes"},
		{`{"ids": ["country:CAN"], "colour": "red"}`, "body"},
		{`not json`, "body"},
	} {
		resp, err := http.Post(s.URL+"/export/view?format=graphml", "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"argument":"`+c.arg+`"`) || !strings.Contains(string(b), "BAD_USER_INPUT") {
			t.Errorf("POST /export/view %s: %d %s, want 400 BAD_USER_INPUT on %s", c.body, resp.StatusCode, b, c.arg)
		}
	}
}
