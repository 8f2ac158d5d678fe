package refdata

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/lysoen/lysoen/seed/data"
)

func loadReal(t testing.TB) *Dataset {
	t.Helper()
	ds, err := Load(data.FS)
	if err != nil {
		t.Fatalf("Load(data.FS): %v", err)
	}
	return ds
}

func mustAction(t *testing.T, ds *Dataset, treatyID, iso3 string) Action {
	t.Helper()
	a, ok := ds.Lookup(treatyID, iso3)
	if !ok {
		t.Fatalf("no %s action for %s", treatyID, iso3)
	}
	return a
}

// Row counts as stated in seed/data/README.md.
func TestRealRowCounts(t *testing.T) {
	ds := loadReal(t)
	want := map[string]int{
		FileCountries:     249,
		FileUNArmsControl: 1541,
		FileUNHumanRights: 2567,
		FileRomeStatute:   153,
	}
	for file, n := range want {
		if got := ds.RowsRead[file]; got != n {
			t.Errorf("RowsRead[%s] = %d, want %d", file, got, n)
		}
	}
	if len(ds.RowsRead) != len(want) {
		t.Errorf("RowsRead has %d files, want %d: %v", len(ds.RowsRead), len(want), ds.RowsRead)
	}
	if len(ds.Countries) != 249 {
		t.Errorf("%d countries, want 249", len(ds.Countries))
	}
	// 12 arms-control + 18 human-rights treaty ids, and the Rome Statute.
	if len(ds.Treaties) != 31 {
		t.Errorf("%d treaties, want 31", len(ds.Treaties))
	}

	actions := map[string]int{}
	for _, a := range ds.Actions {
		actions[a.File]++
	}
	rejected := map[string]int{}
	for _, r := range ds.Rejected {
		rejected[r.File]++
	}
	for _, file := range []string{FileCountries, FileUNArmsControl, FileUNHumanRights, FileRomeStatute} {
		t.Logf("%-32s rows %4d  actions %4d  rejected %d", file, ds.RowsRead[file], actions[file], rejected[file])
	}
	// Every row is either an action or rejected (no duplicate pairs to merge
	// in the real files).
	for _, file := range []string{FileUNArmsControl, FileUNHumanRights, FileRomeStatute} {
		if actions[file]+rejected[file] != ds.RowsRead[file] {
			t.Errorf("%s: %d actions + %d rejected != %d rows", file, actions[file], rejected[file], ds.RowsRead[file])
		}
	}
}

// The only rows rejected on the real data are entities that have no ISO
// 3166-1 code. Anything else showing up here is a regression or a new data
// problem to look at.
func TestRealRejectedAreExplained(t *testing.T) {
	ds := loadReal(t)
	type rej struct {
		file string
		line int
		name string
	}
	want := []rej{
		{FileUNHumanRights, 365, "German Democratic Republic"},  // icescr
		{FileUNHumanRights, 366, "Czechoslovakia"},              // icescr
		{FileUNHumanRights, 603, "German Democratic Republic"},  // iccpr
		{FileUNHumanRights, 604, "Czechoslovakia"},              // iccpr
		{FileUNHumanRights, 1007, "German Democratic Republic"}, // cedaw
		{FileUNHumanRights, 1008, "Czechoslovakia"},             // cedaw
		{FileUNHumanRights, 2185, "European Union"},             // crpd
	}
	var got []rej
	for _, r := range ds.Rejected {
		got = append(got, rej{r.File, r.Line, r.Name})
		if !strings.Contains(r.Reason, "no ISO 3166-1 code") && !strings.Contains(r.Reason, "no current ISO 3166-1 code") {
			t.Errorf("%s:%d %s: unexpected reason %q", r.File, r.Line, r.Name, r.Reason)
		}
		t.Logf("rejected %s:%d %q: %s", r.File, r.Line, r.Name, r.Reason)
	}
	if !slices.Equal(got, want) {
		t.Errorf("rejected rows\n got %v\nwant %v", got, want)
	}
}

