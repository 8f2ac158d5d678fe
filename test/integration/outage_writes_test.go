package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/lysoen/lysoen/internal/testdb"
)

// The unit of atomicity is one top-level mutation field: each runs in its
// own write transaction, and GraphQL runs them one after the other, so an
// operation "upsertOrganization + link" is two transactions and its
// response says which of them failed (errors[].path). A failed field
// answers HTTP 200 with errors[].extensions.code SERVICE_UNAVAILABLE (or
// TIMEOUT), never a 5xx (docs/operations.md, "Writes during an outage").
const outageWriteOp = `mutation OutageWrite($org: OrganizationInput!, $link: LinkInput!) {
  upsertOrganization(input: $org) { id }
  link(input: $link) { type }
}`

// writeOutcome is what the client was told about one operation.
type writeOutcome struct {
	id              string
	orgAck, linkAck bool     // the field answered without an error
	codes           []string // extensions.code of the errors
	status          int
	transport       error
}

// postWrite sends one operation as editor and classifies the answer per
// field. It never calls t.Fatal (it runs in the writer goroutines).
func postWrite(c *http.Client, url string, vars map[string]any) writeOutcome {
	var o writeOutcome
	body, _ := json.Marshal(map[string]any{"query": outageWriteOp, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+editorKey)
	resp, err := c.Do(req)
	if err != nil {
		o.transport = err
		return o
	}
	defer resp.Body.Close()
	o.status = resp.StatusCode
	raw, _ := io.ReadAll(resp.Body)
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Path       []any          `json:"path"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil {
		o.codes = append(o.codes, fmt.Sprintf("HTTP %d: %.200s", resp.StatusCode, raw))
		return o
	}
	failed := map[string]bool{}
	for _, e := range out.Errors {
		code, _ := e.Extensions["code"].(string)
		o.codes = append(o.codes, code)
		if len(e.Path) == 0 { // a request error: nothing ran
			failed["upsertOrganization"], failed["link"] = true, true
			continue
		}
		f, _ := e.Path[0].(string)
		failed[f] = true
	}
	// A field without an error ran and returned; with data null (the
	// first, non-null field failed) the second may still have succeeded.
	o.orgAck, o.linkAck = !failed["upsertOrganization"], !failed["link"]
	return o
}

// TestWritesDuringNeo4jOutageCounted: concurrent clients write (an
// organization plus its MEMBER_OF link, each with a unique id) while the
// database is killed (SIGKILL) and started again. Afterwards the database
// is counted: every acknowledged write is there exactly once, no write is
// there twice or half, failed writes left at most what their response said
// may be there; retrying the failed operations converges to exactly one of
// each. No 5xx, only SERVICE_UNAVAILABLE/TIMEOUT during the gap, and no
// goroutine or session leak.
func TestWritesDuringNeo4jOutageCounted(t *testing.T) {
	faultsNeo4j(t, "start")
	t.Cleanup(func() { faultsNeo4j(t, "stop") })
	t.Logf("%s: Neo4j started", time.Now().Format(time.TimeOnly))
	db := testdb.FromEnv(t)
	boltURI := "bolt://127.0.0.1:" + faultsBolt
	s := startServer(t, authEnv(map[string]string{"NEO4J_URI": boltURI, "LYSOEN_RATE_LIMIT": "0"}))
	s.waitReady(t)

	// Fixtures of this run (the faults database keeps data between runs,
	// so every id carries a nonce).
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	source, initiative := "source:outage-"+nonce, "initiative:outage-"+nonce
	for _, q := range []struct {
		q    string
		vars map[string]any
	}{
		{`mutation($in: SourceInput!) { upsertSource(input: $in) { id } }`, map[string]any{"in": map[string]any{"id": source, "title": "Outage test fixture"}}},
		{`mutation($in: InitiativeInput!) { upsertInitiative(input: $in) { id } }`, map[string]any{"in": map[string]any{"id": initiative, "name": "Outage test initiative",
			"evidence": map[string]any{"sourceId": source, "quote": "outage test fixture"}}}},
	} {
		_, resp := s.queryAs(t, editorKey, q.q, q.vars)
		mustOK(t, resp, nil)
	}
	varsFor := func(id string) map[string]any {
		ev := map[string]any{"sourceId": source, "quote": "outage test " + id}
		return map[string]any{
			"org":  map[string]any{"id": id, "name": "Outage " + id, "kind": "NGO", "acronym": "OT", "evidence": ev},
			"link": map[string]any{"type": "MEMBER_OF", "from": id, "to": initiative, "properties": map[string]any{"role": "MEMBER"}, "evidence": ev},
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}, Timeout: 60 * time.Second}
	if o := postWrite(client, s.URL, varsFor("org:outage-"+nonce+"-warm")); !o.orgAck || !o.linkAck {
		t.Fatalf("warm-up write: %+v", o)
	}
	client.CloseIdleConnections()
	runtime.GC()
	baseline := runtime.NumGoroutine()

	// Writers: one operation after the other, each with a new id.
	const writers = 4
	var (
		mu       sync.Mutex
		outcomes []writeOutcome
		acked    atomic.Int64
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100_000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("org:outage-%s-%d-%d", nonce, w, i)
				o := postWrite(client, s.URL, varsFor(id))
				o.id = id
				if o.orgAck && o.linkAck {
					acked.Add(1)
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				if !o.orgAck || !o.linkAck {
					time.Sleep(50 * time.Millisecond) // failures come fast; do not spin
				}
			}
		}()
	}
	waitAcked := func(n int64, what string) {
		deadline := time.Now().Add(120 * time.Second)
		for acked.Load() < n {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("%s: only %d acknowledged writes after 120s", what, acked.Load())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitAcked(40, "before the outage")
	t.Logf("%s: %d acknowledged; killing Neo4j", time.Now().Format(time.TimeOnly), acked.Load())
	killFaultsNeo4j(t) // SIGKILL: in-flight commits may or may not have happened
	time.Sleep(2 * time.Second)
	faultsNeo4j(t, "start")
	s.waitReady(t)
	t.Logf("%s: Neo4j back", time.Now().Format(time.TimeOnly))
	waitAcked(acked.Load()+40, "after the restart")
	close(stop)
	wg.Wait()

	// What the clients were told.
	var orgOnly, none, fiveXX int
	codes := map[string]int{}
	for _, o := range outcomes {
		if o.transport != nil {
			t.Errorf("%s: transport error %v", o.id, o.transport)
		}
		if o.status >= 500 {
			fiveXX++
		}
		for _, c := range o.codes {
			codes[c]++
		}
		switch {
		case o.orgAck && !o.linkAck:
			orgOnly++
		case !o.orgAck:
			none++
		}
		for _, c := range o.codes {
			switch c {
			case "SERVICE_UNAVAILABLE", "TIMEOUT":
			case "NOT_FOUND", "BAD_USER_INPUT": // the link, when its organization was not written
				if o.orgAck {
					t.Errorf("%s: link refused with %s though the organization was written", o.id, c)
				}
			default:
				t.Errorf("%s: unexpected error %q during the outage", o.id, c)
			}
		}
	}
	t.Logf("%d operations: %d acknowledged, %d organization only, %d failed; error codes %v; %d 5xx",
		len(outcomes), acked.Load(), orgOnly, none, codes, fiveXX)
	if fiveXX != 0 {
		t.Errorf("%d responses were 5xx", fiveXX)
	}
	if orgOnly+none == 0 {
		t.Errorf("no write saw the outage")
	}

	// Count in the database.
	driver, err := neo4j.NewDriverWithContext(boltURI, neo4j.BasicAuth(db.User, db.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(context.Background())
	count := func() map[string]stored { return countOutageWrites(t, driver, "org:outage-"+nonce+"-", initiative) }
	got := count()
	var committedUnacked int
	for _, o := range outcomes {
		st := got[o.id]
		if st.nodes > 1 || st.rels > 1 {
			t.Errorf("%s: duplicated: %d nodes, %d MEMBER_OF relationships", o.id, st.nodes, st.rels)
		}
		if st.nodes == 1 && !st.complete {
			t.Errorf("%s: partial node %v", o.id, st.props)
		}
		if st.rels == 1 && !st.relComplete {
			t.Errorf("%s: partial relationship", o.id)
		}
		if o.orgAck && st.nodes != 1 {
			t.Errorf("%s: acknowledged organization lost (%d nodes)", o.id, st.nodes)
		}
		if o.linkAck && st.rels != 1 {
			t.Errorf("%s: acknowledged link lost (%d relationships)", o.id, st.rels)
		}
		if (!o.orgAck && st.nodes == 1) || (!o.linkAck && st.rels == 1) {
			committedUnacked++ // the commit happened, its answer was lost
		}
		delete(got, o.id)
	}
	for id := range got {
		if !strings.HasSuffix(id, "-warm") {
			t.Errorf("%s: in the database but never sent", id)
		}
	}
	t.Logf("failed fields whose commit happened anyway (answer lost): %d", committedUnacked)

	// A client retries what failed (same ids): everything is then there
	// exactly once, whatever had been committed before.
	var retried int
	for _, o := range outcomes {
		if o.orgAck && o.linkAck {
			continue
		}
		retried++
		if r := postWrite(client, s.URL, varsFor(o.id)); !r.orgAck || !r.linkAck {
			t.Errorf("retry of %s: %+v", o.id, r)
		}
	}
	got = count()
	for _, o := range outcomes {
		if st := got[o.id]; st.nodes != 1 || st.rels != 1 || !st.complete || !st.relComplete {
			t.Errorf("%s after retries: %d nodes, %d relationships, complete %v/%v", o.id, st.nodes, st.rels, st.complete, st.relComplete)
		}
	}
	t.Logf("retried %d operations; all %d present exactly once", retried, len(outcomes))

	// No leak: goroutines settle back and no session stays open.
	client.CloseIdleConnections()
	wantGoroutinesSettle(t, baseline)
	// The server's own background statements (the dataset keeper records
	// the writes and reads the version again shortly after them) may hold
	// a session for a moment: wait for them, not for ever.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, m := get(t, s.URL+"/metrics")
		if strings.Contains(m, "\nlysoen_neo4j_sessions_open 0\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("sessions still open 10 s after the load:\n%s", grepLines(m, "sessions_open"))
			break
		}
	}
}

// stored is what the database holds for one operation's id.
type stored struct {
	nodes, rels           int
	complete, relComplete bool
	props                 map[string]any
}

// countOutageWrites counts, for every id with the prefix, the nodes of any
// label with that id and their MEMBER_OF relationships to the initiative,
// and whether each carries every property its write sets.
func countOutageWrites(t *testing.T, driver neo4j.DriverWithContext, prefix, initiative string) map[string]stored {
	t.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), driver,
		`MATCH (n) WHERE n.id STARTS WITH $prefix
		 OPTIONAL MATCH (n)-[r:MEMBER_OF]->(:Initiative {id: $initiative})
		 WITH n, collect(r) AS rs
		 RETURN n.id AS id, properties(n) AS props, labels(n) AS labels, [r IN rs | properties(r)] AS rels`,
		map[string]any{"prefix": prefix, "initiative": initiative}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("count: %v", err)
	}
	out := map[string]stored{}
	for _, rec := range res.Records {
		id, _, _ := neo4j.GetRecordValue[string](rec, "id")
		props, _, _ := neo4j.GetRecordValue[map[string]any](rec, "props")
		labels, _, _ := neo4j.GetRecordValue[[]any](rec, "labels")
		rels, _, _ := neo4j.GetRecordValue[[]any](rec, "rels")
		st := out[id]
		st.nodes++
		st.rels += len(rels)
		st.props = props
		st.complete = props["name"] == "Outage "+id && props["kind"] == "NGO" && props["acronym"] == "OT" &&
			props["evidence"] == "outage test "+id && props["createdBy"] == "key:ed" && props["updatedAt"] != nil &&
			slices.Contains(labels, any("Organization")) && slices.Contains(labels, any("Actor"))
		st.relComplete = len(rels) == 1
		for _, r := range rels {
			rp, _ := r.(map[string]any)
			st.relComplete = st.relComplete && rp["role"] == "MEMBER" && rp["evidence"] == "outage test "+id && rp["createdBy"] == "key:ed"
		}
		out[id] = st
	}
	return out
}

// killFaultsNeo4j SIGKILLs the faults instance (no clean shutdown, so
// commits in flight are cut at any point) and waits until it is gone.
func killFaultsNeo4j(t *testing.T) {
	t.Helper()
	base := os.Getenv("LYSOEN_NEO4J_DIR")
	if base == "" {
		base = ".neo4j"
	}
	raw, err := os.ReadFile(filepath.Join(base, "faults", "run", "neo4j.pid"))
	if err != nil {
		t.Fatalf("faults Neo4j pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatalf("faults Neo4j pid %q: %v", raw, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill Neo4j %d: %v", pid, err)
	}
	for i := 0; i < 100 && syscall.Kill(pid, 0) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
