package coalition

import (
	"fmt"

	"github.com/lysoen/lysoen/seed/refdata"
)

// HistoricalState is a state that no longer exists, kept as its own
// Country {historical: true} (never merged into a successor). Its code
// has four letters, so it cannot collide with an ISO 3166-1 alpha-3 code:
// the ISO 3166-3 code of formerly used names where there is one, else "X"
// and the Correlates of War state abbreviation.
type HistoricalState struct {
	Code    string // the node is country:<Code>
	Name    string
	CodeSrc string // where the code comes from
	Note    string
}

// historicalStates is the table of historical states the datasets name
// (docs/data.md lists it). Pre-1945 states of the Correlates of War data
// are added from states2016.csv by cowStates.
var historicalStates = []HistoricalState{
	{"SUHH", "Union of Soviet Socialist Republics", "ISO 3166-3", "UN votes: rows labelled Russia (RU) before 1991-12-24; COW ccode 365 before 1992"},
	{"CSHH", "Czechoslovakia", "ISO 3166-3", "UN votes CS; COW ccode 315"},
	{"DDDE", "German Democratic Republic", "ISO 3166-3", "UN votes DD; COW ccode 265"},
	{"YDYE", "Yemen People's Republic (South Yemen)", "ISO 3166-3", "UN votes YD; COW ccode 680"},
	{"YUCS", "Yugoslavia", "ISO 3166-3", "UN votes labelled Yugoslavia (YU) before 2003-02-04; COW ccode 345 before 2003"},
	{"CSXX", "Serbia and Montenegro", "ISO 3166-3", "UN votes labelled Yugoslavia (YU) from 2003-02-04 to 2006-06-02; COW ccode 345 2003-2005"},
	{"XYAR", "Yemen Arab Republic (North Yemen)", "COW abbreviation YAR", "UN votes without a code; COW ccode 678"},
	{"XZAN", "Zanzibar", "COW abbreviation ZAN", "UN votes without a code (1963); COW ccode 511"},
}

// Dates at which a dataset's single label covers a state and its
// successor: the UN voting data files the USSR's votes under Russia and
// Serbia's and Serbia and Montenegro's under Yugoslavia.
const (
	ussrEnd               = "1991-12-24" // Russia informs the UN that it continues the USSR's membership
	yugoslaviaEnd         = "2003-02-04" // the Federal Republic of Yugoslavia becomes Serbia and Montenegro
	serbiaMontenegroEnd   = "2006-06-03" // Montenegro's independence: Serbia continues the membership
	historicalCountryNote = "a state that no longer exists, kept as its own node"
)

// crosswalk maps the datasets' country codes onto graph ids.
type crosswalk struct {
	iso2 map[string]string // ISO 3166-1 alpha-2 -> alpha-3 (countries/iso3166.csv)
	iso3 map[string]bool
	hist map[string]HistoricalState
}

func newCrosswalk(countries []refdata.Country) *crosswalk {
	c := &crosswalk{iso2: map[string]string{}, iso3: map[string]bool{}, hist: map[string]HistoricalState{}}
	for _, k := range countries {
		c.iso2[k.ISO2] = k.ISO3
		c.iso3[k.ISO3] = true
	}
	for _, h := range historicalStates {
		c.hist[h.Code] = h
	}
	return c
}

// unVoteNoCode maps the UN voting data's rows without a country code.
var unVoteNoCode = map[string]string{
	// ISO 3166-1's DE/DEU was the Federal Republic's code before 1990 and
	// stayed Germany's: the same state (the GDR acceded to it).
	"Federal Republic of Germany": "DEU",
	"Yemen Arab Republic":         "XYAR",
	"Zanzibar":                    "XZAN",
}

// unVoteHistoricalISO2 are withdrawn ISO 3166-1 alpha-2 codes the UN
// voting data uses.
var unVoteHistoricalISO2 = map[string]string{"CS": "CSHH", "DD": "DDDE", "YD": "YDYE"}

// voter returns the Country id for a row of un_votes.csv.gz, or a reason.
func (c *crosswalk) voter(code, name, date string) (string, string) {
	switch {
	case code == "":
		if id, ok := unVoteNoCode[name]; ok {
			return "country:" + id, ""
		}
		return "", fmt.Sprintf("no country_code and %q is not in the table of states without a code", name)
	case code == "RU" && date < ussrEnd:
		return "country:SUHH", ""
	case code == "YU" && date < yugoslaviaEnd:
		return "country:YUCS", ""
	case code == "YU" && date < serbiaMontenegroEnd:
		return "country:CSXX", ""
	case code == "YU":
		return "country:SRB", ""
	}
	if h, ok := unVoteHistoricalISO2[code]; ok {
		return "country:" + h, ""
	}
	if iso3, ok := c.iso2[code]; ok {
		return "country:" + iso3, ""
	}
	return "", fmt.Sprintf("country_code %q (%s) is not an ISO 3166-1 alpha-2 code", code, name)
}
