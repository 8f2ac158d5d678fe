package store

// Coalition analytics: what the analytics reads share (caps, timeouts,
// lookups, the relationship-type pattern). Each operation has its file:
// neighborhood.go, path.go, partners.go, groups.go (sharedIssueAreas,
// commonGround, coalition, coParticipants, timeline) and projection.go
// (brokers, influence). Relationship types come only from RelTypes; every
// traversal is bounded by a depth/hop cap interpolated as a checked
// integer, a LIMIT, and a transaction timeout (AnalyticsTimeout unless the
// context says otherwise).

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Caps of the analytics traversals. The API layer reports arguments beyond
// them as bad input; the store refuses them too, so no caller can start a
// runaway query.
const (
	MaxNeighborhoodDepth = 3
	MaxNeighborhoodLimit = 1000
	MaxPathHops          = 10
	MaxShortestPaths     = 25
	MaxAnalyticsFirst    = 100
	MaxCommonGroundIDs   = 50
	MaxTimelineFirst     = 1000
	MaxCoalitionRows     = 10000
	// MaxCoParticipationEvents is how many shared events a CoParticipation lists.
	MaxCoParticipationEvents = 20
	// edgesPerNode bounds a Subgraph's edges: at most edgesPerNode × limit.
	edgesPerNode = 5
)

// AnalyticsTimeout is the server-side transaction timeout of an analytics
// query unless the context carries another (WithAnalyticsTimeout) or the
// store's own timeout is shorter.
const AnalyticsTimeout = 20 * time.Second

// ProjectionTimeout bounds loading the brokers projection (a whole-graph read).
const ProjectionTimeout = 2 * time.Minute

// analyticsSlack is how long after the transaction timeout the client stops waiting.
const analyticsSlack = 5 * time.Second

type analyticsTimeoutKey struct{}

// WithAnalyticsTimeout returns a context under which analytics queries use
// timeout d as their transaction timeout (tests use a tiny one).
func WithAnalyticsTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, analyticsTimeoutKey{}, d)
}

func (s *Store) analyticsTimeout(ctx context.Context, def time.Duration) time.Duration {
	d := def
	if v, ok := ctx.Value(analyticsTimeoutKey{}).(time.Duration); ok && v > 0 {
		d = v
	} else if s.txTimeout > 0 && s.txTimeout < d && def != ProjectionTimeout {
		// The projection load runs in the background, not under a request's
		// timeout, so only the request-facing reads are capped by it.
		d = s.txTimeout
	}
	return d
}

// analyticsRead runs work in a read transaction with a server-side timeout;
// the context gets a deadline analyticsSlack later (the server checks
// timeouts every 2 s), so the driver's retries and waits stop too. A
// timed-out transaction is reported as context.DeadlineExceeded.
func analyticsRead[T any](ctx context.Context, s *Store, def time.Duration, work func(tx runner) (T, error)) (T, error) {
	d := s.analyticsTimeout(ctx, def)
	ctx, cancel := context.WithTimeout(ctx, d+analyticsSlack)
	defer cancel()
	// The request's session (its bookmarks, so a client reads its own
	// writes), each statement an auto-commit transaction as in read.
	v, err := retryRead(ctx, s, []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(d)}, work)
	if err != nil && ctx.Err() != nil {
		return v, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	if err != nil {
		var n4j *neo4j.Neo4jError
		if errors.As(err, &n4j) && strings.HasPrefix(n4j.Code, "Neo.ClientError.Transaction.TransactionTimedOut") {
			return v, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
		if errors.As(err, &n4j) && n4j.Code == "Neo.TransientError.Transaction.Terminated" {
			return v, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
	}
	return v, classify(bookmarkError(ctx, err))
}

// lookupCypher finds the node whose id is the parameter param, whatever its
// label, through the per-label id constraints (an unlabelled MATCH on id
// would scan every node). It binds the node to alias.
func lookupCypher(param, alias string) string {
	parts := make([]string, 0, len(PrimaryLabels))
	for _, l := range PrimaryLabels {
		parts = append(parts, "MATCH (x:"+string(l)+" {id: $"+param+"}) RETURN x AS "+alias)
	}
	return "CALL () { " + strings.Join(parts, " UNION ") + " } "
}

// relTypesPattern returns ":A|B|C" for the given types (all model types when
// empty), checking each against the allow-list.
func relTypesPattern(types []RelType) (string, error) {
	if len(types) == 0 {
		for t := range RelTypes {
			// Votes are excluded unless asked for: hundreds of thousands of
			// edges that say only that two states voted in one roll call.
			if t != RelVoted {
				types = append(types, t)
			}
		}
	}
	seen := map[RelType]bool{}
	names := make([]string, 0, len(types))
	for _, t := range types {
		if _, ok := RelTypes[t]; !ok {
			return "", fmt.Errorf("relationship type %q is not in the model", t)
		}
		if !seen[t] {
			seen[t] = true
			names = append(names, string(t))
		}
	}
	sort.Strings(names)
	return ":" + strings.Join(names, "|"), nil
}

// found is a node found by id, with its element id for fast re-matching.
type found struct {
	Node
	eid string
}

// existing reports which of ids exist with the given label ("" = any label).
func (s *Store) existing(ctx context.Context, tx runner, label Label, ids []string) (map[string]found, error) {
	out := map[string]found{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		var cypher string
		if label == "" {
			cypher = lookupCypher("id", "n") + "RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"
		} else {
			if !ValidLabel(label) && label != LabelActor {
				return nil, fmt.Errorf("label %q is not in the model", label)
			}
			cypher = "MATCH (n:" + string(label) + " {id: $id}) RETURN elementId(n) AS eid, labels(n) AS labels, properties(n) AS props"
		}
		recs, err := s.run(ctx, tx, cypher, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) > 0 {
			eid, _, _ := neo4j.GetRecordValue[string](recs[0], "eid")
			out[id] = found{nodeFromRecord(recs[0]), eid}
		}
	}
	return out, nil
}

// MissingError says which argument named an id that does not exist. It wraps ErrNotFound.
type MissingError struct {
	Argument string
	ID       string
	Label    Label
}

func (e *MissingError) Error() string {
	what := "node"
	if e.Label != "" {
		what = string(e.Label)
	}
	return fmt.Sprintf("argument %s: no %s with id %q", e.Argument, what, e.ID)
}

func (e *MissingError) Unwrap() error { return ErrNotFound }

// require checks that id exists with label, else returns a *MissingError naming arg.
func (s *Store) require(ctx context.Context, tx runner, arg string, label Label, id string) (found, error) {
	f, err := s.existing(ctx, tx, label, []string{id})
	if err != nil {
		return found{}, err
	}
	n, ok := f[id]
	if !ok {
		return found{}, &MissingError{Argument: arg, ID: id, Label: label}
	}
	return n, nil
}

// GraphEdge is one relationship in its stored direction.
type GraphEdge struct {
	Type           RelType
	Source, Target string
	Props          map[string]any
}

// Key is the edge's stable id: source|TYPE|target.
func (e GraphEdge) Key() string { return e.Source + "|" + string(e.Type) + "|" + e.Target }
