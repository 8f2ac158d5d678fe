// Package config is the server's configuration: every environment variable
// and command-line flag in one place. Each setting is read from its
// environment variable first; a flag of the same meaning overrides it.
// docs/operations.md has the table of every variable with its default.
//
// The parsing is the standard library's flag package with defaults taken
// from the environment: every setting has a flag as well as a variable, so
// an environment-only library (caarlos0/env) would still need this second
// pass, and the error messages name the variable the way operators set it.
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
)

// Config is everything the server needs to start.
type Config struct {
	Addr            string // listen address (LYSOEN_ADDR, or PORT for 127.0.0.1:PORT)
	Neo4jURI        string
	Neo4jUser       string
	Neo4jPassword   string
	Neo4jDatabase   string
	RequestTimeout  time.Duration // per request, also the Neo4j transaction timeout
	ShutdownTimeout time.Duration // how long in-flight requests may finish on SIGTERM
	LogFormat       string        // text or json
	LogLevel        slog.Level

	Auth *auth.Authenticator // API keys, JWTs and the read policy (auth.FromEnv)

	Limits          Limits
	RateLimit       float64  // requests per second per client on /graphql; 0: off
	RateBurst       int      // bucket size
	RateLimitKey    string   // "ip" or "header:<Name>" (e.g. header:X-Real-IP behind a trusted proxy)
	CORSOrigins     []string // allowed Origins for /graphql; "*" allows any; empty: no CORS headers
	APQCacheSize    int      // automatic persisted queries kept in memory; 0: APQ off
	AllowedOpsPath  string   // file or directory of .graphql documents; set: only those run
	MetricsDisabled bool     // no /metrics endpoint

	CypherEnabled  bool   // the analysts' read-only `cypher` field (docs/cypher-api.md)
	CypherMaxBytes int    // largest answer of the cypher field
	CypherParallel int    // cypher queries run at once at most
	DirectReads    bool   // run the reads the direct path understands as one statement each
	OTel           string // tracing: "" (off), stdout or otlp
	Pprof          bool   // serve /debug/pprof/ (LYSOEN_PPROF=1)

	corsRaw string
}

// Limits are the request limits, all checked before any Cypher runs.
type Limits struct {
	MaxDepth      int   // deepest field nesting, introspection fields not counted; 0: no limit
	MaxComplexity int   // largest estimated cost; 0: no limit
	MaxBodyBytes  int64 // largest request body; 0: no limit
	ListCost      int   // assumed size of a list field that has no first/last argument
	MaxPredicates int   // filter conditions in all the where arguments of a request; 0: no limit
	Introspection bool  // __schema and __type allowed
}

