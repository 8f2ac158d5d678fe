package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// NodeProjection says what a read returns of each node: some of its
// properties, optionally its labels (under LabelsKey), and relationship
// lists nested inside it, each projected the same way. A whole GraphQL
// selection becomes one Cypher statement: a map projection per level with
// a COLLECT subquery per relationship field, so the database sends back
// exactly the shape asked for (graph/direct.go).
type NodeProjection struct {
	Props  []string
	Labels bool
	Rels   []RelProjection
}

// RelProjection is one relationship list inside a NodeProjection, under Key:
// the edges of Spec from the node, filtered and ordered by Query, at most
// Limit (all when negative), each as a two-element list [relationship properties RelProps,
// the other end projected as Other].
type RelProjection struct {
	Key      string
	Spec     EdgeSpec
	Query    EdgeQuery
	Limit    int
	RelProps []string
	Other    NodeProjection
}

// LabelsKey is the key of a projected node's labels.
const LabelsKey = "_labels"

// LabelOf is the model label among a projected node's labels.
func LabelOf(labels any) Label {
	l, _ := labels.([]any)
	return primaryLabel(l)
}

// projector writes projections with numbered variables and parameters.
type projector struct {
	b    *whereBuilder
	vars int
}

// cypher is the map projection of node variable v.
func (p *projector) cypher(v string, proj NodeProjection) (string, error) {
	items := make([]string, 0, len(proj.Props)+len(proj.Rels)+1)
	for _, prop := range proj.Props {
		if !identifier(prop) {
			return "", fmt.Errorf("property %q cannot be projected", prop)
		}
		items = append(items, "."+prop)
	}
	if proj.Labels {
		items = append(items, LabelsKey+": labels("+v+")")
	}
	for _, rp := range proj.Rels {
		if !identifier(rp.Key) || rp.Key == LabelsKey {
			return "", fmt.Errorf("projection key %q is not usable", rp.Key)
		}
		p.vars++
		n := strconv.Itoa(p.vars)
		r, m := "pr"+n, "pm"+n
		if rp.Spec == ActorIssueAreas {
			// Derived, as actorIssueAreasCypher: distinct, by name then id, all of them.
			if !rp.Query.IsZero() || len(rp.RelProps) > 0 {
				return "", fmt.Errorf("derived issue areas take no filter")
			}
			other, err := p.cypher(m, rp.Other)
			if err != nil {
				return "", err
			}
			items = append(items, rp.Key+": COLLECT { MATCH ("+v+")-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->("+m+
				":IssueArea) WITH DISTINCT "+m+" ORDER BY "+m+".name, "+m+".id RETURN [{}, "+other+"] }")
			continue
		}
		pat, err := rp.Spec.pattern(v, r, m)
		if err != nil {
			return "", err
		}
		where, err := rp.Spec.where(p.b, rp.Query, v, r, m)
		if err != nil {
			return "", err
		}
		order, err := rp.Spec.order(rp.Query, r, m)
		if err != nil {
			return "", err
		}
		rel := make([]string, 0, len(rp.RelProps))
		for _, prop := range rp.RelProps {
			if !identifier(prop) {
				return "", fmt.Errorf("property %q cannot be projected", prop)
			}
			rel = append(rel, "."+prop)
		}
		other, err := p.cypher(m, rp.Other)
		if err != nil {
			return "", err
		}
		limit := ""
		if rp.Limit >= 0 {
			limit = " LIMIT " + p.b.param(int64(rp.Limit))
		}
		items = append(items, rp.Key+": COLLECT { MATCH "+pat+" "+where+"WITH "+r+", "+m+" ORDER BY "+order+
			limit+" RETURN ["+r+" {"+strings.Join(rel, ", ")+"}, "+other+"] }")
	}
	return v + " {" + strings.Join(items, ", ") + "}", nil
}

// identifier reports whether s can be written into Cypher as a property
// name or map key: letters, digits and underscores, not starting with a digit.
func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ProjectedPage is one page of a list read with a projection: each node's
// projected map, in list order, with its cursor.
type ProjectedPage struct {
	Values      []map[string]any
	Cursors     []Cursor
	HasNext     bool
	HasPrevious bool
}

// ListProjected is ListNodes with each node of the page returned as proj,
// nested relationship lists included, in one statement.
func (s *Store) ListProjected(ctx context.Context, label Label, q ListQuery, proj NodeProjection) (ProjectedPage, error) {
	l, err := planList(label, q)
	if err != nil {
		return ProjectedPage{}, err
	}
	p := &projector{b: newWhereBuilder(l.params)}
	value, err := p.cypher("n", withProp(proj, "id"))
	if err != nil {
		return ProjectedPage{}, err
	}
	// The page first, then the projection of just its nodes, sorted again
	// because the projection's subqueries need not keep the row order.
	cypher := l.match + " WITH n " + l.order + " LIMIT $limit RETURN " + value + " AS v, " + l.keys + " AS keys " + l.order
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (ProjectedPage, error) {
		recs, err := s.run(ctx, tx, cypher, l.params)
		if err != nil {
			return ProjectedPage{}, err
		}
		var res ProjectedPage
		recs = l.page(recs, &res.HasNext, &res.HasPrevious)
		for _, r := range recs {
			v, _, _ := neo4j.GetRecordValue[map[string]any](r, "v")
			id, _ := v["id"].(string)
			res.Values = append(res.Values, v)
			res.Cursors = append(res.Cursors, l.cursor(r, id))
		}
		if l.backwards {
			reverse(res.Values)
			reverse(res.Cursors)
		}
		return res, nil
	})
}

// NodeProjected returns the node of label whose property key ("id", or
// "iso3" for a country) equals value, as proj, or ErrNotFound.
func (s *Store) NodeProjected(ctx context.Context, label Label, key, value string, proj NodeProjection) (map[string]any, error) {
	if !ValidLabel(label) {
		return nil, fmt.Errorf("label %q is not in the model", label)
	}
	if key != "id" && !(key == "iso3" && label == LabelCountry) {
		return nil, fmt.Errorf("%s cannot be looked up by %q", label, key)
	}
	params := map[string]any{"key": value}
	p := &projector{b: newWhereBuilder(params)}
	v, err := p.cypher("n", proj)
	if err != nil {
		return nil, err
	}
	cypher := "MATCH (n:" + string(label) + " {" + key + ": $key}) RETURN " + v + " AS v LIMIT 1"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]any, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("%s %s: %w", label, value, ErrNotFound)
		}
		v, _, err := neo4j.GetRecordValue[map[string]any](recs[0], "v")
		if err != nil {
			return nil, errors.Join(errors.New("projected node"), err)
		}
		return v, nil
	})
}

// withProp adds prop to proj's properties when it is missing.
func withProp(proj NodeProjection, prop string) NodeProjection {
	for _, p := range proj.Props {
		if p == prop {
			return proj
		}
	}
	proj.Props = append(append([]string(nil), proj.Props...), prop)
	return proj
}
