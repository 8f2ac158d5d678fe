package main

import (
	"context"
	"math/rand/v2"
	"net/http"
)

// scenario is one operation of the mix.
type scenario struct {
	Name  string // also the operation name, so /metrics shows it
	Kind  string // read, analytics, export or write
	Query string
	// Export, when set, makes the scenario a GET of this path and query
	// (a file export, docs/exports.md) on the server instead of a GraphQL
	// operation; Vars then fill its {placeholders}.
	Export string
	Vars   func(r *rand.Rand) map[string]any
	Verify func(ctx context.Context, c *http.Client, target string) error // after the run, e.g. count the writes
	Setup  func(ctx context.Context, c *http.Client, target string) error // before the run, e.g. fixtures
	// Record is told the outcome of every request of the scenario, with the
	// variables it was sent with (writes remember what was acknowledged).
	Record func(vars map[string]any, r result)
}

func (s scenario) vars(r *rand.Rand) map[string]any {
	if s.Vars == nil {
		return nil
	}
	return s.Vars(r)
}

// Countries of the seed graph (the 1999 Lysøen text) used as lookup keys:
// only these are sure to exist after `lysoen seed` alone (-seed), whatever
// else the database holds. scenarios_test.go checks them against seed.json.
var iso3s = []string{"NOR", "CAN", "AUT", "CHE", "IRL", "NLD", "SVN", "THA", "JOR", "CHL", "ZAF"}

var scenarios = []scenario{
	{Name: "CountryByISO3", Kind: "read",
		Query: `query CountryByISO3($iso3: String!) { country(iso3: $iso3) { id name memberships { role initiative { name } organization { name } } } }`,
		Vars:  func(r *rand.Rand) map[string]any { return map[string]any{"iso3": iso3s[r.IntN(len(iso3s))]} }},
	{Name: "CountriesPage", Kind: "read",
		Query: `query CountriesPage($n: Int) { countries(first: $n) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name } } } }`,
		Vars:  func(r *rand.Rand) map[string]any { return map[string]any{"n": 1 + r.IntN(50)} }},
	{Name: "Initiative", Kind: "read",
		Query: `query Initiative { initiative(id: "initiative:lysoen-partnership") { name objective members { role actor { id name } } events { name startDate } issueAreas { name } } }`},
	{Name: "Events", Kind: "read",
		Query: `query Events { events { edges { node { name kind startDate participants { role actor { name } } } } } }`},
	{Name: "Sources", Kind: "read", Query: `query Sources { sources { id title } }`},
	// Analytics: wide, nested reads across the graph (the analytics
	// capability's own queries join this list when it lands).
	{Name: "CoalitionMap", Kind: "analytics",
		Query: `query CoalitionMap { countries(first: 100) { edges { node { name participations { role event { name partOf { name issueAreas { name } } } } } } } }`},
	{Name: "IssueReach", Kind: "analytics",
		Query: `query IssueReach { countries(first: 100) { edges { node { name issueAreas { name } signatures { agreement { name } } } } } }`},
	{Name: "Organizations", Kind: "analytics",
		Query: `query Organizations { organizations(first: 100) { totalCount edges { node { name members { role actor { name } } } } } }`},
	// Exports: the same subgraphs as files, streamed (docs/exports.md).
	{Name: "ExportNeighborhood", Kind: "export", Export: "/export/neighborhood?id=country:{iso3}&depth=2&format=gexf",
		Vars: func(r *rand.Rand) map[string]any { return map[string]any{"iso3": iso3s[r.IntN(len(iso3s))]} }},
	{Name: "ExportPath", Kind: "export", Export: "/export/path?from=country:THA&to=org:icrc&allShortest=true&format=graphml"},
	{Name: "ExportCoalition", Kind: "export", Export: "/export/coalition?initiativeId=initiative:lysoen-partnership&asOf=1999&format=csv"},
	// A filtered list: the partnership's member states and the relationships
	// among them (where is the list's GraphQL where, as JSON). The export of
	// a voting bloc is left out: it needs the UN voting data, which a
	// database made by `lysoen seed` alone does not hold.
	{Name: "ExportList", Kind: "export",
		Export: "/export/list?list=countries&where=%7B%22memberOfInitiative%22:%7B%22id%22:%7B%22eq%22:%22initiative:lysoen-partnership%22%7D%7D%7D&format=graphml"},
	// Writes: an organization plus its MEMBER_OF link, each with a new id,
	// counted afterwards (writes.go). Needs an editor token (-token, or
	// made up with -server).
	writeScenario,
}
