package loader

import (
	"context"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// Source returns the Source node with this id, or nil when there is none
// (Evidence.source). The first call in a request reads every source in
// one statement; the rest are answered from it, so a response citing any
// number of sources, at any depth, costs one round trip for them.
func (l *Loaders) Source(ctx context.Context, id string) (*model.Source, error) {
	l.mu.Lock()
	c := l.sources
	first := c == nil
	if first {
		c = &batchCall{done: make(chan struct{})}
		l.sources = c
	}
	l.mu.Unlock()
	if first {
		nodes, err := l.store.AllSources(ctx)
		res := make(map[string]*model.Source, len(nodes))
		list := make([]store.Node, 0, len(nodes))
		for _, n := range nodes {
			list = append(list, n)
		}
		for _, n := range model.FromNodes(list) { // one group: the sources' own fields batch too
			if s, ok := n.(*model.Source); ok {
				res[s.ID] = s
			}
		}
		c.res, c.err = res, err
		close(c.done)
	} else {
		select {
		case <-c.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	res, _ := c.res.(map[string]*model.Source)
	return res[id], nil
}
