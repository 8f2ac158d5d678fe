package refdata

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
)

// Paths of the files Load reads, relative to the fs.FS root (the layout of
// seed/data, whose package data embeds them as data.FS).
const (
	FileCountries     = "countries/iso3166.csv"
	FileUNArmsControl = "treaties/un-arms-control.csv"
	FileUNHumanRights = "treaties/un-human-rights.csv"
	FileRomeStatute   = "treaties/rome-statute-2015.csv"
)

// Methods of expressing consent (Action.Method).
const (
	MethodRatification = "RATIFICATION"
	MethodAccession    = "ACCESSION"
	MethodAcceptance   = "ACCEPTANCE"
	MethodApproval     = "APPROVAL"
	MethodSuccession   = "SUCCESSION"
	// MethodSignature: signed, no consent to be bound recorded.
	MethodSignature = "SIGNATURE"
	// MethodConsentToBeBound: notification of consent to be bound by a
	// CCW protocol (ccw_p2a, ccw_p4, ccw_p5), which is not open for
	// signature. See fixSignatureColumnIsConsent.
	MethodConsentToBeBound = "CONSENT_TO_BE_BOUND"
)

// Country is one row of countries/iso3166.csv.
type Country struct {
	ISO3, ISO2, Name string
	Region           string // UN M49 region; "" for Antarctica and Taiwan in the source
	SubRegion        string // UN M49 sub-region; "" likewise
	M49              string // numeric code, zero-padded, e.g. "040"
	Line             int
}

// Treaty is an agreement that a state can sign or join.
type Treaty struct {
	ID           string // file treaty_id, e.g. "ottawa", "crc_op_ac"; "rome-statute"
	AgreementID  string // "agreement:ottawa", "agreement:crc-op-ac", "agreement:rome-statute"
	Name         string // as published in the file (fixed for the Rome Statute)
	Kind         string // KindTreaty, KindConvention or KindProtocol
	IssueAreaIDs []string
	// AdoptedOn is always "": no file states an adoption date.
	AdoptedOn string
	SourceURL string // UN Treaty Collection page
	MTDSGNo   string // UNTC reference, e.g. "XXVI-5"
	// OpenYear is the UN files' treaty_open_year, set by hand in the
	// scraper's config; sometimes the year of adoption, sometimes of
	// opening for signature. "" for the Rome Statute.
	OpenYear string
	// Acronym and Aliases are the treaty's usual acronym and other names
	// (treatyNames), e.g. "APMBC", "Mine Ban Convention".
	Acronym string
	Aliases []string
	File    string // the file whose rows reference this treaty
}

// Action is one state's participation in one treaty: its signature and/or
// its consent to be bound, merged into one record per (treaty, country).
type Action struct {
	TreatyID    string
	ISO3        string
	CountryName string // as written in the file
	Signed      string // "YYYY-MM-DD" or ""
	// Ratified is the date of consent to be bound (ratification,
	// accession, acceptance, approval, succession, or CCW consent), or "".
	Ratified string
	// Method is one of the Method* constants. In the UN files it is the
	// scraper's action_type, which is coarse: "Accession" also covers
	// UNTC acceptances (A) and "Ratification" also covers approvals (AA)
	// and formal confirmations (c); only the Rome Statute file
	// distinguishes ACCEPTANCE and APPROVAL.
	Method    string
	File      string
	Line      int    // first CSV line of the (first) row the action comes from
	SourceURL string // UNTC page of the treaty
	Note      string // set when a documented correction was applied
}

// Rejected is a row that Load could not turn into a record.
type Rejected struct {
	File   string
	Line   int
	Name   string // country name (first field) when available
	Reason string
}

// Dataset is everything Load read.
type Dataset struct {
	Countries []Country
	Treaties  []Treaty
	Actions   []Action
	Rejected  []Rejected
	RowsRead  map[string]int // data rows (header excluded) per file

	actionIdx  map[actionKey]int
	countryIdx map[string]int
}

type actionKey struct{ treaty, iso3 string }

// Lookup returns the action of a country (ISO3) on a treaty.
func (d *Dataset) Lookup(treatyID, iso3 string) (Action, bool) {
	i, ok := d.actionIdx[actionKey{treatyID, iso3}]
	if !ok {
		return Action{}, false
	}
	return d.Actions[i], true
}

