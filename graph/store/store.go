// Package store owns every Cypher statement Lysøen runs. Callers pass ids,
// filters and pages; labels and relationship types come only from the
// allow-lists in model.go, never from user strings, and every value travels
// as a query parameter.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ErrNotFound is returned when a node asked for by id does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnavailable wraps driver errors that mean "the database cannot be
// reached right now" (connection refused, pool exhausted, leader gone), so
// the API can answer SERVICE_UNAVAILABLE instead of INTERNAL.
var ErrUnavailable = errors.New("database unavailable")

// ErrResourceLimit wraps Neo4j's refusals to give a transaction more
// memory: its own limit (db.memory.transaction.max) or the pool shared by
// all transactions (dbms.memory.transaction.total.max).
var ErrResourceLimit = errors.New("database memory limit reached")

// Store runs Cypher through one driver against one database.
type Store struct {
	driver    neo4j.DriverWithContext
	database  string
	txTimeout time.Duration
	counter   RoundTripCounter
	trace     TraceFunc
	open      atomic.Int64 // sessions open now, for metrics
	// cypherSlots holds one token per researcher query running (cypher.go).
	cypherSlots chan struct{}
	// afterCommit, when set, is told of each committed write (write).
	afterCommit atomic.Pointer[func(at time.Time)]
	// upserts queues the upserts of one node (upsertqueue.go).
	upserts upsertQueue
}

// RoundTripCounter is told about every Cypher statement sent, so a request
// can report (and tests can bound) its round trips. It may be nil.
type RoundTripCounter func(ctx context.Context)

// TraceFunc is told when a Cypher statement starts (its parameterized
// text, never the values) and returns the context to send it with and a
// function to call when it ends. It may be nil (tracing off).
type TraceFunc func(ctx context.Context, cypher string) (context.Context, func(error))

// Options configure a Store.
type Options struct {
	Database  string        // "" means the server's default database
	TxTimeout time.Duration // server-side transaction timeout; 0 means the server's default
	OnQuery   RoundTripCounter
	Trace     TraceFunc // a span per statement (internal/telemetry/tracing.go)
	// CypherConcurrency is how many researcher queries (ReadCypher) may
	// run at once; 0 means DefaultCypherConcurrency.
	CypherConcurrency int
}

// New wraps a driver. The caller owns the driver and closes it.
func New(driver neo4j.DriverWithContext, opts Options) *Store {
	if opts.CypherConcurrency <= 0 {
		opts.CypherConcurrency = DefaultCypherConcurrency
	}
	return &Store{driver: driver, database: opts.Database, txTimeout: opts.TxTimeout, counter: opts.OnQuery, trace: opts.Trace,
		cypherSlots: make(chan struct{}, opts.CypherConcurrency)}
}

// SessionsOpen is how many sessions (each holding at most one pooled
// connection) are open now; the driver does not expose its pool.
func (s *Store) SessionsOpen() int64 { return s.open.Load() }

// Driver exposes the driver for health checks.
func (s *Store) Driver() neo4j.DriverWithContext { return s.driver }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return classify(err)
	}
	return nil
}

func (s *Store) txConfig() []func(*neo4j.TransactionConfig) {
	if s.txTimeout <= 0 {
		return nil
	}
	return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(s.txTimeout)}
}

// runner runs one Cypher statement: a write's managed transaction, or a
// session (sessionRunner) for auto-commit transactions.
type runner interface {
	Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error)
}

// sessionRunner runs each statement as an auto-commit transaction of its
// session: the reads, and writeOne's single-statement writes.
type sessionRunner struct {
	session neo4j.SessionWithContext
	config  []func(*neo4j.TransactionConfig)
}

func (r sessionRunner) Run(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
	return r.session.Run(ctx, cypher, params, r.config...)
}

// MaxWriteRetryTime bounds how long a write is tried again after
// transient failures: by writeOne, and by the driver for the managed
// transactions (the server sets its MaxTransactionRetryTime to it).
const MaxWriteRetryTime = 5 * time.Second

// maxReadRetryTime bounds how long a read is tried again after transient
// failures: the driver's default for its managed transactions.
const maxReadRetryTime = 30 * time.Second

// read runs work on a read session (routed to readers on a cluster), each
// statement an auto-commit transaction: a read has nothing to roll back,
// and an explicit transaction costs a BEGIN and a COMMIT message per
// request, for a short read about a fifth of its CPU in Neo4j and a
// quarter in the server (docs/benchmarks.md). Neo4j reads are read
// committed either way, so statements of one work function never shared a
// snapshot. As the driver's ExecuteRead, it runs work again after a
// transient failure or a lost connection. ctx cancels the statement.
func read[T any](ctx context.Context, s *Store, work func(tx runner) (T, error)) (T, error) {
	s.open.Add(1)
	defer s.open.Add(-1)
	v, err := retryRead(ctx, s, s.txConfig(), work)
	return v, classify(bookmarkError(ctx, err))
}

