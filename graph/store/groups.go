package store

// Reads about actors and their groups: shared issue areas, common ground,
// a group's members, co-participants and timelines.

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// issueAreasOf is a subquery giving the issue areas of node n: directly
// addressed (initiative, event, agreement) or, for an actor, addressed by
// its initiatives, events and agreements.
const issueAreasOf = `CALL (n) {
  MATCH (n)-[:ADDRESSES]->(ia:IssueArea) RETURN ia
  UNION
  MATCH (n:Actor)-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(ia:IssueArea) RETURN ia
}`

// SharedIssueAreas returns the issue areas both nodes have, by name.
func (s *Store) SharedIssueAreas(ctx context.Context, a, b string) ([]Node, error) {
	cypher := "MATCH (n) WHERE elementId(n) = $eid " + issueAreasOf + " WITH DISTINCT ia RETURN ia.id AS id"
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) ([]Node, error) {
		na, err := s.require(ctx, tx, "a", "", a)
		if err != nil {
			return nil, err
		}
		nb, err := s.require(ctx, tx, "b", "", b)
		if err != nil {
			return nil, err
		}
		sets := [2]map[string]bool{}
		for i, n := range []found{na, nb} {
			recs, err := s.run(ctx, tx, cypher, map[string]any{"eid": n.eid})
			if err != nil {
				return nil, err
			}
			sets[i] = map[string]bool{}
			for _, r := range recs {
				v, _, _ := neo4j.GetRecordValue[string](r, "id")
				sets[i][v] = true
			}
		}
		var both []string
		for id := range sets[0] {
			if sets[1][id] {
				both = append(both, id)
			}
		}
		return s.nodesSorted(ctx, tx, LabelIssueArea, both)
	})
}

// nodesSorted fetches nodes of a label by id, ordered by name then id.
func (s *Store) nodesSorted(ctx context.Context, tx runner, label Label, ids []string) ([]Node, error) {
	if len(ids) == 0 {
		return []Node{}, nil
	}
	recs, err := s.run(ctx, tx, "UNWIND $ids AS id MATCH (n:"+string(label)+" {id: id}) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.name, n.id", map[string]any{"ids": ids})
	if err != nil {
		return nil, err
	}
	return nodesFromRecords(recs), nil
}

// CommonGround is what every actor of a group shares.
type CommonGround struct {
	IssueAreas, Events, Agreements, Initiatives []Node
}

// CommonGround finds the issue areas, events, agreements and initiatives
// that every actor of ids shares. ids must be 1..MaxCommonGroundIDs actors.
func (s *Store) CommonGround(ctx context.Context, ids []string) (CommonGround, error) {
	uniq := dedupe(ids)
	if len(uniq) == 0 || len(uniq) > MaxCommonGroundIDs {
		return CommonGround{}, fmt.Errorf("%d ids outside 1..%d", len(uniq), MaxCommonGroundIDs)
	}
	const cypher = `
UNWIND $ids AS aid MATCH (n:Actor {id: aid})
CALL (n) {
  MATCH (n)-[:PARTICIPATED_IN]->(x:Event) RETURN 'event' AS kind, x
  UNION
  MATCH (n)-[:SIGNATORY_OF]->(x:Agreement) RETURN 'agreement' AS kind, x
  UNION
  MATCH (n)-[:MEMBER_OF]->(x:Initiative) RETURN 'initiative' AS kind, x
  UNION
  MATCH (n)-[:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->()-[:ADDRESSES]->(x:IssueArea) RETURN 'issue' AS kind, x
}
WITH kind, x, count(DISTINCT n) AS c WHERE c = size($ids)
RETURN kind, labels(x) AS labels, properties(x) AS props ORDER BY kind, x.startDate, x.name, x.id`
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (CommonGround, error) {
		got, err := s.existing(ctx, tx, LabelActor, uniq)
		if err != nil {
			return CommonGround{}, err
		}
		for _, id := range uniq {
			if _, ok := got[id]; !ok {
				return CommonGround{}, &MissingError{Argument: "ids", ID: id, Label: LabelActor}
			}
		}
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": uniq})
		if err != nil {
			return CommonGround{}, err
		}
		cg := CommonGround{IssueAreas: []Node{}, Events: []Node{}, Agreements: []Node{}, Initiatives: []Node{}}
		for _, r := range recs {
			kind, _, _ := neo4j.GetRecordValue[string](r, "kind")
			n := nodeFromRecord(r)
			switch kind {
			case "event":
				cg.Events = append(cg.Events, n)
			case "agreement":
				cg.Agreements = append(cg.Agreements, n)
			case "initiative":
				cg.Initiatives = append(cg.Initiatives, n)
			case "issue":
				cg.IssueAreas = append(cg.IssueAreas, n)
			}
		}
		return cg, nil
	})
}

