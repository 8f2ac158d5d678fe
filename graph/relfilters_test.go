package graph

// Relationship filters from the root lists (CountryWhere.signatures,
// memberships, participations) on the seed, the reference import and the
// GGO treaties and informal groups. Expected answers are computed here from
// seed/seed.json, the Rome Statute CSV of the UN Treaty Collection and the
// GGO and IIGO files, with readers of the test's own.

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/testdb"
	"github.com/lysoen/lysoen/seed/coalition"
	data "github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// romeConsents is the Rome Statute consent date of each of the seed's
// countries (names: name → id; "" for a signature without consent): the
// UN Treaty Collection's CSV first, the GGO file for states missing from
// it. withdrawn is every state's withdrawal date, from the GGO file (the
// UN file leaves withdrawn states out).
func romeConsents(t *testing.T, names map[string]string) (consent, withdrawn map[string]string) {
	t.Helper()
	consent, withdrawn = map[string]string{}, map[string]string{}
	for _, r := range fileRecords(t, "treaties/rome-statute-2015.csv") {
		id, ok := names[r["Participant"]]
		if !ok {
			continue
		}
		v := strings.Fields(r["Approval(AA), Acceptance(A), Accession(a), Succession(d), Ratification"])
		if len(v) < 3 {
			consent[id] = ""
			continue
		}
		d, err := time.Parse("2 Jan 2006", strings.Join(v[:3], " "))
		if err != nil {
			t.Fatalf("Rome Statute CSV, %s: %v", r["Participant"], err)
		}
		consent[id] = d.Format("2006-01-02")
	}
	seedIDs := map[string]bool{}
	for _, id := range names {
		seedIDs[id] = true
	}
	for _, r := range fileRecords(t, coalition.FileGGOParties) {
		if r["treatyID"] != "STTICC_1998A" {
			continue
		}
		id := "country:" + r["stateID"]
		if _, ok := consent[id]; !ok && seedIDs[id] {
			consent[id] = strings.TrimSuffix(r["StateRatification"], "?")
		}
		if e := r["StateEnd"]; e != "" && e != "9999-12-31" {
			withdrawn[id] = e
		}
	}
	return consent, withdrawn
}

type countryIDs struct {
	Countries struct {
		TotalCount int
		Edges      []struct{ Node struct{ ID string } }
	}
}

func (c countryIDs) ids() []string {
	var out []string
	for _, e := range c.Countries.Edges {
		out = append(out, e.Node.ID)
	}
	sort.Strings(out)
	return out
}

