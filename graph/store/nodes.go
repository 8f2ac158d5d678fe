package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ErrBadCursor is returned for a cursor this server did not hand out.
var ErrBadCursor = errors.New("malformed cursor")

// Cursor marks a position in a list ordered by (Key, ID).
type Cursor struct {
	Key string `json:"k"`
	ID  string `json:"i"`
}

// Encode makes the opaque string handed to clients.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append([]byte("v1:"), b...))
}

// DecodeCursor parses a string made by Cursor.Encode.
func DecodeCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < 3 || string(raw[:3]) != "v1:" {
		return Cursor{}, ErrBadCursor
	}
	var c Cursor
	if err := json.Unmarshal(raw[3:], &c); err != nil || c.ID == "" {
		return Cursor{}, ErrBadCursor
	}
	return c, nil
}

// Page asks for a slice of a list: First/After walk forwards, Last/Before backwards.
type Page struct {
	First  int
	After  *Cursor
	Last   int
	Before *Cursor
}

// PageResult is one page of nodes, in list order, with each node's cursor.
type PageResult struct {
	Nodes       []Node
	Cursors     []Cursor
	HasNext     bool
	HasPrevious bool
}

// NodeByID returns the node with this id and label, or ErrNotFound.
// label may be LabelActor. The label is checked against the allow-list.
func (s *Store) NodeByID(ctx context.Context, label Label, id string) (Node, error) {
	nodes, err := s.NodesByIDs(ctx, label, []string{id})
	if err != nil {
		return Node{}, err
	}
	n, ok := nodes[id]
	if !ok {
		return Node{}, fmt.Errorf("%s %s: %w", label, id, ErrNotFound)
	}
	return n, nil
}

// NodesByIDs fetches many nodes of one label in one round trip, keyed by id;
// unknown ids are absent from the map. label "" means any model label.
func (s *Store) NodesByIDs(ctx context.Context, label Label, ids []string) (map[string]Node, error) {
	match := "MATCH (n {id: id})"
	if label != "" {
		if !ValidLabel(label) && label != LabelActor {
			return nil, fmt.Errorf("label %q is not in the model", label)
		}
		match = "MATCH (n:" + string(label) + " {id: id})"
	}
	cypher := "UNWIND $ids AS id " + match + " RETURN labels(n) AS labels, properties(n) AS props"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]Node, error) {
		recs, err := s.run(ctx, tx, cypher, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		out := make(map[string]Node, len(recs))
		for _, r := range recs {
			n := nodeFromRecord(r)
			if n.Label != "" {
				out[n.ID()] = n
			}
		}
		return out, nil
	})
}

// CountryByISO3 finds a country by its ISO 3166 alpha-3 code.
func (s *Store) CountryByISO3(ctx context.Context, iso3 string) (Node, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (Node, error) {
		recs, err := s.run(ctx, tx, "MATCH (n:Country {iso3: $iso3}) RETURN labels(n) AS labels, properties(n) AS props", map[string]any{"iso3": iso3})
		if err != nil {
			return Node{}, err
		}
		if len(recs) == 0 {
			return Node{}, fmt.Errorf("country %s: %w", iso3, ErrNotFound)
		}
		return nodeFromRecord(recs[0]), nil
	})
}

// ListNodes returns one page of the nodes of a label ordered by (name, id).
func (s *Store) ListNodes(ctx context.Context, label Label, page Page) (PageResult, error) {
	if !ValidLabel(label) {
		return PageResult{}, fmt.Errorf("label %q is not in the model", label)
	}
	backwards := page.Last > 0 && page.First == 0
	limit := page.First
	if backwards {
		limit = page.Last
	}
	params := map[string]any{"limit": limit + 1, "afterKey": nil, "afterId": nil, "beforeKey": nil, "beforeId": nil}
	if page.After != nil {
		params["afterKey"], params["afterId"] = page.After.Key, page.After.ID
	}
	if page.Before != nil {
		params["beforeKey"], params["beforeId"] = page.Before.Key, page.Before.ID
	}
	order := "ORDER BY n.name, n.id"
	if backwards {
		order = "ORDER BY n.name DESC, n.id DESC"
	}
	cypher := "MATCH (n:" + string(label) + ") " +
		"WHERE ($afterId IS NULL OR n.name > $afterKey OR (n.name = $afterKey AND n.id > $afterId)) " +
		"AND ($beforeId IS NULL OR n.name < $beforeKey OR (n.name = $beforeKey AND n.id < $beforeId)) " +
		"RETURN labels(n) AS labels, properties(n) AS props " + order + " LIMIT $limit"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (PageResult, error) {
		recs, err := s.run(ctx, tx, cypher, params)
		if err != nil {
			return PageResult{}, err
		}
		var res PageResult
		more := len(recs) > limit
		if more {
			recs = recs[:limit]
		}
		for _, r := range recs {
			n := nodeFromRecord(r)
			name, _ := n.Props["name"].(string)
			res.Nodes = append(res.Nodes, n)
			res.Cursors = append(res.Cursors, Cursor{Key: name, ID: n.ID()})
		}
		if backwards {
			reverse(res.Nodes)
			reverse(res.Cursors)
			res.HasPrevious, res.HasNext = more, page.Before != nil
		} else {
			res.HasNext, res.HasPrevious = more, page.After != nil
		}
		return res, nil
	})
}

// CountNodes counts the nodes of a label without fetching them.
func (s *Store) CountNodes(ctx context.Context, label Label) (int, error) {
	if !ValidLabel(label) {
		return 0, fmt.Errorf("label %q is not in the model", label)
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		recs, err := s.run(ctx, tx, "MATCH (n:"+string(label)+") RETURN count(n) AS c", nil)
		if err != nil {
			return 0, err
		}
		c, _, err := neo4j.GetRecordValue[int64](recs[0], "c")
		return int(c), err
	})
}

func nodeFromRecord(r *neo4j.Record) Node {
	labels, _, _ := neo4j.GetRecordValue[[]any](r, "labels")
	props, _, _ := neo4j.GetRecordValue[map[string]any](r, "props")
	return Node{Label: primaryLabel(labels), Props: props}
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
