package integration

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// cypherInt runs a read on the test database directly (not through the
// API) and returns its single integer: the tests' independent check.
func cypherInt(t *testing.T, st *store.Store, q string, params map[string]any) int {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), st.Driver(), q, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n, _, err := neo4j.GetRecordValue[int64](res.Records[0], "n")
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return int(n)
}

func cypherString(t *testing.T, st *store.Store, q string, params map[string]any) string {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), st.Driver(), q, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if len(res.Records) == 0 {
		return ""
	}
	v, _ := res.Records[0].Values[0].(string)
	return v
}

const nestedOrg = `mutation($in: OrganizationInput!) { upsertOrganization(input: $in) {
  id name memberships(first: 10) { role since initiative { id } } participations { role event { id } } } }`

// TestNestedUpsert: an upsert writes its node and the relationships it
// lists in one statement, with the node's evidence when a link has none,
// and all of it rolls back when one link's end is missing.
func TestNestedUpsert(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	in := map[string]any{"in": map[string]any{
		"id": "org:hsn-secretariat", "name": "Human Security Network Secretariat", "kind": "INTERGOVERNMENTAL", "evidence": testEvidence,
		"memberOf": []any{
			map[string]any{"to": "initiative:lysoen-partnership", "role": "OBSERVER", "since": "1999-05"},
			map[string]any{"to": "org:icrc", "role": "MEMBER", "evidence": map[string]any{"sourceId": "source:human-security-1999", "quote": "the ICRC"}},
		},
		"participatedIn": []any{map[string]any{"to": "event:lysoen-ministerial-retreat-1999", "role": "PARTICIPANT"}},
		"signed":         []any{map[string]any{"to": "agreement:lysoen-declaration", "signed": "1998-05-11"}},
	}}
	_, resp := s.queryAs(t, editorKey, nestedOrg, in)
	var got struct {
		UpsertOrganization struct {
			ID          string
			Memberships []struct {
				Role, Since string
				Initiative  *struct{ ID string }
			}
			Participations []struct {
				Role  string
				Event struct{ ID string }
			}
		}
	}
	mustOK(t, resp, &got)
	// The write is one statement; the selected relationships are read after it.
	roles := map[string]string{} // initiative (or "" for the organization) -> role/since
	for _, m := range got.UpsertOrganization.Memberships {
		k := ""
		if m.Initiative != nil {
			k = m.Initiative.ID
		}
		roles[k] = m.Role + "/" + m.Since
	}
	if len(roles) != 2 || roles["initiative:lysoen-partnership"] != "OBSERVER/1999-05" || roles[""] != "MEMBER/" ||
		len(got.UpsertOrganization.Participations) != 1 {
		t.Errorf("answer: %s", resp.Data)
	}
	// Independently: the four relationships, each with evidence, all
	// carrying the node's change-set id and audit stamps.
	rels := cypherInt(t, st, `MATCH (o:Organization {id: "org:hsn-secretariat"})-[r]->() WHERE r.sourceId IS NOT NULL AND r.evidence IS NOT NULL
		AND r.changeSetId = o.changeSetId AND r.createdBy = "key:ed" AND r.updatedAt = o.updatedAt RETURN count(r) AS n`, nil)
	if rels != 4 {
		t.Errorf("relationships written with the node: %d, want 4", rels)
	}
	if q := cypherString(t, st, `MATCH (:Organization {id: "org:hsn-secretariat"})-[r:MEMBER_OF]->(:Organization {id: "org:icrc"}) RETURN r.evidence`, nil); q != "the ICRC" {
		t.Errorf("link's own evidence: %q", q)
	}
	if q := cypherString(t, st, `MATCH (:Organization {id: "org:hsn-secretariat"})-[r:SIGNATORY_OF]->() RETURN r.evidence`, nil); q != testEvidence["quote"] {
		t.Errorf("a link without evidence takes the node's: %q", q)
	}
	// Writing it again changes nothing in shape: still one node, four relationships.
	_, resp = s.queryAs(t, editorKey, nestedOrg, in)
	mustOK(t, resp, nil)
	if n := cypherInt(t, st, `MATCH (o:Organization {id: "org:hsn-secretariat"})-[r]->() RETURN count(r) AS n`, nil); n != 4 {
		t.Errorf("after a second upsert: %d relationships, want 4", n)
	}

	// A bad link (its end does not exist) rolls back the node and the good link.
	bad := map[string]any{"in": map[string]any{
		"id": "org:half-written", "name": "Half Written", "evidence": testEvidence,
		"memberOf": []any{
			map[string]any{"to": "initiative:lysoen-partnership", "role": "MEMBER"},
			map[string]any{"to": "initiative:no-such-initiative", "role": "MEMBER"},
		},
	}}
	_, resp = s.queryAs(t, editorKey, nestedOrg, bad)
	wantError(t, "link to a missing end", resp, "NOT_FOUND", "input.memberOf.1.to")
	if resp.Extensions["cypherRoundTrips"] != float64(1) {
		t.Errorf("round trips = %v, want 1 (node, links and checks in one statement)", resp.Extensions["cypherRoundTrips"])
	}
	if n := cypherInt(t, st, `OPTIONAL MATCH (o {id: "org:half-written"}) RETURN count(o) AS n`, nil); n != 0 {
		t.Error("org:half-written survived the failed nested upsert")
	}
	if n := cypherInt(t, st, `MATCH (:Initiative {id: "initiative:lysoen-partnership"})<-[r:MEMBER_OF]-({id: "org:half-written"}) RETURN count(r) AS n`, nil); n != 0 {
		t.Error("the good link of the failed nested upsert survived")
	}
	// A missing cited source, on a link: the whole write rolls back too.
	badSource := map[string]any{"in": map[string]any{"id": "org:half-written", "name": "Half Written", "evidence": testEvidence,
		"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership", "evidence": map[string]any{"sourceId": "source:nowhere", "quote": "x"}}}}}
	_, resp = s.queryAs(t, editorKey, nestedOrg, badSource)
	wantError(t, "link citing a missing source", resp, "BAD_USER_INPUT", "input.memberOf.0.evidence.sourceId")
	if n := cypherInt(t, st, `OPTIONAL MATCH (o {id: "org:half-written"}) RETURN count(o) AS n`, nil); n != 0 {
		t.Error("org:half-written survived a missing source")
	}

	// Shapes and properties are checked against the model before any Cypher.
	refused := []struct {
		name     string
		in       map[string]any
		argument string
	}{
		{"MEMBER_OF to an event", map[string]any{"memberOf": []any{map[string]any{"to": "event:lysoen-declaration-signing"}}}, "input.memberOf.0.to"},
		{"until before since", map[string]any{"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership", "since": "1999", "until": "1998"}}}, "input.memberOf.0.until"},
		{"generic link of a type an organization cannot start", map[string]any{"links": []any{map[string]any{"type": "HELD_IN", "to": "country:CAN"}}}, "input.links.0.to"},
		{"generic link with a property its type lacks", map[string]any{"links": []any{map[string]any{"type": "MEMBER_OF", "to": "org:icrc", "properties": map[string]any{"status": "ACTIVE"}}}}, "input.links.0.properties.status"},
		// (signed[].method is a SignatureMethod: GraphQL refuses other values before the resolver)
		{"generic link with an unknown signature method", map[string]any{"links": []any{map[string]any{"type": "SIGNATORY_OF", "to": "agreement:lysoen-declaration",
			"properties": map[string]any{"method": "HANDSHAKE"}}}}, "input.links.0.properties.method"},
	}
	for _, c := range refused {
		c.in["id"], c.in["name"], c.in["evidence"] = "org:refused", "Refused", testEvidence
		_, resp := s.queryAs(t, editorKey, nestedOrg, map[string]any{"in": c.in})
		wantError(t, c.name, resp, "BAD_USER_INPUT", c.argument)
		if resp.Extensions["cypherRoundTrips"] != float64(0) {
			t.Errorf("%s: %v round trips, want 0", c.name, resp.Extensions["cypherRoundTrips"])
		}
	}
	// Without evidence on the node, a nested link needs its own.
	_, resp = s.queryAs(t, editorKey, nestedOrg, map[string]any{"in": map[string]any{"id": "org:icrc", "name": "International Committee of the Red Cross",
		"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership"}}}})
	wantError(t, "nested link without any evidence", resp, "BAD_USER_INPUT", "input.memberOf.0.evidence")
}

