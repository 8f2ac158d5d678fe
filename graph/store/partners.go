package store

// The potentialPartners field's read: actors outside an initiative ranked
// by the events, agreements and issue areas they share with its members.

import (
	"context"
	_ "embed" // fixed statements live in .cypher files beside this one
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// PartnerEventsPerMember bounds potentialPartners on hub members: shared
// events are sought among each member's most recent events only.
const PartnerEventsPerMember = 50

// partnerTieSlack is how many events beyond the window potentialPartners
// reads by date alone, to find every event tied at the window's boundary
// date without reading the id of all a member's events.
const partnerTieSlack = 20

// PartnerAgreementsPerIssue bounds the agreements potentialPartners reads
// per issue area of the initiative (the most recently adopted).
const PartnerAgreementsPerIssue = 15

// Partner scoring weights (documented in docs/analytics.md).
const (
	WeightSharedEvent = 3
	WeightAgreement   = 2
	WeightIssueArea   = 1
	WeightSought      = 5
)

// PartnerFact is one reason a candidate scored: an event shared with
// members (With: the members' names), an agreement signed on the
// initiative's issues (With: those issue areas' names), a shared issue area
// (With: up to 3 of the actor's initiatives, events or agreements on it), or
// the initiative's sought partnership (Status).
type PartnerFact struct {
	Kind   string // "event", "agreement", "issue", "sought"
	Node   Node   // the event, agreement or issue area; empty for "sought"
	With   []string
	Status string
}

// PartnerCandidate is an actor that is not a member of the initiative.
type PartnerCandidate struct {
	Actor Node
	Score float64
	Facts []PartnerFact
}

// PartnerCaps says which bounds of potentialPartners cut its search: the
// members that took part in more than PartnerEventsPerMember events (only
// their most recent ones were compared), the issue areas addressed by more
// than PartnerAgreementsPerIssue agreements, and the candidates that could
// have ranked but whose issue areas were not checked (PartnerPool).
type PartnerCaps struct {
	MembersCapped, IssuesCapped []string // ids
	// Unchecked counts the candidates left out by PartnerPool: their
	// events, agreements and sought status left them within reach of the
	// answer, but their issue areas were not checked.
	Unchecked int
}

// Capped reports whether any bound cut the search.
func (c PartnerCaps) Capped() bool {
	return len(c.MembersCapped)+len(c.IssuesCapped) > 0 || c.Unchecked > 0
}

// PartnerPool bounds how many candidates potentialPartners checks for
// shared issue areas (the costly part: a walk from each issue area's
// addressers to the candidate), given first.
func PartnerPool(first int) int { return 2*first + 10 }

// partnerIssueFacts is a subquery giving candidate a's issue-area facts:
// each issue area of the initiative that a works on through its
// initiatives (other than i), events or agreements, with up to 3 of them as
// examples. Each (candidate, issue area) check stops at the third witness.
const partnerIssueFacts = `CALL (i, issues, a) {
    UNWIND issues AS ia
    CALL (a, ia, i) {
      MATCH (a)-[ry:MEMBER_OF|PARTICIPATED_IN|SIGNATORY_OF]->(y)-[ryi:ADDRESSES]->(ia) WHERE y <> i{{ry}}{{ryi}}
      RETURN y.name AS yname LIMIT 3
    }
    WITH ia, collect(yname) AS via
    RETURN collect({kind: 'issue', status: '', x: ia, via: via}) AS issueFacts
  }`

// PotentialPartners ranks the actors that are not members of the
// initiative by WeightSharedEvent × events shared with a member +
// WeightAgreement × agreements signed that address one of the initiative's
// issue areas + WeightIssueArea × shared issue areas + WeightSought when the
// initiative seeks a partnership with the actor. kinds ("COUNTRY" or an
// organization kind) filters the candidates. One statement (after the id
// check); the caps that cut its search are returned beside the answer.
//
// A scope keeps every relationship the ranking reads within it: the
// members are those of the scope (as of its period), and only the events,
// signatures, issue areas and sought partnerships in scope count.
func (s *Store) PotentialPartners(ctx context.Context, initiativeID string, first int, kinds []string, sc Scope) ([]PartnerCandidate, PartnerCaps, error) {
	if first < 0 || first > MaxAnalyticsFirst {
		return nil, PartnerCaps{}, fmt.Errorf("first %d outside 0..%d", first, MaxAnalyticsFirst)
	}
	// The candidates' facts are gathered in a window (each member's most
	// recent events, each issue's most recent agreements) and grouped by
	// candidate: their base score (events, agreements, sought status).
	// Issue areas add at most $wIssue × |issues| to a base, so only the
	// candidates whose base is within that of the first-th best base can
	// reach the answer ("needed"). Those are checked for issue areas in two
	// steps: the best first of them by base ("head"), then those of the rest
	// that can still reach the lowest final score of the head ("rest", at
	// most PartnerPool(first) - first of them; any more are counted in
	// "unchecked"). A member's window is its events by (startDate desc, id):
	// the id, needed only to break ties at the boundary date, is read for
	// the perMember + tieSlack most recent events only; when those do not
	// hold every event of the boundary date (more ties than the slack), the
	// window is sorted again by both keys over all the member's events.
	// Labels the graph model guarantees (PARTICIPATED_IN
	// joins an actor to an event, SIGNATORY_OF an actor to an agreement)
	// are not re-checked.
	cypher := scopeTemplate(`
MATCH (i:Initiative {id: $id})
CALL (i) { OPTIONAL MATCH (i)<-[rm:MEMBER_OF]-(mem:Actor) WHERE true{{rm}} RETURN collect(DISTINCT mem) AS members }
CALL (i) { OPTIONAL MATCH (i)-[ri:ADDRESSES]->(ia:IssueArea) WHERE true{{ri}} RETURN collect(DISTINCT ia) AS issues }
CALL (i, members, issues) {
  MATCH (i)-[s:SEEKS_PARTNERSHIP_WITH]->(a:Actor) WHERE NOT a IN members{{s}}
  RETURN a, 'sought' AS kind, coalesce(s.status, '') AS status, null AS x, [] AS via, $wSought AS w
  UNION ALL
  UNWIND members AS m
  CALL (m) {
    MATCH (m)-[pm:PARTICIPATED_IN]->(e) WHERE true{{pm}}
    WITH e, e.startDate AS d ORDER BY d DESC LIMIT $perMember + $tieSlack
    WITH collect({e: e, d: d}) AS top
    WITH top, size(top) < $perMember + $tieSlack OR top[-1].d < top[$perMember - 1].d AS complete
    CALL (m, top, complete) {
      WITH * WHERE complete
      UNWIND top AS t
      WITH t.e AS e, t.d AS d ORDER BY d DESC, e.id LIMIT $perMember
      RETURN e
      UNION ALL
      WITH * WHERE NOT complete
      MATCH (m)-[pm:PARTICIPATED_IN]->(e) WHERE true{{pm}} RETURN e ORDER BY e.startDate DESC, e.id LIMIT $perMember
    }
    RETURN e
  }
  WITH members, e, collect(DISTINCT m.name) AS via
  MATCH (e)<-[pa:PARTICIPATED_IN]-(a) WHERE NOT a IN members{{pa}}
  RETURN a, 'event' AS kind, '' AS status, e AS x, via, $wEvent AS w
  UNION ALL
  UNWIND issues AS ia
  WITH members, ia, ia.name AS iname
  CALL (ia) { MATCH (ia)<-[ra:ADDRESSES]-(ag:Agreement) WHERE true{{ra}} RETURN ag ORDER BY ag.adoptedOn DESC, ag.id LIMIT $perIssue }
  WITH members, ag, collect(iname) AS via
  MATCH (ag)<-[sa:SIGNATORY_OF]-(a) WHERE NOT a IN members{{sa}}
  RETURN a, 'agreement' AS kind, '' AS status, ag AS x, via, $wAgreement AS w
}
WITH i, issues, a, kind, status, x, via, w
WHERE $kinds IS NULL OR (a:Country AND 'COUNTRY' IN $kinds) OR (a:Organization AND a.kind IN $kinds)
WITH i, issues, a, collect({kind: kind, status: status, x: x, via: via}) AS facts, sum(w) AS base
ORDER BY base DESC
WITH i, issues, collect({a: a, facts: facts, base: base}) AS ranked
WITH i, issues, CASE WHEN $first = 0 THEN [] WHEN size(ranked) <= $first THEN ranked
  ELSE [c IN ranked WHERE c.base >= ranked[$first - 1].base - $wIssue * size(issues)] END AS needed
UNWIND needed AS c
WITH i, issues, c ORDER BY c.base DESC, c.a.name, c.a.id
WITH i, issues, collect(c) AS needed
CALL (i, issues, needed) {
  UNWIND needed[..$first] AS c
  WITH i, issues, c, c.a AS a
  `+partnerIssueFacts+`
  RETURN collect({a: a, facts: c.facts + issueFacts, score: c.base + $wIssue * size(issueFacts)}) AS head
}
WITH i, issues, needed, head,
  CASE WHEN size(head) < $first THEN null
  ELSE reduce(low = head[0].score, h IN head | CASE WHEN h.score < low THEN h.score ELSE low END) END AS bar
WITH i, issues, head, [c IN needed[$first..] WHERE bar IS NOT NULL AND c.base + $wIssue * size(issues) >= bar] AS rest
WITH i, issues, head, rest[..$pool - $first] AS rest, size(rest) - size(rest[..$pool - $first]) AS unchecked
CALL (i, issues, rest) {
  UNWIND rest AS c
  WITH i, issues, c, c.a AS a
  `+partnerIssueFacts+`
  RETURN collect({a: a, facts: c.facts + issueFacts, score: c.base + $wIssue * size(issueFacts)}) AS checked
}
UNWIND head + checked AS c
WITH c.a AS a, c.facts AS facts, c.score AS score, unchecked
ORDER BY score DESC, a.name, a.id
LIMIT $first
RETURN labels(a) AS labels, properties(a) AS props, score, unchecked,
  [f IN facts | {kind: f.kind, status: f.status, via: f.via,
    labels: CASE WHEN f.x IS NULL THEN [] ELSE labels(f.x) END,
    props: CASE WHEN f.x IS NULL THEN {} ELSE properties(f.x) END}] AS facts`, sc)
	var kindsParam any
	if len(kinds) > 0 {
		kindsParam = kinds
	}
	type answer struct {
		cands []PartnerCandidate
		caps  PartnerCaps
	}
	a, err := analyticsRead(ctx, s, AnalyticsTimeout, func(tx runner) (answer, error) {
		if _, err := s.require(ctx, tx, "initiativeId", LabelInitiative, initiativeID); err != nil {
			return answer{}, err
		}
		dates, err := s.scopeSources(ctx, tx, "scope", sc)
		if err != nil {
			return answer{}, err
		}
		recs, err := s.run(ctx, tx, cypher, scopeParams(map[string]any{"id": initiativeID, "first": first, "kinds": kindsParam,
			"perMember": PartnerEventsPerMember, "tieSlack": partnerTieSlack, "perIssue": PartnerAgreementsPerIssue, "pool": PartnerPool(first),
			"wEvent": WeightSharedEvent, "wAgreement": WeightAgreement, "wIssue": WeightIssueArea, "wSought": WeightSought}, sc, dates))
		if err != nil {
			return answer{}, err
		}
		capRecs, err := s.run(ctx, tx, partnerCapsCypher, map[string]any{"id": initiativeID, "perMember": PartnerEventsPerMember, "perIssue": PartnerAgreementsPerIssue})
		if err != nil {
			return answer{}, err
		}
		var caps PartnerCaps
		if len(capRecs) > 0 {
			caps.MembersCapped = stringList(capRecs[0], "members")
			caps.IssuesCapped = stringList(capRecs[0], "issues")
		}
		out := make([]PartnerCandidate, 0, len(recs))
		for _, r := range recs {
			if n, _, _ := neo4j.GetRecordValue[int64](r, "unchecked"); n > 0 {
				caps.Unchecked = int(n)
			}
			c := PartnerCandidate{Actor: nodeFromRecord(r)}
			score, _, _ := neo4j.GetRecordValue[int64](r, "score")
			c.Score = float64(score)
			facts, _, _ := neo4j.GetRecordValue[[]any](r, "facts")
			for _, f := range facts {
				m, _ := f.(map[string]any)
				pf := PartnerFact{}
				pf.Kind, _ = m["kind"].(string)
				pf.Status, _ = m["status"].(string)
				labels, _ := m["labels"].([]any)
				props, _ := m["props"].(map[string]any)
				if len(labels) > 0 {
					pf.Node = Node{Label: primaryLabel(labels), Props: props}
				}
				via, _ := m["via"].([]any)
				for _, v := range via {
					if s, ok := v.(string); ok {
						pf.With = append(pf.With, s)
					}
				}
				sort.Strings(pf.With)
				c.Facts = append(c.Facts, pf)
			}
			sortFacts(c.Facts)
			out = append(out, c)
		}
		return answer{out, caps}, nil
	})
	return a.cands, a.caps, err
}

// stringList reads a list of strings from a record.
func stringList(r *neo4j.Record, key string) []string {
	vs, _, _ := neo4j.GetRecordValue[[]any](r, key)
	return sortedStrings(vs)
}

var factOrder = map[string]int{"sought": 0, "event": 1, "agreement": 2, "issue": 3}

func sortFacts(fs []PartnerFact) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if factOrder[a.Kind] != factOrder[b.Kind] {
			return factOrder[a.Kind] < factOrder[b.Kind]
		}
		an, _ := a.Node.Props["name"].(string)
		bn, _ := b.Node.Props["name"].(string)
		if an != bn {
			return an < bn
		}
		return a.Node.ID() < b.Node.ID()
	})
}

// partnerCapsCypher says which caps cut potentialPartners' window: the
// degrees are read from the count store.
//
//go:embed partner_caps.cypher
var partnerCapsCypher string