// Country returns the country with the given ISO3 code.
func (d *Dataset) Country(iso3 string) (Country, bool) {
	i, ok := d.countryIdx[iso3]
	if !ok {
		return Country{}, false
	}
	return d.Countries[i], true
}

// Load reads the four reference files from fsys (use data.FS from
// seed/data for the embedded copies). It returns an error only when a file
// is missing, unreadable or structurally broken (wrong header); every bad
// row is recorded in Dataset.Rejected with its file and line.
func Load(fsys fs.FS) (*Dataset, error) {
	d := &Dataset{
		Actions:    make([]Action, 0, 4096),
		RowsRead:   make(map[string]int, 4),
		actionIdx:  make(map[actionKey]int, 4096),
		countryIdx: make(map[string]int, 256),
	}
	if err := d.loadCountries(fsys); err != nil {
		return nil, err
	}
	idx := newNameIndex(d.Countries)
	ld := &loader{d: d, names: idx, treatyIdx: make(map[string]int, 32)}
	for _, file := range []string{FileUNArmsControl, FileUNHumanRights} {
		if err := ld.loadUN(fsys, file); err != nil {
			return nil, err
		}
	}
	if err := ld.loadRome(fsys); err != nil {
		return nil, err
	}
	return d, nil
}

var (
	countriesHeader = []string{"name", "alpha-2", "alpha-3", "country-code", "iso_3166-2", "region", "sub-region", "intermediate-region", "region-code", "sub-region-code", "intermediate-region-code"}
	unHeader        = []string{"country_name", "treaty_id", "treaty_name", "action_type", "action_date", "signature_date", "treaty_open_year", "mtdsg_no", "source_url"}
	romeHeader      = []string{"Participant", "Signature", "Approval(AA), Acceptance(A), Accession(a), Succession(d), Ratification"}
)

// readCSV opens file, checks its header and calls row for every data row
// with its starting line number. Rows that encoding/csv cannot parse (wrong
// field count, bad quoting) are rejected with the ParseError's line.
func (d *Dataset) readCSV(fsys fs.FS, file string, header []string, row func(rec []string, line int)) error {
	f, err := fsys.Open(file)
	if err != nil {
		return fmt.Errorf("refdata: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	r.ReuseRecord = true
	got, err := r.Read()
	if err == io.EOF {
		return fmt.Errorf("refdata: %s: empty file, want header %q", file, strings.Join(header, ","))
	}
	if err != nil {
		return fmt.Errorf("refdata: %s: header: %w", file, err)
	}
	if len(got) > 0 {
		got[0] = strings.TrimPrefix(got[0], "\ufeff")
	}
	for i := range header {
		if got[i] != header[i] {
			return fmt.Errorf("refdata: %s: header column %d is %q, want %q", file, i+1, got[i], header[i])
		}
	}
	d.RowsRead[file] = 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			d.RowsRead[file]++
			name := ""
			if len(rec) > 0 {
				name = rec[0]
			}
			reason := pe.Err.Error()
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				reason = fmt.Sprintf("%s: %d fields, want %d", reason, len(rec), len(header))
			}
			d.reject(file, pe.StartLine, name, reason)
			continue
		}
		if err != nil {
			return fmt.Errorf("refdata: %s: %w", file, err)
		}
		d.RowsRead[file]++
		line, _ := r.FieldPos(0)
		row(rec, line)
	}
}

func (d *Dataset) reject(file string, line int, name, reason string) {
	d.Rejected = append(d.Rejected, Rejected{File: file, Line: line, Name: name, Reason: reason})
}

func (d *Dataset) loadCountries(fsys fs.FS) error {
	return d.readCSV(fsys, FileCountries, countriesHeader, func(rec []string, line int) {
		c := Country{
			Name: strings.TrimSpace(rec[0]), ISO2: strings.TrimSpace(rec[1]), ISO3: strings.TrimSpace(rec[2]),
			M49: strings.TrimSpace(rec[3]), Region: strings.TrimSpace(rec[5]), SubRegion: strings.TrimSpace(rec[6]),
			Line: line,
		}
		var why string
		switch {
		case c.Name == "":
			why = "empty name"
		case !isUpperAlpha(c.ISO3, 3):
			why = fmt.Sprintf("alpha-3 %q is not three letters A-Z", c.ISO3)
		case !isUpperAlpha(c.ISO2, 2):
			why = fmt.Sprintf("alpha-2 %q is not two letters A-Z", c.ISO2)
		case !isDigits(c.M49, 3):
			why = fmt.Sprintf("country-code %q is not three digits", c.M49)
		}
		if _, dup := d.countryIdx[c.ISO3]; why == "" && dup {
			why = fmt.Sprintf("duplicate alpha-3 %s (first on line %d)", c.ISO3, d.Countries[d.countryIdx[c.ISO3]].Line)
		}
		if why != "" {
			d.reject(FileCountries, line, c.Name, why)
			return
		}
		d.countryIdx[c.ISO3] = len(d.Countries)
		d.Countries = append(d.Countries, c)
	})
}