// TestCreateNeedsEvidence: a write that creates a node states its source
// (sources are exempt); an update without evidence keeps the stored one.
func TestCreateNeedsEvidence(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	_, resp := s.queryAs(t, editorKey, `mutation { upsertIssueArea(input: {id: "issue:unsourced", name: "Unsourced"}) { id } }`, nil)
	wantError(t, "new issue area without evidence", resp, "BAD_USER_INPUT", "input.evidence")
	if n := cypherInt(t, st, `OPTIONAL MATCH (n {id: "issue:unsourced"}) RETURN count(n) AS n`, nil); n != 0 {
		t.Error("a node without evidence was created")
	}
	_, resp = s.queryAs(t, editorKey, `mutation { upsertIssueArea(input: {id: "issue:landmines", name: "Landmines"}) { id } }`, nil)
	mustOK(t, resp, nil)
	_, resp = s.queryAs(t, editorKey, `mutation { upsertSource(input: {id: "source:curator-notes", title: "Curator notes"}) { id } }`, nil)
	mustOK(t, resp, nil)
	// Nested relationships without their own evidence take the node's.
	_, resp = s.queryAs(t, editorKey, nestedOrg, map[string]any{"in": map[string]any{"id": "org:sourced", "name": "Sourced", "evidence": testEvidence,
		"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership"}}}})
	mustOK(t, resp, nil)
	// The cookbook's own data-quality query must still answer zero and zero.
	q, err := os.ReadFile("docs/cookbook/15-facts-without-evidence.cypher")
	if err != nil {
		t.Fatal(err)
	}
	res, err := neo4j.ExecuteQuery(context.Background(), st.Driver(), string(q), nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	if nodes, rels := res.Records[0].Values[0], res.Records[0].Values[1]; nodes != int64(0) || rels != int64(0) {
		t.Errorf("facts without evidence after the writes: %v nodes, %v relationships", nodes, rels)
	}
}

