package store

// The scope of an analytics read: which sources, which period and which
// relationship types its relationships may come from. One Cypher predicate
// (scopeCypher) applies it wherever a traversal reads a relationship, so
// neighborhood, connectionPath, potentialPartners, coParticipants, brokers
// and coalition share one rule of time.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Scope narrows an analytics read to some facts. The zero Scope is the
// whole graph.
//
// The period is [From, To] in whole days ("YYYY-MM-DD"; "" leaves that end
// open). A relationship counts when it began on or before To and did not
// end before From. When it began and ended:
//
//   - MEMBER_OF: since .. until; without since, from the group's startDate
//     (or the date of the relationship's source); without until, to the
//     group's endDate, or open.
//   - SIGNATORY_OF: from signed (or ratified, when only that is known) to
//     until (a withdrawal), or open.
//   - PARTICIPATED_IN: the event's startDate .. endDate (or startDate). With
//     AsOf, a participation does not end: an event that had taken place by
//     To is part of the record as of that date.
//   - SEEKS_PARTNERSHIP_WITH: from the date of its source (the document
//     that states the intent), open.
//   - ADDRESSES, PART_OF, FOLLOWS, HELD_IN, ESTABLISHED_BY describe their
//     start node: from its startDate (an initiative, an event) or adoptedOn
//     or openYear (an agreement), else the date of the relationship's
//     source; open.
//
// A date kept to the year or month spans its whole range ("1999" from
// 1999-01-01 to 1999-12-31). A relationship with no date at all (no own
// date, no dated node, no dated source) is left out whenever a period is
// given: it could be anachronistic.
type Scope struct {
	// Sources keeps the relationships whose sourceId or refSourceId is one
	// of these Source ids (nil: every source).
	Sources []string
	// From and To bound the period ("" open).
	From, To string
	// AsOf says the period is one date: the graph as it stood then.
	AsOf bool
	// Types keeps relationships of these types only (nil: every type).
	Types []RelType
}

// Period reports whether the scope bounds time.
func (sc Scope) Period() bool { return sc.From != "" || sc.To != "" }

// IsZero reports whether the scope keeps every relationship.
func (sc Scope) IsZero() bool { return len(sc.Sources) == 0 && !sc.Period() && len(sc.Types) == 0 }

// Key identifies the scope (for caches keyed by scope).
func (sc Scope) Key() string {
	src := append([]string(nil), sc.Sources...)
	sort.Strings(src)
	ts := make([]string, 0, len(sc.Types))
	for _, t := range sc.Types {
		ts = append(ts, string(t))
	}
	sort.Strings(ts)
	return fmt.Sprintf("%s|%s|%s|%t|%s", strings.Join(src, ","), sc.From, sc.To, sc.AsOf, strings.Join(ts, ","))
}

// allows reports whether the scope keeps relationships of type t.
func (sc Scope) allows(t RelType) bool {
	if len(sc.Types) == 0 {
		return true
	}
	for _, x := range sc.Types {
		if x == t {
			return true
		}
	}
	return false
}

// check refuses types outside the model.
func (sc Scope) check() error {
	for _, t := range sc.Types {
		if _, ok := RelTypes[t]; !ok {
			return fmt.Errorf("relationship type %q is not in the model", t)
		}
	}
	return nil
}

// scopeBegin is the Cypher expression for when relationship r began (a
// stored date string, or null when unknown); $scopeSourceDates maps Source
// ids to their dates.
const scopeBegin = `CASE type(REL)
  WHEN 'MEMBER_OF' THEN coalesce(REL.since, endNode(REL).startDate, $scopeSourceDates[coalesce(REL.sourceId, REL.refSourceId, '')])
  WHEN 'SIGNATORY_OF' THEN coalesce(REL.signed, REL.ratified, $scopeSourceDates[coalesce(REL.sourceId, REL.refSourceId, '')])
  WHEN 'PARTICIPATED_IN' THEN endNode(REL).startDate
  WHEN 'SEEKS_PARTNERSHIP_WITH' THEN $scopeSourceDates[coalesce(REL.sourceId, REL.refSourceId, '')]
  ELSE coalesce(startNode(REL).startDate, startNode(REL).adoptedOn, startNode(REL).openYear, $scopeSourceDates[coalesce(REL.sourceId, REL.refSourceId, '')])
END`

// scopeEnd is the Cypher expression for when relationship r ended (null:
// it did not, or it is not known to have).
const scopeEnd = `CASE type(REL)
  WHEN 'MEMBER_OF' THEN coalesce(REL.until, endNode(REL).endDate)
  WHEN 'SIGNATORY_OF' THEN REL.until
  WHEN 'PARTICIPATED_IN' THEN CASE WHEN $scopeAsOf THEN null ELSE coalesce(endNode(REL).endDate, endNode(REL).startDate) END
  ELSE null
END`