// dedupe returns xs without repeats, in first-seen order.
func dedupe[T comparable](xs []T) []T {
	seen := map[T]bool{}
	out := make([]T, 0, len(xs))
	for _, id := range xs {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// MembershipRow is one MEMBER_OF relationship into a group.
type MembershipRow struct {
	Actor Node
	Props map[string]any
	Group Node // the initiative or organization
}

// Members returns every MEMBER_OF into the initiative or organization id
// within the scope (at most MaxCoalitionRows), ordered by actor name.
func (s *Store) Members(ctx context.Context, id string, sc Scope) ([]MembershipRow, error) {
	cypher := scopeTemplate(`
CALL () { MATCH (g:Initiative {id: $id}) RETURN g UNION MATCH (g:Organization {id: $id}) RETURN g }
MATCH (a:Actor)-[r:MEMBER_OF]->(g) WHERE true{{r}}
RETURN labels(a) AS labels, properties(a) AS props, properties(r) AS rprops, labels(g) AS glabels, properties(g) AS gprops
ORDER BY a.name, a.id LIMIT $limit`, sc)
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) ([]MembershipRow, error) {
		got, err := s.existing(ctx, tx, "", []string{id})
		if err != nil {
			return nil, err
		}
		if n, ok := got[id]; !ok || (n.Label != LabelInitiative && n.Label != LabelOrganization) {
			return nil, &MissingError{Argument: "initiativeId", ID: id, Label: LabelInitiative}
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return nil, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"id": id, "limit": MaxCoalitionRows}, sc, dates))
		if err != nil {
			return nil, err
		}
		out := make([]MembershipRow, 0, len(recs))
		for _, r := range recs {
			rp, _, _ := neo4j.GetRecordValue[map[string]any](r, "rprops")
			gl, _, _ := neo4j.GetRecordValue[[]any](r, "glabels")
			gp, _, _ := neo4j.GetRecordValue[map[string]any](r, "gprops")
			out = append(out, MembershipRow{Actor: nodeFromRecord(r), Props: rp, Group: Node{Label: primaryLabel(gl), Props: gp}})
		}
		return out, nil
	})
}

// CoParticipation is an actor that took part in events with another.
type CoParticipation struct {
	Actor  Node
	Count  int
	Events []Node // at most MaxCoParticipationEvents, in date order
}

// CoParticipantEvents bounds coParticipants on hub actors: only the actor's
// most recent events (by start date) are compared; CoParticipants reports
// when the actor has more.
const CoParticipantEvents = 500

// CoParticipants returns the actors that took part in the same events as
// actorID, most shared events first (then name), at most first. For an
// actor at more than CoParticipantEvents events, only its most recent ones
// are compared and capped is true (the counts are then those of the window).
//
// A scope keeps both actors' participations within it (an event outside the
// period, or a participation from another source, is not shared).
func (s *Store) CoParticipants(ctx context.Context, actorID string, first int, sc Scope) (cps []CoParticipation, capped bool, err error) {
	if first < 0 || first > MaxAnalyticsFirst {
		return nil, false, fmt.Errorf("first %d outside 0..%d", first, MaxAnalyticsFirst)
	}
	cypher := scopeTemplate(`
MATCH (a:Actor {id: $id})
CALL (a) { MATCH (a)-[pa:PARTICIPATED_IN]->(e:Event) WHERE true{{pa}} RETURN e ORDER BY e.startDate DESC, e.id LIMIT $window }
MATCH (e)<-[po:PARTICIPATED_IN]-(o:Actor)
WHERE o <> a{{po}}
WITH o, collect(DISTINCT e) AS evs
WITH o, evs, size(evs) AS c ORDER BY c DESC, o.name, o.id LIMIT $first
CALL (evs) { UNWIND evs AS e WITH e ORDER BY e.startDate, e.name, e.id LIMIT $maxEvents
  RETURN collect({labels: labels(e), props: properties(e)}) AS top }
RETURN labels(o) AS labels, properties(o) AS props, c, top`, sc)
	type answer struct {
		cps    []CoParticipation
		capped bool
	}
	a, err := analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (answer, error) {
		if _, err := s.require(ctx, tx, "actorId", LabelActor, actorID); err != nil {
			return answer{}, err
		}
		// PARTICIPATED_IN always ends at an Event (CheckEndpoints), so the
		// degree (from the count store) is the number of events.
		deg, err := s.run(ctx, tx, "MATCH (a:Actor {id: $id}) RETURN COUNT { (a)-[:PARTICIPATED_IN]->() } AS n", map[string]any{"id": actorID})
		if err != nil {
			return answer{}, err
		}
		var out answer
		if len(deg) > 0 {
			n, _, _ := neo4j.GetRecordValue[int64](deg[0], "n")
			out.capped = n > CoParticipantEvents
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return answer{}, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"id": actorID, "first": first, "maxEvents": MaxCoParticipationEvents, "window": CoParticipantEvents}, sc, dates))
		if err != nil {
			return answer{}, err
		}
		out.cps = make([]CoParticipation, 0, len(recs))
		for _, r := range recs {
			c, _, _ := neo4j.GetRecordValue[int64](r, "c")
			top, _, _ := neo4j.GetRecordValue[[]any](r, "top")
			cp := CoParticipation{Actor: nodeFromRecord(r), Count: int(c)}
			for _, x := range top {
				m, _ := x.(map[string]any)
				labels, _ := m["labels"].([]any)
				props, _ := m["props"].(map[string]any)
				cp.Events = append(cp.Events, Node{Label: primaryLabel(labels), Props: props})
			}
			out.cps = append(out.cps, cp)
		}
		return out, nil
	})
	return a.cps, a.capped, err
}

