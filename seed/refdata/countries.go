package refdata

import (
	"regexp"
	"strings"
)

// nameOverrides maps participant names used by the UN Treaty Collection
// (and by the 2015 Rome Statute snapshot) to ISO 3166-1 alpha-3 codes,
// for names that differ from the ISO CSV's short names. Names that match
// the ISO CSV exactly ("Türkiye", "Côte d'Ivoire", "Holy See", "Niue",
// "Cook Islands", "United Kingdom of Great Britain and Northern
// Ireland", ...) need no entry. Matching ignores case, surrounding and
// repeated spaces, curly apostrophes and trailing footnote markers
// ("Belgium 2", "Germany3,4").
var nameOverrides = map[string]string{
	"Bahamas (The)":                             "BHS", // ISO: "Bahamas"
	"Bolivia (Plurinational State of)":          "BOL", // ISO: "Bolivia, Plurinational State of"
	"Czech Republic":                            "CZE", // ISO: "Czechia"
	"Democratic People's Republic of Korea":     "PRK",
	"Democratic Republic of the Congo":          "COD",
	"Iran (Islamic Republic of)":                "IRN",
	"Micronesia (Federated States of)":          "FSM",
	"Netherlands":                               "NLD", // Rome Statute file; ISO: "Netherlands, Kingdom of the"
	"Netherlands (Kingdom of the)":              "NLD",
	"Republic of Korea":                         "KOR",
	"Republic of Moldova":                       "MDA",
	"St. Kitts and Nevis":                       "KNA",
	"St. Lucia":                                 "LCA",
	"St. Vincent and the Grenadines":            "VCT",
	"State of Palestine":                        "PSE",
	"The former Yugoslav Republic of Macedonia": "MKD", // UN name until 2019 (Rome Statute file)
	"United Republic of Tanzania":               "TZA",
	"Venezuela (Bolivarian Republic of)":        "VEN",
	// Earlier UN names, absent from the current files but used by older
	// UNTC snapshots such as the 2015 Rome Statute file's source.
	"Turkey":     "TUR",
	"Swaziland":  "SWZ",
	"Cape Verde": "CPV",
}

// OverrideCount is the number of entries in the explicit UN-name to ISO3
// table.
func OverrideCount() int { return len(nameOverrides) }

// nonISOEntities are participants that have no ISO 3166-1 code. Their rows
// are still Rejected (there is no Country node to attach them to), but with
// a specific reason instead of "unknown name".
var nonISOEntities = map[string]string{
	"European Union":             "regional integration organization, not a state: no ISO 3166-1 code",
	"Czechoslovakia":             "dissolved state (1992): no current ISO 3166-1 code (ISO 3166-3 CSHH)",
	"German Democratic Republic": "dissolved state (1990): no current ISO 3166-1 code (ISO 3166-3 DDDE)",
}

// footnote matches trailing footnote markers after a letter or ")":
// "Belgium 2", "Germany3,4", "Netherlands (Kingdom of the) 12".
var footnote = regexp.MustCompile(`^(.*[\p{L})])\s*\d+(?:\s*,\s*\d+)*$`)

// normName is the key used to match names: footnotes stripped, spaces
// collapsed, curly quotes straightened, lower case.
func normName(s string) string {
	s = quoteFolder.Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	if n := len(s); n > 0 && s[n-1] >= '0' && s[n-1] <= '9' {
		if m := footnote.FindStringSubmatch(s); m != nil {
			s = strings.TrimSpace(m[1])
		}
	}
	return strings.ToLower(s)
}

var quoteFolder = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u00a0", " ")

// nameIndex resolves participant names to ISO3 codes.
type nameIndex struct {
	iso3 map[string]string // normName -> ISO3
	non  map[string]string // normName -> reason it has no ISO3
}

func newNameIndex(countries []Country) *nameIndex {
	idx := &nameIndex{
		iso3: make(map[string]string, len(countries)+len(nameOverrides)),
		non:  make(map[string]string, len(nonISOEntities)),
	}
	known := make(map[string]bool, len(countries))
	for _, c := range countries {
		idx.iso3[normName(c.Name)] = c.ISO3
		known[c.ISO3] = true
	}
	for name, code := range nameOverrides {
		// An override whose code is missing from the country list would
		// produce dangling actions; leave the name unresolved instead.
		if known[code] {
			idx.iso3[normName(name)] = code
		}
	}
	for name, why := range nonISOEntities {
		idx.non[normName(name)] = why
	}
	return idx
}

// resolve returns the ISO3 code for a participant name, or "" and the
// reason it cannot be mapped.
func (idx *nameIndex) resolve(name string) (iso3, reason string) {
	key := normName(name)
	if key == "" {
		return "", "empty country name"
	}
	if code, ok := idx.iso3[key]; ok {
		return code, ""
	}
	if why, ok := idx.non[key]; ok {
		return "", why
	}
	return "", "country name matches no ISO 3166-1 name and no override"
}
