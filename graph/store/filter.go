package store

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Op is a comparison a filter condition makes.
type Op string

const (
	// OpEq: the property equals the value (exactly, case-sensitive).
	OpEq Op = "eq"
	// OpIn: the property is one of the values ([]string).
	OpIn Op = "in"
	// OpContains: the property contains the value, ignoring case.
	OpContains Op = "contains"
	// OpStartsWith: the property starts with the value, ignoring case.
	OpStartsWith Op = "startsWith"
	// OpOverlaps: the date range the property stands for overlaps the
	// filter's DateRange (Value).
	OpOverlaps Op = "overlaps"
	// OpWithin: the date range the property stands for lies wholly inside
	// the filter's DateRange (Value).
	OpWithin Op = "within"
	// OpGte, OpLte: an integer property is at least, at most, the value.
	OpGte Op = "gte"
	OpLte Op = "lte"
	// OpPresent: the property is set (Value true) or absent (Value false).
	OpPresent Op = "present"
)

// DateRange is an inclusive range of days, "YYYY-MM-DD"; an empty bound is open.
type DateRange struct {
	From string `json:"f,omitempty"`
	To   string `json:"t,omitempty"`
}

// Cond is one condition on a property. For date operators the property
// stands for the range of days its value covers ("1998-12" is the whole
// month); EndProp, when set, is read for the end of that range (an event's
// endDate), falling back to Prop when the node has no EndProp.
type Cond struct {
	Prop    string `json:"p"`
	EndProp string `json:"e,omitempty"`
	Op      Op     `json:"o"`
	Value   any    `json:"v"`
}

// RelFilter holds when at least one relationship of Type, in direction Dir,
// whose own properties meet RelConds, leads to a node of label Other that
// matches Where.
type RelFilter struct {
	Type     RelType   `json:"t"`
	Dir      Direction `json:"d"`
	Other    Label     `json:"l"`
	Where    Filter    `json:"w"`
	RelConds []Cond    `json:"rc,omitempty"`
}

// Filter is a typed where clause over one node: all of Conds, Rels, And
// hold, at least one of Or (when given), and Not does not. Property names
// are checked against the label's allow-list; values travel as parameters.
type Filter struct {
	Label Label       `json:"lb,omitempty"` // the node must also carry this label
	Conds []Cond      `json:"c,omitempty"`
	Rels  []RelFilter `json:"r,omitempty"`
	And   []Filter    `json:"a,omitempty"`
	Or    []Filter    `json:"or,omitempty"`
	Not   *Filter     `json:"n,omitempty"`
}

// IsZero reports whether the filter matches everything.
func (f Filter) IsZero() bool {
	return f.Label == "" && len(f.Conds) == 0 && len(f.Rels) == 0 && len(f.And) == 0 && len(f.Or) == 0 && f.Not == nil
}

// propKind says what a property holds, so only fitting operators apply.
type propKind int

const (
	kindString propKind = iota
	kindDate
	// kindInt: an INTEGER property (a roll call's rcid and session, an
	// organization's cowId).
	kindInt
	// kindBool: a BOOLEAN property; a node without it counts as false.
	kindBool
	// kindStrings: a list of strings (an agreement's aliases), read but
	// never filtered on.
	kindStrings
)

// relProps is the allow-list of filterable and sortable relationship properties.
var relProps = map[RelType]map[string]propKind{
	RelMemberOf:             {"role": kindString, "since": kindDate, "until": kindDate},
	RelParticipatedIn:       {"role": kindString},
	RelSignatoryOf:          {"signed": kindDate, "ratified": kindDate, "method": kindString, "until": kindDate},
	RelSeeksPartnershipWith: {"status": kindString},
	RelVoted:                {"vote": kindString},
}

func nodeProp(l Label, p string) (propKind, bool) {
	if k, ok := commonProps[p]; ok {
		return k, true
	}
	k, ok := filterProps[l][p]
	return k, ok
}

func relProp(t RelType, p string) (propKind, bool) {
	k, ok := relProps[t][p]
	return k, ok
}

// whereBuilder turns filters into Cypher text with numbered parameters.
type whereBuilder struct {
	params map[string]any
	vars   int
}

func newWhereBuilder(params map[string]any) *whereBuilder {
	return &whereBuilder{params: params}
}

func (b *whereBuilder) param(v any) string {
	name := "w" + strconv.Itoa(len(b.params))
	for {
		if _, taken := b.params[name]; !taken {
			break
		}
		name += "_"
	}
	b.params[name] = v
	return "$" + name
}

