package loader

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lysoen/lysoen/graph/model"
)

// batchKey names one batched read: what is read (kind), for which group,
// with which arguments (canonical JSON).
type batchKey struct {
	kind  string
	group *model.Group
	query string
}

type batchCall struct {
	done chan struct{}
	res  any // map[string]T
	err  error
}

// Batch answers a per-node read that is not a plain edge list (a page of
// votes, a count, a tally) for node id, reading it for id's whole group
// in one call of fetch on first use and caching the answer for the rest of
// the request. Siblings asking with the same kind and query share that
// call, so round trips are one per (list, field, arguments), as for Edges.
func Batch[T any](ctx context.Context, l *Loaders, kind string, id string, group *model.Group, query any,
	fetch func(ctx context.Context, ids []string) (map[string]T, error)) (T, error) {
	var zero T
	if group == nil {
		group = &model.Group{IDs: []string{id}}
	}
	q, err := json.Marshal(query)
	if err != nil {
		return zero, err
	}
	k := batchKey{kind: kind, group: group, query: string(q)}
	l.mu.Lock()
	if l.batches == nil {
		l.batches = map[batchKey]*batchCall{}
	}
	c, ok := l.batches[k]
	if !ok {
		c = &batchCall{done: make(chan struct{})}
		l.batches[k] = c
	}
	l.mu.Unlock()
	if !ok {
		c.res, c.err = fetch(ctx, group.IDs)
		close(c.done)
	} else {
		select {
		case <-c.done:
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	if c.err != nil {
		return zero, c.err
	}
	res, ok := c.res.(map[string]T)
	if !ok {
		return zero, fmt.Errorf("batch %s: answer of type %T", kind, c.res)
	}
	return res[id], nil
}