// TestExpectedUpdatedAt: a stale expectedUpdatedAt is refused with
// CONFLICT and writes nothing; among parallel writers holding the same
// updatedAt exactly one wins.
func TestExpectedUpdatedAt(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	_, resp := s.queryAs(t, editorKey, upsertOrg, orgInput("org:icbl"))
	mustOK(t, resp, nil)
	audit := func() (updatedAt, changeSet string) {
		_, resp := s.queryAs(t, "", `{ audit(id: "org:icbl") { updatedAt changeSetId createdBy } }`, nil)
		var got struct {
			Audit struct{ UpdatedAt, ChangeSetID, CreatedBy string }
		}
		mustOK(t, resp, &got)
		return got.Audit.UpdatedAt, got.Audit.ChangeSetID
	}
	first, cs := audit()
	if first != cypherString(t, st, `MATCH (o:Organization {id: "org:icbl"}) RETURN o.updatedAt`, nil) || !strings.HasPrefix(cs, "changeset:") {
		t.Fatalf("audit: updatedAt %q changeSetId %q", first, cs)
	}
	write := func(expected, acronym string) gqlResponse {
		in := map[string]any{"id": "org:icbl", "name": "ICBL", "acronym": acronym, "expectedUpdatedAt": expected}
		_, resp := s.queryAs(t, editorKey, upsertOrg, map[string]any{"in": in})
		return resp
	}
	mustOK(t, write(first, "ICBL-1"), nil)
	second, _ := audit()
	resp = write(first, "STALE") // first is no longer the stored updatedAt
	wantError(t, "stale expectedUpdatedAt", resp, "CONFLICT", "input.expectedUpdatedAt")
	if a := cypherString(t, st, `MATCH (o:Organization {id: "org:icbl"}) RETURN o.acronym`, nil); a != "ICBL-1" {
		t.Errorf("acronym after a refused write: %q", a)
	}
	if now, _ := audit(); now != second {
		t.Errorf("updatedAt moved on a refused write: %s -> %s", second, now)
	}
	_, resp = s.queryAs(t, editorKey, upsertOrg, map[string]any{"in": map[string]any{"id": "org:not-there", "name": "X", "evidence": testEvidence, "expectedUpdatedAt": second}})
	wantError(t, "expectedUpdatedAt on a node that does not exist", resp, "CONFLICT", "input.expectedUpdatedAt")

	// Eight writers read the same updatedAt; one write wins, seven are refused.
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := write(second, fmt.Sprintf("W%d", i))
			code := "OK"
			if len(resp.Errors) > 0 {
				code = fmt.Sprint(resp.Errors[0].Extensions["code"])
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes["OK"] != 1 || codes["CONFLICT"] != n-1 {
		t.Errorf("parallel writers with one expectedUpdatedAt: %v, want 1 OK and %d CONFLICT", codes, n-1)
	}
}

// An updatedAt stored in another RFC 3339 form (nine fraction digits, an
// offset: written with Cypher directly) is compared as an instant cut to
// the microsecond, by the single upsert and by applyChanges alike.
func TestExpectedUpdatedAtOtherForms(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	const stored = "2026-12-05T11:30:12.123456789+01:00"
	same, other := "2026-12-05T10:30:12.123456Z", "2026-12-05T10:30:12.123457Z"
	_, resp := s.queryAs(t, editorKey, upsertOrg, orgInput("org:icbl"))
	mustOK(t, resp, nil)
	setStored := func() {
		t.Helper()
		cypherString(t, st, `MATCH (o:Organization {id: "org:icbl"}) SET o.updatedAt = $at`, map[string]any{"at": stored})
	}
	acronym := func() string {
		return cypherString(t, st, `MATCH (o:Organization {id: "org:icbl"}) RETURN o.acronym`, nil)
	}
	input := func(expected, acr string) map[string]any {
		return map[string]any{"id": "org:icbl", "name": "ICBL", "acronym": acr, "expectedUpdatedAt": expected}
	}
	single := func(expected, acr string) gqlResponse {
		_, resp := s.queryAs(t, editorKey, upsertOrg, map[string]any{"in": input(expected, acr)})
		return resp
	}
	batch := func(expected, acr string) gqlResponse {
		changes := []any{map[string]any{"upsertOrganization": input(expected, acr)}}
		_, resp := s.queryAs(t, editorKey, applyChanges, map[string]any{"changes": changes})
		return resp
	}
	for _, w := range []struct {
		name  string
		write func(expected, acronym string) gqlResponse
	}{{"upsertOrganization", single}, {"applyChanges", batch}} {
		setStored()
		if resp := w.write(other, w.name+"-stale"); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "CONFLICT" {
			t.Errorf("%s: stored %s, expected %s: %+v, want CONFLICT", w.name, stored, other, resp.Errors)
		}
		if got := acronym(); got == w.name+"-stale" {
			t.Errorf("%s: a refused write changed the acronym", w.name)
		}
		// The stored form itself is accepted as input too.
		for i, expected := range []string{same, stored} {
			setStored()
			want := fmt.Sprintf("%s-%d", w.name, i)
			mustOK(t, w.write(expected, want), nil)
			if got := acronym(); got != want {
				t.Errorf("%s: stored %s, expected %s: acronym %q, want %q", w.name, stored, expected, got, want)
			}
		}
	}
}

// TestConcurrentNestedUpserts: parallel nested upserts of one node and one
// relationship leave one node and one relationship, with the last write's values.
func TestConcurrentNestedUpserts(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := map[string]any{"in": map[string]any{"id": "org:race", "name": fmt.Sprintf("Racer %d", i), "evidence": testEvidence,
				"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership", "since": fmt.Sprintf("19%02d", 80+i)}}}}
			_, resp := s.queryAs(t, editorKey, nestedOrg, in)
			if len(resp.Errors) > 0 {
				errs <- fmt.Sprint(resp.Errors)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent nested upsert failed: %s", e)
	}
	if c := cypherInt(t, st, `MATCH (o:Organization {id: "org:race"}) RETURN count(o) AS n`, nil); c != 1 {
		t.Errorf("%d nodes org:race, want 1", c)
	}
	if c := cypherInt(t, st, `MATCH (:Organization {id: "org:race"})-[r:MEMBER_OF]->(:Initiative {id: "initiative:lysoen-partnership"}) RETURN count(r) AS n`, nil); c != 1 {
		t.Errorf("%d MEMBER_OF relationships, want 1", c)
	}
	// No lost update: node and relationship hold the values of one and the same write.
	name := cypherString(t, st, `MATCH (o:Organization {id: "org:race"})-[r:MEMBER_OF]->() RETURN o.name + "/" + r.since`, nil)
	var i, year int
	if _, err := fmt.Sscanf(name, "Racer %d/%d", &i, &year); err != nil || year != 1980+i {
		t.Errorf("node and relationship from different writes: %q", name)
	}
}

