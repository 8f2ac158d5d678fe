package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// batchRequest is one applyChanges of n organizations, each upserted with
// its MEMBER_OF link to the write initiative (nested): n upserts and n
// links in one request and one transaction. run (one per harness run) and
// round keep the ids of one request apart from every other's, so each
// request creates what it writes.
func batchRequest(run string, n, round int) request {
	changes := make([]map[string]any, n)
	for i := range changes {
		changes[i] = map[string]any{"upsertOrganization": map[string]any{
			"id": fmt.Sprintf("org:bench-batch-%s-%d-%05d", run, round, i), "name": fmt.Sprintf("Bench batch organization %d", i),
			"evidence": map[string]any{"sourceId": sourceID, "quote": "benchmark batch"},
			"memberOf": []map[string]any{{"to": writeInitiative, "role": "MEMBER"}},
		}}
	}
	return request{Query: `mutation($changes: [ChangeInput!]!) { applyChanges(changes: $changes) {
  id nodesCreated nodesUpdated relationshipsCreated } }`, Variables: map[string]any{"changes": changes}}
}

// batchTimes sends reps batches of n upserts+links to Lysøen one after the
// other, nothing else running, and returns each request's wall time in ms.
func batchTimes(ctx context.Context, t *target, n, reps int) ([]float64, error) {
	var ms []float64
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	for r := range reps {
		b, _ := json.Marshal(batchRequest(run, n, r))
		start := time.Now()
		m, _, err := post(ctx, t.url+"/graphql", b, t.headers())
		if err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
		// Every organization of the request is new, and so is its link.
		data, _ := m["data"].(map[string]any)
		cs, _ := data["applyChanges"].(map[string]any)
		if nodes, _ := cs["nodesCreated"].(float64); int(nodes) != n {
			return nil, fmt.Errorf("batch: %v nodes created, want %d: %v", cs["nodesCreated"], n, m)
		}
	}
	return ms, nil
}

// printBatch reports the batch timings: median, fastest, slowest.
func printBatch(w io.Writer, n int, ms []float64) {
	if len(ms) == 0 {
		return
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	fmt.Fprintf(w, "\napplyChanges, %d organizations upserted each with a MEMBER_OF link (%d writes) in one request, %d requests one after the other: "+
		"median %.0f ms, fastest %.0f ms, slowest %.0f ms\n", n, 2*n, len(s), s[len(s)/2], s[0], s[len(s)-1])
}
