// Package data embeds the real-world reference files that seed/refdata
// parses: ISO 3166 countries and UN treaty participation tables. See
// README.md in this directory for sources, licences, dates and known gaps.
//
// The directive lives here, beside the files, because //go:embed cannot
// reach parent directories. Parsers take an fs.FS, so tests can substitute
// an fstest.MapFS holding malformed files.
package data

import "embed"

// FS holds README.md, countries/ and treaties/ with their paths unchanged,
// e.g. "countries/iso3166.csv" and "treaties/un-arms-control.csv".
//
//go:embed README.md countries treaties
var FS embed.FS
