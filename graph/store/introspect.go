package store

import (
	"context"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// PropertyInfo is one property key as the live database holds it.
type PropertyInfo struct {
	Name string
	// Types are Neo4j's names for the value types seen, e.g. ["String"],
	// ["StringArray"], ["Long"], ["Double"], ["Boolean"].
	Types []string
	// Mandatory is true when every node (relationship) of the label (type)
	// has the property.
	Mandatory bool
}

// LabelInfo is a node label of the live database.
type LabelInfo struct {
	Name       string
	Count      int
	Properties []PropertyInfo // sorted by name
}

// RelTypeInfo is a relationship type of the live database.
type RelTypeInfo struct {
	Name       string
	Count      int
	Properties []PropertyInfo // sorted by name
}

// GraphModel is the schema read from the data: labels and relationship
// types with their counts and property keys.
type GraphModel struct {
	Labels            []LabelInfo   // sorted by name
	RelationshipTypes []RelTypeInfo // sorted by name
}

// ReadGraphModel reads labels, relationship types, their counts and their
// properties from the live database in one read transaction (four
// statements). Counts come from one pass over the nodes and one over the
// relationships; property keys from db.schema.nodeTypeProperties and
// db.schema.relTypeProperties, which also scan the data (about 0.1 s for
// the seed plus the reference data, ~4,400 relationships).
func (s *Store) ReadGraphModel(ctx context.Context) (GraphModel, error) {
	return read(ctx, s, func(tx runner) (GraphModel, error) {
		var m GraphModel
		// One pass over nodes and one over relationships (not one per label):
		// a label or type with no node or relationship is not in use.
		labels, err := s.run(ctx, tx, `MATCH (n) UNWIND labels(n) AS label
			RETURN label, count(*) AS count ORDER BY label`, nil)
		if err != nil {
			return m, err
		}
		types, err := s.run(ctx, tx, `MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type`, nil)
		if err != nil {
			return m, err
		}
		nodeProps, err := s.run(ctx, tx, `CALL db.schema.nodeTypeProperties()
			YIELD nodeLabels, propertyName, propertyTypes, mandatory
			RETURN nodeLabels, propertyName, propertyTypes, mandatory`, nil)
		if err != nil {
			return m, err
		}
		relProps, err := s.run(ctx, tx, `CALL db.schema.relTypeProperties()
			YIELD relType, propertyName, propertyTypes, mandatory
			RETURN relType, propertyName, propertyTypes, mandatory`, nil)
		if err != nil {
			return m, err
		}

		// A label's property is mandatory only if it is mandatory in every
		// label combination the label appears in (Country:Actor, …).
		type acc struct {
			types     map[string]bool
			mandatory bool
		}
		labelProps := map[string]map[string]*acc{}
		combos := map[string]int{} // label -> number of label combinations seen
		comboSeen := map[string]bool{}
		propsPerCombo := map[string]map[string]bool{}
		for _, r := range nodeProps {
			ls, _, _ := neo4j.GetRecordValue[[]any](r, "nodeLabels")
			name, isNil, _ := neo4j.GetRecordValue[string](r, "propertyName")
			key := ""
			for _, l := range sortedStrings(ls) {
				key += ":" + l
			}
			if !comboSeen[key] {
				comboSeen[key] = true
				for _, l := range ls {
					combos[l.(string)]++
				}
			}
			if isNil || name == "" {
				continue // a label combination without properties
			}
			if propsPerCombo[key] == nil {
				propsPerCombo[key] = map[string]bool{}
			}
			propsPerCombo[key][name] = true
			pts, _, _ := neo4j.GetRecordValue[[]any](r, "propertyTypes")
			mand, _, _ := neo4j.GetRecordValue[bool](r, "mandatory")
			for _, l := range ls {
				l := l.(string)
				if labelProps[l] == nil {
					labelProps[l] = map[string]*acc{}
				}
				a := labelProps[l][name]
				if a == nil {
					a = &acc{types: map[string]bool{}, mandatory: true}
					labelProps[l][name] = a
				}
				for _, t := range pts {
					a.types[t.(string)] = true
				}
				a.mandatory = a.mandatory && mand
			}
		}
		// A property missing from one of a label's combinations is not mandatory.
		for l, ps := range labelProps {
			for name, a := range ps {
				n := 0
				for key, props := range propsPerCombo {
					if hasLabel(key, l) && props[name] {
						n++
					}
				}
				if n < combos[l] {
					a.mandatory = false
				}
			}
		}
		toInfo := func(ps map[string]*acc) []PropertyInfo {
			out := []PropertyInfo{}
			for name, a := range ps {
				ts := make([]string, 0, len(a.types))
				for t := range a.types {
					ts = append(ts, t)
				}
				sort.Strings(ts)
				out = append(out, PropertyInfo{Name: name, Types: ts, Mandatory: a.mandatory})
			}
			sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
			return out
		}
		for _, r := range labels {
			l, _, _ := neo4j.GetRecordValue[string](r, "label")
			c, _, _ := neo4j.GetRecordValue[int64](r, "count")
			m.Labels = append(m.Labels, LabelInfo{Name: l, Count: int(c), Properties: toInfo(labelProps[l])})
		}

		typeProps := map[string]map[string]*acc{}
		for _, r := range relProps {
			rt, _, _ := neo4j.GetRecordValue[string](r, "relType")
			t := trimRelType(rt)
			name, isNil, _ := neo4j.GetRecordValue[string](r, "propertyName")
			if isNil || name == "" {
				continue
			}
			if typeProps[t] == nil {
				typeProps[t] = map[string]*acc{}
			}
			a := &acc{types: map[string]bool{}}
			pts, _, _ := neo4j.GetRecordValue[[]any](r, "propertyTypes")
			for _, pt := range pts {
				a.types[pt.(string)] = true
			}
			a.mandatory, _, _ = neo4j.GetRecordValue[bool](r, "mandatory")
			typeProps[t][name] = a
		}
		for _, r := range types {
			t, _, _ := neo4j.GetRecordValue[string](r, "type")
			c, _, _ := neo4j.GetRecordValue[int64](r, "count")
			m.RelationshipTypes = append(m.RelationshipTypes, RelTypeInfo{Name: t, Count: int(c), Properties: toInfo(typeProps[t])})
		}
		return m, nil
	})
}

// trimRelType turns db.schema.relTypeProperties' ":`MEMBER_OF`" into "MEMBER_OF".
func trimRelType(s string) string {
	if len(s) >= 3 && s[0] == ':' && s[1] == '`' && s[len(s)-1] == '`' {
		return s[2 : len(s)-1]
	}
	return s
}

func sortedStrings(vs []any) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func hasLabel(comboKey, label string) bool {
	for _, l := range splitCombo(comboKey) {
		if l == label {
			return true
		}
	}
	return false
}

func splitCombo(key string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == ':' {
			if start >= 0 {
				out = append(out, key[start:i])
			}
			start = i + 1
		}
	}
	return out
}
