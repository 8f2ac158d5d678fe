package integration

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// testEvidence cites the seed's source: a write that creates a node must.
var testEvidence = map[string]any{"sourceId": "source:human-security-1999",
	"quote": "This will eventually involve forming partnerships and coalitions with like-minded countries, NGOs, civil society and the ICRC."}

// evidenceArg is testEvidence written inline in a GraphQL document.
const evidenceArg = `evidence: {sourceId: "source:human-security-1999", quote: "This will eventually involve forming partnerships and coalitions with like-minded countries, NGOs, civil society and the ICRC."}`

const upsertOrg = `mutation($in: OrganizationInput!) { upsertOrganization(input: $in) { id name kind acronym } }`

// TestAuthOutcomes: every way a caller can be refused or let in. Refusals
// are decided before any Cypher runs: cypherRoundTrips is 0 and nothing is written.
func TestAuthOutcomes(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	mutation := upsertOrg
	vars := orgInput("org:icbl")
	del := `mutation { deleteNode(id: "org:icbl") { nodeId } }`
	read := `{ country(iso3: "CAN") { name } }`
	cases := []struct {
		name, token, query, code string
		status                   int
	}{
		{"no token, mutation", "", mutation, "UNAUTHENTICATED", 200},
		{"unknown API key", "not-a-key", mutation, "UNAUTHENTICATED", 401},
		{"unknown API key, read", "not-a-key", read, "UNAUTHENTICATED", 401},
		{"expired JWT", jwtFor(t, "editor", -time.Hour, "lysoen-test"), mutation, "UNAUTHENTICATED", 401},
		{"JWT for another audience", jwtFor(t, "editor", time.Hour, "someone-else"), mutation, "UNAUTHENTICATED", 401},
		{"JWT with a bad signature", jwtFor(t, "editor", time.Hour, "lysoen-test") + "x", mutation, "UNAUTHENTICATED", 401},
		{"reader key, mutation", readerKey, mutation, "FORBIDDEN", 200},
		{"reader JWT, mutation", jwtFor(t, "reader", time.Hour, "lysoen-test"), mutation, "FORBIDDEN", 200},
		{"analyst JWT, mutation", jwtFor(t, "analyst", time.Hour, "lysoen-test"), mutation, "FORBIDDEN", 200},
		{"editor key, deleteNode", editorKey, del, "FORBIDDEN", 200},
		{"editor JWT, upsert and deleteNode in one operation", jwtFor(t, "editor", time.Hour, "lysoen-test"),
			`mutation($in: OrganizationInput!) { upsertOrganization(input: $in) { id } deleteNode(id: "org:icbl") { nodeId } }`, "FORBIDDEN", 200},
	}
	for _, c := range cases {
		status, resp := s.queryAs(t, c.token, c.query, vars)
		wantError(t, c.name, resp, c.code, "")
		if status != c.status {
			t.Errorf("%s: HTTP %d, want %d", c.name, status, c.status)
		}
		if resp.Extensions["cypherRoundTrips"] != float64(0) {
			t.Errorf("%s: cypherRoundTrips = %v, want 0 (refused before any Cypher)", c.name, resp.Extensions["cypherRoundTrips"])
		}
		if string(resp.Data) != "null" && len(resp.Data) > 0 {
			t.Errorf("%s: data = %s, want null", c.name, resp.Data)
		}
	}
	if _, err := st.NodeByID(context.Background(), store.LabelOrganization, "org:icbl"); err == nil {
		t.Fatal("a refused mutation wrote org:icbl")
	}

	// Allowed: anonymous and reader reads, editor writes (key and JWT), admin deletes.
	for _, tok := range []string{"", readerKey, jwtFor(t, "reader", time.Hour, "lysoen-test")} {
		_, resp := s.queryAs(t, tok, read, nil)
		mutOK := resp
		mustOK(t, mutOK, nil)
	}
	_, resp := s.queryAs(t, editorKey, mutation, vars)
	mustOK(t, resp, nil)
	n, err := st.NodeByID(context.Background(), store.LabelOrganization, "org:icbl")
	if err != nil || n.Props["createdBy"] != "key:ed" || n.Props["updatedBy"] != "key:ed" || n.Props["createdAt"] == nil {
		t.Errorf("written by the editor key: %+v, %v", n.Props, err)
	}
	_, resp = s.queryAs(t, jwtFor(t, "editor", time.Hour, "lysoen-test"), mutation, vars)
	mustOK(t, resp, nil)
	n, _ = st.NodeByID(context.Background(), store.LabelOrganization, "org:icbl")
	if n.Props["createdBy"] != "key:ed" || n.Props["updatedBy"] != "jwt:jo" {
		t.Errorf("after a JWT editor's update: createdBy %v updatedBy %v", n.Props["createdBy"], n.Props["updatedBy"])
	}
	_, resp = s.queryAs(t, adminKey, del, nil)
	mustOK(t, resp, nil)

	// Reads can be closed: then anonymous callers are refused too.
	closed := startServer(t, authEnv(map[string]string{"LYSOEN_READS": "token"}))
	status, resp := closed.queryAs(t, "", read, nil)
	wantError(t, "anonymous read when reads need a token", resp, "UNAUTHENTICATED", "")
	if status != 401 || resp.Extensions["cypherRoundTrips"] != float64(0) {
		t.Errorf("closed reads: HTTP %d, round trips %v", status, resp.Extensions["cypherRoundTrips"])
	}
	_, resp = closed.queryAs(t, readerKey, read, nil)
	mustOK(t, resp, nil)
}

