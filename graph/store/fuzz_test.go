package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// FuzzDecodeCursor: a cursor either is refused with ErrBadCursor or
// decodes to a position that encodes back to an equivalent cursor.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(store.Cursor{Keys: []string{"Norway"}, ID: "country:NOR", Order: "NAME_ASC"}.Encode())
	f.Add(store.Cursor{Keys: []string{""}, ID: "x"}.Encode())
	for _, s := range []string{"", "v1:", "djE6e30", "djE6eyJpIjoiIn0", "not-a-cursor", "====", "djE6bnVsbA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := store.DecodeCursor(s)
		if err != nil {
			if !errors.Is(err, store.ErrBadCursor) {
				t.Fatalf("DecodeCursor(%q): %v, want ErrBadCursor", s, err)
			}
			return
		}
		if c.ID == "" {
			t.Fatalf("DecodeCursor(%q) accepted an empty id", s)
		}
		again, err := store.DecodeCursor(c.Encode())
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("%q: re-encoded cursor decodes to %+v, %v; want %+v", s, again, err, c)
		}
	})
}

// FuzzNodeByID sends arbitrary ids to the real test Neo4j (as parameters):
// the answer is the node with exactly that id or ErrNotFound, never
// another error.
func FuzzNodeByID(f *testing.F) {
	st := testdb.Open(f)
	for _, s := range []string{"country:NOR", "initiative:lysoen-partnership", "", "'", "\") RETURN 1 //", "country:NOR' OR 1=1", "\x00", "ünïcødé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		for _, label := range []store.Label{"", store.LabelCountry, store.LabelActor} {
			n, err := st.NodeByID(context.Background(), label, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatalf("NodeByID(%q, %q): %v", label, id, err)
			}
			if n.ID() != id {
				t.Fatalf("NodeByID(%q, %q) returned node %q", label, id, n.ID())
			}
		}
	})
}
