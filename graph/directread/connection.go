package directread

// Relationship connections (`<field>Connection`) as direct reads. The
// level's COLLECT subquery reads the parent's whole filtered, ordered list,
// as the resolvers' batched read does (graph/relconnection.go), and the
// page is cut here while the answer is written: totalCount, pageInfo and
// each edge's cursor are computed exactly as relPage computes them, so the
// bytes are the resolvers'. A parent's list is at most a few hundred edges
// (an intergovernmental organization's membership spans), so reading it
// whole costs little and gives the exact count. Arguments the resolvers
// refuse are refused when planning; a cursor whose edge is not in the list
// is only known when the list is read, and then the operation is answered
// by the resolvers (errFallback), so that error too has one implementation.

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/store"
)

// errFallback stops a direct read whose answer the resolvers must give.
var errFallback = errors.New("answered by the resolvers")

// connPlan is a planned relationship connection.
type connPlan struct {
	typ      string                              // the connection type
	edgeType string                              // its edge type
	fields   []graphql.CollectedField            // the connection's fields
	edges    map[string][]fieldPlan              // by alias of an edges field: the edge's fields
	pageInfo map[string][]graphql.CollectedField // by alias of a pageInfo field
	page     store.Page
	order    string // what the cursors record as their order (graph.RelCursorOrder)
}

// relConnection plans relationship connection f of relationship field rf
// (its coerced arguments args, its where and orderBy converted as q) into
// fp, read into proj.
func (p *planner) relConnection(f graphql.CollectedField, rf relField, args map[string]any, q store.EdgeQuery,
	fp fieldPlan, proj *store.NodeProjection) (fieldPlan, bool) {
	page, err := graph.PageArgs(arg[*int](args, "first"), arg[*string](args, "after"), arg[*int](args, "last"), arg[*string](args, "before"))
	if err != nil {
		return fp, false
	}
	c := &connPlan{typ: f.Definition.Type.Name(), edges: map[string][]fieldPlan{}, pageInfo: map[string][]graphql.CollectedField{},
		page: page, order: graph.RelCursorOrder(rf.spec, q)}
	for _, cur := range []*store.Cursor{page.After, page.Before} {
		if cur != nil && (cur.Order != c.order || len(cur.Keys) != 1) {
			return fp, false // made for another list or orderBy: the resolvers' error
		}
	}
	fp.kind, fp.conn = kindConnection, c
	// The whole list, as the resolvers read it; cursors name an edge by
	// the id of the node at its other end.
	rp := store.RelProjection{Key: fp.key, Spec: rf.spec, Query: q, Limit: -1}
	addProps(&rp.Other, "id")
	var ok bool
	if c.fields, ok = p.collect(f.Selections, c.typ); !ok {
		return fp, false
	}
	for _, cf := range c.fields {
		switch cf.Name {
		case "__typename", "totalCount":
		case "pageInfo":
			info, ok := p.collect(cf.Selections, "PageInfo")
			if !ok {
				return fp, false
			}
			c.pageInfo[cf.Alias] = info
		case "edges":
			c.edgeType = cf.Definition.Type.Name()
			edge, ok := p.collect(cf.Selections, c.edgeType)
			if !ok {
				return fp, false
			}
			plans := make([]fieldPlan, 0, len(edge))
			for _, g := range edge {
				var ep fieldPlan
				switch g.Name {
				case "cursor":
					ep = fieldPlan{alias: g.Alias, name: g.Name, def: g.Definition, kind: kindCursor}
				case "node":
					ep = fieldPlan{alias: g.Alias, name: g.Name, def: g.Definition, kind: kindOther}
					if !p.otherEnd(&ep, g, &rp) {
						return fp, false
					}
				default:
					if rf.item == "" && g.Name != "__typename" {
						return fp, false
					}
					if ep, ok = p.itemField(rf, g, proj, &rp); !ok {
						return fp, false
					}
				}
				plans = append(plans, ep)
			}
			c.edges[cf.Alias] = plans
		default:
			return fp, false
		}
	}
	proj.Rels = append(proj.Rels, rp)
	return fp, true
}

