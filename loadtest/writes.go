package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The write mix: each request upserts a new organization (a fresh id) and
// links it MEMBER_OF a fixture initiative of this run, in one operation.
// Afterwards every acknowledged write is read back: the organization must
// be there with exactly one membership of the fixture (none lost, none
// duplicated). The fixtures and organizations are named "Load test …" and
// stay in the database: run the write mix against a throwaway database.

// writeToken is the Bearer token sent with write scenarios.
var writeToken string

type writeLog struct {
	nonce      string
	n          atomic.Int64
	mu         sync.Mutex
	acked      []string
	failed     int
	source     string
	initiative string
}

var wlog = func() *writeLog {
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	return &writeLog{nonce: nonce, source: "source:loadtest-" + nonce, initiative: "initiative:loadtest-" + nonce}
}()

var writeScenario = scenario{Name: "WriteMembership", Kind: "write",
	Query: `mutation WriteMembership($org: OrganizationInput!, $link: LinkInput!) {
  upsertOrganization(input: $org) { id }
  link(input: $link) { type }
}`,
	Vars: wlog.vars, Setup: wlog.setup, Record: wlog.record, Verify: wlog.verify}

func (w *writeLog) vars(*rand.Rand) map[string]any {
	id := fmt.Sprintf("org:loadtest-%s-%d", w.nonce, w.n.Add(1))
	ev := map[string]any{"sourceId": w.source, "quote": "load test"}
	return map[string]any{
		"org":  map[string]any{"id": id, "name": "Load test " + id, "kind": "NGO", "evidence": ev},
		"link": map[string]any{"type": "MEMBER_OF", "from": id, "to": w.initiative, "properties": map[string]any{"role": "MEMBER"}, "evidence": ev},
	}
}

// record keeps the id of every write acknowledged (HTTP 200, no error).
func (w *writeLog) record(vars map[string]any, r result) {
	if errors.Is(r.err, context.Canceled) { // cut by the end of the run: outcome unknown, not counted
		return
	}
	id := vars["org"].(map[string]any)["id"].(string)
	w.mu.Lock()
	defer w.mu.Unlock()
	if r.err == nil && r.status == http.StatusOK && len(r.codes) == 0 {
		w.acked = append(w.acked, id)
	} else {
		w.failed++
	}
}

// setup writes this run's fixture source and initiative.
func (w *writeLog) setup(ctx context.Context, c *http.Client, target string) error {
	if _, err := gql(ctx, c, target, `mutation($in: SourceInput!) { upsertSource(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"id": w.source, "title": "Load test fixture"}}); err != nil {
		return fmt.Errorf("fixture source: %w", err)
	}
	if _, err := gql(ctx, c, target, `mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"id": w.initiative, "name": "Load test initiative " + w.nonce,
			"evidence": map[string]any{"sourceId": w.source, "quote": "load test fixture"}}}); err != nil {
		return fmt.Errorf("fixture initiative: %w", err)
	}
	return nil
}

// verify reads back every acknowledged write, 8 at a time.
func (w *writeLog) verify(ctx context.Context, c *http.Client, target string) error {
	w.mu.Lock()
	ids := append([]string(nil), w.acked...)
	failed := w.failed
	w.mu.Unlock()
	const q = `query($id: ID!) { organization(id: $id) { id memberships(first: 10) { role initiative { id } } } }`
	var mu sync.Mutex
	var problems []string
	work := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				data, err := gql(ctx, c, target, q, map[string]any{"id": id})
				var out struct {
					Organization *struct {
						Memberships []struct {
							Role       string
							Initiative *struct{ ID string }
						}
					}
				}
				if err == nil {
					err = json.Unmarshal(data, &out)
				}
				n := 0
				if out.Organization != nil {
					for _, m := range out.Organization.Memberships {
						if m.Initiative != nil && m.Initiative.ID == w.initiative && m.Role == "MEMBER" {
							n++
						}
					}
				}
				if err != nil || out.Organization == nil || n != 1 {
					mu.Lock()
					problems = append(problems, fmt.Sprintf("%s: organization %v, %d memberships, %v", id, out.Organization != nil, n, err))
					mu.Unlock()
				}
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	fmt.Printf("writes: %d acknowledged, all read back: %d lost or duplicated; %d not acknowledged\n", len(ids), len(problems), failed)
	if len(problems) > 0 {
		sort.Strings(problems)
		if len(problems) > 10 {
			problems = append(problems[:10], fmt.Sprintf("and %d more", len(problems)-10))
		}
		return fmt.Errorf("%d acknowledged writes lost or duplicated: %v", len(problems), problems)
	}
	return nil
}

// gql sends one request with the write token and returns data, or an
// error for any transport problem, non-200 status or GraphQL error.
func gql(ctx context.Context, c *http.Client, target, q string, vars map[string]any) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if writeToken != "" {
		req.Header.Set("Authorization", "Bearer "+writeToken)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || len(out.Errors) > 0 {
		return nil, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, raw)
	}
	return out.Data, nil
}