// Load reads the environment through getenv, then lets the flags in args
// override it. name is the command, for the flags' usage text; readFile
// reads the files that *_FILE variables name (os.ReadFile in the server);
// flag errors and usage go to stderr.
func Load(name string, args []string, getenv func(string) string, readFile func(string) ([]byte, error), stderr io.Writer) (Config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var errs []string
	envInt := func(key string, def int) int {
		v, err := strconv.Atoi(env(key, strconv.Itoa(def)))
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: not an integer", key))
		}
		return v
	}
	envFloat := func(key string, def float64) float64 {
		v, err := strconv.ParseFloat(env(key, strconv.FormatFloat(def, 'g', -1, 64)), 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: not a number", key))
		}
		return v
	}
	envBool := func(key string, def bool) bool {
		v, err := strconv.ParseBool(env(key, strconv.FormatBool(def)))
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: not true or false", key))
		}
		return v
	}

	addr := "127.0.0.1:8080"
	if p := getenv("PORT"); p != "" {
		addr = "127.0.0.1:" + p
	}
	var c Config
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("LYSOEN_ADDR", addr), "listen address (env LYSOEN_ADDR, or PORT for 127.0.0.1:PORT)")
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", env("NEO4J_URI", "bolt://127.0.0.1:7687"), "Neo4j URI (env NEO4J_URI); neo4j:// for a routing cluster")
	fs.StringVar(&c.Neo4jUser, "neo4j-user", env("NEO4J_USER", "neo4j"), "Neo4j user (env NEO4J_USER)")
	fs.StringVar(&c.Neo4jPassword, "neo4j-password", env("NEO4J_PASSWORD", "lysoen-dev-password"), "Neo4j password (env NEO4J_PASSWORD)")
	fs.StringVar(&c.Neo4jDatabase, "neo4j-database", env("NEO4J_DATABASE", ""), "database name (env NEO4J_DATABASE; empty: the server's default)")
	timeout, err := time.ParseDuration(env("LYSOEN_REQUEST_TIMEOUT", "30s"))
	if err != nil {
		return c, fmt.Errorf("LYSOEN_REQUEST_TIMEOUT: %w", err)
	}
	fs.DurationVar(&c.RequestTimeout, "request-timeout", timeout, "per-request timeout, also the Neo4j transaction timeout (env LYSOEN_REQUEST_TIMEOUT)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long in-flight requests may finish on SIGTERM")
	fs.StringVar(&c.LogFormat, "log-format", env("LYSOEN_LOG_FORMAT", "text"), "log format: text or json (env LYSOEN_LOG_FORMAT)")
	if err := c.LogLevel.UnmarshalText([]byte(env("LYSOEN_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("LYSOEN_LOG_LEVEL: %w", err)
	}
	authCfg, err := auth.FromEnv(getenv, readFile)
	if err != nil {
		return c, err
	}

	// Request limits, rate limit, CORS, persisted queries.
	l := &c.Limits
	fs.IntVar(&l.MaxDepth, "max-depth", envInt("LYSOEN_MAX_DEPTH", 12), "deepest field nesting of an operation; 0: no limit (env LYSOEN_MAX_DEPTH)")
	fs.IntVar(&l.MaxComplexity, "max-complexity", envInt("LYSOEN_MAX_COMPLEXITY", 50000), "largest estimated operation cost; 0: no limit (env LYSOEN_MAX_COMPLEXITY)")
	fs.IntVar(&l.MaxPredicates, "max-predicates", envInt("LYSOEN_MAX_PREDICATES", 100), "filter conditions in all the where arguments of a request; 0: no limit (env LYSOEN_MAX_PREDICATES)")
	fs.IntVar(&l.ListCost, "list-cost", envInt("LYSOEN_LIST_COST", 5), "assumed length of a list field without first/last, for the cost (env LYSOEN_LIST_COST)")
	fs.Int64Var(&l.MaxBodyBytes, "max-body-bytes", int64(envInt("LYSOEN_MAX_BODY_BYTES", 1<<20)), "largest request body in bytes; 0: no limit (env LYSOEN_MAX_BODY_BYTES)")
	fs.BoolVar(&l.Introspection, "introspection", envBool("LYSOEN_INTROSPECTION", true), "allow __schema/__type introspection (env LYSOEN_INTROSPECTION)")
	fs.Float64Var(&c.RateLimit, "rate-limit", envFloat("LYSOEN_RATE_LIMIT", 50), "GraphQL requests per second per client; 0: off (env LYSOEN_RATE_LIMIT)")
	fs.IntVar(&c.RateBurst, "rate-burst", envInt("LYSOEN_RATE_BURST", 100), "requests a client may send at once before the rate applies (env LYSOEN_RATE_BURST)")
	fs.StringVar(&c.RateLimitKey, "rate-limit-key", env("LYSOEN_RATE_LIMIT_KEY", "ip"), "what identifies a client: ip, or header:<Name> set by a trusted proxy (env LYSOEN_RATE_LIMIT_KEY)")
	fs.StringVar(&c.corsRaw, "cors-origins", env("LYSOEN_CORS_ORIGINS", ""), "comma-separated Origins allowed to call /graphql from a browser; * for any (env LYSOEN_CORS_ORIGINS)")
	fs.IntVar(&c.APQCacheSize, "apq-cache-size", envInt("LYSOEN_APQ_CACHE_SIZE", 1000), "automatic persisted queries kept in memory; 0: APQ off (env LYSOEN_APQ_CACHE_SIZE)")
	fs.StringVar(&c.AllowedOpsPath, "allowed-operations", env("LYSOEN_ALLOWED_OPERATIONS", ""), "file or directory of .graphql documents: only these may run (env LYSOEN_ALLOWED_OPERATIONS)")
	fs.BoolVar(&c.MetricsDisabled, "no-metrics", envBool("LYSOEN_METRICS_DISABLED", false), "do not serve /metrics (env LYSOEN_METRICS_DISABLED)")
	if len(errs) > 0 {
		return c, fmt.Errorf("%s", strings.Join(errs, "; "))
	}

	cypherOn, err := strconv.ParseBool(env("LYSOEN_CYPHER_ENABLED", "false"))
	if err != nil {
		return c, fmt.Errorf("LYSOEN_CYPHER_ENABLED: %w", err)
	}
	fs.BoolVar(&c.CypherEnabled, "cypher-enabled", cypherOn, "enable the read-only `cypher` query field for the analyst role (env LYSOEN_CYPHER_ENABLED)")
	for _, v := range []struct {
		p         *int
		flag, env string
		def       int
		usage     string
	}{
		{&c.CypherMaxBytes, "cypher-max-bytes", "LYSOEN_CYPHER_MAX_BYTES", store.DefaultCypherMaxBytes, "largest answer of the cypher field in bytes (approximate JSON size); more is truncated"},
		{&c.CypherParallel, "cypher-concurrency", "LYSOEN_CYPHER_CONCURRENCY", store.DefaultCypherConcurrency, "cypher field queries run at once; more are refused with RATE_LIMITED"},
	} {
		n, err := strconv.Atoi(env(v.env, strconv.Itoa(v.def)))
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s: want a positive integer", v.env)
		}
		fs.IntVar(v.p, v.flag, n, v.usage+" (env "+v.env+")")
	}
	directOn, err := strconv.ParseBool(env("LYSOEN_DIRECT_READS", "true"))
	if err != nil {
		return c, fmt.Errorf("LYSOEN_DIRECT_READS: %w", err)
	}
	fs.BoolVar(&c.DirectReads, "direct-reads", directOn, "answer plain nested reads with one Cypher statement written straight to JSON; false: always through the resolvers (env LYSOEN_DIRECT_READS; docs/direct-reads.md)")
	fs.StringVar(&c.OTel, "otel", env("LYSOEN_OTEL", ""), "OpenTelemetry tracing: off, stdout or otlp (OTEL_EXPORTER_OTLP_ENDPOINT) (env LYSOEN_OTEL)")
	// Off unless exactly 1: profiles reveal internals and cost CPU while taken.
	c.Pprof = getenv("LYSOEN_PPROF") == "1"
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// Built once the log flags are parsed: a JWK Set's fetch failures are
	// logged in the server's format and level.
	authCfg.Logger = c.NewLogger(stderr)
	c.Auth = auth.New(authCfg)
	return c, c.finish()
}

// finish checks the settings once flags are parsed.
func (c *Config) finish() error {
	c.CORSOrigins = nil
	for _, o := range strings.Split(c.corsRaw, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, strings.TrimSuffix(o, "/"))
		}
	}
	if c.RateLimitKey != "ip" && !strings.HasPrefix(c.RateLimitKey, "header:") {
		return fmt.Errorf("rate-limit-key %q: want ip or header:<Name>", c.RateLimitKey)
	}
	if c.RateLimit < 0 || c.RateBurst < 1 && c.RateLimit > 0 {
		return fmt.Errorf("rate limit %v/s with burst %d: want a rate >= 0 and a burst >= 1", c.RateLimit, c.RateBurst)
	}
	return nil
}

// NewLogger is the server's one logger, in the configured format and level.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