func TestRealOttawaCanada(t *testing.T) {
	ds := loadReal(t)
	a := mustAction(t, ds, "ottawa", "CAN")
	// Canada signed and ratified on the day the treaty opened for signature.
	if a.Signed != "1997-12-03" || a.Ratified != "1997-12-03" || a.Method != MethodRatification {
		t.Errorf("Canada/ottawa = signed %q ratified %q method %q, want 1997-12-03, 1997-12-03, RATIFICATION", a.Signed, a.Ratified, a.Method)
	}
	if a.File != FileUNArmsControl || a.Line != 1044 || a.CountryName != "Canada" {
		t.Errorf("Canada/ottawa source = %s:%d %q, want %s:1044 \"Canada\"", a.File, a.Line, a.CountryName, FileUNArmsControl)
	}
	if !strings.Contains(a.SourceURL, "mtdsg_no=XXVI-5") {
		t.Errorf("Canada/ottawa SourceURL = %q", a.SourceURL)
	}
}

// The Ottawa process core group (plus Norway, host of the Oslo
// negotiations) all joined the Mine Ban Convention.
func TestRealOttawaCoreGroup(t *testing.T) {
	ds := loadReal(t)
	want := map[string]struct{ signed, ratified, method string }{
		"AUT": {"1997-12-03", "1998-06-29", MethodRatification},
		"CHL": {"1997-12-03", "2001-09-10", MethodRatification},
		"IRL": {"1997-12-03", "1997-12-03", MethodRatification},
		"JOR": {"1998-08-11", "1998-11-13", MethodRatification},
		// The file says Accession after a signature: most likely a UNTC
		// acceptance (A), which the scraper folds into Accession (see the
		// package documentation).
		"NLD": {"1997-12-03", "1999-04-12", MethodAccession},
		"SVN": {"1997-12-03", "1998-10-27", MethodRatification},
		"ZAF": {"1997-12-03", "1998-06-26", MethodRatification},
		"CHE": {"1997-12-03", "1998-03-24", MethodRatification},
		"THA": {"1997-12-03", "1998-11-27", MethodRatification},
		"NOR": {"1997-12-03", "1998-07-09", MethodRatification},
	}
	for iso3, w := range want {
		a := mustAction(t, ds, "ottawa", iso3)
		if a.Ratified == "" {
			t.Errorf("%s has not ratified/acceded to ottawa: %+v", iso3, a)
		}
		if a.Signed != w.signed || a.Ratified != w.ratified || a.Method != w.method {
			t.Errorf("%s/ottawa = %s %s %s, want %s %s %s", iso3, a.Signed, a.Ratified, a.Method, w.signed, w.ratified, w.method)
		}
	}
}

func TestRealRomeStatute(t *testing.T) {
	ds := loadReal(t)
	cases := []struct {
		iso3, signed, ratified, method string
	}{
		{"NOR", "1998-08-28", "2000-02-16", MethodRatification},
		{"CAN", "1998-12-18", "2000-07-07", MethodRatification},
		{"NLD", "1998-07-18", "2001-07-17", MethodAcceptance},   // "17 Jul 2001 A", file name "Netherlands"
		{"AFG", "", "2003-02-10", MethodAccession},              // "10 Feb 2003 a"
		{"MNE", "", "2006-10-23", MethodSuccession},             // "23 Oct 2006 d"
		{"MKD", "1998-10-07", "2002-03-06", MethodRatification}, // "The former Yugoslav Republic of Macedonia"
		{"BHS", "2000-12-29", "", MethodSignature},              // "Bahamas", signature only
		{"USA", "2000-12-31", "", MethodSignature},
	}
	for _, c := range cases {
		a := mustAction(t, ds, RomeStatuteID, c.iso3)
		if a.Signed != c.signed || a.Ratified != c.ratified || a.Method != c.method {
			t.Errorf("%s/rome-statute = %q %q %s, want %q %q %s", c.iso3, a.Signed, a.Ratified, a.Method, c.signed, c.ratified, c.method)
		}
		if a.File != FileRomeStatute || a.SourceURL == "" {
			t.Errorf("%s/rome-statute source = %s %q", c.iso3, a.File, a.SourceURL)
		}
	}
	// Documented gap: the snapshot stops in March 2015.
	for _, iso3 := range []string{"PSE", "ARM"} {
		if a, ok := ds.Lookup(RomeStatuteID, iso3); ok && a.Ratified != "" {
			t.Errorf("%s ratified the Rome Statute in the 2015 snapshot (%s): update the README gap", iso3, a.Ratified)
		}
	}
}

