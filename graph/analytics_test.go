package graph

// Coalition analytics on the seed graph (seed/seed.json, read from
// seed/human-security-1999.txt). Every expected answer below is derived by
// hand from the source text; the derivation is written beside each test.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

type api struct {
	t   *testing.T
	srv *httptest.Server
}

type gqlErr struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

func newAPI(t *testing.T, st *store.Store) *api {
	t.Helper()
	h := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}))
	h.AddTransport(transport.POST{})
	h.SetErrorPresenter(ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "" }))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &api{t: t, srv: srv}
}

// do runs a query and decodes data into out; it returns the errors.
// on binds the api to a (sub)test.
func (a *api) on(t *testing.T) *api { return &api{t: t, srv: a.srv} }

func (a *api) do(q string, vars map[string]any, out any) []gqlErr {
	a.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(a.srv.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlErr        `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		a.t.Fatalf("decode %s: %v", raw, err)
	}
	if out != nil && len(r.Data) > 0 && string(r.Data) != "null" {
		if err := json.Unmarshal(r.Data, out); err != nil {
			a.t.Fatalf("decode data %s: %v", r.Data, err)
		}
	}
	return r.Errors
}

// ok runs a query that must succeed.
func (a *api) ok(q string, vars map[string]any, out any) {
	a.t.Helper()
	if errs := a.do(q, vars, out); len(errs) > 0 {
		a.t.Fatalf("query failed: %+v", errs)
	}
}

type gNode struct {
	ID          string `json:"nodeId"`
	Label, Name string
}
type gEdge struct {
	ID, Type, Source, Target string
	Evidence                 *struct{ Quote string }
}
type subgraph struct {
	Nodes     []gNode
	Edges     []gEdge
	Truncated bool
}

func ids(ns []gNode) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.ID)
	}
	sort.Strings(out)
	return out
}

func edgeIDs(es []gEdge) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.ID)
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string { sort.Strings(s); return s }

const neighborhoodQ = `query($id: ID!, $depth: Int, $types: [RelationshipType!], $limit: Int) {
  neighborhood(id: $id, depth: $depth, relationshipTypes: $types, limit: $limit) {
    nodes { nodeId label name } edges { id type source target evidence { quote } } truncated } }`

func TestAnalyticsSeed(t *testing.T) {
	st := testdb.Seeded(t)
	a := newAPI(t, st)

	t.Run("neighborhood of Canada", func(t *testing.T) {
		a := a.on(t)
		// The text ties Canada to: the Lysøen Partnership and its declaration
		// (signed with Norway on 11 May 1998: membership, signing event,
		// signature), the luncheon it hosted with Norway (25 Sep 1998), the
		// Security Council (member 1999-2000), its human security foreign
		// policy, its Security Council agenda and its February 1999 presidency.
		var d struct{ Neighborhood subgraph }
		a.ok(neighborhoodQ, map[string]any{"id": "country:CAN"}, &d)
		want := sorted("country:CAN", "initiative:lysoen-partnership", "org:un-security-council",
			"initiative:canada-human-security-foreign-policy", "initiative:canada-unsc-human-security-agenda",
			"event:lysoen-declaration-signing", "event:human-security-luncheon-1998", "event:unsc-presidency-canada-1999",
			"agreement:lysoen-declaration")
		if got := ids(d.Neighborhood.Nodes); !reflect.DeepEqual(got, want) {
			t.Fatalf("nodes %v\nwant %v", got, want)
		}
		wantEdges := sorted(
			"country:CAN|MEMBER_OF|initiative:lysoen-partnership",
			"country:CAN|MEMBER_OF|org:un-security-council",
			"country:CAN|MEMBER_OF|initiative:canada-human-security-foreign-policy",
			"country:CAN|MEMBER_OF|initiative:canada-unsc-human-security-agenda",
			"country:CAN|PARTICIPATED_IN|event:lysoen-declaration-signing",
			"country:CAN|PARTICIPATED_IN|event:human-security-luncheon-1998",
			"country:CAN|PARTICIPATED_IN|event:unsc-presidency-canada-1999",
			"country:CAN|SIGNATORY_OF|agreement:lysoen-declaration")
		if got := edgeIDs(d.Neighborhood.Edges); !reflect.DeepEqual(got, wantEdges) {
			t.Fatalf("edges %v\nwant %v", got, wantEdges)
		}
		if d.Neighborhood.Truncated {
			t.Fatal("a 9-node neighbourhood under the default limit of 100 is not truncated")
		}
		for _, e := range d.Neighborhood.Edges {
			if e.Evidence == nil || e.Evidence.Quote == "" {
				t.Fatalf("edge %s has no evidence", e.ID)
			}
		}
		for _, n := range d.Neighborhood.Nodes {
			if n.Name == "" || n.Label == "" {
				t.Fatalf("node %s came back without its name or label: %+v", n.ID, n)
			}
		}
		// Without properties or evidence selected, the store reads only ids,
		// labels and names (Properties false): the same nodes, names and
		// edges; with node properties selected, every property.
		full := d.Neighborhood
		var lean struct{ Neighborhood subgraph }
		a.ok(`{ neighborhood(id: "country:CAN") { nodes { nodeId label name } edges { id type source target } truncated } }`, nil, &lean)
		for i := range full.Edges {
			full.Edges[i].Evidence = nil
		}
		if !reflect.DeepEqual(lean.Neighborhood, full) {
			t.Fatalf("without properties: %+v\nwith: %+v", lean.Neighborhood, full)
		}
		var props struct {
			Neighborhood struct {
				Nodes []struct {
					ID         string `json:"nodeId"`
					Properties map[string]any
				}
			}
		}
		a.ok(`{ neighborhood(id: "country:CAN") { nodes { nodeId properties } } }`, nil, &props)
		for _, n := range props.Neighborhood.Nodes {
			if n.Properties["id"] != n.ID || n.Properties["name"] == nil || n.Properties["evidence"] == nil {
				t.Fatalf("node %s: properties %v lack its id, name or evidence", n.ID, n.Properties)
			}
		}
		// Over a type Canada has none of, the start alone (its lookup and
		// first level are one statement: no level rows is not "no node").
		a.ok(neighborhoodQ, map[string]any{"id": "country:CAN", "types": []string{"FOLLOWS"}}, &d)
		if got := ids(d.Neighborhood.Nodes); !reflect.DeepEqual(got, []string{"country:CAN"}) || len(d.Neighborhood.Edges) != 0 || d.Neighborhood.Truncated {
			t.Fatalf("FOLLOWS only: nodes %v, %d edges, truncated=%v", got, len(d.Neighborhood.Edges), d.Neighborhood.Truncated)
		}
		// A limit of 3 keeps Canada and two neighbours and says so.
		a.ok(neighborhoodQ, map[string]any{"id": "country:CAN", "limit": 3}, &d)
		if len(d.Neighborhood.Nodes) != 3 || !d.Neighborhood.Truncated || len(d.Neighborhood.Edges) != 2 {
			t.Fatalf("limit 3: %d nodes, %d edges, truncated=%v", len(d.Neighborhood.Nodes), len(d.Neighborhood.Edges), d.Neighborhood.Truncated)
		}
	})

	t.Run("neighborhood of the Lysøen partnership", func(t *testing.T) {
		a := a.on(t)
		// Members Canada and Norway (FOUNDER); established by the Lysøen
		// Declaration; its events: the signing (11 May 1998), the senior
		// officials' meeting (Dec 1998), the ministerial retreat (Feb 1999);
		// the nine agreed issues of the Partnership (child soldiers is part of
		// war-affected children, human security its objective: neither is
		// addressed); the ICRC it envisages partnering with.
		var d struct{ Neighborhood subgraph }
		a.ok(neighborhoodQ, map[string]any{"id": "initiative:lysoen-partnership"}, &d)
		want := sorted("initiative:lysoen-partnership", "country:CAN", "country:NOR", "agreement:lysoen-declaration",
			"event:lysoen-declaration-signing", "event:lysoen-senior-officials-1998", "event:lysoen-ministerial-retreat-1999",
			"issue:landmines", "issue:international-criminal-court", "issue:human-rights",
			"issue:humanitarian-law", "issue:gender-armed-conflict", "issue:small-arms", "issue:war-affected-children",
			"issue:child-labour", "issue:arctic-northern-cooperation", "org:icrc")
		if got := ids(d.Neighborhood.Nodes); !reflect.DeepEqual(got, want) {
			t.Fatalf("nodes %v\nwant %v", got, want)
		}
		if len(d.Neighborhood.Edges) != len(want)-1 {
			t.Fatalf("%d edges, want one per neighbour (%d)", len(d.Neighborhood.Edges), len(want)-1)
		}
		// Only membership: the two founders.
		a.ok(neighborhoodQ, map[string]any{"id": "initiative:lysoen-partnership", "types": []string{"MEMBER_OF"}}, &d)
		if got := ids(d.Neighborhood.Nodes); !reflect.DeepEqual(got, sorted("initiative:lysoen-partnership", "country:CAN", "country:NOR")) {
			t.Fatalf("MEMBER_OF only: %v", got)
		}
		// Depth 2 over membership and participation reaches the luncheon
		// through Canada and Norway, and the presidency and the Security
		// Council through Canada.
		a.ok(neighborhoodQ, map[string]any{"id": "initiative:lysoen-partnership", "depth": 2, "types": []string{"MEMBER_OF", "PARTICIPATED_IN"}}, &d)
		want = sorted("initiative:lysoen-partnership", "country:CAN", "country:NOR", "event:lysoen-declaration-signing",
			"event:human-security-luncheon-1998", "event:unsc-presidency-canada-1999", "org:un-security-council",
			"initiative:canada-human-security-foreign-policy", "initiative:canada-unsc-human-security-agenda")
		if got := ids(d.Neighborhood.Nodes); !reflect.DeepEqual(got, want) {
			t.Fatalf("depth 2: %v\nwant %v", got, want)
		}
	})

	t.Run("path from Thailand to the ICRC", func(t *testing.T) {
		a := a.on(t)
		// Thailand's only tie is the luncheon of 25 Sep 1998. The ICRC's only
		// tie is the Lysøen Partnership's envisaged partnership. The luncheon's
		// neighbours that touch the Partnership are Canada and Norway (hosts,
		// founders); Human Security, the luncheon's theme, reaches the
		// Partnership only through the declaration (one step more). So there
		// are exactly two shortest paths, each of 4 relationships:
		// THA -> luncheon <- {CAN | NOR} -> lysoen -> ICRC.
		const q = `query($types: [RelationshipType!], $all: Boolean) { connectionPath(from: "country:THA", to: "org:icrc", relationshipTypes: $types, allShortest: $all) {
		  length nodes { nodeId } edges { id type source target } routes truncated } }`
		type path struct {
			Length    int
			Nodes     []gNode
			Edges     []gEdge
			Routes    [][]string
			Truncated bool
		}
		var d struct{ ConnectionPath *path }
		a.ok(q, map[string]any{"all": true}, &d)
		p := d.ConnectionPath
		if p == nil || p.Length != 4 {
			t.Fatalf("path %+v, want length 4", p)
		}
		wantRoutes := [][]string{
			{"country:THA", "event:human-security-luncheon-1998", "country:CAN", "initiative:lysoen-partnership", "org:icrc"},
			{"country:THA", "event:human-security-luncheon-1998", "country:NOR", "initiative:lysoen-partnership", "org:icrc"},
		}
		if !reflect.DeepEqual(p.Routes, wantRoutes) {
			t.Fatalf("routes %v\nwant %v", p.Routes, wantRoutes)
		}
		// Without allShortest: one of the two routes (whichever Neo4j's
		// search meets first), with its relationships in path order and in
		// their stored direction.
		a.ok(q, nil, &d)
		p = d.ConnectionPath
		if p.Length != 4 || len(p.Routes) != 1 || len(p.Nodes) != 5 || len(p.Edges) != 4 {
			t.Fatalf("single path %+v", p)
		}
		middle := p.Routes[0][2]
		wantEdges := map[string][]string{
			"country:CAN": {"country:THA|PARTICIPATED_IN|event:human-security-luncheon-1998",
				"country:CAN|PARTICIPATED_IN|event:human-security-luncheon-1998",
				"country:CAN|MEMBER_OF|initiative:lysoen-partnership",
				"initiative:lysoen-partnership|SEEKS_PARTNERSHIP_WITH|org:icrc"},
			"country:NOR": {"country:THA|PARTICIPATED_IN|event:human-security-luncheon-1998",
				"country:NOR|PARTICIPATED_IN|event:human-security-luncheon-1998",
				"country:NOR|MEMBER_OF|initiative:lysoen-partnership",
				"initiative:lysoen-partnership|SEEKS_PARTNERSHIP_WITH|org:icrc"},
		}[middle]
		if !slices.ContainsFunc(wantRoutes, func(r []string) bool { return reflect.DeepEqual(r, p.Routes[0]) }) || wantEdges == nil {
			t.Fatalf("single route %v is none of %v", p.Routes[0], wantRoutes)
		}
		for i, e := range p.Edges {
			if e.ID != wantEdges[i] {
				t.Fatalf("edge %d of route %v is %s, want %s", i, p.Routes[0], e.ID, wantEdges[i])
			}
		}
		// Over actor ties only (no ADDRESSES), the issue-area route disappears.
		a.ok(q, map[string]any{"all": true, "types": []string{"PARTICIPATED_IN", "MEMBER_OF", "SEEKS_PARTNERSHIP_WITH"}}, &d)
		if !reflect.DeepEqual(d.ConnectionPath.Routes, wantRoutes[:2]) {
			t.Fatalf("actor-only routes %v", d.ConnectionPath.Routes)
		}
		// Within 3 hops there is none.
		var none struct{ ConnectionPath *path }
		a.ok(`{ connectionPath(from: "country:THA", to: "org:icrc", maxHops: 3) { length } }`, nil, &none)
		if none.ConnectionPath != nil {
			t.Fatalf("a path within 3 hops: %+v", none.ConnectionPath)
		}
	})

	t.Run("potential partners of the Lysøen partnership", func(t *testing.T) {
		a := a.on(t)
		// Members: Canada, Norway. The ICRC is envisaged as a partner ("forming
		// partnerships and coalitions with ... the ICRC"): 5 points. The nine
		// luncheon countries met both members at the luncheon (3 points) and,
		// through it, work on Human Security, one of the Partnership's issue
		// areas (1 point): 4 each, tied and ordered by name. No one else is
		// tied to a member or to the Partnership's issues: the Security
		// Council has no tie of its own (Canada is its member, not the reverse).
		const q = `{ potentialPartners(initiativeId: "initiative:lysoen-partnership", first: 20) {
		  actor { id ... on Country { name } ... on Organization { name } } score reasons soughtStatus
		  sharedIssueAreas { id } sharedEvents { id } agreements { id } } }`
		var d struct {
			PotentialPartners []struct {
				Actor            struct{ ID, Name string }
				Score            float64
				Reasons          []string
				SoughtStatus     *string
				SharedIssueAreas []struct{ ID string }
				SharedEvents     []struct{ ID string }
				Agreements       []struct{ ID string }
			}
		}
		a.ok(q, nil, &d)
		var got []string
		for _, c := range d.PotentialPartners {
			got = append(got, c.Actor.ID)
		}
		want := []string{"org:icrc", "country:AUT", "country:CHL", "country:IRL", "country:JOR", "country:NLD",
			"country:SVN", "country:ZAF", "country:CHE", "country:THA"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("candidates %v\nwant %v", got, want)
		}
		icrc := d.PotentialPartners[0]
		if icrc.Score != 5 || icrc.SoughtStatus == nil || *icrc.SoughtStatus != "ENVISAGED" ||
			!reflect.DeepEqual(icrc.Reasons, []string{"The initiative seeks a partnership with International Committee of the Red Cross (status envisaged)."}) {
			t.Fatalf("ICRC: %+v", icrc)
		}
		tha := d.PotentialPartners[9]
		// Human Security, the luncheon's theme, is the Partnership's
		// objective, not an issue area it addresses: the luncheon is
		// Thailand's only reason.
		wantReasons := []string{
			"Thailand took part in Human security luncheon with Foreign Ministers (1998-09-25) together with members Canada and Norway.",
		}
		if tha.Score != 3 || !reflect.DeepEqual(tha.Reasons, wantReasons) || len(tha.SharedEvents) != 1 ||
			tha.SharedEvents[0].ID != "event:human-security-luncheon-1998" || len(tha.SharedIssueAreas) != 0 || len(tha.Agreements) != 0 {
			t.Fatalf("Thailand: %+v", tha)
		}
		// kinds filters: only organizations of kind HUMANITARIAN.
		a.ok(`{ potentialPartners(initiativeId: "initiative:lysoen-partnership", kinds: [HUMANITARIAN]) { actor { id } } }`, nil, &d)
		if len(d.PotentialPartners) != 1 || d.PotentialPartners[0].Actor.ID != "org:icrc" {
			t.Fatalf("HUMANITARIAN only: %+v", d.PotentialPartners)
		}
	})

	t.Run("shared issue areas and common ground", func(t *testing.T) {
		a := a.on(t)
		// Canada and Thailand share only Human Security (the luncheon's theme);
		// Canada and Norway share ten: the nine agreed issues of the
		// Partnership they both belong to (landmines, the ICC, human rights,
		// humanitarian law, gender, small arms, war-affected children, child
		// labour, Arctic cooperation) and Human Security, which the Lysøen
		// Declaration they both signed addresses.
		var d struct{ SharedIssueAreas []struct{ ID string } }
		a.ok(`{ sharedIssueAreas(a: "country:CAN", b: "country:THA") { id } }`, nil, &d)
		if len(d.SharedIssueAreas) != 1 || d.SharedIssueAreas[0].ID != "issue:human-security" {
			t.Fatalf("CAN/THA: %+v", d.SharedIssueAreas)
		}
		a.ok(`{ sharedIssueAreas(a: "country:CAN", b: "country:NOR") { id } }`, nil, &d)
		if len(d.SharedIssueAreas) != 10 {
			t.Fatalf("CAN/NOR share %d issue areas, want the Partnership's 9 and the declaration's 1", len(d.SharedIssueAreas))
		}
		// Canada, Norway and Thailand: the luncheon and Human Security, nothing else.
		var cg struct {
			CommonGround struct {
				IssueAreas, Events, Agreements, Initiatives []struct{ ID string }
			}
		}
		a.ok(`{ commonGround(ids: ["country:CAN", "country:NOR", "country:THA"]) { issueAreas { id } events { id } agreements { id } initiatives { id } } }`, nil, &cg)
		c := cg.CommonGround
		if len(c.Events) != 1 || c.Events[0].ID != "event:human-security-luncheon-1998" || len(c.IssueAreas) != 1 ||
			c.IssueAreas[0].ID != "issue:human-security" || len(c.Agreements) != 0 || len(c.Initiatives) != 0 {
			t.Fatalf("CAN/NOR/THA: %+v", c)
		}
		// Canada and Norway: both signed the Lysøen Declaration, took part in its
		// signing and the luncheon, and founded the Partnership: the nine agreed
		// issues and human security (the declaration, the luncheon).
		a.ok(`{ commonGround(ids: ["country:CAN", "country:NOR"]) { issueAreas { id } events { id } agreements { id } initiatives { id } } }`, nil, &cg)
		c = cg.CommonGround
		if len(c.Events) != 2 || c.Events[0].ID != "event:lysoen-declaration-signing" || c.Events[1].ID != "event:human-security-luncheon-1998" ||
			len(c.Agreements) != 1 || c.Agreements[0].ID != "agreement:lysoen-declaration" ||
			len(c.Initiatives) != 1 || c.Initiatives[0].ID != "initiative:lysoen-partnership" || len(c.IssueAreas) != 10 {
			t.Fatalf("CAN/NOR: %+v", c)
		}
	})

	t.Run("coalition as of a date", func(t *testing.T) {
		a := a.on(t)
		// Lysøen: Canada and Norway since 11 May 1998 -> members on 1998-06-01
		// and on 1999-06-01, nobody on 1998-05-01.
		// Security Council: Canada a member "1999-2000" (since "1999", until
		// "2000"): not on 1998-06-01, a member on 1999-06-01, through the end
		// of 2000, no more in 2001.
		// Canada's Security Council agenda: no since on the membership, so the
		// initiative's startDate "1999" applies.
		const q = `query($id: ID!, $at: Date) { coalition(initiativeId: $id, asOf: $at) { role since until actor { id } initiative { id } organization { id } } }`
		type member struct {
			Role, Since, Until string
			Actor              struct{ ID string }
		}
		members := func(id string, at any) []string {
			var d struct{ Coalition []member }
			a.ok(q, map[string]any{"id": id, "at": at}, &d)
			var out []string
			for _, m := range d.Coalition {
				out = append(out, m.Actor.ID)
			}
			return out
		}
		check := func(id string, at any, want ...string) {
			t.Helper()
			if got := members(id, at); !reflect.DeepEqual(got, want) {
				t.Errorf("%s as of %v: %v, want %v", id, at, got, want)
			}
		}
		check("initiative:lysoen-partnership", "1998-06-01", "country:CAN", "country:NOR")
		check("initiative:lysoen-partnership", "1999-06-01", "country:CAN", "country:NOR")
		check("initiative:lysoen-partnership", "1998-05-01")
		check("org:un-security-council", "1998-06-01")
		check("org:un-security-council", "1999-06-01", "country:CAN")
		check("org:un-security-council", "1999-01-01", "country:CAN")
		check("org:un-security-council", "2000-12-31", "country:CAN")
		check("org:un-security-council", "2001-01-01")
		check("initiative:canada-unsc-human-security-agenda", "1998-06-01")
		check("initiative:canada-unsc-human-security-agenda", "1999-06-01", "country:CAN")
		var d struct{ Coalition []member }
		a.ok(q, map[string]any{"id": "initiative:lysoen-partnership", "at": "1998-06"}, &d)
		if len(d.Coalition) != 2 || d.Coalition[0].Role != "FOUNDER" || d.Coalition[0].Since != "1998-05-11" {
			t.Fatalf("roles and since: %+v", d.Coalition)
		}
	})

	t.Run("co-participants of Norway", func(t *testing.T) {
		a := a.on(t)
		// Norway took part in the declaration signing (with Canada) and in the
		// luncheon (with Canada and the nine invited countries): Canada shares
		// two events, each of the nine shares one; ties by name.
		var d struct {
			CoParticipants []struct {
				Actor  struct{ ID string }
				Count  int
				Events []struct{ ID string }
			}
		}
		a.ok(`{ coParticipants(actorId: "country:NOR", first: 20) { actor { id } count events { id } } }`, nil, &d)
		var got []string
		for _, c := range d.CoParticipants {
			got = append(got, c.Actor.ID)
		}
		want := []string{"country:CAN", "country:AUT", "country:CHL", "country:IRL", "country:JOR", "country:NLD",
			"country:SVN", "country:ZAF", "country:CHE", "country:THA"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("co-participants %v\nwant %v", got, want)
		}
		can := d.CoParticipants[0]
		if can.Count != 2 || len(can.Events) != 2 || can.Events[0].ID != "event:lysoen-declaration-signing" || can.Events[1].ID != "event:human-security-luncheon-1998" {
			t.Fatalf("Canada: %+v", can)
		}
		for _, c := range d.CoParticipants[1:] {
			if c.Count != 1 || c.Events[0].ID != "event:human-security-luncheon-1998" {
				t.Fatalf("%s: %+v", c.Actor.ID, c)
			}
		}
	})

	t.Run("brokers", func(t *testing.T) {
		a := a.on(t)
		// The actor–event–initiative graph of the seed has 23 nodes (13 actors,
		// 6 events, 4 initiatives) and 31 relationships (MEMBER_OF 5,
		// PARTICIPATED_IN 14, PART_OF 6, FOLLOWS 2, SEEKS 1... counted once per
		// pair). Betweenness by hand (unordered pairs, split over equal paths):
		// Canada is the only way to its Security Council seat, its policy, its
		// agenda and its presidency (4 nodes): 4×18 pairs to the other 18
		// nodes + 5 pairs among the 4 (agenda–presidency are adjacent) = 77;
		// the 11 nodes behind the luncheon (9 guests, the extended partnership,
		// the 1999 meeting) reach the Lysøen side (partnership, signing,
		// senior officials, retreat, ICRC) through Canada or Norway: ½ × 55;
		// the luncheon itself to those 5: ½ × 5. Canada = 77 + 27.5 + 2.5 = 107.
		// Norway carries the same two halves: 27.5 + 2.5 = 30.
		// Every other actor is a leaf (degree 1): 0.
		var d struct {
			Brokers []struct {
				Actor      struct{ ID string }
				Score      float64
				Degree     int
				Exact      bool
				ComputedAt string
			}
		}
		a.ok(`{ brokers(first: 3) { actor { id } score degree exact computedAt } }`, nil, &d)
		if len(d.Brokers) != 3 {
			t.Fatalf("%d brokers", len(d.Brokers))
		}
		b := d.Brokers
		if b[0].Actor.ID != "country:CAN" || math.Abs(b[0].Score-107) > 1e-9 || b[0].Degree != 7 || !b[0].Exact || b[0].ComputedAt == "" {
			t.Fatalf("first broker %+v, want Canada 107 (degree 7)", b[0])
		}
		if b[1].Actor.ID != "country:NOR" || math.Abs(b[1].Score-30) > 1e-9 || b[1].Degree != 3 {
			t.Fatalf("second broker %+v, want Norway 30 (degree 3)", b[1])
		}
		if b[2].Score != 0 || b[2].Degree != 1 {
			t.Fatalf("third broker %+v, want a leaf with 0", b[2])
		}
		a.ok(`{ brokers(kind: UN_BODY) { actor { id } score } }`, nil, &d)
		if len(d.Brokers) != 1 || d.Brokers[0].Actor.ID != "org:un-security-council" {
			t.Fatalf("UN bodies: %+v", d.Brokers)
		}
	})

	t.Run("timeline", func(t *testing.T) {
		a := a.on(t)
		// Canada's events in date order: signing 1998-05-11, luncheon
		// 1998-09-25, presidency 1999-02 (month precision).
		var d struct{ Timeline []struct{ ID string } }
		a.ok(`{ timeline(actorId: "country:CAN") { id } }`, nil, &d)
		var got []string
		for _, e := range d.Timeline {
			got = append(got, e.ID)
		}
		want := []string{"event:lysoen-declaration-signing", "event:human-security-luncheon-1998", "event:unsc-presidency-canada-1999"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Canada's timeline %v, want %v", got, want)
		}
		// The Lysøen Partnership in 1999: the ministerial retreat (February).
		// From 1998-12-15 on: the December 1998 meeting counts (its month
		// overlaps), then the retreat.
		a.ok(`{ timeline(initiativeId: "initiative:lysoen-partnership", from: "1998-12-15") { id } }`, nil, &d)
		got = got[:0]
		for _, e := range d.Timeline {
			got = append(got, e.ID)
		}
		if !reflect.DeepEqual(got, []string{"event:lysoen-senior-officials-1998", "event:lysoen-ministerial-retreat-1999"}) {
			t.Fatalf("Lysøen from 1998-12-15: %v", got)
		}
		// Human Security events in 1999 with Canada: none (Canada's only 1999
		// event, the presidency, addresses the protection of civilians). In
		// 1999 the only event on Human Security is the ministerial retreat
		// ("to discuss the concept of human security"); the May 1999 meeting
		// is not tied to an issue area in the text.
		a.ok(`{ timeline(actorId: "country:CAN", issueAreaId: "issue:human-security", from: "1999", to: "1999") { id } }`, nil, &d)
		if len(d.Timeline) != 0 {
			t.Fatalf("CAN human security 1999: %+v", d.Timeline)
		}
		a.ok(`{ timeline(issueAreaId: "issue:human-security", from: "1999", to: "1999") { id } }`, nil, &d)
		got = got[:0]
		for _, e := range d.Timeline {
			got = append(got, e.ID)
		}
		if !reflect.DeepEqual(got, []string{"event:lysoen-ministerial-retreat-1999"}) {
			t.Fatalf("human security 1999: %v", got)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		a := a.on(t)
		cases := []struct {
			name, q, code, arg string
		}{
			{"unknown id", `{ neighborhood(id: "country:XXX") { truncated } }`, CodeNotFound, "id"},
			{"empty id", `{ neighborhood(id: "") { truncated } }`, CodeBadUserInput, "id"},
			{"depth beyond cap", `{ neighborhood(id: "country:CAN", depth: 4) { truncated } }`, CodeBadUserInput, "depth"},
			{"depth zero", `{ neighborhood(id: "country:CAN", depth: 0) { truncated } }`, CodeBadUserInput, "depth"},
			{"limit beyond cap", `{ neighborhood(id: "country:CAN", limit: 100000) { truncated } }`, CodeBadUserInput, "limit"},
			{"maxHops beyond cap", `{ connectionPath(from: "country:THA", to: "org:icrc", maxHops: 11) { length } }`, CodeBadUserInput, "maxHops"},
			{"unknown from", `{ connectionPath(from: "country:XXX", to: "org:icrc") { length } }`, CodeNotFound, "from"},
			{"unknown to", `{ connectionPath(from: "country:THA", to: "org:nope") { length } }`, CodeNotFound, "to"},
			{"same ends", `{ connectionPath(from: "country:THA", to: "country:THA") { length } }`, CodeBadUserInput, "to"},
			{"partners of an actor", `{ potentialPartners(initiativeId: "country:CAN") { score } }`, CodeNotFound, "initiativeId"},
			{"partners first beyond cap", `{ potentialPartners(initiativeId: "initiative:lysoen-partnership", first: 101) { score } }`, CodeBadUserInput, "first"},
			{"shared unknown b", `{ sharedIssueAreas(a: "country:CAN", b: "country:XXX") { id } }`, CodeNotFound, "b"},
			{"empty ids", `{ commonGround(ids: []) { events { id } } }`, CodeBadUserInput, "ids"},
			{"unknown member of ids", `{ commonGround(ids: ["country:CAN", "country:XXX"]) { events { id } } }`, CodeNotFound, "ids"},
			{"coalition of unknown", `{ coalition(initiativeId: "initiative:nope") { role } }`, CodeNotFound, "initiativeId"},
			{"coParticipants unknown", `{ coParticipants(actorId: "country:XXX") { count } }`, CodeNotFound, "actorId"},
			{"brokers first beyond cap", `{ brokers(first: 1000) { score } }`, CodeBadUserInput, "first"},
			{"from after to", `{ timeline(from: "1999-06", to: "1999-05-31") { id } }`, CodeBadUserInput, "from"},
			{"timeline unknown issue", `{ timeline(issueAreaId: "issue:nope") { id } }`, CodeNotFound, "issueAreaId"},
		}
		for _, c := range cases {
			errs := a.do(c.q, nil, nil)
			if len(errs) != 1 {
				t.Errorf("%s: errors %+v, want one", c.name, errs)
				continue
			}
			e := errs[0]
			if e.Extensions["code"] != c.code || e.Extensions["argument"] != c.arg || !strings.Contains(e.Message, c.arg) {
				t.Errorf("%s: %q %v, want code %s naming %q", c.name, e.Message, e.Extensions, c.code, c.arg)
			}
		}
	})
}
