package telemetry

import (
	"net/http"
	"net/http/pprof"
)

// MountPprof serves Go's profiler under /debug/pprof/; the server mounts
// it only with LYSOEN_PPROF=1 (profiles reveal internals and cost CPU
// while taken). Used for the profiles in docs/benchmarks.md:
//
//	LYSOEN_PPROF=1 ./bin/lysoen serve &
//	go tool pprof -top 'http://127.0.0.1:8080/debug/pprof/profile?seconds=10'
func MountPprof(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}
