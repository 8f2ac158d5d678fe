package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// bigGraph writes a synthetic graph: 1,200 countries, each a member of one
// of 40 initiatives and a participant in one of 120 events; every event is
// part of its initiative, and every initiative addresses one of 4 issue areas.
func bigGraph(t *testing.T) {
	t.Helper()
	s := testdb.Open(t)
	testdb.Reset(t, s)
	var g store.GraphWrite
	const countries, initiatives, events, issues = 1200, 40, 120, 4
	for i := 0; i < issues; i++ {
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelIssueArea, ID: fmt.Sprintf("issue:t%d", i), Props: map[string]any{"name": fmt.Sprintf("Issue %d", i)}})
	}
	for i := 0; i < initiatives; i++ {
		id := fmt.Sprintf("initiative:t%02d", i)
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelInitiative, ID: id, Props: map[string]any{"name": fmt.Sprintf("Initiative %02d", i)}})
		g.Rels = append(g.Rels, store.RelWrite{Type: store.RelAddresses, From: id, To: fmt.Sprintf("issue:t%d", i%issues), FromLabel: store.LabelInitiative, ToLabel: store.LabelIssueArea})
	}
	for i := 0; i < events; i++ {
		id := fmt.Sprintf("event:t%03d", i)
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelEvent, ID: id, Props: map[string]any{"name": fmt.Sprintf("Event %03d", i), "kind": "MEETING", "startDate": fmt.Sprintf("1999-%02d", i%12+1)}})
		g.Rels = append(g.Rels, store.RelWrite{Type: store.RelPartOf, From: id, To: fmt.Sprintf("initiative:t%02d", i%initiatives), FromLabel: store.LabelEvent, ToLabel: store.LabelInitiative})
	}
	for i := 0; i < countries; i++ {
		iso3 := string(rune('A'+i/676)) + string(rune('A'+i/26%26)) + string(rune('A'+i%26))
		id := "country:" + iso3
		g.Nodes = append(g.Nodes, store.NodeWrite{Label: store.LabelCountry, ID: id, Props: map[string]any{"name": "Country " + iso3, "iso3": iso3}})
		role := "MEMBER"
		if i%10 == 0 {
			role = "FOUNDER"
		}
		g.Rels = append(g.Rels,
			store.RelWrite{Type: store.RelMemberOf, From: id, To: fmt.Sprintf("initiative:t%02d", i%initiatives), FromLabel: store.LabelCountry, ToLabel: store.LabelInitiative, Props: map[string]any{"role": role}},
			store.RelWrite{Type: store.RelParticipatedIn, From: id, To: fmt.Sprintf("event:t%03d", i%events), FromLabel: store.LabelCountry, ToLabel: store.LabelEvent, Props: map[string]any{"role": "PARTICIPANT"}})
	}
	if _, err := s.WriteGraph(context.Background(), g); err != nil {
		t.Fatal(err)
	}
}

// TestRoundTripsBoundedOverThousandRows: a query four relationship levels
// deep over 1,200 memberships costs one Cypher statement per level (plus
// the page), however many rows; totalCount adds one statement only when
// selected; a nested where keeps the batch.
func TestRoundTripsBoundedOverThousandRows(t *testing.T) {
	bigGraph(t)
	s := startServer(t, nil)
	const q = `query($where: MembershipWhere) { initiatives(first: 40) { %s edges { node { id
		members(first: 1000, where: $where) { role actor { id participations { role event { id partOf { id issueAreas { id } } } } } } } } } }`
	type resp struct {
		Initiatives struct {
			Edges []struct {
				Node struct {
					Members []struct {
						Actor struct {
							Participations []struct {
								Event struct {
									PartOf []struct {
										IssueAreas []struct{ ID string }
									}
								}
							}
						}
					}
				}
			}
		}
	}
	count := func(r gqlResponse) (members, leaves int) {
		var d resp
		if err := json.Unmarshal(r.Data, &d); err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Initiatives.Edges {
			for _, m := range e.Node.Members {
				members++
				for _, p := range m.Actor.Participations {
					for _, i := range p.Event.PartOf {
						leaves += len(i.IssueAreas)
					}
				}
			}
		}
		return
	}
	for _, c := range []struct {
		name        string
		totalCount  string
		where       map[string]any
		wantMembers int
		wantTrips   float64
	}{
		// initiatives page + members + participations + partOf + issueAreas
		{"plain", "", nil, 1200, 5},
		{"with totalCount", "totalCount", nil, 1200, 6},
		{"nested where", "", map[string]any{"role": map[string]any{"eq": "FOUNDER"}}, 120, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := s.query(t, fmt.Sprintf(q, c.totalCount), map[string]any{"where": c.where})
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			members, leaves := count(r)
			if members != c.wantMembers || leaves != c.wantMembers {
				t.Errorf("got %d members and %d leaf issue areas, want %d each", members, leaves, c.wantMembers)
			}
			if got := r.Extensions["cypherRoundTrips"]; got != c.wantTrips {
				t.Errorf("cypherRoundTrips = %v, want %v", got, c.wantTrips)
			}
		})
	}
}
