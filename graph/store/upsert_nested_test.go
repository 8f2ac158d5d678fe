package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestUpsertNestedChecksBeforeWriting: a nested upsert writes only when
// every check passes, and a refused one leaves the graph as it was, both
// as the importers run it (an explicit transaction that records the write
// on the version node) and as the server runs it (an auto-commit
// transaction, the write recorded after commit): then nothing can be
// rolled back, so the statement itself must not write.
func TestUpsertNestedChecksBeforeWriting(t *testing.T) {
	for _, mode := range []struct {
		name        string
		afterCommit bool
	}{{"explicit transaction", false}, {"auto-commit", true}} {
		t.Run(mode.name, func(t *testing.T) {
			st := testdb.Seeded(t)
			ctx := context.Background()
			commits := 0
			if mode.afterCommit {
				st.RecordWritesAfterCommit(func(time.Time) { commits++ })
				defer st.RecordWritesAfterCommit(nil)
			}
			const source, initiative = "source:human-security-1999", "initiative:lysoen-partnership"
			ev := &store.Evidence{SourceID: source, Quote: "A test sentence."}
			link := func(to string) store.NestedLink {
				return store.NestedLink{Type: store.RelMemberOf, To: to, ToLabel: store.LabelInitiative,
					Props: map[string]any{"role": "MEMBER"}, Evidence: *ev, Arg: "memberOf.0"}
			}
			audit := store.Audit{By: "test", At: time.Now()}
			upsert := func(u store.Upsert) (store.Written, error) {
				audit.At = audit.At.Add(time.Millisecond)
				return st.UpsertNested(ctx, u, audit, store.NewChangeSetID(audit.At))
			}
			state := func(id string) (nodes, links int, name, updatedAt string) {
				t.Helper()
				rows := queryRows(t, st, `OPTIONAL MATCH (n {id: $id}) OPTIONAL MATCH (n)-[r:MEMBER_OF]->()
					RETURN count(DISTINCT n) AS nodes, count(r) AS links, n.name AS name, n.updatedAt AS updatedAt`, map[string]any{"id": id})
				r := rows[0]
				nodes, links = int(r["nodes"].(int64)), int(r["links"].(int64))
				name, _ = r["name"].(string)
				updatedAt, _ = r["updatedAt"].(string)
				return
			}

			// Refused before anything exists: a missing source, a missing
			// end, no evidence for a new node, an expectedUpdatedAt.
			stale := "2001-01-01T00:00:00Z"
			for _, c := range []struct {
				name string
				u    store.Upsert
				want func(error) bool
			}{
				{"a missing source", store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Probe"},
					Evidence: &store.Evidence{SourceID: "source:no-such-source", Quote: "x"}},
					func(err error) bool { return errors.Is(err, store.ErrNoSource) }},
				{"a missing end", store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Probe"},
					Evidence: ev, Links: []store.NestedLink{link(initiative), link("initiative:no-such-initiative")}},
					func(err error) bool { var e *store.EndpointError; return errors.As(err, &e) }},
				{"a new node without evidence", store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Probe"},
					Links: []store.NestedLink{link(initiative)}},
					func(err error) bool { return errors.Is(err, store.ErrNoEvidence) }},
				{"an expectedUpdatedAt for a node that does not exist", store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe",
					Props: map[string]any{"name": "Probe"}, Evidence: ev, ExpectedUpdatedAt: &stale, Links: []store.NestedLink{link(initiative)}},
					func(err error) bool { var e *store.ConflictError; return errors.As(err, &e) && e.Stored == "" }},
			} {
				if _, err := upsert(c.u); !c.want(err) {
					t.Errorf("%s: err = %v", c.name, err)
				}
				if nodes, links, _, _ := state("org:nested-probe"); nodes != 0 || links != 0 {
					t.Errorf("%s: %d nodes and %d links written, want none", c.name, nodes, links)
				}
			}

			// Written: a new node with its link.
			w, err := upsert(store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Probe"},
				Evidence: ev, Links: []store.NestedLink{link(initiative)}})
			if err != nil || !w.Created || w.Node.Props["name"] != "Probe" {
				t.Fatalf("create: %+v, %v", w, err)
			}
			_, links, _, first := state("org:nested-probe")
			if links != 1 || first == "" {
				t.Fatalf("after the create: %d links, updatedAt %q", links, first)
			}

			// An existing node may be updated without evidence; a stale
			// expectedUpdatedAt is refused and changes nothing; the stored
			// one is accepted.
			if w, err := upsert(store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Probe 2"}}); err != nil || w.Created {
				t.Fatalf("update without evidence: %+v, %v", w, err)
			}
			_, _, name, second := state("org:nested-probe")
			if name != "Probe 2" || second == first {
				t.Fatalf("after the update: name %q, updatedAt %q (was %q)", name, second, first)
			}
			_, err = upsert(store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Stale"}, ExpectedUpdatedAt: &first})
			var conflict *store.ConflictError
			if !errors.As(err, &conflict) || conflict.Stored != second {
				t.Errorf("stale expectedUpdatedAt: err = %v, want a conflict naming %s", err, second)
			}
			if _, _, name, now := state("org:nested-probe"); name != "Probe 2" || now != second {
				t.Errorf("after the stale write: name %q, updatedAt %q; want it unchanged", name, now)
			}
			if _, err := upsert(store.Upsert{Label: store.LabelOrganization, ID: "org:nested-probe", Props: map[string]any{"name": "Probe 3"}, ExpectedUpdatedAt: &second}); err != nil {
				t.Errorf("the stored expectedUpdatedAt: %v", err)
			}
			if _, _, name, _ := state("org:nested-probe"); name != "Probe 3" {
				t.Errorf("after the current write: name %q", name)
			}
			if rows := queryRows(t, st, "MATCH (n {id: 'org:nested-probe'}) RETURN n.`_lock` IS NULL AS clean", nil); rows[0]["clean"] != true {
				t.Error("the lock property was left on the node")
			}
			if mode.afterCommit && commits != 3 {
				t.Errorf("%d writes reported committed, want the 3 that wrote", commits)
			}
		})
	}
}

// queryRows runs a read on the test database, outside the store under test.
func queryRows(t *testing.T, st *store.Store, cypher string, params map[string]any) []map[string]any {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), st.Driver(), cypher, params, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]map[string]any, len(res.Records))
	for i, r := range res.Records {
		rows[i] = r.AsMap()
	}
	return rows
}
