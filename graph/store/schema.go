package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// FullTextIndex is the name of the full-text index over names.
const FullTextIndex = "node_names"

// fullTextLabels and fullTextProps are what FullTextIndex covers: the
// names and acronyms of the searchable labels, and the usual names of
// agreements (aliases, a list of strings: "Ottawa Treaty", "ICC").
var (
	fullTextLabels = []string{"Country", "Organization", "IssueArea", "Initiative", "Event", "Agreement"}
	fullTextProps  = []string{"name", "acronym", "aliases"}
)

// schemaStatement is one idempotent constraint or index.
type schemaStatement struct {
	name   string
	cypher string
}

// schemaStatements are applied at start-up; every one is IF NOT EXISTS, so
// applying them twice changes nothing.
func schemaStatements() []schemaStatement {
	var out []schemaStatement
	for _, l := range append([]Label{LabelActor}, PrimaryLabels...) {
		name := "unique_" + strings.ToLower(string(l)) + "_id"
		out = append(out, schemaStatement{name, fmt.Sprintf(
			"CREATE CONSTRAINT %s IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", name, l)})
	}
	out = append(out,
		schemaStatement{"unique_datasetversion_id", "CREATE CONSTRAINT unique_datasetversion_id IF NOT EXISTS FOR (n:" + LabelDatasetVersion + ") REQUIRE n.id IS UNIQUE"},
		schemaStatement{"unique_country_iso3", "CREATE CONSTRAINT unique_country_iso3 IF NOT EXISTS FOR (n:Country) REQUIRE n.iso3 IS UNIQUE"},
		schemaStatement{FullTextIndex, "CREATE FULLTEXT INDEX " + FullTextIndex + " IF NOT EXISTS " +
			"FOR (n:" + strings.Join(fullTextLabels, "|") + ") ON EACH [n." + strings.Join(fullTextProps, ", n.") + "]"},
	)
	for _, l := range []Label{LabelCountry, LabelOrganization, LabelIssueArea, LabelInitiative, LabelEvent, LabelAgreement} {
		name := "range_" + strings.ToLower(string(l)) + "_name"
		out = append(out, schemaStatement{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.name)", name, l)})
	}
	// The dates lists are sorted and filtered by: string range seeks in order
	// (filter.go writes date filters as ISO string comparisons).
	for _, d := range []struct {
		l    Label
		prop string
	}{{LabelEvent, "startDate"}, {LabelInitiative, "startDate"}, {LabelAgreement, "adoptedOn"}, {LabelRollCall, "date"}, {LabelRollCall, "rcid"}} {
		name := "range_" + strings.ToLower(string(d.l)) + "_" + strings.ToLower(d.prop)
		out = append(out, schemaStatement{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s)", name, d.l, d.prop)})
	}
	// A change-set review (ChangeSet) finds what one batch wrote by
	// changeSetId. A Neo4j index covers one label or one relationship type,
	// so there is one per label and type; only what a write touched carries
	// the property, so the indexes stay small.
	for _, l := range PrimaryLabels {
		name := "range_" + strings.ToLower(string(l)) + "_changesetid"
		out = append(out, schemaStatement{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.changeSetId)", name, l)})
	}
	for _, t := range sortedRelTypes() {
		name := "range_" + strings.ToLower(string(t)) + "_changesetid"
		out = append(out, schemaStatement{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.changeSetId)", name, t)})
	}
	return out
}

// sortedRelTypes is RelTypes' keys in name order.
func sortedRelTypes() []RelType {
	out := make([]RelType, 0, len(RelTypes))
	for t := range RelTypes {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// EnsureSchema creates the constraints and indexes the API relies on, then
// waits until they are online.
func (s *Store) EnsureSchema(ctx context.Context) error {
	if err := s.dropStaleFullText(ctx); err != nil {
		return err
	}
	for _, st := range schemaStatements() {
		// Schema commands cannot share a transaction with other statements.
		if err := writeSchema(ctx, s, st.cypher); err != nil {
			return fmt.Errorf("schema %s: %w", st.name, err)
		}
	}
	if err := writeSchema(ctx, s, "CALL db.awaitIndexes(60)"); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	return nil
}

// dropStaleFullText drops FullTextIndex when it exists with other labels or
// properties than fullTextLabels and fullTextProps (a database made before
// agreements had aliases), so that EnsureSchema creates it again as
// wanted: CREATE … IF NOT EXISTS would keep the old one.
func (s *Store) dropStaleFullText(ctx context.Context) error {
	stale, err := read(ctx, s, func(tx runner) (bool, error) {
		recs, err := s.run(ctx, tx, "SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties WHERE name = $name "+
			"RETURN labelsOrTypes, properties", map[string]any{"name": FullTextIndex})
		if err != nil || len(recs) == 0 {
			return false, err
		}
		labels, _, _ := neo4j.GetRecordValue[[]any](recs[0], "labelsOrTypes")
		props, _, _ := neo4j.GetRecordValue[[]any](recs[0], "properties")
		return !sameStrings(labels, fullTextLabels) || !sameStrings(props, fullTextProps), nil
	})
	if err != nil || !stale {
		return err
	}
	if err := writeSchema(ctx, s, "DROP INDEX "+FullTextIndex+" IF EXISTS"); err != nil {
		return fmt.Errorf("drop outdated %s: %w", FullTextIndex, err)
	}
	return nil
}

// sameStrings reports whether got holds exactly the strings of want, in any order.
func sameStrings(got []any, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]bool{}
	for _, g := range got {
		s, _ := g.(string)
		seen[s] = true
	}
	for _, w := range want {
		if !seen[w] {
			return false
		}
	}
	return true
}

// SchemaMissing returns the names of constraints and indexes that are not
// in place (or not online); empty means the schema is ready.
func (s *Store) SchemaMissing(ctx context.Context) ([]string, error) {
	present, err := read(ctx, s, func(tx runner) (map[string]bool, error) {
		recs, err := s.run(ctx, tx, "SHOW INDEXES YIELD name, state RETURN name, state", nil)
		if err != nil {
			return nil, err
		}
		out := map[string]bool{}
		for _, r := range recs {
			name, _, _ := neo4j.GetRecordValue[string](r, "name")
			state, _, _ := neo4j.GetRecordValue[string](r, "state")
			out[name] = state == "ONLINE"
		}
		recs, err = s.run(ctx, tx, "SHOW CONSTRAINTS YIELD name RETURN name", nil)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			name, _, _ := neo4j.GetRecordValue[string](r, "name")
			out[name] = true
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, st := range schemaStatements() {
		if !present[st.name] {
			missing = append(missing, st.name)
		}
	}
	return missing, nil
}
