package dataset

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestKeeperSeesWrites: on the real Neo4j, the version read back after a
// write through the store changes (the version node is written in the
// write's transaction), a rolled-back write leaves it as it was, and a
// write made to Neo4j directly is seen when it changes a count (by the
// cheap read) or sets an updatedAt (by the scan) — and not otherwise.
func TestKeeperSeesWrites(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	k := NewKeeper(st, nil)
	v0, err := k.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !v0.Recorded || v0.Writes == 0 || v0.LastWrite.IsZero() {
		t.Fatalf("after loading the seed through the store: recorded %v, %d writes, last write %v; want the load recorded", v0.Recorded, v0.Writes, v0.LastWrite)
	}
	same := func(what string, want *Version) *Version {
		t.Helper()
		v, err := k.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID != want.ID {
			t.Errorf("%s: version %s, want it unchanged (%s)", what, v.ID, want.ID)
		}
		return v
	}
	changed := func(what string, old *Version) *Version {
		t.Helper()
		v, err := k.Refresh(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID == old.ID {
			t.Errorf("%s: the version is still %s", what, old.ID)
		}
		return v
	}
	same("read again", v0)

	// A write through the store: one more write, a later or equal time.
	if _, err := st.WriteGraph(ctx, store.GraphWrite{Nodes: []store.NodeWrite{{Label: store.LabelIssueArea, ID: "issue:keeper-probe",
		Props: map[string]any{"name": "Keeper probe"}}}}); err != nil {
		t.Fatal(err)
	}
	v1 := changed("a node written through the store", v0)
	if v1.Writes != v0.Writes+1 || v1.LastWrite.Before(v0.LastWrite) || v1.Nodes != v0.Nodes+1 {
		t.Errorf("after one write: %d writes at %v with %d nodes; before %d at %v with %d", v1.Writes, v1.LastWrite, v1.Nodes, v0.Writes, v0.LastWrite, v0.Nodes)
	}
	// A property edit through the store changes no count: still seen.
	if _, err := st.WriteGraph(ctx, store.GraphWrite{Nodes: []store.NodeWrite{{Label: store.LabelIssueArea, ID: "issue:keeper-probe",
		Props: map[string]any{"name": "Keeper probe, renamed"}}}}); err != nil {
		t.Fatal(err)
	}
	v2 := changed("a property edited through the store", v1)

	// A write that fails rolls back, the version node's update with it.
	_, err = st.WriteGraph(ctx, store.GraphWrite{
		Nodes: []store.NodeWrite{{Label: store.LabelIssueArea, ID: "issue:keeper-rolled-back", Props: map[string]any{"name": "x"}}},
		Rels: []store.RelWrite{{Type: store.RelMemberOf, From: "country:CAN", To: "initiative:missing",
			FromLabel: store.LabelCountry, ToLabel: store.LabelInitiative}}})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	v2 = same("a rolled-back write", v2)

	// Directly in Neo4j, a property edit without updatedAt: not seen, not
	// even by the scan (documented).
	testdb.Exec(t, `MATCH (n:IssueArea {id: "issue:keeper-probe"}) SET n.name = "edited directly"`, nil)
	same("a direct edit without updatedAt", v2)
	if err := k.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	v2 = same("a direct edit without updatedAt, after a scan", v2)

	// Directly, an edit that sets updatedAt: seen by the scan only.
	testdb.Exec(t, `MATCH (n:IssueArea {id: "issue:keeper-probe"}) SET n.name = "edited again", n.updatedAt = "2999-01-01T00:00:00Z"`, nil)
	same("a direct edit with updatedAt, before the scan", v2)
	if err := k.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	v3 := k.Current()
	if v3.ID == v2.ID || v3.LastWriteText() != "2999-01-01T00:00:00Z" || v3.Writes != v2.Writes+1 {
		t.Errorf("after the scan: version %s (was %s), last write %s, %d writes; want a new version with the direct write's time", v3.ID, v2.ID, v3.LastWriteText(), v3.Writes)
	}
	// Scanning again finds nothing newer.
	if err := k.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	v3 = same("a second scan", v3)

	// Directly, a node created: the counts change, the cheap read sees it.
	testdb.Exec(t, `CREATE (:IssueArea {id: "issue:keeper-direct", name: "direct"})`, nil)
	changed("a node created directly", v3)
}

// TestKeeperRecordsWritesAfterCommit: while a keeper runs, a write through
// the store commits without touching the version node; the keeper then
// records the committed writes (not a rolled-back one) in one statement,
// and records what is still pending when it stops.
func TestKeeperRecordsWritesAfterCommit(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	k := NewKeeper(st, nil)
	v0, err := k.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.RecordWritesAfterCommit(k.committed)
	defer st.RecordWritesAfterCommit(nil)
	before := time.Now().UTC()
	for i, name := range []string{"Probe one", "Probe two", "Probe three"} {
		if _, err := st.WriteGraph(ctx, store.GraphWrite{Nodes: []store.NodeWrite{{Label: store.LabelIssueArea, ID: "issue:after-commit-probe",
			Props: map[string]any{"name": name}}}}); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if _, err := st.WriteGraph(ctx, store.GraphWrite{
		Nodes: []store.NodeWrite{{Label: store.LabelIssueArea, ID: "issue:after-commit-rolled-back", Props: map[string]any{"name": "x"}}},
		Rels: []store.RelWrite{{Type: store.RelMemberOf, From: "country:CAN", To: "initiative:missing",
			FromLabel: store.LabelCountry, ToLabel: store.LabelInitiative}}}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	v1, err := k.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Writes != v0.Writes || v1.LastWriteText() != v0.LastWriteText() {
		t.Errorf("before the keeper records them: %d writes, last %s; want the version node untouched (%d, %s)",
			v1.Writes, v1.LastWriteText(), v0.Writes, v0.LastWriteText())
	}
	if got := k.pending.Load(); got != 3 {
		t.Errorf("%d writes pending, want the 3 committed", got)
	}
	if err := k.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	v2, err := k.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Writes != v0.Writes+3 || v2.LastWrite.Before(before.Truncate(time.Second)) || v2.ID == v1.ID {
		t.Errorf("after Flush: version %s, %d writes at %v; want a new version, %d writes, no earlier than %v",
			v2.ID, v2.Writes, v2.LastWrite, v0.Writes+3, before)
	}
	if err := k.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := k.Refresh(ctx); v.Writes != v2.Writes {
		t.Errorf("a second Flush with nothing pending: %d writes, want %d", v.Writes, v2.Writes)
	}

	// Run installs the same recording and records what is pending when it stops.
	st.RecordWritesAfterCommit(nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { k.Run(runCtx); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, err := st.WriteGraph(ctx, store.GraphWrite{Nodes: []store.NodeWrite{{Label: store.LabelIssueArea, ID: "issue:after-commit-probe",
			Props: map[string]any{"name": "Probe four"}}}}); err != nil {
			t.Fatal(err)
		}
		if k.pending.Load() > 0 || time.Now().After(deadline) {
			break // the keeper's recording was installed before this write
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
	if k.pending.Load() != 0 {
		t.Errorf("%d writes still pending after Run stopped", k.pending.Load())
	}
	v3, err := k.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v3.Writes <= v2.Writes {
		t.Errorf("after Run stopped: %d writes, want more than %d", v3.Writes, v2.Writes)
	}
}

// TestKeeperAdoptsAnUnrecordedDatabase: data loaded without a version node
// (by an older server) take their last write from the scan.
func TestKeeperAdoptsAnUnrecordedDatabase(t *testing.T) {
	st := testdb.Seeded(t)
	ctx := context.Background()
	testdb.Exec(t, `MATCH (v:DatasetVersion) DELETE v`, nil)
	testdb.Exec(t, `MATCH (n:Country {id: "country:CAN"}) SET n.updatedAt = "2026-01-02T03:04:05Z"`, nil)
	k := NewKeeper(st, nil)
	v, err := k.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.Recorded {
		t.Fatal("the version node is still there")
	}
	if err := k.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	latest, err := st.LastUpdate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := k.Current(); !v.Recorded || !v.LastWrite.Equal(latest) || v.Writes != 1 {
		t.Errorf("after the scan: recorded %v, last write %v, %d writes; want the latest updatedAt %v recorded once", v.Recorded, v.LastWrite, v.Writes, latest)
	}
}

// BenchmarkDatasetFacts is the keeper's periodic read (counts, sources and
// the version node) against the scan it replaces, on the test database.
func BenchmarkDatasetFacts(b *testing.B) {
	st := testdb.Open(b)
	ctx := context.Background()
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.DatasetFacts(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			if _, err := st.LastUpdate(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
