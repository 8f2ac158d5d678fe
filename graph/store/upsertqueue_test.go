package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestUpsertQueueGroups: upserts of one node that wait while another is in
// flight go together, in arrival order, as one statement; each keeps its
// own answer (a refused one writes nothing and stops no other), each sees
// the writes of those before it (expectedUpdatedAt), a group Neo4j
// refuses is sent again one by one, a waiter whose request ends leaves the
// queue, and an idle node's entry is dropped.
func TestUpsertQueueGroups(t *testing.T) {
	testdb.Seeded(t)
	// Every statement sent, in order: S one upsert's, G a group's; a
	// refused one is marked !.
	var sentMu sync.Mutex
	var statements []string
	st := testdb.Open(t, func(o *store.Options) {
		o.Trace = func(ctx context.Context, cypher string) (context.Context, func(error)) {
			kind := "S"
			if strings.Contains(cypher, "$group") {
				kind = "G"
			}
			return ctx, func(err error) {
				if err != nil {
					kind += "!"
				}
				sentMu.Lock()
				statements = append(statements, kind)
				sentMu.Unlock()
			}
		}
	})
	st.RecordWritesAfterCommit(func(time.Time) {}) // as the server runs
	defer st.RecordWritesAfterCommit(nil)
	var mu sync.Mutex
	var groups []int
	st.OnUpsertGroupForTest(func(n int) {
		mu.Lock()
		groups = append(groups, n)
		mu.Unlock()
	})
	ctx := context.Background()
	const id, source, initiative = "org:queue-test", "source:human-security-1999", "initiative:lysoen-partnership"
	ev := &store.Evidence{SourceID: source, Quote: "A test sentence."}
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	at := func(i int) time.Time { return base.Add(time.Duration(i) * time.Millisecond) }
	stamp := func(i int) string { return store.FormatInstant(at(i)) }
	member := func(to, sourceID string) []store.NestedLink {
		return []store.NestedLink{{Type: store.RelMemberOf, To: to, ToLabel: store.LabelInitiative,
			Props: map[string]any{"role": "MEMBER"}, Evidence: store.Evidence{SourceID: sourceID, Quote: "A test sentence."}, Arg: "memberOf.0"}}
	}
	upsert := func(i int, name string, links []store.NestedLink, expected *string) store.Upsert {
		return store.Upsert{Label: store.LabelOrganization, ID: id, Props: map[string]any{"name": name, "acronym": fmt.Sprintf("Q%d", i)},
			Evidence: ev, Links: links, ExpectedUpdatedAt: expected}
	}
	type answer struct {
		written store.Written
		err     error
		causal  *store.Causal
	}
	send := func(ctx context.Context, i int, u store.Upsert) chan answer {
		out := make(chan answer, 1)
		ctx, causal := store.WithCausal(ctx, nil)
		go func() {
			a := store.Audit{By: fmt.Sprintf("writer-%d", i), At: at(i)}
			w, err := st.UpsertNested(ctx, u, a, store.NewChangeSetID(a.At))
			out <- answer{w, err, causal}
		}()
		return out
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	// lockNode takes the node's write lock in a transaction of the test;
	// the upserts sent meanwhile wait, the first in Neo4j (in flight), the
	// others in the queue, until the returned function lets go of it.
	lockNode := func() (unlock func()) {
		t.Helper()
		session := st.Driver().NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeWrite})
		tx, err := session.BeginTransaction(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := tx.Run(ctx, "MATCH (n:Organization {id: $id}) SET n.heldByTest = true", map[string]any{"id": id}); err != nil {
			t.Fatal(err)
		} else if _, err := res.Consume(ctx); err != nil {
			t.Fatal(err)
		}
		return func() {
			t.Helper()
			if err := tx.Rollback(ctx); err != nil {
				t.Fatal(err)
			}
			session.Close(ctx)
		}
	}
	// holdNode sends first while the node is locked, then each of rest
	// once the one before it is queued, lets go of the lock and returns
	// every answer.
	holdNode := func(first store.Upsert, firstAt int, rest map[int]store.Upsert, order []int) map[int]answer {
		t.Helper()
		unlock := lockNode()
		answers := map[int]chan answer{firstAt: send(ctx, firstAt, first)}
		waitFor("the first upsert in flight", func() bool { busy, _ := st.UpsertsQueuedForTest(id); return busy })
		for n, i := range order {
			answers[i] = send(ctx, i, rest[i])
			waitFor(fmt.Sprintf("%d upserts queued", n+1), func() bool { _, waiting := st.UpsertsQueuedForTest(id); return waiting == n+1 })
		}
		unlock()
		got := map[int]answer{}
		for i, ch := range answers {
			got[i] = <-ch
		}
		return got
	}
	node := func() map[string]any {
		t.Helper()
		rows := queryRows(t, st, `MATCH (n:Organization {id: $id}) OPTIONAL MATCH (n)-[r:MEMBER_OF]->(:Initiative {id: $to})
			RETURN count(*) AS nodes, n.name AS name, n.acronym AS acronym, n.updatedAt AS updatedAt, n.updatedBy AS updatedBy, r.updatedBy AS linkedBy`,
			map[string]any{"id": id, "to": initiative})
		if len(rows) != 1 || rows[0]["nodes"] != int64(1) {
			t.Fatalf("want one node %s: %v", id, rows)
		}
		return rows[0]
	}

	// The node exists before its lock can be held.
	if a := <-send(ctx, 0, upsert(0, "v0", nil, nil)); a.err != nil {
		t.Fatal(a.err)
	}

	// A group of four behind a fifth: a missing source and a missing end
	// are refused, the others commit, in order.
	got := holdNode(upsert(1, "v1", member(initiative, source), nil), 1, map[int]store.Upsert{
		2: upsert(2, "v2", member(initiative, source), nil),
		3: upsert(3, "v3", member(initiative, "source:no-such-source"), nil),
		4: upsert(4, "v4", member("initiative:no-such-initiative", source), nil),
		5: upsert(5, "v5", member(initiative, source), nil),
	}, []int{2, 3, 4, 5})
	for _, i := range []int{1, 2, 5} {
		a := got[i]
		if a.err != nil {
			t.Fatalf("upsert %d: %v", i, a.err)
		}
		// Its own answer: the node as its own write left it.
		if name := a.written.Node.Props["name"]; name != fmt.Sprintf("v%d", i) || a.written.Node.Props["updatedAt"] != stamp(i) || a.written.Created {
			t.Errorf("upsert %d answered name %v, updatedAt %v, created %v; want v%d, %s, false", i, name, a.written.Node.Props["updatedAt"], a.written.Created, i, stamp(i))
		}
		if bm, err := a.causal.Bookmarks(ctx); !a.causal.Wrote() || err != nil || len(bm) == 0 {
			t.Errorf("upsert %d: wrote %v, bookmarks %v (%v); want its commit's bookmark", i, a.causal.Wrote(), bm, err)
		}
	}
	if !errors.Is(got[3].err, store.ErrNoSource) {
		t.Errorf("upsert 3 (missing source): %v, want ErrNoSource", got[3].err)
	}
	var end *store.EndpointError
	if !errors.As(got[4].err, &end) || end.ID != "initiative:no-such-initiative" {
		t.Errorf("upsert 4 (missing end): %v, want an EndpointError for the initiative", got[4].err)
	}
	for _, i := range []int{3, 4} {
		if got[i].causal.Wrote() {
			t.Errorf("upsert %d was refused but its request says it wrote", i)
		}
	}
	if n := node(); n["name"] != "v5" || n["acronym"] != "Q5" || n["updatedAt"] != stamp(5) || n["linkedBy"] != "writer-5" {
		t.Errorf("after the group: %v, want upsert 5's name, acronym, updatedAt and link", n)
	}
	if rows := queryRows(t, st, `MATCH (n) WHERE n.acronym IN ['Q3', 'Q4'] OR n.updatedBy IN ['writer-3', 'writer-4']
		OPTIONAL MATCH ()-[r]->() WHERE r.updatedBy IN ['writer-3', 'writer-4'] RETURN count(n) + count(r) AS n`, nil); rows[0]["n"] != int64(0) {
		t.Errorf("refused upserts wrote: %v", rows)
	}

	// expectedUpdatedAt within a group: each upsert sees the one before.
	s6, s7 := stamp(6), stamp(7)
	got = holdNode(upsert(6, "v6", nil, nil), 6, map[int]store.Upsert{
		7: upsert(7, "v7", nil, &s6),
		8: upsert(8, "v8", nil, &s6), // stale: 7 wrote after 6
		9: upsert(9, "v9", nil, &s7),
	}, []int{7, 8, 9})
	for _, i := range []int{6, 7, 9} {
		if got[i].err != nil {
			t.Fatalf("upsert %d: %v", i, got[i].err)
		}
	}
	var conflict *store.ConflictError
	if !errors.As(got[8].err, &conflict) || conflict.Stored != s7 {
		t.Errorf("upsert 8 expected %s after 7 wrote %s: %v, want a conflict naming %s", s6, s7, got[8].err, s7)
	}
	if n := node(); n["name"] != "v9" || n["updatedAt"] != stamp(9) {
		t.Errorf("after the expectedUpdatedAt group: %v, want upsert 9's", n)
	}

	// A group Neo4j refuses (a property value it cannot store) is sent
	// again one upsert at a time: only the bad one fails.
	bad := upsert(11, "v11", nil, nil)
	bad.Props["acronym"] = map[string]any{"not": "a property value"}
	got = holdNode(upsert(10, "v10", nil, nil), 10, map[int]store.Upsert{
		11: bad,
		12: upsert(12, "v12", nil, nil),
		13: upsert(13, "v13", nil, nil),
	}, []int{11, 12, 13})
	for _, i := range []int{10, 12, 13} {
		if got[i].err != nil {
			t.Errorf("upsert %d, in a group with a bad one: %v", i, got[i].err)
		}
	}
	if got[11].err == nil {
		t.Error("upsert 11 stored a map as a property value")
	}
	if n := node(); n["name"] != "v13" || n["acronym"] != "Q13" {
		t.Errorf("after the refused group: %v, want upsert 13's", n)
	}

	// A waiter whose request ends leaves the queue.
	short, cancel := context.WithCancel(ctx)
	unlock := lockNode()
	first := send(ctx, 14, upsert(14, "v14", nil, nil))
	waitFor("upsert 14 in flight", func() bool { busy, _ := st.UpsertsQueuedForTest(id); return busy })
	gone := send(short, 15, upsert(15, "v15", nil, nil))
	waitFor("upsert 15 queued", func() bool { _, waiting := st.UpsertsQueuedForTest(id); return waiting == 1 })
	cancel()
	if a := <-gone; !errors.Is(a.err, context.Canceled) {
		t.Errorf("a queued upsert whose request ended: %v, want context.Canceled", a.err)
	}
	if _, waiting := st.UpsertsQueuedForTest(id); waiting != 0 {
		t.Errorf("%d upserts still queued after the only waiter left", waiting)
	}
	unlock()
	if a := <-first; a.err != nil {
		t.Fatal(a.err)
	}
	if n := node(); n["name"] != "v14" {
		t.Errorf("after the cancelled waiter: %v, want upsert 14's name", n)
	}

	mu.Lock()
	defer mu.Unlock()
	if want := []int{1, 1, 4, 1, 3, 1, 3, 1}; !slices.Equal(groups, want) {
		t.Errorf("groups sent %v, want %v", groups, want)
	}
	sentMu.Lock()
	defer sentMu.Unlock()
	// The refused group's upserts go one by one, the bad one refused.
	if want := strings.Fields("S S G S G S G! S! S S S"); !slices.Equal(statements, want) {
		t.Errorf("statements sent %v, want %v", statements, want)
	}
	if n := st.UpsertQueueNodesForTest(); n != 0 {
		t.Errorf("the queue keeps %d idle nodes", n)
	}
}