// Documented gap: withdrawn states are absent from the 2026 files. If this
// fails, the data changed and the README must change with it.
func TestRealWithdrawnStatesAbsent(t *testing.T) {
	ds := loadReal(t)
	for _, c := range []struct{ treaty, iso3 string }{
		{"ottawa", "EST"}, {"ottawa", "LVA"}, {"ottawa", "LTU"}, {"ottawa", "FIN"}, {"ccm", "LTU"},
	} {
		if a, ok := ds.Lookup(c.treaty, c.iso3); ok {
			t.Errorf("%s/%s present (%+v): the withdrawn-states gap no longer holds", c.treaty, c.iso3, a)
		}
	}
}

func TestRealCCWCorrections(t *testing.T) {
	ds := loadReal(t)
	// Amended Protocol II: the file's lone date is Canada's consent.
	a := mustAction(t, ds, "ccw_p2a", "CAN")
	if a.Signed != "" || a.Ratified == "" || a.Method != MethodConsentToBeBound || a.Note == "" {
		t.Errorf("CAN/ccw_p2a = %+v, want consent date in Ratified, no signature, a Note", a)
	}
	// Amendment to article 1: the copied signature is dropped.
	a = mustAction(t, ds, "ccw_art1", "CAN")
	if a.Signed != "" || a.Ratified != "2002-07-22" || a.Method != MethodAccession || a.Note == "" {
		t.Errorf("CAN/ccw_art1 = %+v", a)
	}
	consent := map[string]int{}
	for _, a := range ds.Actions {
		if a.Method == MethodConsentToBeBound {
			consent[a.TreatyID]++
		}
		if a.TreatyID == "ccw_art1" && a.Signed != "" {
			t.Errorf("ccw_art1 action with a signature: %+v", a)
		}
		if strings.HasPrefix(a.TreatyID, "ccw_p") && a.Method == MethodSignature {
			t.Errorf("CCW protocol action left as a bare signature: %+v", a)
		}
	}
	if want := map[string]int{"ccw_p2a": 107, "ccw_p4": 111, "ccw_p5": 99}; !mapsEqual(consent, want) {
		t.Errorf("consent-to-be-bound actions per protocol = %v, want %v", consent, want)
	}
	// The CCW itself has genuine signature-only rows.
	if a := mustAction(t, ds, "ccw", "EGY"); a.Method != MethodSignature || a.Signed == "" {
		t.Errorf("EGY/ccw = %+v, want a signature only", a)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Structural invariants over the whole real dataset.
func TestRealInvariants(t *testing.T) {
	ds := loadReal(t)
	treaties := map[string]Treaty{}
	for _, tr := range ds.Treaties {
		if _, dup := treaties[tr.ID]; dup {
			t.Errorf("duplicate treaty %s", tr.ID)
		}
		treaties[tr.ID] = tr
		if tr.AgreementID != "agreement:"+strings.ReplaceAll(tr.ID, "_", "-") {
			t.Errorf("%s: AgreementID %q", tr.ID, tr.AgreementID)
		}
		if !slices.Contains([]string{KindTreaty, KindConvention, KindProtocol}, tr.Kind) {
			t.Errorf("%s: kind %q", tr.ID, tr.Kind)
		}
		for _, ia := range tr.IssueAreaIDs {
			if !slices.Contains(IssueAreaIDs, ia) {
				t.Errorf("%s: issue area %q not in the allowed list", tr.ID, ia)
			}
		}
		if tr.Name == "" || !strings.HasPrefix(tr.SourceURL, "https://treaties.un.org/") || tr.AdoptedOn != "" {
			t.Errorf("%s: %+v", tr.ID, tr)
		}
	}
	seen := map[actionKey]bool{}
	methods := []string{MethodRatification, MethodAccession, MethodAcceptance, MethodApproval, MethodSuccession, MethodSignature, MethodConsentToBeBound}
	for _, a := range ds.Actions {
		k := actionKey{a.TreatyID, a.ISO3}
		if seen[k] {
			t.Errorf("two actions for %v", k)
		}
		seen[k] = true
		if _, ok := treaties[a.TreatyID]; !ok {
			t.Errorf("action on unknown treaty: %+v", a)
		}
		if _, ok := ds.Country(a.ISO3); !ok {
			t.Errorf("action on unknown country: %+v", a)
		}
		if !slices.Contains(methods, a.Method) {
			t.Errorf("bad method: %+v", a)
		}
		if (a.Method == MethodSignature) != (a.Ratified == "") || (a.Method == MethodSignature && a.Signed == "") {
			t.Errorf("method/date mismatch: %+v", a)
		}
		for _, d := range []string{a.Signed, a.Ratified} {
			if d != "" && !isoDate.MatchString(d) {
				t.Errorf("bad date %q: %+v", d, a)
			}
		}
		if a.Signed != "" && a.Ratified != "" && a.Signed > a.Ratified {
			t.Errorf("signed after consent: %+v", a)
		}
		if a.Line < 2 || a.File == "" || a.SourceURL == "" {
			t.Errorf("missing provenance: %+v", a)
		}
	}
	// The issue-area decisions the graph relies on.
	wantIssues := map[string][]string{
		"ottawa":      {IssueLandmines, IssueHumanitarianLaw},
		"ccm":         {IssueHumanitarianLaw, IssueProtectionOfCivilians},
		"att":         {IssueSmallArms},
		"ccw_p2a":     {IssueHumanitarianLaw, IssueLandmines},
		RomeStatuteID: {IssueInternationalCriminal},
		"crc_op_ac":   {IssueChildSoldiers, IssueWarAffectedChildren},
		"crc":         {IssueHumanRights, IssueWarAffectedChildren, IssueChildSoldiers, IssueChildLabour},
		"cedaw":       {IssueHumanRights},
		"cwc":         nil,
		"ctbt":        nil,
		"tpnw":        nil,
		"enmod":       nil,
	}
	for id, want := range wantIssues {
		if got := treaties[id].IssueAreaIDs; !slices.Equal(got, want) {
			t.Errorf("%s issue areas = %v, want %v", id, got, want)
		}
	}
	if tr := treaties[RomeStatuteID]; tr.AgreementID != "agreement:rome-statute" {
		t.Errorf("rome statute AgreementID %q", tr.AgreementID)
	}
	if tr := treaties["crc_op_ac"]; tr.AgreementID != "agreement:crc-op-ac" || tr.Kind != KindProtocol {
		t.Errorf("crc_op_ac = %+v", tr)
	}
	c, ok := ds.Country("NOR")
	if !ok || c.ISO2 != "NO" || c.Name != "Norway" || c.Region != "Europe" || c.SubRegion != "Northern Europe" || c.M49 != "578" {
		t.Errorf("NOR = %+v", c)
	}
}

func TestOverrideTable(t *testing.T) {
	ds := loadReal(t)
	if OverrideCount() != 21 {
		t.Errorf("OverrideCount() = %d, want 21", OverrideCount())
	}
	isoNames := map[string]bool{}
	for _, c := range ds.Countries {
		isoNames[normName(c.Name)] = true
	}
	for name, code := range nameOverrides {
		if _, ok := ds.Country(code); !ok {
			t.Errorf("override %q -> %s: no such ISO3", name, code)
		}
		if isoNames[normName(name)] {
			t.Errorf("override %q is already an ISO name", name)
		}
	}
}

func TestNameNormalisation(t *testing.T) {
	idx := newNameIndex([]Country{
		{ISO3: "BEL", Name: "Belgium"}, {ISO3: "DEU", Name: "Germany"},
		{ISO3: "CIV", Name: "Côte d'Ivoire"}, {ISO3: "NLD", Name: "Netherlands, Kingdom of the"},
		{ISO3: "TUR", Name: "Türkiye"}, {ISO3: "VAT", Name: "Holy See"},
	})
	for in, want := range map[string]string{
		"Belgium 2":                       "BEL",
		"Germany3,4":                      "DEU",
		"  germany  ":                     "DEU",
		"Côte d’Ivoire":                   "CIV",
		"Netherlands (Kingdom of the) 12": "NLD",
		"Netherlands (Kingdom of the)":    "NLD",
		"Türkiye":                         "TUR",
		"Turkey":                          "TUR",
		"Holy See":                        "VAT",
		"United States of America":        "",
		"European Union":                  "",
		"":                                "",
	} {
		got, why := idx.resolve(in)
		if got != want {
			t.Errorf("resolve(%q) = %q (%s), want %q", in, got, why, want)
		}
		if got == "" && why == "" {
			t.Errorf("resolve(%q): no reason given", in)
		}
	}
}

// testFS is the real embedded data with some files replaced.
func testFS(t *testing.T, replace map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range []string{FileCountries, FileUNArmsControl, FileUNHumanRights, FileRomeStatute} {
		b, err := fs.ReadFile(data.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	for f, s := range replace {
		m[f] = &fstest.MapFile{Data: []byte(s)}
	}
	return m
}

type wantRej struct {
	line   int
	name   string
	reason string // substring
}

func checkRejected(t *testing.T, ds *Dataset, file string, want []wantRej) {
	t.Helper()
	var got []Rejected
	for _, r := range ds.Rejected {
		if r.File == file {
			got = append(got, r)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d rejected, want %d", file, len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Line != w.line || g.Name != w.name || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("%s rejected[%d] = line %d %q %q, want line %d %q ~%q", file, i, g.Line, g.Name, g.Reason, w.line, w.name, w.reason)
		}
	}
	for _, r := range got {
		t.Logf("%s:%d %q: %s", r.File, r.Line, r.Name, r.Reason)
	}
}

const unHead = "country_name,treaty_id,treaty_name,action_type,action_date,signature_date,treaty_open_year,mtdsg_no,source_url\n"
const ottawaCols = `,ottawa,"Convention on the Prohibition of Anti-Personnel Mines (Ottawa Treaty)",`
const ottawaTail = ",1997,XXVI-5,https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVI-5&chapter=26&clang=_en\n"

func TestMalformedUNFile(t *testing.T) {
	arms := unHead + // line 1
		"Canada" + ottawaCols + "Ratification,1997-12-03,1997-12-03" + ottawaTail + // 2: good
		"Norway" + ottawaCols + "Ratification,1998-07-09" + ottawaTail + // 3: 8 fields
		"France" + ottawaCols + "Ratification,23 Jul 1998,1997-12-03" + ottawaTail + // 4: bad date
		"Atlantis" + ottawaCols + "Ratification,1998-01-01,1997-12-03" + ottawaTail + // 5: unknown country
		"Chile,att,\"Arms Trade\nTreaty\",Ratification,2018-04-03,2013-06-03,2013,XXVI-8,https://example.org/att\n" + // 6-7: one record on two lines

		"Austria" + ottawaCols + "Ratification,1998-02-30,1997-12-03" + ottawaTail + // 8: impossible date
		"Ireland,landmines-2,Whatever,Ratification,1997-12-03,,1997,X,https://example.org\n" + // 9: unknown treaty
		"Jordan" + ottawaCols + ",,1998-08-11" + ottawaTail + // 10: signature row ...
		"Jordan" + ottawaCols + "Ratification,1998-11-13," + ottawaTail + // 11: ... merged with its ratification
		"Thailand" + ottawaCols + "Ratification,1998-11-27,1997-12-03" + ottawaTail + // 12
		"Thailand" + ottawaCols + "Ratification,1999-01-01,1997-12-03" + ottawaTail + // 13: conflicts with 12
		`Slovenia,ottawa,Convention "Ottawa",Ratification,1998-10-27,1997-12-03` + ottawaTail + // 14: bare quote
		"Switzerland" + ottawaCols + "Signature,1998-03-24,1997-12-03" + ottawaTail + // 15: unknown action_type
		"Belgium 2" + ottawaCols + "Ratification,1998-09-04,1997-12-03" + ottawaTail // 16: footnote marker, good

	ds, err := Load(testFS(t, map[string]string{FileUNArmsControl: arms}))
	if err != nil {
		t.Fatal(err)
	}
	if got := ds.RowsRead[FileUNArmsControl]; got != 14 { // lines 2-16, one record on two lines
		t.Errorf("RowsRead = %d, want 14", got)
	}
	checkRejected(t, ds, FileUNArmsControl, []wantRej{
		{3, "Norway", "wrong number of fields: 8 fields, want 9"},
		{4, "France", `action_date: unparseable date "23 Jul 1998"`},
		{5, "Atlantis", "matches no ISO 3166-1 name"},
		{8, "Austria", `unparseable date "1998-02-30"`},
		{9, "Ireland", `unknown treaty_id "landmines-2"`},
		{13, "Thailand", "ratified 1999-01-01 conflicts with 1998-11-27 on treaties/un-arms-control.csv line 12"},
		{14, "Slovenia", "bare \" in non-quoted-field"},
		{15, "Switzerland", `unknown action_type "Signature"`},
	})

	if a := mustAction(t, ds, "att", "CHL"); a.Line != 6 || a.Ratified != "2018-04-03" {
		t.Errorf("multi-line record: %+v, want line 6", a)
	}
	if a := mustAction(t, ds, "ottawa", "JOR"); a.Signed != "1998-08-11" || a.Ratified != "1998-11-13" || a.Method != MethodRatification || a.Line != 10 {
		t.Errorf("merged Jordan = %+v", a)
	}
	if a := mustAction(t, ds, "ottawa", "THA"); a.Ratified != "1998-11-27" {
		t.Errorf("Thailand kept the conflicting row: %+v", a)
	}
	if a := mustAction(t, ds, "ottawa", "BEL"); a.CountryName != "Belgium 2" || a.Line != 16 {
		t.Errorf("footnoted Belgium = %+v", a)
	}
	var ottawa int
	for _, a := range ds.Actions {
		if a.TreatyID == "ottawa" {
			ottawa++
		}
	}
	if ottawa != 4 { // CAN JOR THA BEL
		t.Errorf("%d ottawa actions, want 4", ottawa)
	}
}

func TestMalformedRomeFile(t *testing.T) {
	rome := `Participant,Signature,"Approval(AA), Acceptance(A), Accession(a), Succession(d), Ratification"` + "\n" +
		"Norway,28 Aug 1998,16 Feb 2000\n" + // 2: good
		"Afghanistan,,10 Feb 2003 x\n" + // 3: unknown method letter
		"Albania,18 Jul 1998,31 Feb 2003\n" + // 4: impossible date
		"Andorra,1998-07-18,30 Apr 2001\n" + // 5: wrong date format
		"Narnia,18 Jul 1998,\n" + // 6: unknown country
		"Austria,7 Oct 1998\n" + // 7: two fields
		"Germany,,\n" + // 8: no dates
		"Netherlands,18 Jul 1998,17 Jul 2001 A\n" + // 9: acceptance
		"Finland,7 Oct 1998,29 Dec 2000 AA\n" // 10: approval
	ds, err := Load(testFS(t, map[string]string{FileRomeStatute: rome}))
	if err != nil {
		t.Fatal(err)
	}
	checkRejected(t, ds, FileRomeStatute, []wantRej{
		{3, "Afghanistan", `unknown method suffix "x"`},
		{4, "Albania", `unparseable date "31 Feb 2003"`},
		{5, "Andorra", `Signature: unparseable date "1998-07-18"`},
		{6, "Narnia", "matches no ISO 3166-1 name"},
		{7, "Austria", "wrong number of fields: 2 fields, want 3"},
		{8, "Germany", "no signature and no ratification date"},
	})
	if a := mustAction(t, ds, RomeStatuteID, "NLD"); a.Method != MethodAcceptance {
		t.Errorf("NLD = %+v", a)
	}
	if a := mustAction(t, ds, RomeStatuteID, "FIN"); a.Method != MethodApproval || a.Ratified != "2000-12-29" {
		t.Errorf("FIN = %+v", a)
	}
}

func TestMalformedCountries(t *testing.T) {
	b, err := fs.ReadFile(data.FS, FileCountries)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	// Line 2 is Afghanistan; break its alpha-3 code. Append a duplicate of
	// Norway's code.
	lines[1] = strings.Replace(lines[1], ",AFG,", ",AF1,", 1)
	csvText := strings.Join(lines, "") + `Norway again,NX,NOR,578,ISO 3166-2:NO,Europe,Northern Europe,"",150,154,""` + "\n"
	ds, err := Load(testFS(t, map[string]string{FileCountries: csvText}))
	if err != nil {
		t.Fatal(err)
	}
	checkRejected(t, ds, FileCountries, []wantRej{
		{2, "Afghanistan", `alpha-3 "AF1"`},
		{251, "Norway again", "duplicate alpha-3 NOR"},
	})
	// Afghanistan's treaty rows now have no country to attach to.
	for _, r := range ds.Rejected {
		if r.Name == "Afghanistan" && r.File != FileCountries && !strings.Contains(r.Reason, "matches no ISO 3166-1 name") {
			t.Errorf("%+v", r)
		}
	}
}

func TestStructuralErrors(t *testing.T) {
	for name, replace := range map[string]map[string]string{
		"wrong UN header":        {FileUNHumanRights: "country,treaty,treaty_name,action_type,action_date,signature_date,treaty_open_year,mtdsg_no,source_url\n"},
		"short UN header":        {FileUNArmsControl: "country_name,treaty_id\nCanada,ottawa\n"},
		"wrong countries header": {FileCountries: "name,alpha2,alpha3,country-code,iso_3166-2,region,sub-region,intermediate-region,region-code,sub-region-code,intermediate-region-code\n"},
		"empty rome file":        {FileRomeStatute: ""},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(testFS(t, replace)); err == nil {
				t.Error("Load succeeded, want a header error")
			} else {
				t.Log(err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		m := testFS(t, nil)
		delete(m, FileRomeStatute)
		if _, err := Load(m); err == nil {
			t.Error("Load succeeded without the Rome Statute file")
		}
	})
	t.Run("BOM before header", func(t *testing.T) {
		b, _ := fs.ReadFile(data.FS, FileRomeStatute)
		if _, err := Load(testFS(t, map[string]string{FileRomeStatute: "\ufeff" + string(b)})); err != nil {
			t.Error(err)
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(data.FS); err != nil {
			b.Fatal(err)
		}
	}
}
