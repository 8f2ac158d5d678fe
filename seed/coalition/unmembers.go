package coalition

import (
	"fmt"
	"io/fs"
	"strconv"

	"github.com/lysoen/lysoen/graph/store"
)

// SourceUNMembers is the Source of the UN and OECD membership years.
const SourceUNMembers = "source:country-converter"

var unMembersSource = sourceInfo{
	id:    SourceUNMembers,
	title: "country_converter's country table: codes and the years states joined the UN and the OECD",
	date:  "2024", file: DataDir + FileCountries, url: "https://github.com/IndEcol/country_converter",
	licence:  "GPL-3.0 (un-members/LICENSE)",
	citation: "Konstantin Stadler, The country converter coco – a Python package for converting country names between different classification schemes, Journal of Open Source Software 2(16), 2017",
}

// The UN and OECD joining years are properties of the Country
// (unMemberSince, oecdMemberSince), not MEMBER_OF relationships: the
// Correlates of War data already holds the UN membership as yearly spans
// (org:cow-un, to 2014), and a second relationship from a table with one
// year and no end would double it.
var unMembersSpec = spec{
	name: "un-members", source: unMembersSource,
	files: []string{FileCountries, "un-members/LICENSE"},
	code:  []string{"unmembers.go", "csvfile.go"},
	parse: parseUNMembers,
}

func parseUNMembers(fsys fs.FS, e *env, d *dataset) error {
	return readCSV(fsys, FileCountries, '\t', []string{"ISO3", "name_short", "UNmember", "OECD"}, func(r row) error {
		d.rowsRead[FileCountries]++
		props := map[string]any{}
		for col, prop := range map[string]string{"UNmember": "unMemberSince", "OECD": "oecdMemberSince"} {
			v := r.get(col)
			if v == "" {
				props[prop] = nil
				continue
			}
			y, ok := intField(v)
			if !ok || y < 1945 || y > 2100 {
				e.reject(FileCountries, r.line, r.get("name_short"), fmt.Sprintf("%s %q is not a year", col, v))
				return nil
			}
			props[prop] = strconv.FormatInt(y, 10)
		}
		iso3 := r.get("ISO3")
		if !e.cw.iso3[iso3] {
			if props["unMemberSince"] != nil || props["oecdMemberSince"] != nil {
				e.reject(FileCountries, r.line, r.get("name_short"), fmt.Sprintf("ISO3 %q is not in countries/iso3166.csv", iso3))
			}
			return nil
		}
		if props["unMemberSince"] == nil && props["oecdMemberSince"] == nil {
			props["membershipSourceId"] = nil
		} else {
			props["membershipSourceId"] = SourceUNMembers
		}
		d.nodes = append(d.nodes, store.SyncNode{Label: store.LabelCountry, ID: "country:" + iso3, Props: props})
		return nil
	})
}
