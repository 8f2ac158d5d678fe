// Package telemetry is what the server tells its operators: Prometheus
// metrics (prometheus/client_golang), OpenTelemetry tracing, the
// profiler, the structured access log and request ids, and the
// request-scoped values they read (request id, Cypher round trips,
// operation and outcome) with their context keys.
package telemetry
