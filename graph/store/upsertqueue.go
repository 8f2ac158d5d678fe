package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// maxUpsertsPerCommit bounds how many waiting upserts of one node go in
// one statement, so that its locks are held for a bounded time.
const maxUpsertsPerCommit = 16

// upsertQueue sends the upserts of one node one statement at a time
// (group commit). Upserts that arrive while one is in flight wait in
// arrival order; when it ends, the first waiter and those after it with
// the same statement (the same shape: link types, checks) go together as
// that statement's grouped form (nestedCypher): one auto-commit
// statement, upserting each in order, each seeing the writes of those
// before it, one record each, one commit.
//
// Neo4j serializes writes to a node with its locks anyway; waiting there
// costs a lock waiter that polls and a commit and a round trip per write,
// and for a small write the commit is most of the cost. Measured with 8
// clients upserting one organization and its membership on two cores
// (docs/benchmarks.md, measured choices): Neo4j's CPU per upsert 1.13 ms
// one statement each, 0.65 ms with one transaction per group and a
// statement each, 0.29 ms with one statement per group. Two statements
// in flight per node made the same load slower (1,950 against 2,360
// req/s): the second waits in Neo4j's lock manager, and groups shrink.
//
// Each upsert keeps its own answer: the statement checks each upsert
// before writing it and writes nothing of a refused one, so one refused
// upsert does not stop the others. A group statement Neo4j refuses (a
// value it cannot store, a bookmark it does not know) wrote nothing, and
// its upserts are sent again one by one, each for its own answer. The
// queue is per process; several servers writing one node still meet in
// Neo4j's locks, which keep the writes correct either way.
//
// Hand-written: a map of FIFO queues whose first waiter takes over the
// sending; no library does group commit over the Neo4j driver.
type upsertQueue struct {
	mu sync.Mutex
	// nodes holds an entry for every node with an upsert in flight: the
	// upserts waiting behind it, in arrival order.
	nodes map[string][]*queuedUpsert
	// sent, when set (tests), is told the size of each group sent.
	sent func(n int)
}

// queuedUpsert is one upsert statement and the request it answers.
type queuedUpsert struct {
	ctx    context.Context
	cypher string
	params map[string]any
	// use reads the statement's record into the upsert's answer.
	use func(recs []*neo4j.Record) (Written, error)
	// grouped is the statement's grouped form (nestedCypher).
	grouped func() string
	// done is closed when the answer is set, or when this upsert is
	// handed group to send.
	done  chan struct{}
	group []*queuedUpsert

	result Written
	err    error
}

// do sends w (an upsert of node key) once it may, maybe together with
// others, and returns its answer.
func (q *upsertQueue) do(s *Store, key string, w *queuedUpsert) (Written, error) {
	q.mu.Lock()
	if q.nodes == nil {
		q.nodes = map[string][]*queuedUpsert{}
	}
	if _, inFlight := q.nodes[key]; !inFlight {
		q.nodes[key] = nil
		q.mu.Unlock()
		w.group = []*queuedUpsert{w}
	} else {
		q.nodes[key] = append(q.nodes[key], w)
		q.mu.Unlock()
		select {
		case <-w.done:
		case <-w.ctx.Done():
			q.mu.Lock()
			if i := slices.Index(q.nodes[key], w); i >= 0 {
				q.nodes[key] = slices.Delete(q.nodes[key], i, i+1)
				q.mu.Unlock()
				return Written{}, w.ctx.Err()
			}
			q.mu.Unlock()
			<-w.done // already in a group
		}
		if w.group == nil {
			return w.result, w.err
		}
	}
	// Deferred, so that the queue moves on even if sending panics.
	defer q.handOver(key)
	if q.sent != nil {
		q.sent(len(w.group))
	}
	s.sendUpserts(w.group)
	return w.result, w.err
}

// handOver ends a group of node key's upserts: the first waiter and those
// after it with the same statement go next, in its place.
func (q *upsertQueue) handOver(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	waiting := q.nodes[key]
	if len(waiting) == 0 {
		delete(q.nodes, key)
		return
	}
	size := 1
	for size < len(waiting) && size < maxUpsertsPerCommit && waiting[size].cypher == waiting[0].cypher {
		size++
	}
	next := slices.Clone(waiting[:size])
	q.nodes[key] = slices.Clone(waiting[size:])
	next[0].group = next
	close(next[0].done)
}

