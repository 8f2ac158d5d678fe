package synth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lysoen/lysoen/internal/testdb"
)

// TestLoadTiny is the generator's smoke test against the real database:
// the fast CREATE load and the idempotent MERGE load write the same graph,
// and a fresh load refuses a database that is not empty.
func TestLoadTiny(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	testdb.Reset(t, st)
	want := Count(3, ScaleTiny)
	var calls int
	if _, err := LoadFresh(ctx, st, 3, ScaleTiny, func(Counts, Counts, time.Duration) { calls++ }); err != nil {
		t.Fatal(err)
	}
	nodes, rels, err := st.Counts(ctx)
	if err != nil || nodes != want.Nodes || rels != want.Rels {
		t.Fatalf("after LoadFresh: %d nodes, %d relationships (%v), want %+v", nodes, rels, err, want)
	}
	if calls == 0 {
		t.Fatal("progress was never reported")
	}
	if _, err := LoadFresh(ctx, st, 3, ScaleTiny, nil); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("LoadFresh into a loaded database: %v", err)
	}
	// MERGE over the same graph changes nothing.
	if _, err := Load(ctx, st, 3, ScaleTiny, nil); err != nil {
		t.Fatal(err)
	}
	nodes, rels, _ = st.Counts(ctx)
	if nodes != want.Nodes || rels != want.Rels {
		t.Fatalf("after Load over it: %d nodes, %d relationships, want %+v", nodes, rels, want)
	}
}