func TestRelationshipFiltersFromTheTop(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	if _, err := refimport.Run(ctx, st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := coalition.Run(ctx, st, data.FS, coalition.Options{Only: []string{"treaties-ggo", "informal-igos"}}); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)
	sd := readSeed(t)

	const luncheon, rome = "event:human-security-luncheon-1998", "agreement:rome-statute"
	names := map[string]string{}
	for _, n := range sd.Nodes {
		if n.Label == "Country" {
			names[n.Properties["name"].(string)] = n.ID
		}
	}
	var guests []string
	for _, r := range sd.Relationships {
		if r.Type == "PARTICIPATED_IN" && r.To == luncheon && r.Properties["role"] == "PARTICIPANT" {
			guests = append(guests, r.From)
		}
	}
	consent, withdrawn := romeConsents(t, names)
	if len(guests) == 0 || len(withdrawn) == 0 {
		t.Fatalf("the files give %d luncheon guests and %d Rome Statute withdrawals", len(guests), len(withdrawn))
	}
	// guestsWhere: the guests (not the hosts) for which keep holds.
	guestsWhere := func(keep func(id string) bool) []string {
		var out []string
		for _, g := range guests {
			if keep(g) {
				out = append(out, g)
			}
		}
		sort.Strings(out)
		return out
	}
	run := func(t *testing.T, q string, vars map[string]any) []string {
		t.Helper()
		var out countryIDs
		a.on(t).ok(q, vars, &out)
		if out.Countries.TotalCount != len(out.Countries.Edges) {
			t.Errorf("totalCount %d for %d edges", out.Countries.TotalCount, len(out.Countries.Edges))
		}
		return out.ids()
	}
	vars := map[string]any{"event": luncheon, "rome": rome}

	t.Run("luncheon guests not yet party to the Rome Statute", func(t *testing.T) {
		got := run(t, `query($event: ID!, $rome: ID!) { countries(first: 100, where: {
  participations: {role: {eq: PARTICIPANT}, event: {id: {eq: $event}}},
  NOT: {signatures: {agreement: {id: {eq: $rome}}, ratified: {from: "1998"}}}}) { totalCount edges { node { id } } } }`, vars)
		want := guestsWhere(func(id string) bool { return consent[id] == "" })
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("guests never party: %v, the files say %v", got, want)
		}
	})

	t.Run("guests that signed but were not party when the Statute entered into force", func(t *testing.T) {
		got := run(t, `query($event: ID!, $rome: ID!) { countries(first: 100, where: {
  participations: {role: {eq: PARTICIPANT}, event: {id: {eq: $event}}},
  signatures: {agreement: {id: {eq: $rome}}, signed: {to: "2002-06-30"}},
  NOT: {signatures: {agreement: {id: {eq: $rome}}, ratified: {to: "2002-06-30"}}}}) { totalCount edges { node { id } } } }`, vars)
		want := guestsWhere(func(id string) bool {
			c, signed := consent[id]
			return signed && (c == "" || c > "2002-06-30")
		})
		if !slices.Equal(got, want) || len(want) < 2 {
			t.Errorf("guests not party on 2002-07-01: %v, the files say %v", got, want)
		}
	})

	t.Run("who left the Rome Statute", func(t *testing.T) {
		got := run(t, `query($rome: ID!) { countries(first: 100, where: {signatures: {agreement: {id: {eq: $rome}}, until: {from: "1998"}}}) {
  totalCount edges { node { id } } } }`, map[string]any{"rome": rome})
		var want []string
		for id := range withdrawn {
			want = append(want, id)
		}
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("withdrawals %v, the GGO file says %v", got, want)
		}
	})

	t.Run("members of the Human Security Network", func(t *testing.T) {
		var want []string
		for _, r := range fileRecords(t, coalition.FileIIGOMembers) {
			if r["igoID"] == "HSN" {
				want = append(want, "country:"+r["stateID"])
			}
		}
		sort.Strings(want)
		got := run(t, `{ countries(first: 100, where: {memberships: {role: {eq: MEMBER}, initiative: {id: {eq: "initiative:human-security-network"}}}}) {
  totalCount edges { node { id } } } }`, nil)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("HSN members %v, the IIGO file says %v", got, want)
		}
		// The role is on the same membership: nobody is an HSN founder.
		if got := run(t, `{ countries(first: 100, where: {memberships: {role: {eq: FOUNDER}, initiative: {id: {eq: "initiative:human-security-network"}}}}) {
  totalCount edges { node { id } } } }`, nil); len(got) != 0 {
			t.Errorf("HSN founders: %v", got)
		}
	})

	t.Run("founders of the partnership by their membership dates", func(t *testing.T) {
		var want []string
		for _, r := range sd.Relationships {
			if r.Type == "MEMBER_OF" && r.Properties["role"] == "FOUNDER" {
				if s, _ := r.Properties["since"].(string); s != "" && s <= "1998-05-11" {
					want = append(want, r.From)
				}
			}
		}
		sort.Strings(want)
		got := run(t, `{ countries(first: 100, where: {memberships: {role: {eq: FOUNDER}, since: {to: "1998-05-11"}, actor: {historical: false}}}) {
  totalCount edges { node { id } } } }`, nil)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("founders by 1998-05-11: %v, seed.json says %v", got, want)
		}
		// Without an initiative or organization filter, a membership of
		// either kind counts: the same as the union of the two.
		count := func(where string) int {
			var out countryIDs
			a.on(t).ok(`{ countries(where: `+where+`) { totalCount } }`, nil, &out)
			return out.Countries.TotalCount
		}
		either := count(`{memberships: {since: {to: "1999"}}}`)
		union := count(`{OR: [{memberships: {since: {to: "1999"}, initiative: {}}}, {memberships: {since: {to: "1999"}, organization: {}}}]}`)
		initiatives := count(`{memberships: {since: {to: "1999"}, initiative: {}}}`)
		if either != union || either < initiatives || either == 0 {
			t.Errorf("memberships of either kind: %d countries, the union of both kinds: %d, of initiatives: %d", either, union, initiatives)
		}
		if got := run(t, `{ countries(where: {memberships: {initiative: {}, organization: {}}}) { totalCount edges { node { id } } } }`, nil); len(got) != 0 {
			t.Errorf("a membership joining an initiative and an organization at once: %v", got)
		}
	})

	t.Run("too deep", func(t *testing.T) {
		q := `{ countries(where: {signatures: {agreement: {signatories: {memberOfInitiative: {members: {memberOfInitiative: {members: {memberOfInitiative: {members: {memberOfInitiative: {}}}}}}}}}}}) { totalCount } }`
		errs := a.on(t).do(q, nil, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("a filter 9 levels deep: %+v", errs)
		}
	})
}
