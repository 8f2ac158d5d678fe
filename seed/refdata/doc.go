// Package refdata parses the real-world reference files in seed/data into
// typed records ready for loading into the graph: ISO 3166 countries, the
// treaties (Agreements) with the issue areas they address, and one Action
// per (treaty, country) holding the signature date, the date of consent to
// be bound and its method. It has no database code.
//
//	ds, err := refdata.Load(data.FS) // data = github.com/lysoen/lysoen/seed/data
//
// Load fails only on a missing or structurally broken file (wrong header).
// Every row it cannot use — unparseable CSV, wrong field count, bad date,
// unknown treaty, a name that maps to no ISO 3166-1 code — is kept in
// Dataset.Rejected with its file and line; nothing is dropped silently.
// On the real files the only rejected rows are seven in
// treaties/un-human-rights.csv for entities with no ISO code (the European
// Union, the German Democratic Republic, Czechoslovakia).
//
// Known gaps in the data (see seed/data/README.md):
//
//   - States that withdrew are missing from the 2026 UN files, not shown as
//     withdrawn: e.g. Estonia, Latvia, Lithuania and Finland from ottawa,
//     Lithuania from ccm. Absence of an Action is not evidence that a state
//     never joined.
//   - The Rome Statute file is a March 2015 snapshot: later accessions
//     (Palestine 2015, Armenia 2023, Ukraine 2024) and the withdrawals of
//     Burundi and the Philippines are absent.
//   - Country names follow UN usage; nameOverrides maps those that differ
//     from the ISO short names.
//   - No open data was found for ILO Convention 182, the Human Security
//     Network's membership over time, or NGO coalition member lists, so
//     none of these are produced here.
//
// Caveats from how the UN files were scraped (UNTC pages, by
// github.com/mgaldino/treaties-ideal-point):
//
//   - action_type is coarse: the scraper lower-cases the UNTC suffix, so
//     "Accession" also holds acceptances (A) — the likely reading of
//     Japan's and the Netherlands' "Accession" rows that follow a
//     signature, e.g. on ottawa — and "Ratification" also holds approvals
//     (AA) and formal confirmations (c). Method keeps the file's value;
//     only the Rome Statute file yields ACCEPTANCE and APPROVAL.
//   - CCW Amended Protocol II, Protocol IV and Protocol V (ccw_p2a, ccw_p4,
//     ccw_p5) are not open for signature, yet every row has only a
//     signature_date: it is the consent date. Load records it as Ratified
//     with Method CONSENT_TO_BE_BOUND and a Note.
//   - For the CCW article 1 amendment (ccw_art1) signature_date repeats
//     action_date on every row; Load drops that signature, with a Note.
//   - Treaty.AdoptedOn is empty: no file states an adoption date; the UN
//     files' treaty_open_year is kept as Treaty.OpenYear.
package refdata
