// Package dataload is the seed and import commands: it puts the schema
// in place and loads the seed graph, or the reference and coalition
// datasets, into Neo4j through the store, idempotently.
package dataload

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/seed"
	"github.com/lysoen/lysoen/seed/coalition"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refimport"
)

// Seed applies the schema and loads the seed graph, idempotently.
func Seed(ctx context.Context, logger *slog.Logger, st *store.Store) error {
	if err := st.EnsureSchema(ctx); err != nil {
		return fmt.Errorf("apply schema: %w", err)
	}
	before, beforeRels, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	if _, err := seed.Load(ctx, st); err != nil {
		return fmt.Errorf("load seed: %w", err)
	}
	nodes, rels, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	f, err := seed.Parse(bytes.NewReader(seed.GraphJSON), "seed/seed.json", seed.SourceText)
	if err != nil {
		return fmt.Errorf("load seed: %w", err)
	}
	// The seed's own counts (its Source node included), then the whole
	// database's, which also holds whatever `lysoen import` loaded.
	logger.Info("seed graph loaded", "seed_nodes", len(f.Nodes)+1, "seed_relationships", len(f.Relationships),
		"database_nodes", nodes, "database_relationships", rels,
		"nodes_added", nodes-before, "relationships_added", rels-beforeRels)
	return nil
}

// Import applies the schema and loads the reference data (ISO
// countries, UN treaty participation), then the coalition datasets (UN
// votes, IGO memberships, informal groups, treaties, UN membership), in
// batches, printing progress to stderr (a bar on a terminal) and the
// summaries to stdout.
func Import(ctx context.Context, logger *slog.Logger, st *store.Store, stdout, stderr io.Writer) error {
	if err := st.EnsureSchema(ctx); err != nil {
		return fmt.Errorf("apply schema: %w", err)
	}
	sum, err := refimport.Run(ctx, st, data.FS, refimport.Options{Progress: stderr, TTY: isTerminal(stderr)})
	sum.Write(stdout)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	s := sum.Stats
	logger.Info("reference data imported", "duration_ms", sum.Duration.Milliseconds(), "batches", sum.Batches,
		"nodes_created", s.NodesCreated, "nodes_updated", s.NodesUpdated, "relationships_created", s.RelsCreated,
		"relationships_updated", s.RelsUpdated, "properties_set", s.PropertiesSet, "rejected", len(sum.Rejected))

	csum, err := coalition.Run(ctx, st, data.FS, coalition.Options{Progress: stderr, TTY: isTerminal(stderr)})
	csum.Write(stdout)
	if err != nil {
		return fmt.Errorf("import coalition data: %w", err)
	}
	logger.Info("coalition data imported", "duration_ms", csum.Duration.Milliseconds(), "changes", csum.Changes(),
		"rejected", len(csum.Rejected))
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