// retryRead runs work on a fresh read session until it succeeds, fails
// with an error that running it again cannot mend, ctx ends or
// maxReadRetryTime has passed (retryAutoCommit).
func retryRead[T any](ctx context.Context, s *Store, config []func(*neo4j.TransactionConfig), work func(tx runner) (T, error)) (T, error) {
	return retryAutoCommit(ctx, s, neo4j.AccessModeRead, maxReadRetryTime, retriable, config, work)
}

// retryAutoCommit runs work on a fresh session of mode, each statement an
// auto-commit transaction, until it succeeds, fails with an error for
// which again is false, ctx ends or maxTime has passed, waiting 50 ms,
// 100 ms, … (at most 2 s) in between.
func retryAutoCommit[T any](ctx context.Context, s *Store, mode neo4j.AccessMode, maxTime time.Duration, again func(error) bool,
	config []func(*neo4j.TransactionConfig), work func(tx runner) (T, error)) (T, error) {
	deadline := time.Now().Add(maxTime)
	wait := 50 * time.Millisecond
	for {
		session := s.session(ctx, mode)
		v, err := work(sessionRunner{session: session, config: config})
		session.Close(ctx)
		if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
			// The driver reports a statement cut short by ctx as a
			// connection error; it is the request's end, not Neo4j's.
			return v, fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		if err == nil || !again(err) || ctx.Err() != nil || time.Now().Add(wait).After(deadline) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// rolledBack says whether an auto-commit write may be sent again: Neo4j
// reported a transient failure, so the statement was rolled back. Not a
// lost connection: the statement may have committed before it died.
func rolledBack(err error) bool {
	var conn *neo4j.ConnectivityError
	return !errors.As(err, &conn) && retriable(err)
}

// retriable says whether running a read again may succeed: a lost
// connection, or an error Neo4j calls transient (not a terminated
// transaction: that is a timeout or a cancellation). A bookmark Neo4j has
// not reached within its bookmark_ready_timeout is not waited for again:
// a forged one would hold the request for the whole retry time.
func retriable(err error) bool {
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		return true
	}
	var n4j *neo4j.Neo4jError
	return errors.As(err, &n4j) && n4j.IsRetriable() && n4j.Code != "Neo.TransientError.Transaction.BookmarkTimeout"
}

// write runs work in one write transaction: all of it commits or none
// does. Every committed write is recorded on the dataset's version node
// (datasetversion.go), one of two ways. By default the same transaction
// records it, so the version sees every write when it commits and never
// one that rolled back. A server that keeps the dataset version sets
// RecordWritesAfterCommit: the write then commits without touching the
// version node, and the server records its writes in the background a
// moment later — every writer taking one node's lock in its own
// transaction (and one more statement) would queue all writes of all
// replicas behind each other.
func write[T any](ctx context.Context, s *Store, work func(tx runner) (T, error)) (T, error) {
	if committed := s.afterCommit.Load(); committed != nil {
		v, err := writeTx(ctx, s, work)
		if err == nil {
			(*committed)(time.Now().UTC())
		}
		return v, err
	}
	return writeTx(ctx, s, func(tx runner) (T, error) {
		v, err := work(tx)
		if err == nil {
			_, err = s.run(ctx, tx, recordWriteCypher, map[string]any{"id": DatasetVersionID})
		}
		return v, err
	})
}

// writeOne runs a write that is one statement deciding everything itself:
// it checks before it writes and writes nothing when a check fails, so
// use may refuse the answer but never needs to roll anything back. When
// the writes are recorded after commit (RecordWritesAfterCommit), the
// statement runs as an auto-commit transaction: Neo4j commits it as soon
// as its result is streamed, and releases its locks without waiting for
// a COMMIT message from this process, which an explicit transaction holds
// them for (on the two shared cores of the benchmark, most of a write's
// time under contention for one node; docs/benchmarks.md). It is run
// again after a failure Neo4j reports as transient (the statement was
// rolled back), never after a lost connection, when it may have
// committed. Otherwise it runs as write does, its record in the same
// transaction.
func writeOne[T any](ctx context.Context, s *Store, cypher string, params map[string]any, use func(recs []*neo4j.Record) (T, error)) (T, error) {
	committed := s.afterCommit.Load()
	if committed == nil {
		return write(ctx, s, func(tx runner) (T, error) {
			recs, err := s.run(ctx, tx, cypher, params)
			if err != nil {
				return *new(T), err
			}
			return use(recs)
		})
	}
	s.open.Add(1)
	defer s.open.Add(-1)
	recs, err := retryAutoCommit(ctx, s, neo4j.AccessModeWrite, MaxWriteRetryTime, rolledBack, s.txConfig(),
		func(tx runner) ([]*neo4j.Record, error) { return s.run(ctx, tx, cypher, params) })
	if err != nil {
		return *new(T), classify(bookmarkError(ctx, err))
	}
	v, err := use(recs)
	if err == nil {
		if c := CausalFrom(ctx); c != nil {
			c.wrote.Store(true)
		}
		(*committed)(time.Now().UTC())
	}
	return v, err
}

// RecordWritesAfterCommit makes every later write of the store call
// committed (with the time it committed) instead of recording itself on
// the version node; the caller then records them with RecordWrites. nil
// restores the recording in each write's transaction.
func (s *Store) RecordWritesAfterCommit(committed func(at time.Time)) {
	if committed == nil {
		s.afterCommit.Store(nil)
		return
	}
	s.afterCommit.Store(&committed)
}

// writeSchema runs a schema command (a constraint or an index) in its own
// transaction: Neo4j refuses data writes in a schema transaction, and a
// schema change changes no answer, so it is not recorded as a write.
func writeSchema(ctx context.Context, s *Store, cypher string) error {
	_, err := writeTx(ctx, s, func(tx runner) (struct{}, error) {
		_, err := s.run(ctx, tx, cypher, nil)
		return struct{}{}, err
	})
	return err
}

func writeTx[T any](ctx context.Context, s *Store, work func(tx runner) (T, error)) (T, error) {
	s.open.Add(1)
	defer s.open.Add(-1)
	session := s.session(ctx, neo4j.AccessModeWrite)
	defer session.Close(ctx)
	v, err := neo4j.ExecuteWrite(ctx, session, retryable(work), s.txConfig()...)
	if c := CausalFrom(ctx); c != nil && err == nil {
		c.wrote.Store(true)
	}
	return v, classify(bookmarkError(ctx, err))
}

// retryable hands the driver a connection failure inside work unwrapped:
// the driver retries only a bare *neo4j.ConnectivityError (a type
// assertion, not errors.As), and the work functions wrap their errors with
// context. Such a failure happened before the commit, so the transaction
// was rolled back and running it again is safe; a failure during the
// commit itself the driver never retries (CommitFailedDeadError).
func retryable[T any](work func(tx runner) (T, error)) neo4j.ManagedTransactionWorkT[T] {
	return func(tx neo4j.ManagedTransaction) (T, error) {
		v, err := work(tx)
		var conn *neo4j.ConnectivityError
		if err != nil && errors.As(err, &conn) {
			return v, conn
		}
		return v, err
	}
}

// run sends one statement inside tx and collects its records, counting the round trip.
func (s *Store) run(ctx context.Context, tx runner, cypher string, params map[string]any) (recs []*neo4j.Record, err error) {
	recs = []*neo4j.Record{} // as the driver's Collect: empty, not nil
	if err := s.each(ctx, tx, cypher, params, func(r *neo4j.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		return nil, err
	}
	return recs, nil
}

// each is run handing each record to use as it arrives, so that the
// caller can let go of one record's values before the next is decoded.
func (s *Store) each(ctx context.Context, tx runner, cypher string, params map[string]any, use func(*neo4j.Record) error) (err error) {
	if s.counter != nil {
		s.counter(ctx)
	}
	if s.trace != nil {
		var end func(error)
		ctx, end = s.trace(ctx, cypher)
		defer func() { end(err) }()
	}
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return err
	}
	for res.Next(ctx) {
		if err := use(res.Record()); err != nil {
			return err
		}
	}
	return res.Err()
}

func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// errors.As, not neo4j.IsConnectivityError (a type assertion): a work
	// function may have wrapped it, e.g. when the connection died mid-write.
	var conn *neo4j.ConnectivityError
	if errors.As(err, &conn) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	// After its retries the driver reports the attempts' errors together.
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		for _, e := range limit.Errors {
			if errors.As(e, &conn) || databaseUnavailable(e) {
				return fmt.Errorf("%w: %w", ErrUnavailable, err)
			}
			if memoryLimit(e) {
				return fmt.Errorf("%w: %w", ErrResourceLimit, err)
			}
		}
		if strings.Contains(limit.Cause, "context deadline exceeded") {
			return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
	}
	if databaseUnavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if memoryLimit(err) {
		return fmt.Errorf("%w: %w", ErrResourceLimit, err)
	}
	var n4j *neo4j.Neo4jError
	// Neo4j 5 says TransactionTimedOutClientConfiguration for the timeout we set.
	if errors.As(err, &n4j) && strings.HasPrefix(n4j.Code, "Neo.ClientError.Transaction.TransactionTimedOut") {
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return err
}

// memoryLimit: Neo4j refused a transaction more memory, or the thread
// running it ran out of heap (OutOfMemoryError: the transaction fails, the
// server carries on; scripts/neo4j.sh).
func memoryLimit(err error) bool {
	var n4j *neo4j.Neo4jError
	return errors.As(err, &n4j) && (n4j.Code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError" ||
		n4j.Code == "Neo.TransientError.General.OutOfMemoryError" ||
		n4j.Code == "Neo.TransientError.General.TransactionOutOfMemoryError")
}

// databaseUnavailable: the server answers but the database is not online
// yet (starting, recovering after a crash) or is shutting down.
func databaseUnavailable(err error) bool {
	var n4j *neo4j.Neo4jError
	return errors.As(err, &n4j) && (n4j.Code == "Neo.TransientError.General.DatabaseUnavailable" ||
		n4j.Code == "Neo.TransientError.Database.DatabaseUnavailable" ||
		// a reader that has not caught up with the client's bookmarks in time
		n4j.Code == "Neo.TransientError.Transaction.BookmarkTimeout")
}