// node builds the condition for filter f on variable v of label l; "" means true.
func (b *whereBuilder) node(f Filter, v string, l Label) (string, error) {
	var parts []string
	if f.Label != "" {
		if !ValidLabel(f.Label) && f.Label != LabelActor {
			return "", fmt.Errorf("label %q is not in the model", f.Label)
		}
		parts = append(parts, v+":"+string(f.Label))
		if f.Label != LabelActor {
			l = f.Label
		}
	}
	for _, c := range f.Conds {
		kind, ok := nodeProp(l, c.Prop)
		if !ok {
			return "", fmt.Errorf("%s has no filterable property %q", l, c.Prop)
		}
		end := c.EndProp
		if end != "" {
			if k, ok := nodeProp(l, end); !ok || k != kindDate {
				return "", fmt.Errorf("%s has no date property %q", l, end)
			}
		}
		s, err := b.cond(v, c, kind)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	for _, r := range f.Rels {
		s, err := b.rel(v, l, r)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	for _, a := range f.And {
		s, err := b.node(a, v, l)
		if err != nil {
			return "", err
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(f.Or) > 0 {
		var alts []string
		for _, o := range f.Or {
			s, err := b.node(o, v, l)
			if err != nil {
				return "", err
			}
			if s == "" {
				s = "true"
			}
			alts = append(alts, s)
		}
		parts = append(parts, "("+strings.Join(alts, " OR ")+")")
	}
	if f.Not != nil {
		s, err := b.node(*f.Not, v, l)
		if err != nil {
			return "", err
		}
		if s == "" {
			s = "true"
		}
		parts = append(parts, "NOT ("+s+")")
	}
	return joinAnd(parts), nil
}

// relConds builds conditions on the properties of relationship variable v of type t.
func (b *whereBuilder) relConds(conds []Cond, v string, t RelType) (string, error) {
	var parts []string
	for _, c := range conds {
		kind, ok := relProp(t, c.Prop)
		if !ok || c.EndProp != "" {
			return "", fmt.Errorf("%s has no filterable property %q", t, c.Prop)
		}
		s, err := b.cond(v, c, kind)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	return joinAnd(parts), nil
}

func (b *whereBuilder) rel(v string, from Label, r RelFilter) (string, error) {
	spec, ok := RelTypes[r.Type]
	if !ok {
		return "", fmt.Errorf("unknown relationship type %q", r.Type)
	}
	if r.Other != LabelActor && !contains(spec.From, r.Other) && !contains(spec.To, r.Other) {
		return "", fmt.Errorf("%s does not reach %s", r.Type, r.Other)
	}
	b.vars++
	m := "r" + strconv.Itoa(b.vars)
	rv := ""
	var relCond string
	if len(r.RelConds) > 0 {
		rv = "e" + strconv.Itoa(b.vars)
		var err error
		if relCond, err = b.relConds(r.RelConds, rv, r.Type); err != nil {
			return "", err
		}
	}
	pattern := "(" + v + ")-[" + rv + ":" + string(r.Type) + "]->(" + m + ":" + string(r.Other) + ")"
	if r.Dir == Incoming {
		pattern = "(" + v + ")<-[" + rv + ":" + string(r.Type) + "]-(" + m + ":" + string(r.Other) + ")"
	}
	inner, err := b.node(r.Where, m, r.Other)
	if err != nil {
		return "", err
	}
	if relCond != "" {
		inner = joinAnd(append([]string{relCond}, nonEmptyStrings(inner)...))
	}
	if inner == "" {
		return "EXISTS { MATCH " + pattern + " }", nil
	}
	return "EXISTS { MATCH " + pattern + " WHERE " + inner + " }", nil
}

// nonEmptyStrings is ss without its empty strings.
func nonEmptyStrings(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cond builds one property condition; prop names were checked by the caller.
func (b *whereBuilder) cond(v string, c Cond, kind propKind) (string, error) {
	p := v + "." + c.Prop
	switch c.Op {
	case OpPresent:
		present, ok := c.Value.(bool)
		if !ok {
			return "", fmt.Errorf("%s needs a boolean", c.Op)
		}
		if present {
			return p + " IS NOT NULL", nil
		}
		return p + " IS NULL", nil
	case OpEq:
		if kind == kindBool {
			// Writers set a flag only where it holds (historical: true).
			return "coalesce(" + p + ", false) = " + b.param(c.Value), nil
		}
		return p + " = " + b.param(c.Value), nil
	case OpGte, OpLte:
		if kind != kindInt {
			return "", fmt.Errorf("%s on %q, which is not an integer", c.Op, c.Prop)
		}
		op := " >= "
		if c.Op == OpLte {
			op = " <= "
		}
		return p + op + b.param(c.Value), nil
	case OpIn:
		return p + " IN " + b.param(c.Value), nil
	case OpContains, OpStartsWith:
		if kind != kindString {
			return "", fmt.Errorf("%s on %q, which is not a string", c.Op, c.Prop)
		}
		op := " CONTAINS "
		if c.Op == OpStartsWith {
			op = " STARTS WITH "
		}
		return "toLower(" + p + ")" + op + "toLower(" + b.param(c.Value) + ")", nil
	case OpOverlaps, OpWithin:
		if kind != kindDate {
			return "", fmt.Errorf("%s on %q, which is not a date", c.Op, c.Prop)
		}
		r, ok := c.Value.(DateRange)
		if !ok {
			return "", fmt.Errorf("%s needs a DateRange", c.Op)
		}
		end := p
		if c.EndProp != "" {
			end = "coalesce(" + v + "." + c.EndProp + ", " + p + ")"
		}
		// Stored dates are ISO strings of 4, 7 or 10 characters ("1999",
		// "1998-12", "1998-05-11") and the bounds are whole days
		// ("YYYY-MM-DD"), so most comparisons are exact as string
		// comparisons, which a range index on the property can seek
		// (docs/benchmarks.md). For a stored date s standing for [first, last]:
		//   first <= to   <=>  s <= to
		//   last  >= from <=>  s + '~' >= from ('~' sorts after digits and
		//                      '-': when from lies inside s, s is a prefix of it)
		//   first >= from <=>  s + the padding of its first day >= from
		// and last <= to keeps the exact date arithmetic (a month's last day).
		// Only plain bounds on the property itself (s <= to, s >= year) are
		// written as such: the planner seeks the index with those, and a
		// bound that depends on s (s >= left(from, size(s))) would make it
		// scan instead.
		var parts []string
		if c.Op == OpOverlaps {
			if r.To != "" {
				parts = append(parts, p+" <= "+b.param(r.To))
			}
			if r.From != "" {
				from := b.param(r.From)
				if c.EndProp == "" {
					// Implied by the exact condition after it (a date
					// ending on or after from starts in from's year or
					// later); it bounds an index seek from below.
					parts = append(parts, p+" >= "+b.param(yearOf(r.From)))
				}
				parts = append(parts, end+" + '~' >= "+from)
			}
		} else {
			if r.From != "" {
				parts = append(parts, p+" >= "+b.param(yearOf(r.From)), firstDay(p)+" >= "+b.param(r.From))
			}
			if r.To != "" {
				if c.EndProp == "" {
					// Implied by the exact condition after it; an index bound.
					parts = append(parts, p+" <= "+b.param(r.To))
				}
				parts = append(parts, dateLast(end)+" <= date("+b.param(r.To)+")")
			}
		}
		// A node without the date never matches a date filter.
		parts = append([]string{p + " IS NOT NULL"}, parts...)
		return joinAnd(parts), nil
	}
	return "", fmt.Errorf("unknown operator %q", c.Op)
}

// firstDay is the first day a stored date string ("1999", "1998-12",
// "1998-05-11") stands for, as an ISO string: "1999-01-01", "1998-12-01".
func firstDay(expr string) string {
	return expr + " + substring('-01-01', size(" + expr + ") - 4)"
}

// yearOf is the year of an ISO day "YYYY-MM-DD".
func yearOf(day string) string {
	if len(day) >= 4 {
		return day[:4]
	}
	return day
}

// dateLast is the last day a stored date string stands for, as a Cypher date.

func dateLast(expr string) string {
	return "CASE size(" + expr + ") WHEN 4 THEN date(" + expr + ") + duration('P1Y') - duration('P1D') " +
		"WHEN 7 THEN date(" + expr + ") + duration('P1M') - duration('P1D') ELSE date(" + expr + ") END"
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// SortKey orders a list by one property, of the node (or, for edge lists,
// of the relationship when OnRel).
type SortKey struct {
	Prop  string `json:"p"`
	Desc  bool   `json:"d,omitempty"`
	OnRel bool   `json:"r,omitempty"`
}

func orderSignature(keys []SortKey) string {
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		s := k.Prop
		if folded(k.Prop) {
			// The cursor holds the reader's key, not the stored text.
			s = "fold(" + s + ")"
		}
		if k.OnRel {
			s = "r." + s
		}
		if k.Desc {
			s += " desc"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// FilterProps lists the filterable properties of a label (for docs and tests).
func FilterProps(l Label) []string {
	var out []string
	for p := range commonProps {
		out = append(out, p)
	}
	for p := range filterProps[l] {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// folded says whether prop is text a reader sorts by eye (names, titles):
// those lists order by readerKey rather than by the bytes of the text.
func folded(prop string) bool { return prop == "name" || prop == "title" }

// readerKey is the Cypher expression that sorts expr the way a reader
// expects: case ignored and accents folded ("Åland Islands" between
// "Afghanistan" and "Albania", not after "Zimbabwe"). The text is lowered
// and decomposed (NFD) and its combining marks (U+0300-U+036F) dropped.
// Letters that are not a base letter with marks (ø, æ, ß) keep their
// code point and sort after z, as in Nordic alphabets. Computed in the
// statement rather than stored, so every writer of names (loaders, the
// write API, imports) gets the order without a derived property to keep
// in step, and gives up the name index's order (docs/benchmarks.md,
// "Measured choices in the code"). The walk over the characters is the costly
// part (about 2.7 µs a name on the synthetic graph, against 0.7 µs for
// toLower), and text that is all ASCII has nothing to decompose or drop,
// so an ASCII check sends it down the toLower path: the same key, at
// about half the cost of the walk.
func readerKey(expr string) string {
	return "CASE WHEN " + expr + ` =~ '[\\x00-\\x7f]*' THEN toLower(` + expr + ") ELSE " +
		"reduce(s = '', c IN split(normalize(toLower(" + expr + "), NFD), '') | " +
		"CASE WHEN c >= '\u0300' AND c <= '\u036f' THEN s ELSE s + c END) END"
}
