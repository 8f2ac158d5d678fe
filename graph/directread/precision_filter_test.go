package directread

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
)

// TestEventDatePrecisionFilter: EventWhere.datePrecision takes the
// DatePrecision enum (eq, in) and selects the seed's events whose
// precision the seed file states, on both read paths.
func TestEventDatePrecisionFilter(t *testing.T) {
	raw, err := os.ReadFile("../../seed/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		Nodes []struct {
			Label, ID  string
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(raw, &seed); err != nil {
		t.Fatal(err)
	}
	byPrecision := map[string][]string{}
	for _, n := range seed.Nodes {
		if n.Label != "Event" {
			continue
		}
		p, _ := n.Properties["datePrecision"].(string)
		byPrecision[p] = append(byPrecision[p], n.ID)
	}
	if len(byPrecision["DAY"]) == 0 || len(byPrecision["MONTH"]) == 0 {
		t.Fatalf("the seed needs events of day and month precision: %v", byPrecision)
	}
	st := testdb.Seeded(t)
	resolvers, direct, _, _ := directServers(t, st)
	for _, c := range []struct {
		where string
		want  []string
	}{
		{`{datePrecision: {eq: DAY}}`, byPrecision["DAY"]},
		{`{datePrecision: {eq: MONTH}}`, byPrecision["MONTH"]},
		{`{datePrecision: {in: [DAY, YEAR]}}`, append(slices.Clone(byPrecision["DAY"]), byPrecision["YEAR"]...)},
	} {
		for _, url := range []string{resolvers, direct} {
			data, errs := rawAnswer(t, url, `{ events(first: 100, where: `+c.where+`) { edges { node { id datePrecision } } } }`, nil)
			if errs != "" {
				t.Fatalf("%s: %s", c.where, errs)
			}
			var d struct {
				Events struct {
					Edges []struct {
						Node struct{ ID, DatePrecision string }
					}
				}
			}
			if err := json.Unmarshal([]byte(data), &d); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range d.Events.Edges {
				got = append(got, e.Node.ID)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", c.where, got, want)
			}
		}
	}
	// A string is no longer accepted: the enum is checked at validation.
	if _, errs := rawAnswer(t, resolvers, `{ events(where: {datePrecision: {eq: "DAY"}}) { totalCount } }`, nil); errs == "" {
		t.Error("a string precision was accepted")
	}
}

// TestCountryLookupByID: country(id:) finds the same country as
// country(iso3:), and giving both or neither is BAD_USER_INPUT.
func TestCountryLookupByID(t *testing.T) {
	st := testdb.Seeded(t)
	resolvers, direct, _, _ := directServers(t, st)
	for _, url := range []string{resolvers, direct} {
		byID, errs := rawAnswer(t, url, `{ country(id: "country:NOR") { id name iso3 } }`, nil)
		byISO, errs2 := rawAnswer(t, url, `{ country(iso3: "nor") { id name iso3 } }`, nil)
		if errs != "" || errs2 != "" || byID != byISO || !strings.Contains(byID, `"iso3":"NOR"`) {
			t.Errorf("by id %s %s, by iso3 %s %s", byID, errs, byISO, errs2)
		}
		for _, q := range []string{`{ country(id: "country:NOR", iso3: "NOR") { id } }`, `{ country { id } }`} {
			if _, errs := rawAnswer(t, url, q, nil); !strings.Contains(errs, `"BAD_USER_INPUT"`) {
				t.Errorf("%s: %s, want BAD_USER_INPUT", q, errs)
			}
		}
	}
}
