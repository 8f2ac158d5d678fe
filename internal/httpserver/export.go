package httpserver

import (
	"net/http"
	"time"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/export"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// mountExports adds the file exports (GET /export/neighborhood, /path,
// /coalition; docs/exports.md) behind the same guards and authentication
// as /graphql, and the /about page of the dataset version and sources.
func (s *Server) mountExports(mux *http.ServeMux) {
	h := &export.Handler{
		Store:     s.store,
		Logger:    s.logger,
		Present:   graph.ErrorPresenter(s.logger, telemetry.RequestID),
		RequestID: telemetry.RequestID,
		// The bloc and list exports run the GraphQL fields' code; this
		// resolver keeps its own vote table, read at the first bloc export.
		Resolver: &graph.Resolver{Store: s.store, Logger: s.logger},
		Version: func() (string, time.Time) {
			if v := s.dataset.Current(); v != nil {
				return v.ID, v.LastWrite
			}
			return "", time.Time{}
		},
	}
	h.Mount(mux, func(next http.Handler) http.Handler { return s.protect(s.authenticate(next)) })
	mux.Handle("GET /about", s.dataset.About())
}
