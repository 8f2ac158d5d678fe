package store_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestLinkOneStatement: a link is one Cypher statement, checks included;
// each missing end or Source is reported as before and writes nothing.
func TestLinkOneStatement(t *testing.T) {
	var statements atomic.Int64
	s := testdb.Open(t, func(o *store.Options) { o.OnQuery = func(context.Context) { statements.Add(1) } })
	testdb.Reset(t, s)
	ctx := context.Background()
	a := store.Audit{By: "key:test", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, n := range []store.NodeUpsert{
		{Label: store.LabelSource, ID: "source:doc", Props: map[string]any{"title": "Doc"}},
		{Label: store.LabelOrganization, ID: "org:a", Props: map[string]any{"name": "A"}},
		{Label: store.LabelInitiative, ID: "initiative:b", Props: map[string]any{"name": "B"}},
	} {
		if _, err := s.UpsertNode(ctx, n, a); err != nil {
			t.Fatal(err)
		}
	}
	link := func(from, to, source string) (store.Linked, error) {
		return s.Link(ctx, store.LinkWrite{Type: store.RelMemberOf, From: from, To: to,
			FromLabel: store.LabelOrganization, ToLabel: store.LabelInitiative,
			Props: map[string]any{"role": "MEMBER"}, Evidence: store.Evidence{SourceID: source, Quote: "q"}}, a)
	}
	var end *store.EndpointError
	for _, c := range []struct {
		from, to, source string
		check            func(error) bool
	}{
		{"org:none", "initiative:b", "source:doc", func(err error) bool { return errors.As(err, &end) && end.End == "from" }},
		{"org:a", "initiative:none", "source:doc", func(err error) bool { return errors.As(err, &end) && end.End == "to" }},
		{"org:a", "initiative:b", "source:none", func(err error) bool { return errors.Is(err, store.ErrNoSource) }},
	} {
		if _, err := link(c.from, c.to, c.source); !c.check(err) {
			t.Errorf("link %s -> %s citing %s: %v", c.from, c.to, c.source, err)
		}
	}
	if _, rels, err := s.Counts(ctx); err != nil || rels != 0 {
		t.Fatalf("refused links wrote %d relationships (%v)", rels, err)
	}
	statements.Store(0)
	l, err := link("org:a", "initiative:b", "source:doc")
	if err != nil {
		t.Fatal(err)
	}
	// The link and its checks are one statement; the second records the
	// write on the dataset's version node, in the same transaction.
	if n := statements.Load(); n != 2 {
		t.Errorf("link took %d statements, want 2", n)
	}
	if l.Props["role"] != "MEMBER" || l.Props["sourceId"] != "source:doc" || l.Props["createdBy"] != "key:test" ||
		l.From.ID() != "org:a" || l.To.ID() != "initiative:b" {
		t.Errorf("linked: %+v", l)
	}
	if _, err := link("org:a", "initiative:b", "source:doc"); err != nil {
		t.Fatal(err)
	}
	if _, rels, _ := s.Counts(ctx); rels != 1 {
		t.Errorf("relinking: %d relationships, want 1", rels)
	}
}
