package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// GroupKey names a value the nodes of a list can be grouped by (see
// groupKeys): a property, or the year of a date property.
type GroupKey string

// Group keys of the root lists.
const (
	GroupRegion        GroupKey = "region"
	GroupSubRegion     GroupKey = "subRegion"
	GroupKind          GroupKey = "kind"
	GroupStatus        GroupKey = "status"
	GroupDatePrecision GroupKey = "datePrecision"
	GroupStartYear     GroupKey = "startYear"
	GroupAdoptedYear   GroupKey = "adoptedYear"
	GroupOpenYear      GroupKey = "openYear"
	GroupSession       GroupKey = "session"
	GroupIssueArea     GroupKey = "issueArea"
	GroupRole          GroupKey = "role"
	GroupSinceYear     GroupKey = "sinceYear"
)

// groupKeys is the allow-list of group keys per label and the Cypher
// expression (over n) each stands for. Every expression is a string or
// null: a year is the first four characters of a date at any precision
// ("1998", "1998-12" and "1998-12-03" are all 1998).
var groupKeys = map[Label]map[GroupKey]string{
	LabelCountry:      {GroupRegion: "n.region", GroupSubRegion: "n.subRegion"},
	LabelOrganization: {GroupKind: "n.kind"},
	LabelInitiative:   {GroupKind: "n.kind", GroupStartYear: "left(n.startDate, 4)"},
	LabelEvent: {GroupKind: "n.kind", GroupStatus: "n.status", GroupDatePrecision: "n.datePrecision",
		GroupStartYear: "left(n.startDate, 4)"},
	LabelAgreement: {GroupKind: "n.kind", GroupAdoptedYear: "left(n.adoptedOn, 4)", GroupOpenYear: "toString(n.openYear)"},
	// A roll call addresses zero or more issue areas: its key is the
	// sorted list of their ids, and it counts in the group of each (in the
	// null group when it has none).
	LabelRollCall: {GroupStartYear: "left(n.date, 4)", GroupSession: "toString(n.session)",
		GroupIssueArea: "COLLECT { MATCH (n)-[:ADDRESSES]->(i:IssueArea) RETURN i.id ORDER BY i.id }"},
}

// relGroupKeys is the allow-list of group keys per relationship type and
// the Cypher expression (over r) each stands for.
var relGroupKeys = map[RelType]map[GroupKey]string{
	RelMemberOf: {GroupRole: "r.role", GroupSinceYear: "left(r.since, 4)"},
}

// ValidGroupKey reports whether the nodes of label can be grouped by k.
func ValidGroupKey(label Label, k GroupKey) bool {
	_, ok := groupKeys[label][k]
	return ok
}

// Group is one group of an aggregate: the nodes whose key is Key (nil for
// the nodes without one, grouped together) and how many there are.
type Group struct {
	Key   *string
	Count int
}

// Aggregation is what CountNodesGrouped returns: the number of matching
// nodes and, for each requested key, its groups by count (descending),
// then key (ascending; the null group last among equals).
type Aggregation struct {
	Count  int
	Groups map[GroupKey][]Group
}

// CountNodesGrouped counts the nodes of a label that match where and groups
// them by each of keys, in one statement: the nodes are counted per
// combination of the keys' values, and each key's groups are summed from
// those rows. Without keys it is CountNodes.
func (s *Store) CountNodesGrouped(ctx context.Context, label Label, where Filter, keys []GroupKey) (Aggregation, error) {
	if !ValidLabel(label) {
		return Aggregation{}, fmt.Errorf("label %q is not in the model", label)
	}
	keys = dedupe(keys)
	params := map[string]any{}
	cond, err := newWhereBuilder(params).node(where, "n", label)
	if err != nil {
		return Aggregation{}, err
	}
	var cols []string
	for i, k := range keys {
		expr, ok := groupKeys[label][k]
		if !ok {
			return Aggregation{}, fmt.Errorf("%s cannot be grouped by %q", label, k)
		}
		cols = append(cols, expr+" AS k"+strconv.Itoa(i))
	}
	cypher := "MATCH (n:" + string(label) + ")"
	if cond != "" {
		cypher += " WHERE " + cond
	}
	cypher += " RETURN " + strings.Join(append(cols, "count(*) AS c"), ", ")
	return read(ctx, s, func(tx runner) (Aggregation, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return Aggregation{}, err
		}
		return groupRecords(recs, keys)
	})
}