// errNotSent answers the upserts of a group whose sending failed.
var errNotSent = errors.New("upsert not sent: the request sending its group failed")

// sendUpserts sends a group of upserts of one node, sets each one's
// answer and wakes all but the first (the caller).
func (s *Store) sendUpserts(group []*queuedUpsert) {
	answered := false
	defer func() {
		for _, w := range group[1:] {
			if !answered && w.err == nil {
				w.result, w.err = Written{}, errNotSent
			}
			close(w.done)
		}
	}()
	live := make([]*queuedUpsert, 0, len(group))
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.err = err
			continue
		}
		live = append(live, w)
	}
	if len(live) > 1 && s.sendTogether(live) {
		answered = true
		return
	}
	for _, w := range live {
		w.result, w.err = writeOne(w.ctx, s, w.cypher, w.params, w.use)
	}
	answered = true
}

// groupAnswer is one upsert's answer from a group's statement.
type groupAnswer struct {
	written Written
	err     error
}

// sendTogether sends the upserts as one statement (their statement's
// grouped form), sets their answers and reports true; or reports false,
// setting none, when Neo4j refused the statement: then nothing of it was
// written, and each upsert is to be sent alone for an answer of its own.
func (s *Store) sendTogether(group []*queuedUpsert) bool {
	ctx, stop := untilAllDone(group)
	defer stop()
	// The statement starts after every request's bookmarks, and each
	// request is given the bookmark of its commit.
	var from []string
	before := make([]neo4j.Bookmarks, len(group))
	for i, w := range group {
		if c := CausalFrom(w.ctx); c != nil {
			b, err := c.mgr.GetBookmarks(ctx)
			if err != nil {
				return false
			}
			before[i] = b
			from = append(from, b...)
		}
	}
	ctx, chain := WithCausal(ctx, from)
	params := make([]any, len(group))
	for i, w := range group {
		params[i] = w.params
	}
	// Every request counts the statement it shares; s.run counts it for
	// the first one.
	if s.counter != nil {
		for _, w := range group[1:] {
			s.counter(w.ctx)
		}
	}
	answers, err := writeOne(ctx, s, group[0].grouped(), map[string]any{"group": params}, func(recs []*neo4j.Record) ([]groupAnswer, error) {
		if len(recs) != len(group) {
			return nil, fmt.Errorf("%d upserts of one node: %d records", len(group), len(recs))
		}
		answers := make([]groupAnswer, len(group))
		for i, r := range recs {
			if at, _, _ := neo4j.GetRecordValue[int64](r, "i"); at != int64(i) {
				return nil, fmt.Errorf("%d upserts of one node: record %d answers upsert %d", len(group), i, at)
			}
			answers[i].written, answers[i].err = group[i].use(recs[i : i+1])
		}
		return answers, nil
	})
	if err != nil {
		var n4j *neo4j.Neo4jError
		if errors.As(err, &n4j) || errors.Is(err, ErrBadBookmark) {
			return false
		}
		// The connection or every request ended: the statement may have
		// committed, so it is not sent again.
		for _, w := range group {
			w.err = err
		}
		return true
	}
	after, _ := chain.Bookmarks(ctx)
	for i, w := range group {
		w.result, w.err = answers[i].written, answers[i].err
		if c := CausalFrom(w.ctx); c != nil && w.err == nil {
			_ = c.mgr.UpdateBookmarks(ctx, before[i], after)
			c.wrote.Store(true)
		}
	}
	return true
}

// untilAllDone is a context that ends when the contexts of all the
// upserts have ended: the statement they share is sent for as long as
// one of their requests waits for it.
func untilAllDone(group []*queuedUpsert) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(group[0].ctx))
	var left atomic.Int64
	left.Store(int64(len(group)))
	stops := make([]func() bool, len(group))
	for i, w := range group {
		stops[i] = context.AfterFunc(w.ctx, func() {
			if left.Add(-1) == 0 {
				cancel()
			}
		})
	}
	return ctx, func() {
		for _, stop := range stops {
			stop()
		}
		cancel()
	}
}
