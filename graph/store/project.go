package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// NodeProjection says what a read returns of each node: some of its
// properties, optionally its labels, and relationship lists nested inside
// it, each projected the same way. A whole GraphQL selection becomes one
// Cypher statement: a list per node with a COLLECT subquery per
// relationship field, so the database sends back exactly the values asked
// for (graph/directread). Lists, not maps: a map sends its keys with every
// node, and the driver builds a Go map for each; lists cost Neo4j and the
// server about a fifth less on a 1 MB answer (docs/benchmarks.md).
type NodeProjection struct {
	Props  []string
	Labels bool
	Rels   []RelProjection
}

// RelProjection is one relationship list inside a NodeProjection, named
// Key: the edges of Spec from the node, filtered and ordered by Query, at
// most Limit (all when negative), each as a two-element list [the
// relationship's RelProps, the other end projected as Other].
type RelProjection struct {
	Key      string
	Spec     EdgeSpec
	Query    EdgeQuery
	Limit    int
	RelProps []string
	Other    NodeProjection
}

// Projected is one node (or one relationship) as a projected read returns
// it: the values its projection asked for, in the projection's order (the
// properties, the labels when asked, then each relationship list).
type Projected struct {
	values []any
	props  []string
	labels bool
	rels   []RelProjection
}

func projected(v any, proj *NodeProjection) Projected {
	values, _ := v.([]any)
	return Projected{values: values, props: proj.Props, labels: proj.Labels, rels: proj.Rels}
}

// at is values[i], or nil when a malformed answer has no such value.
func (p Projected) at(i int) any {
	if i < len(p.values) {
		return p.values[i]
	}
	return nil
}

// Prop is the value of a projected property, nil when missing or not projected.
func (p Projected) Prop(name string) any {
	for i, have := range p.props {
		if have == name {
			return p.at(i)
		}
	}
	return nil
}

// Label is the node's model label, "" when its labels were not projected.
func (p Projected) Label() Label {
	if !p.labels {
		return ""
	}
	l, _ := p.at(len(p.props)).([]any)
	return primaryLabel(l)
}

// Edges yields the relationship list projected as key, in order: each
// edge's relationship (its RelProps) and the node at its other end.
func (p Projected) Edges(key string) iter.Seq2[Projected, Projected] {
	return func(yield func(rel, other Projected) bool) {
		first := len(p.props)
		if p.labels {
			first++
		}
		for j := range p.rels {
			rp := &p.rels[j]
			if rp.Key != key {
				continue
			}
			list, _ := p.at(first + j).([]any)
			for _, x := range list {
				pair, _ := x.([]any)
				var rel, other Projected
				if len(pair) == 2 {
					rel.values, _ = pair[0].([]any)
					rel.props = rp.RelProps
					other = projected(pair[1], &rp.Other)
				}
				if !yield(rel, other) {
					return
				}
			}
			return
		}
	}
}

// projector writes projections with numbered variables and parameters.
type projector struct {
	b    *whereBuilder
	vars int
}

// cypher is the list projection of node variable v (see Projected).
func (p *projector) cypher(v string, proj NodeProjection) (string, error) {
	items := make([]string, 0, len(proj.Props)+len(proj.Rels)+1)
	for _, prop := range proj.Props {
		if !identifier(prop) {
			return "", fmt.Errorf("property %q cannot be projected", prop)
		}
		items = append(items, v+"."+prop)
	}
	if proj.Labels {
		items = append(items, "labels("+v+")")
	}
	for _, rp := range proj.Rels {
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
			items = append(items, "COLLECT { MATCH ("+v+")-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->("+m+
				":IssueArea) WITH DISTINCT "+m+" ORDER BY "+readerKey(m+".name")+", "+m+".id RETURN [[], "+other+"] }")
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
			rel = append(rel, r+"."+prop)
		}
		other, err := p.cypher(m, rp.Other)
		if err != nil {
			return "", err
		}
		limit := ""
		if rp.Limit >= 0 {
			limit = " LIMIT " + p.b.param(int64(rp.Limit))
		}
		items = append(items, "COLLECT { MATCH "+pat+" "+where+"WITH "+r+", "+m+" ORDER BY "+order+
			limit+" RETURN [["+strings.Join(rel, ", ")+"], "+other+"] }")
	}
	return "[" + strings.Join(items, ", ") + "]", nil
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