// connEdge is one edge of a connection's list: its relationship, the node
// at its other end, and which of that node's edges in the list it is.
type connEdge struct {
	rel, other store.Projected
	id         string
	k          int
}

// write writes the connection of node self (of type selfType), whose list
// was projected as key: the window the arguments ask for, as relPage
// (graph/relconnection.go) cuts it, following the Relay Cursor Connections
// specification (the cursors narrow the list, then first keeps its first
// items and last the last of those).
func (c *connPlan) write(buf *bytes.Buffer, selfType string, self store.Projected, key string) error {
	var all []connEdge
	seen := map[string]int{}
	afterAt, beforeAt := -1, -1
	after, before := c.page.After, c.page.Before
	for rel, other := range self.Edges(key) {
		id, _ := other.Prop("id").(string)
		k := seen[id]
		seen[id] = k + 1
		n := strconv.Itoa(k)
		if after != nil && after.ID == id && after.Keys[0] == n {
			afterAt = len(all)
		}
		if before != nil && before.ID == id && before.Keys[0] == n {
			beforeAt = len(all)
		}
		all = append(all, connEdge{rel: rel, other: other, id: id, k: k})
	}
	start, end := 0, len(all)
	if after != nil {
		if afterAt < 0 {
			return errFallback // no edge has this cursor: the resolvers' BAD_USER_INPUT
		}
		start = afterAt + 1
	}
	if before != nil {
		if beforeAt < 0 {
			return errFallback
		}
		end = beforeAt
	}
	end = max(end, start)
	narrowed := end - start
	lo, hi := start, end
	if !c.page.OnlyLast {
		hi = min(hi, lo+c.page.First)
	}
	if c.page.HasLast {
		lo = max(lo, hi-c.page.Last)
	}
	// As for the root lists: a cursor proves that items exist on its other
	// side; first and last tell from the narrowed list.
	hasPrevious, hasNext := after != nil, before != nil
	if c.page.HasLast {
		hasPrevious = narrowed > c.page.Last
	}
	if !c.page.OnlyLast {
		hasNext = narrowed > c.page.First
	}
	window := all[lo:hi]
	cursors := make([]string, len(window))
	for i, e := range window {
		cursors[i] = store.Cursor{Keys: []string{strconv.Itoa(e.k)}, ID: e.id, Order: c.order}.Encode()
	}
	buf.WriteByte('{')
	for i, f := range c.fields {
		writeField(buf, i, f.Alias)
		switch f.Name {
		case "__typename":
			writeString(buf, c.typ)
		case "totalCount":
			buf.WriteString(strconv.Itoa(len(all)))
		case "pageInfo":
			writePageInfo(buf, c.pageInfo[f.Alias], len(cursors), func(i int) string { return cursors[i] }, hasPrevious, hasNext)
		case "edges":
			buf.WriteByte('[')
			for j, e := range window {
				if j > 0 {
					buf.WriteByte(',')
				}
				if err := c.writeEdge(buf, c.edges[f.Alias], cursors[j], selfType, self, e); err != nil {
					return err
				}
			}
			buf.WriteByte(']')
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeEdge writes one edge: its cursor, the node at the other end, and
// on relationship objects' edges the relationship's own fields and ends.
func (c *connPlan) writeEdge(buf *bytes.Buffer, fields []fieldPlan, cursor, selfType string, self store.Projected, e connEdge) error {
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.alias)
		var err error
		switch f.kind {
		case kindTypename:
			writeString(buf, c.edgeType)
		case kindCursor:
			writeString(buf, cursor)
		default:
			err = writeItemField(buf, c.edgeType, f, selfType, self, e.rel, e.other)
		}
		if err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}