// scopeCypher is the predicate that keeps relationship variable v within
// the scope, or "" for the zero scope (so the unscoped statements stay as
// they were, plans and all). Its parameters come from scopeParams.
//
// Stored dates are strings of 4, 7 or 10 characters and the bounds whole
// days, so the comparisons are string comparisons (as in the date
// filters): a date's first day is on or before $scopeTo exactly when the
// string is, and its last day is on or after $scopeFrom exactly when the
// string followed by '~' (which sorts after digits and '-') is.
func scopeCypher(v string, sc Scope) string {
	if sc.IsZero() {
		return ""
	}
	var parts []string
	if len(sc.Types) > 0 {
		parts = append(parts, "type(REL) IN $scopeTypes")
	}
	if len(sc.Sources) > 0 {
		parts = append(parts, "(REL.sourceId IN $scopeSources OR REL.refSourceId IN $scopeSources)")
	}
	if sc.Period() {
		begin := "(" + scopeBegin + ")"
		parts = append(parts, begin+" IS NOT NULL")
		if sc.To != "" {
			parts = append(parts, begin+" <= $scopeTo")
		}
		if sc.From != "" {
			end := "(" + scopeEnd + ")"
			parts = append(parts, "("+end+" IS NULL OR "+end+" + '~' >= $scopeFrom)")
		}
	}
	pred := "(" + strings.Join(parts, " AND ") + ")"
	return strings.ReplaceAll(pred, "REL", v) // REL above stands for the relationship
}

// scopeWhere is " AND <predicate>" for v, or "".
func scopeWhere(v string, sc Scope) string {
	if p := scopeCypher(v, sc); p != "" {
		return " AND " + p
	}
	return ""
}

// scopeParams adds the scope's parameters to params (sourceDates: the
// dates of the Source nodes, from scopeSources).
func scopeParams(params map[string]any, sc Scope, sourceDates map[string]any) map[string]any {
	if sc.IsZero() {
		return params
	}
	ts := make([]string, 0, len(sc.Types))
	for _, t := range sc.Types {
		ts = append(ts, string(t))
	}
	if sourceDates == nil {
		sourceDates = map[string]any{}
	}
	params["scopeTypes"] = ts
	params["scopeSources"] = sc.Sources
	params["scopeFrom"] = sc.From
	params["scopeTo"] = sc.To
	params["scopeAsOf"] = sc.AsOf
	params["scopeSourceDates"] = sourceDates
	return params
}

// scopeSources checks the scope (its types against the model, its sources
// against the Source nodes, naming arg in a *MissingError) and, when it
// bounds time, reads the dates of every Source (one statement; none for a
// scope without sources or period).
func (s *Store) scopeSources(ctx context.Context, tx runner, arg string, sc Scope) (map[string]any, error) {
	if err := sc.check(); err != nil {
		return nil, err
	}
	if len(sc.Sources) == 0 && !sc.Period() {
		return nil, nil
	}
	recs, err := s.run(ctx, tx, "MATCH (s:Source) RETURN s.id AS id, s.date AS date", nil)
	if err != nil {
		return nil, err
	}
	dates := make(map[string]any, len(recs))
	for _, r := range recs {
		id, _, _ := neo4j.GetRecordValue[string](r, "id")
		d, _ := r.Get("date")
		dates[id] = d
	}
	for _, id := range sc.Sources {
		if _, ok := dates[id]; !ok {
			return nil, &MissingError{Argument: arg + ".sources", ID: id, Label: LabelSource}
		}
	}
	return dates, nil
}

// relTypesScoped is relTypesPattern over the types both lists allow (the
// scope's types restrict those a field asks for). ok is false when none is
// left: nothing can match.
func relTypesScoped(types []RelType, sc Scope) (pattern string, ok bool, err error) {
	if len(sc.Types) == 0 {
		p, err := relTypesPattern(types)
		return p, true, err
	}
	if len(types) == 0 {
		p, err := relTypesPattern(sc.Types)
		return p, true, err
	}
	var both []RelType
	for _, t := range types {
		if sc.allows(t) {
			both = append(both, t)
		}
	}
	if len(both) == 0 {
		if _, err := relTypesPattern(types); err != nil {
			return "", false, err
		}
		return "", false, nil
	}
	p, err := relTypesPattern(both)
	return p, true, err
}

// scopeTemplate replaces each {{v}} of cypher (v a relationship variable)
// with scopeWhere(v, sc): " AND <predicate>", or nothing for the zero scope.
func scopeTemplate(cypher string, sc Scope) string {
	var b strings.Builder
	for {
		i := strings.Index(cypher, "{{")
		if i < 0 {
			b.WriteString(cypher)
			return b.String()
		}
		j := strings.Index(cypher[i:], "}}")
		if j < 0 {
			panic("scopeTemplate: unclosed {{")
		}
		b.WriteString(cypher[:i])
		b.WriteString(scopeWhere(cypher[i+2:i+j], sc))
		cypher = cypher[i+j+2:]
	}
}
