package store

import (
	"context"
	"strings"
	"unicode"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// SearchHit is one node found by full-text search, with its Lucene score.
type SearchHit struct {
	Node  Node
	Score float64
}

// MaxSearchTerms bounds the words of one search, so a long text cannot
// build a huge Lucene query.
const MaxSearchTerms = 16

// luceneSpecial are the characters Lucene's classic query parser treats as
// syntax; && and || are covered by escaping & and |.
const luceneSpecial = `\+-!():^[]"{}~*?|&/`

// EscapeLucene escapes every character of s that Lucene's query syntax
// gives a meaning to, so s is matched as literal text.
func EscapeLucene(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if strings.ContainsRune(luceneSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SearchQuery turns user text into a Lucene query: every word must match,
// either exactly or as a prefix ("child sold" finds "Child Soldiers"); exact
// matches score higher. Words are lower-cased (so AND/OR/NOT are words, not
// operators) and escaped. Words without a letter or digit are dropped, as
// the index's analyzer would drop them. "" means nothing to search for.
func SearchQuery(text string) string {
	var clauses []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		if len(clauses) == MaxSearchTerms {
			break
		}
		e := EscapeLucene(w)
		clauses = append(clauses, "("+e+" OR "+e+"*)")
	}
	return strings.Join(clauses, " AND ")
}

// searchHits and searchOrder frame every search statement. No limit inside
// the index call: Lucene would cut among equal scores arbitrarily; ordering
// all hits here makes ties (every prefix-only match scores the same)
// deterministic, by name then id.
var (
	searchHits  = "CALL db.index.fulltext.queryNodes($index, $query) YIELD node, score "
	searchOrder = "ORDER BY score DESC, " + readerKey("coalesce(node.name, node.title, '')") + ", node.id"
)

// ProjectedHit is one search hit read with a projection.
type ProjectedHit struct {
	Node  Projected
	Score float64
}

// SearchProjected is Search with each hit's node read as proj (whose
// labels it always reads: a hit without a model label is left out, as
// Search leaves it out).
func (s *Store) SearchProjected(ctx context.Context, text string, limit int, proj NodeProjection) ([]ProjectedHit, error) {
	q := SearchQuery(text)
	if q == "" || limit <= 0 {
		return []ProjectedHit{}, nil
	}
	proj.Labels = true
	params := map[string]any{"index": FullTextIndex, "query": q, "limit": limit}
	p := &projector{b: newWhereBuilder(params)}
	value, err := p.cypher("node", proj)
	if err != nil {
		return nil, err
	}
	// The hits come back as one record: the driver reads every message
	// through a context with a deadline (a goroutine and a timer each), so
	// ten records cost the server more than the list
	// (docs/benchmarks.md).
	cypher := searchHits + "WITH node, score " + searchOrder + " LIMIT $limit WITH node, score, " + value + " AS v "
	if len(proj.Rels) > 0 {
		// Ordered again after the projection, whose subqueries need not
		// keep the row order (a projection of properties and labels keeps
		// it, as the floor's statement relies on: no second sort there).
		cypher += searchOrder + " "
	}
	cypher += "RETURN collect([v, score]) AS hits"
	return read(ctx, s, func(tx runner) ([]ProjectedHit, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		var hits []any
		if len(recs) > 0 {
			hits, _, _ = neo4j.GetRecordValue[[]any](recs[0], "hits")
		}
		out := make([]ProjectedHit, 0, len(hits))
		for _, x := range hits {
			hit, _ := x.([]any)
			if len(hit) != 2 {
				continue
			}
			score, _ := hit[1].(float64)
			if h := (ProjectedHit{Node: projected(hit[0], &proj), Score: score}); h.Node.Label() != "" {
				out = append(out, h)
			}
		}
		return out, nil
	})
}

// Search queries the full-text index over names and acronyms and returns
// up to limit hits, best first (ties by name, then id).
func (s *Store) Search(ctx context.Context, text string, limit int) ([]SearchHit, error) {
	q := SearchQuery(text)
	if q == "" || limit <= 0 {
		return []SearchHit{}, nil
	}
	cypher := searchHits + "RETURN labels(node) AS labels, properties(node) AS props, score " + searchOrder + " LIMIT $limit"
	params := map[string]any{"index": FullTextIndex, "query": q, "limit": limit}
	return read(ctx, s, func(tx runner) ([]SearchHit, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make([]SearchHit, 0, len(recs))
		for _, r := range recs {
			score, _, _ := neo4j.GetRecordValue[float64](r, "score")
			n := nodeFromRecord(r)
			if n.Label == "" {
				continue
			}
			out = append(out, SearchHit{Node: n, Score: score})
		}
		return out, nil
	})
}
