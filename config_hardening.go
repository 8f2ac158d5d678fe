package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// hardening is the production-hardening part of the configuration: limits,
// rate limiting, CORS, persisted queries. Every setting has an environment
// variable and a flag (flags win); docs/operations.md has the table.
type hardening struct {
	Limits          limits
	RateLimit       float64  // requests per second per client on /graphql; 0: off
	RateBurst       int      // bucket size
	RateLimitKey    string   // "ip" or "header:<Name>" (e.g. header:X-Real-IP behind a trusted proxy)
	CORSOrigins     []string // allowed Origins for /graphql; "*" allows any; empty: no CORS headers
	APQCacheSize    int      // automatic persisted queries kept in memory; 0: APQ off
	AllowedOpsPath  string   // file or directory of .graphql documents; set: only those run
	MetricsDisabled bool     // no /metrics endpoint
	corsRaw         string
	allowed         map[string]string // loaded from AllowedOpsPath
}

// hardeningFlags registers the settings on fs with defaults from the environment.
func hardeningFlags(fs *flag.FlagSet, env func(key, def string) string, h *hardening) error {
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
	fs.IntVar(&h.Limits.MaxDepth, "max-depth", envInt("LYSOEN_MAX_DEPTH", 12), "deepest field nesting of an operation; 0: no limit (env LYSOEN_MAX_DEPTH)")
	fs.IntVar(&h.Limits.MaxComplexity, "max-complexity", envInt("LYSOEN_MAX_COMPLEXITY", 50000), "largest estimated operation cost; 0: no limit (env LYSOEN_MAX_COMPLEXITY)")
	fs.IntVar(&h.Limits.MaxPredicates, "max-predicates", envInt("LYSOEN_MAX_PREDICATES", 100), "filter conditions in all the where arguments of a request; 0: no limit (env LYSOEN_MAX_PREDICATES)")
	fs.IntVar(&h.Limits.ListCost, "list-cost", envInt("LYSOEN_LIST_COST", 5), "assumed length of a list field without first/last, for the cost (env LYSOEN_LIST_COST)")
	fs.Int64Var(&h.Limits.MaxBodyBytes, "max-body-bytes", int64(envInt("LYSOEN_MAX_BODY_BYTES", 1<<20)), "largest request body in bytes; 0: no limit (env LYSOEN_MAX_BODY_BYTES)")
	fs.BoolVar(&h.Limits.Introspection, "introspection", envBool("LYSOEN_INTROSPECTION", true), "allow __schema/__type introspection (env LYSOEN_INTROSPECTION)")
	fs.Float64Var(&h.RateLimit, "rate-limit", envFloat("LYSOEN_RATE_LIMIT", 50), "GraphQL requests per second per client; 0: off (env LYSOEN_RATE_LIMIT)")
	fs.IntVar(&h.RateBurst, "rate-burst", envInt("LYSOEN_RATE_BURST", 100), "requests a client may send at once before the rate applies (env LYSOEN_RATE_BURST)")
	fs.StringVar(&h.RateLimitKey, "rate-limit-key", env("LYSOEN_RATE_LIMIT_KEY", "ip"), "what identifies a client: ip, or header:<Name> set by a trusted proxy (env LYSOEN_RATE_LIMIT_KEY)")
	fs.StringVar(&h.corsRaw, "cors-origins", env("LYSOEN_CORS_ORIGINS", ""), "comma-separated Origins allowed to call /graphql from a browser; * for any (env LYSOEN_CORS_ORIGINS)")
	fs.IntVar(&h.APQCacheSize, "apq-cache-size", envInt("LYSOEN_APQ_CACHE_SIZE", 1000), "automatic persisted queries kept in memory; 0: APQ off (env LYSOEN_APQ_CACHE_SIZE)")
	fs.StringVar(&h.AllowedOpsPath, "allowed-operations", env("LYSOEN_ALLOWED_OPERATIONS", ""), "file or directory of .graphql documents: only these may run (env LYSOEN_ALLOWED_OPERATIONS)")
	fs.BoolVar(&h.MetricsDisabled, "no-metrics", envBool("LYSOEN_METRICS_DISABLED", false), "do not serve /metrics (env LYSOEN_METRICS_DISABLED)")
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// finishHardening checks the settings once flags are parsed.
func finishHardening(h *hardening) error {
	h.CORSOrigins = nil
	for _, o := range strings.Split(h.corsRaw, ",") {
		if o = strings.TrimSpace(o); o != "" {
			h.CORSOrigins = append(h.CORSOrigins, strings.TrimSuffix(o, "/"))
		}
	}
	if h.AllowedOpsPath != "" {
		ops, err := loadAllowList(h.AllowedOpsPath)
		if err != nil {
			return err
		}
		h.allowed = ops
	}
	if h.RateLimitKey != "ip" && !strings.HasPrefix(h.RateLimitKey, "header:") {
		return fmt.Errorf("rate-limit-key %q: want ip or header:<Name>", h.RateLimitKey)
	}
	if h.RateLimit < 0 || h.RateBurst < 1 && h.RateLimit > 0 {
		return fmt.Errorf("rate limit %v/s with burst %d: want a rate >= 0 and a burst >= 1", h.RateLimit, h.RateBurst)
	}
	return nil
}