// CountEdgesGrouped counts the relationships of spec from the node with
// the given id that match q (q.Order is ignored), grouped by each of keys,
// in one statement, as CountNodesGrouped does for nodes. A node without
// such relationships, or no such node, counts 0.
func (s *Store) CountEdgesGrouped(ctx context.Context, spec EdgeSpec, id string, q EdgeQuery, keys []GroupKey) (Aggregation, error) {
	if spec == ActorIssueAreas {
		return Aggregation{}, fmt.Errorf("derived issue areas cannot be aggregated")
	}
	keys = dedupe(keys)
	params := map[string]any{"id": id}
	pattern, err := spec.pattern("n", "r", "m")
	if err != nil {
		return Aggregation{}, err
	}
	where, err := spec.where(newWhereBuilder(params), q, "n", "r", "m")
	if err != nil {
		return Aggregation{}, err
	}
	var cols []string
	for i, k := range keys {
		expr, ok := relGroupKeys[spec.Type][k]
		if !ok {
			return Aggregation{}, fmt.Errorf("%s cannot be grouped by %q", spec.Type, k)
		}
		cols = append(cols, expr+" AS k"+strconv.Itoa(i))
	}
	cypher := "MATCH (n:" + string(spec.From) + " {id: $id}) MATCH " + pattern + " " + where +
		"RETURN " + strings.Join(append(cols, "count(*) AS c"), ", ")
	return read(ctx, s, func(tx runner) (Aggregation, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return Aggregation{}, err
		}
		return groupRecords(recs, keys)
	})
}

// groupRecords sums the counted rows (columns k0…, c) into each key's
// groups. A key's value is a string, null, or a list of strings (the item
// counts in the group of each element; in the null group when the list is
// empty), so the groups of a list-valued key may add up to more than Count.
func groupRecords(recs []*neo4j.Record, keys []GroupKey) (Aggregation, error) {
	agg := Aggregation{Groups: make(map[GroupKey][]Group, len(keys))}
	sums := make([]map[string]int, len(keys))
	nulls := make([]int, len(keys))
	for i := range keys {
		sums[i] = map[string]int{}
	}
	for _, r := range recs {
		c, _, err := neo4j.GetRecordValue[int64](r, "c")
		if err != nil {
			return Aggregation{}, err
		}
		agg.Count += int(c)
		for i := range keys {
			v, _ := r.Get("k" + strconv.Itoa(i))
			switch k := v.(type) {
			case string:
				sums[i][k] += int(c)
			case []any:
				n := 0
				for _, e := range k {
					if s, ok := e.(string); ok {
						sums[i][s] += int(c)
						n++
					}
				}
				if n == 0 {
					nulls[i] += int(c)
				}
			default:
				nulls[i] += int(c)
			}
		}
	}
	for i, k := range keys {
		groups := make([]Group, 0, len(sums[i])+1)
		for key, c := range sums[i] {
			groups = append(groups, Group{Key: &key, Count: c})
		}
		if nulls[i] > 0 {
			groups = append(groups, Group{Count: nulls[i]})
		}
		sortGroups(groups)
		agg.Groups[k] = groups
	}
	return agg, nil
}

// sortGroups orders groups by count (descending), then key, the null key last.
func sortGroups(gs []Group) {
	sort.Slice(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Key == nil || b.Key == nil {
			return b.Key == nil && a.Key != nil
		}
		return *a.Key < *b.Key
	})
}

// UptakeRow counts an agreement's signatories that share the years of
// their signature, consent to be bound and withdrawal ("" where the
// relationship has no such date).
type UptakeRow struct {
	Signed, Ratified, Until string
	Count                   int
}

// Uptake is what AgreementUptake reads: the rows, and the ids of the
// Source nodes the relationships rest on.
type Uptake struct {
	Rows    []UptakeRow
	Sources []string
}

// AgreementUptake reads the years of an agreement's SIGNATORY_OF
// relationships, counted per combination, in one statement; ErrNotFound
// (a MissingError for agreementId) when there is no such agreement.
func (s *Store) AgreementUptake(ctx context.Context, id string) (Uptake, error) {
	const cypher = `MATCH (a:Agreement {id: $id})
OPTIONAL MATCH (a)<-[r:SIGNATORY_OF]-(:Actor)
WITH left(r.signed, 4) AS signed, left(r.ratified, 4) AS ratified, left(r.until, 4) AS until,
     count(r) AS c, collect(r.sourceId) + collect(r.refSourceId) AS sources
RETURN signed, ratified, until, c, sources`
	return read(ctx, s, func(tx runner) (Uptake, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"id": id})
		if err != nil {
			return Uptake{}, err
		}
		if len(recs) == 0 {
			return Uptake{}, &MissingError{Argument: "agreementId", ID: id, Label: LabelAgreement}
		}
		var u Uptake
		seen := map[string]bool{}
		for _, r := range recs {
			c, _, _ := neo4j.GetRecordValue[int64](r, "c")
			if c > 0 {
				row := UptakeRow{Count: int(c)}
				row.Signed, _, _ = neo4j.GetRecordValue[string](r, "signed")
				row.Ratified, _, _ = neo4j.GetRecordValue[string](r, "ratified")
				row.Until, _, _ = neo4j.GetRecordValue[string](r, "until")
				u.Rows = append(u.Rows, row)
			}
			for _, src := range stringList(r, "sources") {
				if !seen[src] {
					seen[src] = true
					u.Sources = append(u.Sources, src)
				}
			}
		}
		sort.Strings(u.Sources)
		return u, nil
	})
}
