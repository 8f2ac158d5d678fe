package store

import (
	"context"
	_ "embed" // fixed statements live in .cypher files beside this one
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// AgreementPrefix starts every Agreement id.
const AgreementPrefix = "agreement:"

// agreementSuggestionsCypher finds the agreements a mistaken id may have
// meant: the id with the prefix added, or an agreement whose name or one
// of whose aliases is the text (ignoring case).
//
//go:embed agreement_suggestions.cypher
var agreementSuggestionsCypher string

// AgreementSuggestions returns up to five agreement ids that an id not in
// the graph ("ottawa", "agreement:ICC") may have meant.
func (s *Store) AgreementSuggestions(ctx context.Context, id string) ([]string, error) {
	text := strings.TrimSpace(strings.TrimPrefix(id, AgreementPrefix))
	params := map[string]any{"prefixed": AgreementPrefix + text, "lower": strings.ToLower(text)}
	return read(ctx, s, func(tx runner) ([]string, error) {
		recs, err := s.run(ctx, tx, agreementSuggestionsCypher, params)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(recs))
		for _, r := range recs {
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			out = append(out, id)
		}
		return out, nil
	})
}
