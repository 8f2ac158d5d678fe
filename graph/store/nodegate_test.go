package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A full node queues further writers in arrival order, other nodes pass,
// a cancelled waiter leaves, and an idle node's entry is dropped.
func TestNodeGate(t *testing.T) {
	var g nodeGate
	ctx := context.Background()
	var held []func()
	for range writesPerNode {
		done, err := g.enter(ctx, "org:a")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, done)
	}

	// Another node is not held up by org:a.
	other, err := g.enter(ctx, "org:b")
	if err != nil {
		t.Fatalf("org:b waited for org:a: %v", err)
	}
	other()

	// A waiter whose context ends gives up with the context's error.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := g.enter(short, "org:a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("enter on a full node with an expiring context: %v, want DeadlineExceeded", err)
	}

	// Three waiters queued one after another are admitted in that order
	// as the holders leave.
	order := make(chan int, 3)
	for i := range 3 {
		go func() {
			done, err := g.enter(ctx, "org:a")
			if err != nil {
				t.Error(err)
				return
			}
			order <- i
			done()
		}()
		waitFor(t, func() bool { return g.waiting() == writesPerNode+i+1 })
	}
	held[0]()
	for want := range 3 {
		if got := <-order; got != want {
			t.Fatalf("admitted waiter %d, want %d (arrival order)", got, want)
		}
	}
	for _, done := range held[1:] {
		done()
	}
	// The last waiter leaves just after it reported its turn.
	waitFor(t, func() bool { return g.waiting() == 0 })
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.nodes) != 0 {
		t.Fatalf("idle entries kept: %v", g.nodes)
	}
}

// waiting is how many writes hold or wait for an admission.
func (g *nodeGate) waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	total := 0
	for _, n := range g.nodes {
		total += n.users
	}
	return total
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