// TestUpserts: each node type is created, then updated in place, with
// audit stamps; bad input is refused naming the field.
func TestUpserts(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	ctx := context.Background()
	src := map[string]any{"sourceId": "source:human-security-1999", "quote": "This will eventually involve forming partnerships and coalitions with like-minded countries, NGOs, civil society and the ICRC."}
	cases := []struct {
		name, query string
		in          map[string]any
		label       store.Label
		id          string
		want        map[string]any // stored properties
	}{
		{"country", `mutation($in: CountryInput!) { upsertCountry(input: $in) { id iso3 iso2 name region } }`,
			map[string]any{"iso3": "ISL", "name": "Iceland", "region": "Europe", "evidence": src},
			store.LabelCountry, "country:ISL", map[string]any{"iso2": "IS", "region": "Europe", "sourceId": "source:human-security-1999"}},
		{"organization", upsertOrg, orgInput("org:icbl")["in"].(map[string]any),
			store.LabelOrganization, "org:icbl", map[string]any{"kind": "NGO", "acronym": "ICBL"}},
		{"issue area", `mutation($in: IssueAreaInput!) { upsertIssueArea(input: $in) { id name } }`,
			map[string]any{"id": "issue:peacebuilding", "name": "Peacebuilding", "description": "Conflict prevention and peacebuilding.", "evidence": src},
			store.LabelIssueArea, "issue:peacebuilding", map[string]any{"description": "Conflict prevention and peacebuilding."}},
		{"initiative", `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { id startDate endDate evidence { quote } } }`,
			map[string]any{"id": "initiative:hsn", "name": "Human Security Network", "kind": "MULTILATERAL_PARTNERSHIP", "startDate": "1999-05", "endDate": "2000", "evidence": src},
			store.LabelInitiative, "initiative:hsn", map[string]any{"startDate": "1999-05", "endDate": "2000", "evidence": src["quote"]}},
		{"event", `mutation($in: EventInput!) { upsertEvent(input: $in) { id datePrecision } }`,
			map[string]any{"id": "event:bergen-1999", "name": "Lysøen meeting", "kind": "MEETING", "startDate": "1999-05-19", "endDate": "1999-05-20", "status": "SCHEDULED", "location": "Norway", "evidence": src},
			store.LabelEvent, "event:bergen-1999", map[string]any{"datePrecision": "DAY", "status": "SCHEDULED"}},
		{"agreement", `mutation($in: AgreementInput!) { upsertAgreement(input: $in) { id adoptedOn } }`,
			map[string]any{"id": "agreement:oslo-accord", "name": "Convention on Cluster Munitions", "kind": "CONVENTION", "adoptedOn": "2008-05-30", "evidence": src},
			store.LabelAgreement, "agreement:oslo-accord", map[string]any{"adoptedOn": "2008-05-30", "kind": "CONVENTION"}},
		{"source", `mutation($in: SourceInput!) { upsertSource(input: $in) { id title } }`,
			map[string]any{"id": "source:notes", "title": "Analyst notes", "date": "2026-11"},
			store.LabelSource, "source:notes", map[string]any{"title": "Analyst notes", "date": "2026-11"}},
	}
	for _, c := range cases {
		_, resp := s.queryAs(t, editorKey, c.query, map[string]any{"in": c.in})
		mustOK(t, resp, nil)
		n, err := st.NodeByID(ctx, c.label, c.id)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for k, v := range c.want {
			if n.Props[k] != v {
				t.Errorf("%s: %s = %v, want %v", c.name, k, n.Props[k], v)
			}
		}
		if n.Props["createdBy"] != "key:ed" || n.Props["createdAt"] == nil || n.Props["updatedAt"] != n.Props["createdAt"] {
			t.Errorf("%s: audit stamps %v %v %v", c.name, n.Props["createdBy"], n.Props["createdAt"], n.Props["updatedAt"])
		}
	}
	// Upsert again: same node, name changed, createdAt kept, updatedAt moved; clear removes.
	before, _ := st.NodeByID(ctx, store.LabelOrganization, "org:icbl")
	time.Sleep(5 * time.Millisecond)
	_, resp := s.queryAs(t, adminKey, upsertOrg, map[string]any{"in": map[string]any{"id": "org:icbl", "name": "ICBL", "clear": []string{"acronym"}}})
	mustOK(t, resp, nil)
	after, _ := st.NodeByID(ctx, store.LabelOrganization, "org:icbl")
	if after.Props["name"] != "ICBL" || after.Props["kind"] != "NGO" || after.Props["acronym"] != nil ||
		after.Props["createdAt"] != before.Props["createdAt"] || after.Props["updatedAt"] == before.Props["updatedAt"] || after.Props["updatedBy"] != "key:ada" {
		t.Errorf("update: before %v after %v", before.Props, after.Props)
	}
	// Updating a seed country keeps its evidence when none is given.
	_, resp = s.queryAs(t, editorKey, `mutation { upsertCountry(input: {iso3: "CAN", name: "Canada", region: "Americas"}) { region } }`, nil)
	mustOK(t, resp, nil)
	can, _ := st.NodeByID(ctx, store.LabelCountry, "country:CAN")
	if !strings.HasPrefix(fmt.Sprint(can.Props["evidence"]), "On May 11, 1998") || can.Props["region"] != "Americas" {
		t.Errorf("country:CAN after update: %v", can.Props)
	}

	bad := []struct{ name, query, argument string }{
		{"unknown alpha-3", `mutation { upsertCountry(input: {iso3: "XYZ", name: "Nowhere"}) { id } }`, "input.iso3"},
		{"lower-case alpha-3", `mutation { upsertCountry(input: {iso3: "can", name: "Canada"}) { id } }`, "input.iso3"},
		{"wrong alpha-2", `mutation { upsertCountry(input: {iso3: "CAN", iso2: "CN", name: "Canada"}) { id } }`, "input.iso2"},
		{"empty name", `mutation { upsertOrganization(input: {id: "org:x", name: "  "}) { id } }`, "input.name"},
		{"id without prefix", `mutation { upsertOrganization(input: {id: "icbl", name: "ICBL"}) { id } }`, "input.id"},
		{"id of another label", `mutation { upsertOrganization(input: {id: "country:CAN", name: "Canada"}) { id } }`, "input.id"},
		{"a country kind", `mutation { upsertOrganization(input: {id: "org:x", name: "X", kind: COUNTRY}) { id } }`, "input.kind"},
		{"end before start", `mutation { upsertInitiative(input: {id: "initiative:x", name: "X", startDate: "1999-05", endDate: "1999-04-30"}) { id } }`, "input.endDate"},
		{"impossible date", `mutation { upsertEvent(input: {id: "event:x", name: "X", startDate: "1999-02-30"}) { id } }`, "input.startDate"},
		{"empty quote", `mutation { upsertAgreement(input: {id: "agreement:x", name: "X", evidence: {sourceId: "source:human-security-1999", quote: ""}}) { id } }`, "input.evidence.quote"},
		{"clear a required property", `mutation { upsertIssueArea(input: {id: "issue:x", name: "X", clear: ["name"]}) { id } }`, "input.clear"},
		{"empty title", `mutation { upsertSource(input: {id: "source:x", title: ""}) { id } }`, "input.title"},
	}
	for _, c := range bad {
		_, resp := s.queryAs(t, editorKey, c.query, nil)
		if c.name == "impossible date" { // refused by the Date scalar while reading variables/arguments
			if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "no day 30") {
				t.Errorf("%s: %+v", c.name, resp.Errors)
			}
			continue
		}
		wantError(t, c.name, resp, "BAD_USER_INPUT", c.argument)
		if resp.Extensions["cypherRoundTrips"] != float64(0) {
			t.Errorf("%s: %v round trips, want 0", c.name, resp.Extensions["cypherRoundTrips"])
		}
	}
	for _, id := range []string{"org:x", "initiative:x", "issue:x", "agreement:x", "source:x"} {
		l, _ := store.LabelOfID(id)
		if _, err := st.NodeByID(ctx, l, id); err == nil {
			t.Errorf("refused input wrote %s", id)
		}
	}
}

