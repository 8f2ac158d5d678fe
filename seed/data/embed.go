// Package data embeds the real-world reference files that seed/refdata
// parses (ISO 3166 countries and UN treaty participation tables) and the
// coalition datasets that seed/coalition imports (UN General Assembly
// votes, Correlates of War IGO memberships, informal groups, multilateral
// treaty participation, UN membership years). See README.md in this
// directory for sources, licences, dates and known gaps.
//
// The directive lives here, beside the files, because //go:embed cannot
// reach parent directories. Parsers take an fs.FS, so tests can substitute
// an fstest.MapFS holding malformed files.
package data

import "embed"

// FS holds README.md and the dataset folders with their paths unchanged,
// e.g. "countries/iso3166.csv" and "unga-votes/un_votes.csv.gz" (the .gz
// files stay compressed).
//
//go:embed README.md countries treaties unga-votes cow-igo informal-igos treaties-ggo un-members
var FS embed.FS