type loader struct {
	d         *Dataset
	names     *nameIndex
	treatyIdx map[string]int // treaty id -> index in d.Treaties
}

// loadUN reads one of the UN Treaty Collection files: one row per
// (country, treaty) with action_type in {Ratification, Accession,
// Succession} and action_date, or action_type and action_date empty for a
// signature only; signature_date is the signature, when there is one.
func (l *loader) loadUN(fsys fs.FS, file string) error {
	return l.d.readCSV(fsys, file, unHeader, func(rec []string, line int) {
		name, treatyID := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		actionType, actionDate, sigDate := strings.TrimSpace(rec[3]), strings.TrimSpace(rec[4]), strings.TrimSpace(rec[5])
		rejectf := func(format string, args ...any) {
			l.d.reject(file, line, name, fmt.Sprintf(format, args...))
		}
		info, ok := knownTreaties[treatyID]
		if !ok {
			rejectf("unknown treaty_id %q (add it to knownTreaties with its kind and issue areas)", treatyID)
			return
		}
		if i, seen := l.treatyIdx[treatyID]; seen {
			t := l.d.Treaties[i]
			if t.File != file || t.Name != rec[2] || t.SourceURL != rec[8] {
				rejectf("treaty %s metadata (file, name or source_url) differs from its first row in %s", treatyID, t.File)
				return
			}
		} else {
			l.treatyIdx[treatyID] = len(l.d.Treaties)
			l.d.Treaties = append(l.d.Treaties, newTreaty(treatyID, rec[2], info, rec[7], rec[6], rec[8], file))
		}
		signed, err := parseISODate(sigDate)
		if err != nil {
			rejectf("signature_date: %v", err)
			return
		}
		ratified, err := parseISODate(actionDate)
		if err != nil {
			rejectf("action_date: %v", err)
			return
		}
		var method string
		switch {
		case actionType == "" && ratified == "" && signed == "":
			rejectf("no signature_date and no action_date")
			return
		case actionType == "" && ratified == "":
			method = MethodSignature
		case actionType == "":
			rejectf("action_date %s without action_type", actionDate)
			return
		case ratified == "":
			rejectf("action_type %q without action_date", actionType)
			return
		default:
			method, ok = unActionTypes[actionType]
			if !ok {
				rejectf("unknown action_type %q", actionType)
				return
			}
		}
		note := ""
		switch info.fix {
		case fixSignatureColumnIsConsent:
			if method == MethodSignature {
				ratified, signed, method = signed, "", MethodConsentToBeBound
				note = "file lists this date as signature_date with no action_type; this CCW protocol is not open for signature, so it is the date of consent to be bound (or of succession: the scraper dropped the UNTC suffix)"
			}
		case fixSignatureCopiesAction:
			if signed != "" && signed == ratified {
				signed = ""
				note = "file's signature_date copies action_date; the CCW article 1 amendment was not open for signature, so no signature is recorded"
			}
		}
		iso3, why := l.names.resolve(name)
		if iso3 == "" {
			rejectf("%s", why)
			return
		}
		l.add(Action{
			TreatyID: treatyID, ISO3: iso3, CountryName: name,
			Signed: signed, Ratified: ratified, Method: method,
			File: file, Line: line, SourceURL: rec[8], Note: note,
		})
	})
}

var unActionTypes = map[string]string{
	"Ratification": MethodRatification,
	"Accession":    MethodAccession,
	"Succession":   MethodSuccession,
}

// romeMethods are the UNTC suffixes named in the Rome Statute file's
// header: "Approval(AA), Acceptance(A), Accession(a), Succession(d),
// Ratification" — no suffix means ratification. Case matters: "A" is
// acceptance, "a" accession.
var romeMethods = map[string]string{
	"":   MethodRatification,
	"AA": MethodApproval,
	"A":  MethodAcceptance,
	"a":  MethodAccession,
	"d":  MethodSuccession,
}

