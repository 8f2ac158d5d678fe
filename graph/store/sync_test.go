package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/testdb"
)

// TestSyncBatchIsOneTransaction: a batch whose relationship step fails
// (a missing endpoint) after its nodes were written leaves nothing behind.
func TestSyncBatchIsOneTransaction(t *testing.T) {
	st := testdb.Open(t)
	testdb.Reset(t, st)
	ctx := context.Background()
	a := store.Audit{By: "test", At: time.Now()}
	_, err := st.Sync(ctx, store.SyncBatch{
		Nodes: []store.SyncNode{{Label: store.LabelAgreement, ID: "agreement:t1", Props: map[string]any{"name": "T1"}}},
		Rels: []store.SyncRel{{Type: store.RelSignatoryOf, From: "country:ZZZ", To: "agreement:t1",
			FromLabel: store.LabelCountry, ToLabel: store.LabelAgreement, Props: map[string]any{"signed": "2000"}}},
	}, a)
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound for the missing country", err)
	}
	if n, r, _ := st.Counts(ctx); n != 0 || r != 0 {
		t.Errorf("after the failed batch: %d nodes, %d relationships; want none (rolled back)", n, r)
	}

	// The same batch with the endpoint present commits; again, it changes nothing.
	b := store.SyncBatch{
		Nodes: []store.SyncNode{
			{Label: store.LabelAgreement, ID: "agreement:t1", Props: map[string]any{"name": "T1"}},
			{Label: store.LabelCountry, ID: "country:ZZZ", Props: map[string]any{"iso3": "ZZZ"}, Init: map[string]any{"name": "Zed"}},
		},
		Rels: []store.SyncRel{{Type: store.RelSignatoryOf, From: "country:ZZZ", To: "agreement:t1",
			FromLabel: store.LabelCountry, ToLabel: store.LabelAgreement, Props: map[string]any{"signed": "2000", "note": nil}}},
	}
	s1, err := st.Sync(ctx, b, a)
	if err != nil || s1.NodesCreated != 2 || s1.RelsCreated != 1 {
		t.Fatalf("first sync: %+v, %v", s1, err)
	}
	s2, err := st.Sync(ctx, b, store.Audit{By: "other", At: time.Now()})
	if err != nil || s2.NodesUnchanged != 2 || s2.RelsUnchanged != 1 || s2.PropertiesSet != 0 {
		t.Errorf("second sync: %+v, %v", s2, err)
	}
	// Init never overwrites; Props do, and stamp updatedBy.
	b.Nodes[1].Init["name"] = "Other name"
	b.Nodes[1].Props["iso3"] = "ZZY"
	if s3, err := st.Sync(ctx, b, store.Audit{By: "third", At: time.Now()}); err != nil || s3.NodesUpdated != 1 {
		t.Errorf("third sync: %+v, %v", s3, err)
	}
	n, _ := st.NodeByID(ctx, store.LabelCountry, "country:ZZZ")
	if n.Props["name"] != "Zed" || n.Props["iso3"] != "ZZY" || n.Props["createdBy"] != "test" || n.Props["updatedBy"] != "third" {
		t.Errorf("country:ZZZ = %v", n.Props)
	}
}