const applyChanges = `mutation($changes: [ChangeInput!]!) { applyChanges(changes: $changes) {
  id at by nodesCreated nodesUpdated relationshipsCreated relationshipsUpdated relationshipsRemoved } }`

type changeSetAnswer struct {
	ApplyChanges struct {
		ID, At, By                                                       string
		NodesCreated, NodesUpdated                                       int
		RelationshipsCreated, RelationshipsUpdated, RelationshipsRemoved int
	}
}

// TestApplyChanges: a batch applies everything in one transaction, records
// one change-set id a curator can review, and a batch with one bad change
// writes nothing and names the change.
func TestApplyChanges(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	ev := map[string]any{"sourceId": "source:batch-doc", "quote": "A sentence of the new document."}
	const orgs = 40
	changes := []any{
		// Cited by everything below: a Source created in the same batch.
		map[string]any{"upsertSource": map[string]any{"id": "source:batch-doc", "title": "A new document"}},
		map[string]any{"unlink": map[string]any{"type": "SEEKS_PARTNERSHIP_WITH", "from": "initiative:lysoen-partnership", "to": "org:icrc"}},
		map[string]any{"link": map[string]any{"type": "MEMBER_OF", "from": "org:icrc", "to": "initiative:lysoen-partnership",
			"properties": map[string]any{"role": "OBSERVER"}, "evidence": ev}},
	}
	for i := range orgs {
		changes = append(changes, map[string]any{"upsertOrganization": map[string]any{
			"id": fmt.Sprintf("org:batch-%02d", i), "name": fmt.Sprintf("Batch %d", i), "evidence": ev,
			"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership", "role": "MEMBER"}},
		}})
	}
	seeks := cypherInt(t, st, `MATCH (:Initiative {id: "initiative:lysoen-partnership"})-[r:SEEKS_PARTNERSHIP_WITH]->(:Organization {id: "org:icrc"}) RETURN count(r) AS n`, nil)
	_, resp := s.queryAs(t, editorKey, applyChanges, map[string]any{"changes": changes})
	var got changeSetAnswer
	mustOK(t, resp, &got)
	cs := got.ApplyChanges
	// Expected from the input: 1 source + orgs organizations created; orgs
	// nested links + 1 link created; the unlink removes what was there.
	if cs.NodesCreated != 1+orgs || cs.NodesUpdated != 0 || cs.RelationshipsCreated != orgs+1 || cs.RelationshipsRemoved != seeks || cs.By != "key:ed" {
		t.Errorf("change set: %+v (SEEKS_PARTNERSHIP_WITH before: %d)", cs, seeks)
	}
	if resp.Extensions["cypherRoundTrips"] == nil || resp.Extensions["cypherRoundTrips"].(float64) > 8 {
		t.Errorf("round trips = %v: a batch is a few statements (one per label and shape), not one per change", resp.Extensions["cypherRoundTrips"])
	}
	// Independently: everything written carries the one change-set id.
	if n := cypherInt(t, st, `MATCH (n) WHERE n.changeSetId = $cs RETURN count(n) AS n`, map[string]any{"cs": cs.ID}); n != 1+orgs {
		t.Errorf("nodes with the change-set id: %d, want %d", n, 1+orgs)
	}
	if n := cypherInt(t, st, `MATCH ()-[r]->() WHERE r.changeSetId = $cs AND r.updatedAt = $at RETURN count(r) AS n`, map[string]any{"cs": cs.ID, "at": cs.At}); n != orgs+1 {
		t.Errorf("relationships with the change-set id: %d, want %d", n, orgs+1)
	}
	// The curator's review.
	_, resp = s.queryAs(t, "", `query($id: ID!) { changeSet(id: $id, first: 1000) { id nodes { id } relationships { type from { id } to { id } properties updatedBy } } }`, map[string]any{"id": cs.ID})
	var review struct {
		ChangeSet struct {
			Nodes         []struct{ ID string }
			Relationships []struct {
				Type       string
				From, To   struct{ ID string }
				Properties map[string]any
				UpdatedBy  string
			}
		}
	}
	mustOK(t, resp, &review)
	if len(review.ChangeSet.Nodes) != 1+orgs || len(review.ChangeSet.Relationships) != orgs+1 ||
		review.ChangeSet.Nodes[0].ID != "org:batch-00" || review.ChangeSet.Relationships[0].UpdatedBy != "key:ed" {
		t.Errorf("review: %d nodes, %d relationships: %s", len(review.ChangeSet.Nodes), len(review.ChangeSet.Relationships), resp.Data)
	}
	for _, r := range review.ChangeSet.Relationships {
		if _, audit := r.Properties["changeSetId"]; audit || (r.To.ID == "initiative:lysoen-partnership" && r.Properties["role"] == nil) {
			t.Errorf("review: properties %v: the relationship's own, without audit fields", r.Properties)
		}
	}
	// A single link records its own change set too.
	_, resp = s.queryAs(t, editorKey, linkQuery, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": "org:batch-01", "to": "org:icrc", "evidence": ev}})
	mustOK(t, resp, nil)
	if n := cypherInt(t, st, `MATCH (:Organization {id: "org:batch-01"})-[r:MEMBER_OF]->(:Organization {id: "org:icrc"})
		WHERE r.changeSetId STARTS WITH "changeset:" AND r.changeSetId <> $cs RETURN count(r) AS n`, map[string]any{"cs": cs.ID}); n != 1 {
		t.Errorf("link's change set: %d relationships carry one, want 1", n)
	}

	// One bad change (the 4th: a link to a node that does not exist)
	// among good ones: nothing is written, and the error names it.
	before := cypherInt(t, st, `MATCH (n) RETURN count(n) AS n`, nil)
	beforeRels := cypherInt(t, st, `MATCH ()-[r]->() RETURN count(r) AS n`, nil)
	bad := []any{
		map[string]any{"upsertOrganization": map[string]any{"id": "org:good-1", "name": "Good", "evidence": ev}},
		map[string]any{"upsertOrganization": map[string]any{"id": "org:good-2", "name": "Good", "evidence": ev,
			"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership"}}}},
		map[string]any{"unlink": map[string]any{"type": "MEMBER_OF", "from": "org:batch-00", "to": "initiative:lysoen-partnership"}},
		map[string]any{"link": map[string]any{"type": "MEMBER_OF", "from": "org:good-1", "to": "initiative:no-such", "evidence": ev}},
		map[string]any{"upsertOrganization": map[string]any{"id": "org:good-3", "name": "Good", "evidence": ev}},
	}
	_, resp = s.queryAs(t, editorKey, applyChanges, map[string]any{"changes": bad})
	wantError(t, "batch with a missing end", resp, "NOT_FOUND", "changes.3.link.to")
	if len(resp.Errors) == 1 && resp.Errors[0].Extensions["index"] != float64(3) {
		t.Errorf("index = %v, want 3", resp.Errors[0].Extensions["index"])
	}
	if a, b := cypherInt(t, st, `MATCH (n) RETURN count(n) AS n`, nil), cypherInt(t, st, `MATCH ()-[r]->() RETURN count(r) AS n`, nil); a != before || b != beforeRels {
		t.Errorf("a failed batch changed the graph: nodes %d -> %d, relationships %d -> %d", before, a, beforeRels, b)
	}
	// A nested link's missing end, in the 2nd change.
	bad[1].(map[string]any)["upsertOrganization"].(map[string]any)["memberOf"] = []any{map[string]any{"to": "org:no-such"}}
	bad[3] = map[string]any{"upsertOrganization": map[string]any{"id": "org:good-4", "name": "Good", "evidence": ev}}
	_, resp = s.queryAs(t, editorKey, applyChanges, map[string]any{"changes": bad})
	wantError(t, "batch with a nested link's missing end", resp, "NOT_FOUND", "changes.1.upsertOrganization.memberOf.0.to")
	// Input errors are found before any Cypher, with the index.
	inputErrors := []struct {
		name     string
		change   any
		code     string
		argument string
	}{
		{"a country's kind", map[string]any{"upsertOrganization": map[string]any{"id": "org:x", "name": "X", "kind": "COUNTRY", "evidence": ev}}, "BAD_USER_INPUT", "changes.2.upsertOrganization.kind"},
		{"two fields", map[string]any{"link": map[string]any{"type": "MEMBER_OF", "from": "org:icrc", "to": "initiative:lysoen-partnership", "evidence": ev},
			"upsertOrganization": map[string]any{"id": "org:x", "name": "X"}}, "BAD_USER_INPUT", "changes.2"},
		{"a node twice", map[string]any{"upsertOrganization": map[string]any{"id": "org:good-1", "name": "Again", "evidence": ev}}, "BAD_USER_INPUT", "changes.2.upsertOrganization.id"},
		{"new node without evidence", map[string]any{"upsertOrganization": map[string]any{"id": "org:no-evidence", "name": "X"}}, "BAD_USER_INPUT", "changes.2.upsertOrganization.evidence"},
	}
	for _, c := range inputErrors {
		batch := []any{bad[0], bad[4], c.change}
		_, resp := s.queryAs(t, editorKey, applyChanges, map[string]any{"changes": batch})
		wantError(t, c.name, resp, c.code, c.argument)
		if len(resp.Errors) == 1 && resp.Errors[0].Extensions["index"] != float64(2) {
			t.Errorf("%s: index = %v, want 2", c.name, resp.Errors[0].Extensions["index"])
		}
	}
	if a := cypherInt(t, st, `MATCH (n) RETURN count(n) AS n`, nil); a != before {
		t.Errorf("refused batches changed the graph: nodes %d -> %d", before, a)
	}

	// The size limit has its own code and is checked before any Cypher.
	big := make([]any, store.MaxChanges+1)
	for i := range big {
		big[i] = map[string]any{"unlink": map[string]any{"type": "MEMBER_OF", "from": "org:icrc", "to": "initiative:lysoen-partnership"}}
	}
	_, resp = s.queryAs(t, editorKey, applyChanges, map[string]any{"changes": big})
	wantError(t, "too many changes", resp, "BATCH_TOO_LARGE", "changes")
	if resp.Extensions["cypherRoundTrips"] != float64(0) {
		t.Errorf("too many changes: %v round trips, want 0", resp.Extensions["cypherRoundTrips"])
	}
}