// TestMutationRollback: the evidence's Source is checked in the statement
// that writes the node; when it is missing the mutation fails and the node
// written by that statement is gone.
func TestMutationRollback(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	_, resp := s.queryAs(t, editorKey, `mutation { upsertOrganization(input: {id: "org:ghost", name: "Ghost",
		evidence: {sourceId: "source:no-such-document", quote: "A sentence."}}) { id } }`, nil)
	wantError(t, "evidence citing a missing source", resp, "BAD_USER_INPUT", "input.evidence.sourceId")
	if resp.Extensions["cypherRoundTrips"] != float64(1) {
		t.Errorf("round trips = %v, want 1 (the write and its checks are one statement)", resp.Extensions["cypherRoundTrips"])
	}
	if _, err := st.NodeByID(context.Background(), store.LabelOrganization, "org:ghost"); err == nil {
		t.Error("org:ghost survived the failed mutation: no rollback")
	}
	// An update that fails leaves the old values.
	_, resp = s.queryAs(t, editorKey, `mutation { upsertCountry(input: {iso3: "CAN", name: "Kanada",
		evidence: {sourceId: "source:no-such-document", quote: "A sentence."}}) { id } }`, nil)
	wantError(t, "failed update", resp, "BAD_USER_INPUT", "input.evidence.sourceId")
	can, _ := st.NodeByID(context.Background(), store.LabelCountry, "country:CAN")
	if can.Props["name"] != "Canada" || can.Props["sourceId"] != "source:human-security-1999" {
		t.Errorf("country:CAN after a failed update: %v", can.Props)
	}
}

