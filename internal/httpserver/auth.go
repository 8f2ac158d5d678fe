package httpserver

import (
	"net/http"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/internal/gqlserver"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// authenticate wraps the GraphQL endpoint: it reads the Authorization
// header and puts the caller's auth.Principal in the request context. Bad
// credentials — and no credentials when LYSOEN_READS=token — are refused
// here with 401 and a GraphQL error UNAUTHENTICATED, before any Cypher
// runs. Which role each operation needs is decided later, still before
// any resolver, by graph.Authorizer.
func (s *Server) authenticate(next http.Handler) http.Handler {
	authn := s.authn
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions { // CORS preflight carries no credentials
			next.ServeHTTP(w, r)
			return
		}
		p, err := authn.AuthenticateContext(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			rid := telemetry.RequestID(r.Context())
			w.Header().Set("WWW-Authenticate", `Bearer realm="lysoen"`)
			gqlserver.WriteJSON(w, http.StatusUnauthorized, map[string]any{
				"data": nil,
				"errors": []map[string]any{{
					"message":    err.Error(),
					"extensions": map[string]any{"code": graph.CodeUnauthenticated, "requestId": rid},
				}},
				"extensions": map[string]any{"cypherRoundTrips": 0, "requestId": rid},
			})
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.With(r.Context(), p)))
	})
}