// TestWriteRolesBeforeCypher: a caller without the editor role is refused
// before any Cypher runs, by the API's own count and by Neo4j's: the query
// collector sees no write statement (and sees one for an editor, so the
// check can fail).
func TestWriteRolesBeforeCypher(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	exec := func(q string) []*neo4j.Record {
		res, err := neo4j.ExecuteQuery(context.Background(), st.Driver(), q, nil, neo4j.EagerResultTransformer)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res.Records
	}
	var seen []string
	writes := func() int {
		n := 0
		seen = nil
		for _, r := range exec("CALL db.stats.retrieve('QUERIES') YIELD data RETURN data.query AS query, data.invocationSummary.invocationCount AS n") {
			q, _ := r.Values[0].(string)
			c, _ := r.Values[1].(int64)
			// The server's schema keeper creates the changeSetId indexes
			// when it starts, which may be while this test runs: schema
			// commands, not writes.
			if strings.Contains(q, "changeSetId") && !strings.HasPrefix(q, "CREATE INDEX") {
				n += int(c)
				seen = append(seen, q)
			}
		}
		return n
	}
	reset := func() {
		_, _ = neo4j.ExecuteQuery(context.Background(), st.Driver(), "CALL db.stats.stop('QUERIES')", nil, neo4j.EagerResultTransformer)
		exec("CALL db.stats.clear('QUERIES')")
		exec("CALL db.stats.collect('QUERIES')")
	}
	reset()
	defer exec("CALL db.stats.stop('QUERIES')")
	nested := map[string]any{"in": map[string]any{"id": "org:role-test", "name": "Role test", "evidence": testEvidence,
		"memberOf": []any{map[string]any{"to": "initiative:lysoen-partnership"}}}}
	batch := map[string]any{"changes": []any{map[string]any{"upsertOrganization": nested["in"]}}}
	for _, c := range []struct {
		name, token, query string
		vars               map[string]any
		code               string
	}{
		{"reader, nested upsert", readerKey, nestedOrg, nested, "FORBIDDEN"},
		{"anonymous, applyChanges", "", applyChanges, batch, "UNAUTHENTICATED"},
		{"analyst, applyChanges", jwtFor(t, "analyst", time.Hour, "lysoen-test"), applyChanges, batch, "FORBIDDEN"},
	} {
		_, resp := s.queryAs(t, c.token, c.query, c.vars)
		wantError(t, c.name, resp, c.code, "")
		if resp.Extensions["cypherRoundTrips"] != float64(0) {
			t.Errorf("%s: cypherRoundTrips = %v, want 0", c.name, resp.Extensions["cypherRoundTrips"])
		}
	}
	if n := writes(); n != 0 {
		t.Errorf("Neo4j ran %d write statements for refused callers: %q", n, seen)
	}
	_, resp := s.queryAs(t, editorKey, applyChanges, batch)
	mustOK(t, resp, nil)
	if n := writes(); n == 0 {
		t.Error("Neo4j's query collector saw no write for the editor: the check above proves nothing")
	}
}