// loadRome reads the Rome Statute snapshot: Participant, Signature ("18 Jul
// 1998"), and the consent date with an optional method suffix ("10 Feb 2003
// a").
func (l *loader) loadRome(fsys fs.FS) error {
	const file = FileRomeStatute
	return l.d.readCSV(fsys, file, romeHeader, func(rec []string, line int) {
		name := strings.TrimSpace(rec[0])
		rejectf := func(format string, args ...any) {
			l.d.reject(file, line, name, fmt.Sprintf(format, args...))
		}
		if _, seen := l.treatyIdx[RomeStatuteID]; !seen {
			l.treatyIdx[RomeStatuteID] = len(l.d.Treaties)
			l.d.Treaties = append(l.d.Treaties, newTreaty(RomeStatuteID, romeStatuteName, romeStatuteInfo, romeStatuteMTDSG, "", romeStatuteSourceURL, file))
		}
		signed, err := parseUNTCDate(rec[1])
		if err != nil {
			rejectf("Signature: %v", err)
			return
		}
		consent := strings.Fields(rec[2])
		ratified, method := "", MethodSignature
		if len(consent) > 0 {
			suffix := ""
			if len(consent) == 4 {
				suffix = consent[3]
			} else if len(consent) != 3 {
				rejectf("ratification %q: want \"D Mon YYYY\" with an optional method letter", rec[2])
				return
			}
			var ok bool
			if method, ok = romeMethods[suffix]; !ok {
				rejectf("ratification %q: unknown method suffix %q (want AA, A, a or d)", rec[2], suffix)
				return
			}
			if ratified, err = parseUNTCDate(strings.Join(consent[:3], " ")); err != nil {
				rejectf("ratification: %v", err)
				return
			}
		}
		if signed == "" && ratified == "" {
			rejectf("no signature and no ratification date")
			return
		}
		iso3, why := l.names.resolve(name)
		if iso3 == "" {
			rejectf("%s", why)
			return
		}
		l.add(Action{
			TreatyID: RomeStatuteID, ISO3: iso3, CountryName: name,
			Signed: signed, Ratified: ratified, Method: method,
			File: file, Line: line, SourceURL: romeStatuteSourceURL,
		})
	})
}

// add stores a, merging it with an earlier action on the same (treaty,
// country): a signature row and a consent row become one record. Rows that
// contradict the earlier one are rejected.
func (l *loader) add(a Action) {
	k := actionKey{a.TreatyID, a.ISO3}
	i, ok := l.d.actionIdx[k]
	if !ok {
		l.d.actionIdx[k] = len(l.d.Actions)
		l.d.Actions = append(l.d.Actions, a)
		return
	}
	prev := &l.d.Actions[i]
	conflict := func(field, x, y string) bool {
		if x != "" && y != "" && x != y {
			l.d.reject(a.File, a.Line, a.CountryName, fmt.Sprintf("%s %s conflicts with %s on %s line %d (%s)", field, y, x, prev.File, prev.Line, prev.CountryName))
			return true
		}
		return false
	}
	if conflict("signed", prev.Signed, a.Signed) || conflict("ratified", prev.Ratified, a.Ratified) {
		return
	}
	if a.Ratified != "" && prev.Ratified != "" && a.Method != prev.Method {
		l.d.reject(a.File, a.Line, a.CountryName, fmt.Sprintf("method %s conflicts with %s on %s line %d", a.Method, prev.Method, prev.File, prev.Line))
		return
	}
	if prev.Signed == "" {
		prev.Signed = a.Signed
	}
	if prev.Ratified == "" && a.Ratified != "" {
		prev.Ratified, prev.Method = a.Ratified, a.Method
	}
	if prev.Note == "" {
		prev.Note = a.Note
	}
}

// parseISODate checks a "YYYY-MM-DD" date (empty is allowed).
func parseISODate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", fmt.Errorf("unparseable date %q, want YYYY-MM-DD", s)
	}
	return s, nil // time.DateOnly parsing only accepts the canonical form
}

// parseUNTCDate parses the UN Treaty Collection's "18 Jul 1998" (empty is
// allowed).
func parseUNTCDate(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", nil
	}
	t, err := time.Parse("2 Jan 2006", s)
	if err != nil {
		return "", fmt.Errorf("unparseable date %q, want e.g. \"18 Jul 1998\"", s)
	}
	return t.Format(time.DateOnly), nil
}

func isUpperAlpha(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < n; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
