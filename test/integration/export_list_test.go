package integration

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/export/exporttest"
	"github.com/lysoen/lysoen/internal/testdb"
)

// fetch GETs or POSTs path on s into a file; it returns the file, the
// status and the body.
func fetch(t *testing.T, s *server, method, path, body string) (string, int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	file := filepath.Join(t.TempDir(), "export")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, resp.StatusCode, b
}

// TestExportList: the export of a root list with its where, reached by the
// URL exportUrl gives, holds the nodes the GraphQL list answers for the
// same where and exactly the relationships the seed file lists among them;
// networkx, igraph and pandas read it. Bad lists, wheres and parameters are
// typed 400s, with the codes /graphql gives for the same where.
func TestExportList(t *testing.T) {
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
	cases := []struct {
		list, whereType string
		where           map[string]any
		types           []string
		minEdges        int
	}{
		{"events", "EventWhere", map[string]any{}, nil, 2},
		{"events", "EventWhere", map[string]any{}, []string{"PART_OF"}, 0},
		{"issueAreas", "IssueAreaWhere", map[string]any{}, nil, 1},
		{"countries", "CountryWhere", map[string]any{"signed": map[string]any{"id": map[string]any{"eq": "agreement:lysoen-declaration"}}}, nil, 0},
		{"initiatives", "InitiativeWhere", map[string]any{"name": map[string]any{"contains": "Lys"}}, nil, 0},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s %v %v", c.list, c.where, c.types)
		q := fmt.Sprintf(`query($w: %s, $types: [RelationshipType!]) {
  list: %s(where: $w, first: 100) { totalCount edges { node { id } } }
  gexf: exportUrl(list: {%s: $w, relationshipTypes: $types})
  graphml: exportUrl(format: GRAPHML, list: {%s: $w, relationshipTypes: $types})
  csv: exportUrl(format: CSV, list: {%s: $w, relationshipTypes: $types})
}`, c.whereType, c.list, c.list, c.list, c.list)
		var data struct {
			List struct {
				TotalCount int
				Edges      []struct{ Node struct{ ID string } }
			}
			Gexf, Graphml, CSV string
		}
		resp := s.query(t, q, map[string]any{"w": c.where, "types": c.types})
		mustOK(t, resp, &data)
		dataset, _ := resp.Extensions["dataset"].(string)
		var ids []string
		in := map[string]bool{}
		for _, e := range data.List.Edges {
			ids = append(ids, e.Node.ID)
			in[e.Node.ID] = true
		}
		if len(ids) == 0 || len(ids) != data.List.TotalCount {
			t.Fatalf("%s: the list answered %d of %d nodes", name, len(ids), data.List.TotalCount)
		}
		want := map[string]string{} // edge id -> evidence, from the seed file
		for _, r := range seedFile.Relationships {
			if in[r.From] && in[r.To] && (c.types == nil || strings.Contains(strings.Join(c.types, ","), r.Type)) {
				want[r.From+"|"+r.Type+"|"+r.To] = r.Evidence
			}
		}
		if len(want) < c.minEdges {
			t.Fatalf("%s: %d seed relationships among the nodes, the case needs %d", name, len(want), c.minEdges)
		}
		for format, u := range map[string]string{"gexf": data.Gexf, "graphml": data.Graphml, "csv": data.CSV} {
			if !strings.HasPrefix(u, "/export/list?") || !strings.Contains(u, "format="+format) {
				t.Errorf("%s: exportUrl %q", name, u)
				continue
			}
			file, status, body := fetch(t, s, http.MethodGet, u, "")
			if status != http.StatusOK {
				t.Fatalf("%s: GET %s: %d %s", name, u, status, body)
			}
			var got consumed
			exporttest.Read(t, format, file, &got)
			var nodes, edges []string
			evidence := map[string]any{}
			var meta map[string]any
			switch format {
			case "gexf", "graphml":
				nodes = sortedKeys(got.Networkx.Nodes)
				for _, e := range got.Networkx.Edges {
					id := fmt.Sprint(e.Data["id"])
					edges = append(edges, id)
					evidence[id] = e.Data["evidence"]
				}
				meta = got.Networkx.Graph
				if format == "graphml" && (got.Igraph.VCount != len(ids) || got.Igraph.ECount != len(want)) {
					t.Errorf("%s graphml: igraph read %d vertices, %d edges; want %d, %d", name, got.Igraph.VCount, got.Igraph.ECount, len(ids), len(want))
				}
			case "csv":
				for _, r := range got.Nodes {
					nodes = append(nodes, r["id"])
				}
				for _, r := range got.Edges {
					edges = append(edges, r["id"])
					evidence[r["id"]] = r["evidence"]
				}
				meta = got.Metadata
				if meta["nodes"] != float64(len(ids)) || meta["edges"] != float64(len(want)) {
					t.Errorf("%s csv metadata counts: %v", name, meta)
				}
			}
			sameIDs(t, name+" "+format+" nodes", nodes, append([]string{}, ids...))
			sameIDs(t, name+" "+format+" edges", edges, sortedKeys(want))
			for id, ev := range want {
				if evidence[id] != ev {
					t.Errorf("%s %s edge %s: evidence %v, want %q", name, format, id, evidence[id], ev)
				}
			}
			if format != "gexf" && (meta["datasetVersion"] != dataset || meta["truncated"] != false) {
				t.Errorf("%s %s metadata: %v, want version %s, not truncated", name, format, meta, dataset)
			}
		}
		// POST with the same list and where: the same nodes.
		body, _ := json.Marshal(map[string]any{"list": c.list, "where": c.where, "relationshipTypes": c.types})
		file, status, b := fetch(t, s, http.MethodPost, "/export/list?format=csv", string(body))
		if status != http.StatusOK {
			t.Fatalf("%s: POST: %d %s", name, status, b)
		}
		var got consumed
		exporttest.Read(t, "csv", file, &got)
		var nodes []string
		for _, r := range got.Nodes {
			nodes = append(nodes, r["id"])
		}
		sameIDs(t, name+" POST nodes", nodes, append([]string{}, ids...))
	}

	// Errors: the where checked by the schema, as /graphql checks it.
	resp := s.query(t, `query($w: CountryWhere) { countries(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"nme": 1}})
	if len(resp.Errors) != 1 {
		t.Fatalf("/graphql with a misspelt where field: %+v", resp.Errors)
	}
	gqlCode := resp.Errors[0].Extensions["code"]
	for _, c := range []struct {
		method, path, body string
		code               any
		arg                string
	}{
		{"GET", "/export/list?list=countries&where=" + url.QueryEscape(`{"nme": 1}`), "", gqlCode, ""},
		{"POST", "/export/list", `{"list": "countries", "where": {"nme": 1}}`, gqlCode, ""},
		{"GET", "/export/list?list=countries&where=" + url.QueryEscape(`{"iso3": {"eq": 5}}`), "", gqlCode, ""},
		{"GET", "/export/list?list=planets", "", "BAD_USER_INPUT", "list"},
		{"GET", "/export/list", "", "BAD_USER_INPUT", "list"},
		{"GET", "/export/list?list=countries&where=" + url.QueryEscape(`{"name":`), "", "BAD_USER_INPUT", "where"},
		{"GET", "/export/list?list=countries&relationshipTypes=KNOWS", "", "BAD_USER_INPUT", "relationshipTypes"},
		{"GET", "/export/list?list=countries&wehre=x", "", "BAD_USER_INPUT", "wehre"},
		{"GET", "/export/list?list=countries&format=pdf", "", "BAD_USER_INPUT", "format"},
		{"POST", "/export/list", `{"list": "countries", "colour": "red"}`, "BAD_USER_INPUT", "body"},
		{"POST", "/export/list?list=countries", `{"list": "countries"}`, "BAD_USER_INPUT", "list"},
	} {
		_, status, b := fetch(t, s, c.method, c.path, c.body)
		var e struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.Unmarshal(b, &e)
		if status != http.StatusBadRequest || len(e.Errors) != 1 || e.Errors[0].Extensions["code"] != c.code ||
			(c.arg != "" && e.Errors[0].Extensions["argument"] != c.arg) {
			t.Errorf("%s %s %s: %d %s; want 400 %v on %q", c.method, c.path, c.body, status, b, c.code, c.arg)
		}
	}
	for _, q := range []string{
		`{ exportUrl }`,
		`{ exportUrl(neighborhood: {id: "country:CAN"}, path: {from: "country:CAN", to: "country:NOR"}) }`,
		`{ exportUrl(list: {countries: {}, events: {}}) }`,
		`{ exportUrl(bloc: {from: "1999"}) }`,
	} {
		resp := s.query(t, q, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: errors %+v, want one BAD_USER_INPUT", q, resp.Errors)
		}
	}
}

// TestExportURLNeighborhood: the address exportUrl gives for a
// neighbourhood downloads the subgraph the neighborhood field answers for
// the same arguments.
func TestExportURLNeighborhood(t *testing.T) {
	testdb.Seeded(t)
	s := startServer(t, nil)
	var data struct{ ExportURL string }
	mustOK(t, s.query(t, `{ exportURL: exportUrl(neighborhood: {id: "country:CAN", depth: 2, relationshipTypes: [MEMBER_OF, PARTICIPATED_IN]}) }`, nil), &data)
	u, err := url.Parse(data.ExportURL)
	if err != nil || u.Path != "/export/neighborhood" {
		t.Fatalf("exportUrl %q (%v)", data.ExportURL, err)
	}
	params := u.Query()
	if params.Get("format") != "gexf" || params.Get("id") != "country:CAN" || params.Get("depth") != "2" || params.Get("relationshipTypes") != "MEMBER_OF,PARTICIPATED_IN" {
		t.Errorf("exportUrl parameters %v", params)
	}
	want := graphqlSubgraph(t, s, `{ neighborhood(id: "country:CAN", depth: 2, relationshipTypes: [MEMBER_OF, PARTICIPATED_IN]) { truncated `+subgraphFields+` } }`, "neighborhood", nil)
	checkAll(t, s, u.Path, params, want)
}
