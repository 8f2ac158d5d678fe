package graph

// The reference fields (ISO 3166 countries, UN Treaty Collection treaties
// and signatures) and the search of agreements by their usual names, on
// the seed plus the reference import. Expected values are read here from
// the reference files with a CSV reader of the test's own.

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lysoen/lysoen/internal/testdb"
	data "github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refdata"
	"github.com/lysoen/lysoen/seed/refimport"
)

func TestReferenceFieldsAndAgreementNames(t *testing.T) {
	st := testdb.Seeded(t)
	if _, err := refimport.Run(context.Background(), st, data.FS, refimport.Options{}); err != nil {
		t.Fatal(err)
	}
	a := newAPI(t, st)

	t.Run("country sub-region and M49", func(t *testing.T) {
		for _, r := range fileRecords(t, "countries/iso3166.csv") {
			if r["alpha-3"] != "CAN" && r["alpha-3"] != "THA" && r["alpha-3"] != "NOR" {
				continue
			}
			var out struct {
				Country struct {
					Region, SubRegion, M49 string
					Historical             bool
				}
			}
			a.on(t).ok(`query($c: String!) { country(iso3: $c) { region subRegion m49 historical } }`, map[string]any{"c": r["alpha-3"]}, &out)
			c := out.Country
			if c.Region != r["region"] || c.SubRegion != r["sub-region"] || c.M49 != r["country-code"] || c.Historical {
				t.Errorf("%s: %+v, want region %q sub-region %q M49 %q, not historical", r["alpha-3"], c, r["region"], r["sub-region"], r["country-code"])
			}
		}
		var out struct{ Countries struct{ TotalCount int } }
		a.on(t).ok(`{ countries(where: {subRegion: {eq: "Northern Europe"}}) { totalCount } }`, nil, &out)
		n := 0
		for _, r := range fileRecords(t, "countries/iso3166.csv") {
			if r["sub-region"] == "Northern Europe" {
				n++
			}
		}
		if out.Countries.TotalCount != n {
			t.Errorf("Northern Europe: %d countries, want %d", out.Countries.TotalCount, n)
		}
	})

	t.Run("treaty fields and a signature's source", func(t *testing.T) {
		var row map[string]string
		for _, r := range fileRecords(t, "treaties/un-arms-control.csv") {
			if r["treaty_id"] == "ottawa" && r["country_name"] == "Canada" {
				row = r
			}
		}
		if row == nil {
			t.Fatal("no Canada row for ottawa in the file")
		}
		var out struct {
			Agreement struct {
				AdoptedOn                             *string
				OpenYear, MtdsgNo, SourceURL, Acronym string
				Aliases                               []string
				Signatories                           []struct {
					SourceURL string
					Until     *string
					Actor     struct{ ID string }
				}
			}
		}
		a.on(t).ok(`{ agreement(id: "agreement:ottawa") { adoptedOn openYear mtdsgNo sourceUrl acronym aliases
		  signatories(where: {actor: {id: {eq: "country:CAN"}}}) { sourceUrl until actor { id } } } }`, nil, &out)
		ag := out.Agreement
		if ag.AdoptedOn != nil || ag.OpenYear != row["treaty_open_year"] || ag.MtdsgNo != row["mtdsg_no"] || ag.SourceURL != row["source_url"] {
			t.Errorf("ottawa: %+v, want open year %s, MTDSG %s, url %s, no adoption date", ag, row["treaty_open_year"], row["mtdsg_no"], row["source_url"])
		}
		if !slices.Contains(ag.Aliases, "Mine Ban Convention") || ag.Acronym != "APMBC" {
			t.Errorf("ottawa aliases %v", ag.Aliases)
		}
		if len(ag.Signatories) != 1 || ag.Signatories[0].SourceURL != row["source_url"] || ag.Signatories[0].Until != nil {
			t.Errorf("Canada's signature: %+v, want source %s and no withdrawal", ag.Signatories, row["source_url"])
		}
		var opened struct{ Agreements struct{ TotalCount int } }
		a.on(t).ok(`{ agreements(where: {openYear: {from: "1997", to: "1997"}}) { totalCount } }`, nil, &opened)
		years := map[string]string{}
		for _, f := range []string{"treaties/un-arms-control.csv", "treaties/un-human-rights.csv"} {
			for _, r := range fileRecords(t, f) {
				years[r["treaty_id"]] = r["treaty_open_year"]
			}
		}
		n := 0
		for _, y := range years {
			if y == "1997" {
				n++
			}
		}
		if opened.Agreements.TotalCount != n {
			t.Errorf("%d agreements opened in 1997, want %d", opened.Agreements.TotalCount, n)
		}
	})

	t.Run("search finds treaties by their usual names", func(t *testing.T) {
		for _, c := range []struct{ text, want string }{
			{"mine ban", "agreement:ottawa"},
			{"Ottawa Treaty", "agreement:ottawa"},
			{"APMBC", "agreement:ottawa"},
			{"ICC", "agreement:rome-statute"},
			{"Rome Statute", "agreement:rome-statute"},
			{"CRC-OPAC", "agreement:crc-op-ac"},
			{"child soldiers protocol", "agreement:crc-op-ac"},
			{"cluster munitions", "agreement:ccm"},
			{"CCM", "agreement:ccm"},
			{"ATT", "agreement:att"},
			{"CWC", "agreement:cwc"},
			{"CTBT", "agreement:ctbt"},
			{"TPNW", "agreement:tpnw"},
			{"CEDAW", "agreement:cedaw"},
			{"ICCPR", "agreement:iccpr"},
			{"CRPD", "agreement:crpd"},
			{"CRC", "agreement:crc"},
			{"CCW", "agreement:ccw"},
			{"CAT", "agreement:cat"},
			{"CED", "agreement:ced"},
			{"ICESCR", "agreement:icescr"},
		} {
			var out struct {
				Search []struct{ Node struct{ ID string } }
			}
			a.on(t).ok(`query($t: String!) { search(text: $t, first: 3) { node { id } } }`, map[string]any{"t": c.text}, &out)
			if len(out.Search) == 0 || out.Search[0].Node.ID != c.want {
				t.Errorf("search %q: %+v, want %s first", c.text, out.Search, c.want)
			}
		}
		// Every acronym and alias finds its treaty among the first hits.
		for _, tr := range refdataTreaties(t) {
			names := refdata.Aliases(tr.ID)
			if a := refdata.Acronym(tr.ID); a != "" {
				names = append(names, a)
			}
			for _, alias := range names {
				var out struct {
					Search []struct{ Node struct{ ID string } }
				}
				a.on(t).ok(`query($t: String!) { search(text: $t, first: 5) { node { id } } }`, map[string]any{"t": alias}, &out)
				found := false
				for _, h := range out.Search {
					found = found || h.Node.ID == tr.AgreementID
				}
				if !found {
					t.Errorf("search %q: %+v, want %s among the first 5", alias, out.Search, tr.AgreementID)
				}
			}
		}
	})

	t.Run("agreement by a bare or unknown id", func(t *testing.T) {
		for _, c := range []struct{ id, mention string }{
			{"ottawa", `"agreement:ottawa"`},
			{"ICC", `"agreement:rome-statute"`},
			{"agreement:Mine Ban Convention", `"agreement:ottawa"`},
			{"agreement:no-such-treaty", "docs/agreements.md"},
			{"no-such-treaty", `start with "agreement:"`},
		} {
			var out struct{ Agreement *struct{ ID string } }
			errs := a.on(t).do(`query($id: ID!) { agreement(id: $id) { id } }`, map[string]any{"id": c.id}, &out)
			if len(errs) != 1 || errs[0].Extensions["code"] != CodeBadUserInput || errs[0].Extensions["argument"] != "id" ||
				!strings.Contains(errs[0].Message, c.mention) || out.Agreement != nil {
				t.Errorf("agreement(id: %q): %+v, want BAD_USER_INPUT mentioning %s", c.id, errs, c.mention)
			}
		}
	})

	t.Run("the ICRC's issues through the initiatives that seek it", func(t *testing.T) {
		// Organization.issueAreas does not derive through
		// SEEKS_PARTNERSHIP_WITH (the text only envisages the partnership);
		// its description names the path that reaches those issues.
		var out struct {
			Organization struct {
				IssueAreas []struct{ ID string }
				SoughtBy   []struct {
					Initiative struct {
						ID         string
						IssueAreas []struct{ ID string }
					}
				}
			}
			Initiative struct{ IssueAreas []struct{ ID string } }
		}
		a.on(t).ok(`{ organization(id: "org:icrc") { issueAreas { id } soughtBy { initiative { id issueAreas { id } } } }
		  initiative(id: "initiative:lysoen-partnership") { issueAreas { id } } }`, nil, &out)
		if len(out.Organization.IssueAreas) != 0 || len(out.Organization.SoughtBy) != 1 ||
			out.Organization.SoughtBy[0].Initiative.ID != "initiative:lysoen-partnership" ||
			len(out.Organization.SoughtBy[0].Initiative.IssueAreas) == 0 ||
			len(out.Organization.SoughtBy[0].Initiative.IssueAreas) != len(out.Initiative.IssueAreas) {
			t.Errorf("ICRC: %+v; the partnership's issue areas: %+v", out.Organization, out.Initiative.IssueAreas)
		}
	})
}

// refdataTreaties parses the treaty files as the import does.
func refdataTreaties(t *testing.T) []refdata.Treaty {
	t.Helper()
	ds, err := refdata.Load(data.FS)
	if err != nil {
		t.Fatal(err)
	}
	return ds.Treaties
}