const linkQuery = `mutation($in: LinkInput!) { link(input: $in) { type from { id } to { id } properties evidence { sourceId quote } createdBy updatedBy createdAt } }`

// TestLinks: every relationship type of the model can be linked between
// the labels it allows, and unlinked; other shapes are refused.
func TestLinks(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	ev := map[string]any{"sourceId": "source:human-security-1999", "quote": "This will eventually involve forming partnerships and coalitions with like-minded countries, NGOs, civil society and the ICRC."}
	// Fresh endpoints so every link is new.
	for _, q := range []string{
		`mutation { upsertCountry(input: {iso3: "ISL", name: "Iceland", ` + evidenceArg + `}) { id } }`,
		`mutation { upsertOrganization(input: {id: "org:icbl", name: "ICBL", kind: NGO, ` + evidenceArg + `}) { id } }`,
		`mutation { upsertInitiative(input: {id: "initiative:hsn", name: "Human Security Network", ` + evidenceArg + `}) { id } }`,
		`mutation { upsertEvent(input: {id: "event:e1", name: "E1", startDate: "1999", ` + evidenceArg + `}) { id } }`,
		`mutation { upsertEvent(input: {id: "event:e2", name: "E2", startDate: "2000", ` + evidenceArg + `}) { id } }`,
		`mutation { upsertAgreement(input: {id: "agreement:a1", name: "A1", kind: "TREATY", ` + evidenceArg + `}) { id } }`,
	} {
		_, resp := s.queryAs(t, editorKey, q, nil)
		mustOK(t, resp, nil)
	}
	links := []struct {
		typ, from, to string
		props         map[string]any
	}{
		{"MEMBER_OF", "country:ISL", "initiative:hsn", map[string]any{"role": "FOUNDER", "since": "1999-05", "until": "2000"}},
		{"MEMBER_OF", "org:icbl", "org:icrc", map[string]any{"role": "OBSERVER"}},
		{"PARTICIPATED_IN", "org:icbl", "event:e1", map[string]any{"role": "PARTICIPANT"}},
		{"SIGNATORY_OF", "country:ISL", "agreement:a1", map[string]any{"signed": "1997-12-03", "ratified": "1999", "method": "RATIFICATION"}},
		{"ADDRESSES", "agreement:a1", "issue:landmines", nil},
		{"ADDRESSES", "event:e1", "issue:landmines", nil},
		{"ADDRESSES", "initiative:hsn", "issue:human-security", nil},
		{"PART_OF", "event:e1", "initiative:hsn", nil},
		{"FOLLOWS", "event:e2", "event:e1", nil},
		{"HELD_IN", "event:e1", "country:ISL", nil},
		{"ESTABLISHED_BY", "initiative:hsn", "agreement:a1", nil},
		{"SEEKS_PARTNERSHIP_WITH", "initiative:hsn", "org:icbl", map[string]any{"status": "ENVISAGED"}},
	}
	_, relsBefore, _ := st.Counts(context.Background())
	for _, l := range links {
		in := map[string]any{"type": l.typ, "from": l.from, "to": l.to, "properties": l.props, "evidence": ev}
		_, resp := s.queryAs(t, editorKey, linkQuery, map[string]any{"in": in})
		var got struct {
			Link struct {
				Type       string
				From, To   struct{ ID string }
				Properties map[string]any
				Evidence   struct{ SourceID, Quote string }
				CreatedBy  string
			}
		}
		mustOK(t, resp, &got)
		if got.Link.Type != l.typ || got.Link.From.ID != l.from || got.Link.To.ID != l.to || got.Link.CreatedBy != "key:ed" ||
			got.Link.Evidence.Quote != ev["quote"] || len(got.Link.Properties) != len(l.props) {
			t.Errorf("%s %s->%s: %+v", l.typ, l.from, l.to, got.Link)
		}
		for k, v := range l.props {
			if got.Link.Properties[k] != v {
				t.Errorf("%s: property %s = %v, want %v", l.typ, k, got.Link.Properties[k], v)
			}
		}
	}
	_, relsAfter, _ := st.Counts(context.Background())
	if relsAfter-relsBefore != len(links) {
		t.Errorf("%d relationships added, want %d", relsAfter-relsBefore, len(links))
	}
	// Linking again updates the one relationship (no duplicate).
	_, resp := s.queryAs(t, adminKey, linkQuery, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": "country:ISL",
		"to": "initiative:hsn", "properties": map[string]any{"role": "MEMBER", "until": nil}, "evidence": ev}})
	var again struct {
		Link struct{ Properties map[string]any }
	}
	mustOK(t, resp, &again)
	if p := again.Link.Properties; p["role"] != "MEMBER" || p["since"] != "1999-05" || p["until"] != nil {
		t.Errorf("relink: %v", p)
	}
	if _, r, _ := st.Counts(context.Background()); r != relsAfter {
		t.Errorf("relinking added a relationship: %d -> %d", relsAfter, r)
	}

	refused := []struct {
		name     string
		in       map[string]any
		code     string
		argument string
	}{
		{"MEMBER_OF to an event", map[string]any{"type": "MEMBER_OF", "from": "country:ISL", "to": "event:e1", "evidence": ev}, "BAD_USER_INPUT", "input.type"},
		{"SIGNATORY_OF from an initiative", map[string]any{"type": "SIGNATORY_OF", "from": "initiative:hsn", "to": "agreement:a1", "evidence": ev}, "BAD_USER_INPUT", "input.type"},
		{"HELD_IN to an organization", map[string]any{"type": "HELD_IN", "from": "event:e1", "to": "org:icbl", "evidence": ev}, "BAD_USER_INPUT", "input.type"},
		{"ADDRESSES from a country", map[string]any{"type": "ADDRESSES", "from": "country:ISL", "to": "issue:landmines", "evidence": ev}, "BAD_USER_INPUT", "input.type"},
		{"to a source", map[string]any{"type": "ADDRESSES", "from": "event:e1", "to": "source:human-security-1999", "evidence": ev}, "BAD_USER_INPUT", "input.to"},
		{"unknown property", map[string]any{"type": "PART_OF", "from": "event:e2", "to": "initiative:hsn", "properties": map[string]any{"weight": "3"}, "evidence": ev}, "BAD_USER_INPUT", "input.properties.weight"},
		{"bad role", map[string]any{"type": "PARTICIPATED_IN", "from": "country:ISL", "to": "event:e2", "properties": map[string]any{"role": "GUEST"}, "evidence": ev}, "BAD_USER_INPUT", "input.properties.role"},
		{"until before since", map[string]any{"type": "MEMBER_OF", "from": "org:icbl", "to": "initiative:hsn", "properties": map[string]any{"since": "1999", "until": "1998-12"}, "evidence": ev}, "BAD_USER_INPUT", "input.properties.until"},
		{"bad date", map[string]any{"type": "SIGNATORY_OF", "from": "country:CAN", "to": "agreement:a1", "properties": map[string]any{"signed": "1997-13"}, "evidence": ev}, "BAD_USER_INPUT", "input.properties.signed"},
		{"empty quote", map[string]any{"type": "PART_OF", "from": "event:e2", "to": "initiative:hsn", "evidence": map[string]any{"sourceId": "source:human-security-1999", "quote": " "}}, "BAD_USER_INPUT", "input.evidence.quote"},
		{"missing source", map[string]any{"type": "PART_OF", "from": "event:e2", "to": "initiative:hsn", "evidence": map[string]any{"sourceId": "source:nowhere", "quote": "x"}}, "BAD_USER_INPUT", "input.evidence.sourceId"},
		{"missing endpoint", map[string]any{"type": "PART_OF", "from": "event:nope", "to": "initiative:hsn", "evidence": ev}, "NOT_FOUND", ""},
	}
	for _, c := range refused {
		_, resp := s.queryAs(t, editorKey, linkQuery, map[string]any{"in": c.in})
		wantError(t, c.name, resp, c.code, c.argument)
	}
	// Evidence is required by the schema itself.
	_, resp = s.queryAs(t, editorKey, `mutation { link(input: {type: PART_OF, from: "event:e2", to: "initiative:hsn"}) { type } }`, nil)
	if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "evidence") {
		t.Errorf("link without evidence: %+v", resp.Errors)
	}
	if _, r, _ := st.Counts(context.Background()); r != relsAfter {
		t.Errorf("refused links changed the relationship count: %d -> %d", relsAfter, r)
	}

	// Unlink removes exactly one relationship, and says false the second time.
	for i, want := range []string{`true`, `false`} {
		_, resp := s.queryAs(t, editorKey, `mutation { unlink(input: {type: FOLLOWS, from: "event:e2", to: "event:e1"}) }`, nil)
		mustOK(t, resp, nil)
		if !strings.Contains(string(resp.Data), want) {
			t.Errorf("unlink #%d: %s, want %s", i+1, resp.Data, want)
		}
	}
	_, resp = s.queryAs(t, editorKey, `mutation { unlink(input: {type: FOLLOWS, from: "event:e2", to: "org:icbl"}) }`, nil)
	wantError(t, "unlink of a shape the model forbids", resp, "BAD_USER_INPUT", "input.type")

	// deleteNode refuses to orphan relationships unless detach.
	_, resp = s.queryAs(t, adminKey, `mutation { deleteNode(id: "event:e1") { nodeId } }`, nil)
	wantError(t, "delete with relationships", resp, "BAD_USER_INPUT", "detach")
	_, resp = s.queryAs(t, adminKey, `mutation { deleteNode(id: "event:e1", detach: true) { nodeId label relationshipsDeleted } }`, nil)
	var del struct {
		DeleteNode struct {
			NodeID, Label        string
			RelationshipsDeleted int
		}
	}
	mustOK(t, resp, &del)
	if del.DeleteNode.NodeID != "event:e1" || del.DeleteNode.Label != "Event" || del.DeleteNode.RelationshipsDeleted != 4 {
		t.Errorf("detach delete: %+v (want 4: PARTICIPATED_IN, ADDRESSES, PART_OF, HELD_IN)", del.DeleteNode)
	}
	_, resp = s.queryAs(t, adminKey, `mutation { deleteNode(id: "event:e2") { relationshipsDeleted } }`, nil)
	mustOK(t, resp, nil)
	_, resp = s.queryAs(t, adminKey, `mutation { deleteNode(id: "event:e2") { nodeId } }`, nil)
	wantError(t, "delete a missing node", resp, "NOT_FOUND", "")
	_, resp = s.queryAs(t, adminKey, `mutation { deleteNode(id: "e2") { nodeId } }`, nil)
	wantError(t, "delete a malformed id", resp, "BAD_USER_INPUT", "id")
}

