package gqlserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/go-viper/mapstructure/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lysoen/lysoen/graph"
)

func queryHash(q string) string {
	b := sha256.Sum256([]byte(q))
	return hex.EncodeToString(b[:])
}

// loadAllowList reads the registered operations: path is one .graphql file
// or a directory of them; each file is one document, known by the SHA-256
// of its text (the hash clients send as extensions.persistedQuery.sha256Hash).
func loadAllowList(path string) (map[string]string, error) {
	files := []string{path}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("allowed operations: %w", err)
	} else if fi.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.graphql"))
		if err != nil {
			return nil, err
		}
	}
	ops := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("allowed operations: %w", err)
		}
		ops[queryHash(string(b))] = string(b)
		if t := strings.TrimSpace(string(b)); t != string(b) {
			ops[queryHash(t)] = t
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("allowed operations: no .graphql documents in %s", path)
	}
	return ops, nil
}

// allowList lets only registered documents run. A client sends either the
// document's text or only its hash (as in automatic persisted queries).
type allowList struct{ ops map[string]string }

func (allowList) ExtensionName() string                          { return "AllowList" }
func (allowList) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a allowList) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query != "" {
		if _, ok := a.ops[queryHash(p.Query)]; ok {
			return nil
		}
		if _, ok := a.ops[queryHash(strings.TrimSpace(p.Query))]; ok {
			return nil
		}
		return limitError(graph.CodeOperationNotAllowed, "this server runs only registered operations, and this is not one")
	}
	var ext struct {
		Sha256 string `mapstructure:"sha256Hash"`
	}
	if pq := p.Extensions["persistedQuery"]; pq != nil {
		if err := mapstructure.Decode(pq, &ext); err != nil {
			return limitError(graph.CodePersistedQueryBad, "invalid persistedQuery extension")
		}
	}
	if q, ok := a.ops[ext.Sha256]; ok {
		p.Query = q
		return nil
	}
	return limitError(graph.CodeOperationNotAllowed, "this server runs only registered operations, and this is not one")
}

// apq is gqlgen's automatic persisted queries with a bounded LRU cache, its
// untyped errors given codes.
type apq struct {
	inner extension.AutomaticPersistedQuery
}

func newAPQ(size int) apq {
	return apq{extension.AutomaticPersistedQuery{Cache: lru.New[string](size)}}
}

func (a apq) ExtensionName() string                          { return a.inner.ExtensionName() }
func (a apq) Validate(schema graphql.ExecutableSchema) error { return a.inner.Validate(schema) }

func (a apq) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	err := a.inner.MutateOperationParameters(ctx, p)
	if err != nil {
		if _, ok := err.Extensions["code"]; !ok {
			errcode.Set(err, graph.CodePersistedQueryBad)
		}
	}
	return err
}
