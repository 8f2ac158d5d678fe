package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// FullTextIndex is the name of the full-text index over names.
const FullTextIndex = "node_names"

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
		schemaStatement{"unique_country_iso3", "CREATE CONSTRAINT unique_country_iso3 IF NOT EXISTS FOR (n:Country) REQUIRE n.iso3 IS UNIQUE"},
		schemaStatement{FullTextIndex, "CREATE FULLTEXT INDEX " + FullTextIndex + " IF NOT EXISTS " +
			"FOR (n:Country|Organization|IssueArea|Initiative|Event|Agreement) ON EACH [n.name, n.acronym]"},
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
	return out
}

// EnsureSchema creates the constraints and indexes the API relies on, then
// waits until they are online.
func (s *Store) EnsureSchema(ctx context.Context) error {
	for _, st := range schemaStatements() {
		// Schema commands cannot share a transaction with other statements.
		if _, err := write(ctx, s, func(tx runner) (struct{}, error) {
			_, err := s.run(ctx, tx, st.cypher, nil)
			return struct{}{}, err
		}); err != nil {
			return fmt.Errorf("schema %s: %w", st.name, err)
		}
	}
	if _, err := write(ctx, s, func(tx runner) (struct{}, error) {
		_, err := s.run(ctx, tx, "CALL db.awaitIndexes(60)", nil)
		return struct{}{}, err
	}); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	return nil
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