// TestConcurrentUpserts: many goroutines upserting the same id end with
// exactly one node.
func TestConcurrentUpserts(t *testing.T) {
	st := testdb.Seeded(t)
	s := startServer(t, authEnv(nil))
	before, err := st.CountNodes(context.Background(), store.LabelOrganization, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := map[string]any{"in": map[string]any{"id": "org:race", "name": fmt.Sprintf("Racer %d", i), "evidence": testEvidence}}
			_, resp := s.queryAs(t, editorKey, upsertOrg, in)
			if len(resp.Errors) > 0 {
				errs <- fmt.Sprint(resp.Errors)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent upsert failed: %s", e)
	}
	after, _ := st.CountNodes(context.Background(), store.LabelOrganization, store.Filter{})
	if after != before+1 {
		t.Errorf("organizations: %d -> %d, want exactly one more", before, after)
	}
}

// TestCommands runs `lysoen new-key` and `lysoen import`, as
// `make run` does: the import prints plain progress lines when stderr is
// not a terminal, and its summary on stdout.
func TestCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	cmd := command(nil, "new-key", "-name", "ana", "-role", "admin")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("new-key: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "\nana:admin:") {
		t.Errorf("new-key printed %q", out.String())
	}

	testdb.Seeded(t)
	db := testdb.FromEnv(t)
	env := map[string]string{"NEO4J_URI": db.URI, "NEO4J_USER": db.User, "NEO4J_PASSWORD": db.Password}
	out.Reset()
	errOut.Reset()
	cmd = command(env, "import")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"rows read: 4510", "nodes: 274 created, 11 updated, 10 unchanged", "relationships: 4291 created", "rejected: 7"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errOut.String(), "import: batch 11/11 (signatures) committed: 4586/4586") || strings.Contains(errOut.String(), "\r") {
		t.Errorf("progress (not a terminal) should be plain lines:\n%s", errOut.String())
	}
}
