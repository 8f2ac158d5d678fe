package store

import (
	"context"
	"sync"
)

// writesPerNode is how many upserts of one node this process sends to
// Neo4j at a time (nodeGate). Measured with 8 clients upserting one node
// on two cores (docs/benchmarks.md): without a bound the slowest answers
// wait on Neo4j's lock manager; 2 halves them again but doubles the
// median, as most writes then queue; 4 keeps the slowest answers at about
// half of the unbounded ones for about 60% more median latency.
const writesPerNode = 4

// nodeGate admits at most writesPerNode upserts of one node at a time and
// queues the rest in arrival order. Neo4j serializes writes to a node
// with its lock manager anyway, but a waiter there spins and polls: on a
// small machine that takes the CPU the lock holder needs, and the waiter
// that keeps losing the race makes the slowest answers. Waiting here is a
// parked goroutine, first come first served. It bounds one process only;
// several servers writing the same node still meet in Neo4j's locks,
// which keep the writes correct either way.
//
// Hand-written: golang.org/x/sync/semaphore bounds one resource, and a
// map of them needs this same bookkeeping to drop idle keys.
type nodeGate struct {
	mu    sync.Mutex
	nodes map[string]*nodeSlots
}

// nodeSlots are one node's admissions: a token in slots per write sent,
// users counting the writes sent or waiting, so the entry goes when idle.
type nodeSlots struct {
	slots chan struct{}
	users int
}

// enter waits until a write of node key may be sent, or ctx ends. The
// returned function ends the admission; call it once the write is done.
// A Go channel hands its free places to blocked senders in the order
// they came, so waiters are served first come first served.
func (g *nodeGate) enter(ctx context.Context, key string) (func(), error) {
	g.mu.Lock()
	if g.nodes == nil {
		g.nodes = map[string]*nodeSlots{}
	}
	n := g.nodes[key]
	if n == nil {
		n = &nodeSlots{slots: make(chan struct{}, writesPerNode)}
		g.nodes[key] = n
	}
	n.users++
	g.mu.Unlock()
	select {
	case n.slots <- struct{}{}:
		return func() {
			<-n.slots
			g.leave(key, n)
		}, nil
	case <-ctx.Done():
		g.leave(key, n)
		return nil, ctx.Err()
	}
}

func (g *nodeGate) leave(key string, n *nodeSlots) {
	g.mu.Lock()
	n.users--
	if n.users == 0 {
		delete(g.nodes, key)
	}
	g.mu.Unlock()
}