// TimelineArgs filter the events of a timeline. From and To are the first
// and last day ("YYYY-MM-DD") of the range, or "" for open ends.
type TimelineArgs struct {
	ActorID, InitiativeID, IssueAreaID string
	From, To                           string
	First                              int
}

// Timeline lists events in date order. An event counts when its span
// [first day of startDate, last day of endDate or startDate] overlaps
// [From, To]; a date known to the month or year spans its whole range.
func (s *Store) Timeline(ctx context.Context, a TimelineArgs) ([]Node, error) {
	if a.First < 0 || a.First > MaxTimelineFirst {
		return nil, fmt.Errorf("first %d outside 0..%d", a.First, MaxTimelineFirst)
	}
	type anchor struct {
		arg, id, match, exists string
		label                  Label
	}
	anchors := []anchor{
		{"actorId", a.ActorID, "MATCH (:Actor {id: $actorId})-[:PARTICIPATED_IN]->(e:Event) ", "EXISTS { (e)<-[:PARTICIPATED_IN]-(:Actor {id: $actorId}) }", LabelActor},
		{"initiativeId", a.InitiativeID, "MATCH (:Initiative {id: $initiativeId})<-[:PART_OF]-(e:Event) ", "EXISTS { (e)-[:PART_OF]->(:Initiative {id: $initiativeId}) }", LabelInitiative},
		{"issueAreaId", a.IssueAreaID, "MATCH (:IssueArea {id: $issueAreaId})<-[:ADDRESSES]-(e:Event) ", "EXISTS { (e)-[:ADDRESSES]->(:IssueArea {id: $issueAreaId}) }", LabelIssueArea},
	}
	match := ""
	var where []string
	params := map[string]any{"first": a.First, "from": nullable(a.From), "to": nullable(a.To),
		"actorId": nullable(a.ActorID), "initiativeId": nullable(a.InitiativeID), "issueAreaId": nullable(a.IssueAreaID)}
	for _, an := range anchors {
		if an.id == "" {
			continue
		}
		if match == "" {
			match = an.match
		} else {
			where = append(where, an.exists)
		}
	}
	if match == "" {
		match = "MATCH (e:Event) "
	}
	if len(where) > 0 {
		match += "WHERE " + strings.Join(where, " AND ") + " "
	}
	cypher := match + `
WITH DISTINCT e
WITH e, CASE size(e.startDate) WHEN 4 THEN e.startDate + '-01-01' WHEN 7 THEN e.startDate + '-01' ELSE e.startDate END AS first,
  coalesce(e.endDate, e.startDate) AS endRaw
WITH e, first, CASE size(endRaw) WHEN 4 THEN endRaw + '-12-31' WHEN 7 THEN endRaw + '-31' ELSE endRaw END AS last
WHERE ($from IS NULL OR last >= $from) AND ($to IS NULL OR first <= $to)
RETURN labels(e) AS labels, properties(e) AS props ORDER BY first, e.name, e.id LIMIT $first`
	return analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) ([]Node, error) {
		for _, an := range anchors {
			if an.id == "" {
				continue
			}
			if _, err := s.require(ctx, tx, an.arg, an.label, an.id); err != nil {
				return nil, err
			}
		}
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		return nodesFromRecords(recs), nil
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