// ProjectedPage is one page of a list read with a projection: each node as
// the caller rendered it, in list order, with its cursor.
type ProjectedPage struct {
	Rendered    [][]byte
	Cursors     []Cursor
	HasNext     bool
	HasPrevious bool
}

// ListProjected is ListNodes with each node of the page read as proj,
// nested relationship lists included, in one statement. Each node is
// handed to render as its record arrives, and only what render returns is
// kept: the driver's values for a node with a thousand nested edges take
// about ten times the bytes of their JSON, and holding a whole page of
// them at once was most of the server's memory on big nested reads.
func (s *Store) ListProjected(ctx context.Context, label Label, q ListQuery, proj NodeProjection, render func(Projected) []byte) (ProjectedPage, error) {
	l, err := planList(label, q)
	if err != nil {
		return ProjectedPage{}, err
	}
	p := &projector{b: newWhereBuilder(l.params)}
	value, err := p.cypher("n", proj)
	if err != nil {
		return ProjectedPage{}, err
	}
	// The page first, then the projection of just its nodes, sorted again
	// because the projection's subqueries need not keep the row order.
	cypher := l.match + " WITH n " + l.order + " LIMIT $limit RETURN " + value + " AS v, n.id AS id, " + l.keys + " AS keys " + l.order
	return read(ctx, s, func(tx runner) (ProjectedPage, error) {
		var res ProjectedPage
		n := 0 // records read, one more than the page when there is more
		err := s.each(ctx, tx, cypher, l.params, func(r *neo4j.Record) error {
			if n++; n > l.limit {
				return nil // only says that there is more
			}
			v, _ := r.Get("v")
			id, _, _ := neo4j.GetRecordValue[string](r, "id")
			res.Rendered = append(res.Rendered, render(projected(v, &proj)))
			res.Cursors = append(res.Cursors, l.cursor(r, id))
			return nil
		})
		if err != nil {
			return ProjectedPage{}, err
		}
		lo, hi := l.window(n, &res.HasNext, &res.HasPrevious)
		res.Rendered, res.Cursors = res.Rendered[lo:hi], res.Cursors[lo:hi]
		if l.backwards {
			reverse(res.Rendered)
			reverse(res.Cursors)
		}
		return res, nil
	})
}

// NodeProjected returns the node of label whose property key ("id", or
// "iso3" for a country) equals value, as proj, or ErrNotFound.
func (s *Store) NodeProjected(ctx context.Context, label Label, key, value string, proj NodeProjection) (Projected, error) {
	if !ValidLabel(label) {
		return Projected{}, fmt.Errorf("label %q is not in the model", label)
	}
	if key != "id" && !(key == "iso3" && label == LabelCountry) {
		return Projected{}, fmt.Errorf("%s cannot be looked up by %q", label, key)
	}
	params := map[string]any{"key": value}
	p := &projector{b: newWhereBuilder(params)}
	v, err := p.cypher("n", proj)
	if err != nil {
		return Projected{}, err
	}
	cypher := "MATCH (n:" + string(label) + " {" + key + ": $key}) RETURN " + v + " AS v LIMIT 1"
	return read(ctx, s, func(tx runner) (Projected, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return Projected{}, err
		}
		if len(recs) == 0 {
			return Projected{}, fmt.Errorf("%s %s: %w", label, value, ErrNotFound)
		}
		v, _, err := neo4j.GetRecordValue[[]any](recs[0], "v")
		if err != nil {
			return Projected{}, errors.Join(errors.New("projected node"), err)
		}
		return projected(v, &proj), nil
	})
}
