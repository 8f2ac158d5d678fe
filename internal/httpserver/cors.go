package httpserver

import (
	"net/http"
	"slices"
	"strings"

	"github.com/rs/cors"
)

// withCORS answers browsers from the allowed origins only, with rs/cors:
// it adds Access-Control-Allow-Origin (the caller's origin) for them and
// answers their preflights (204, the requested method and headers
// allowed); requests from other origins get no CORS headers (so browsers
// block the response) and their preflights 403. Non-browser clients send
// no Origin and are unaffected. "*" allows any origin.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	anyOrigin := slices.Contains(origins, "*")
	allowed := func(origin string) bool {
		return anyOrigin || slices.Contains(origins, strings.TrimSuffix(origin, "/"))
	}
	c := cors.New(cors.Options{
		// A function rather than AllowedOrigins, so "*" still echoes the
		// caller's origin and a trailing slash does not matter.
		AllowOriginFunc: allowed,
		AllowedMethods:  []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders:  []string{"Content-Type", "Accept", "Authorization", "X-Request-Id", "X-Lysoen-Bookmarks"},
		ExposedHeaders:  []string{"X-Request-Id", "Retry-After"},
		MaxAge:          600,
	})
	h := c.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if preflight && origin != "" && !allowed(origin) {
			// rs/cors would answer 204 without CORS headers; a plain refusal
			// tells the operator reading the browser's console more.
			w.Header().Add("Vary", "Origin")
			http.Error(w, "origin not allowed", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// everyResponse are securityHeaders' headers, keys in canonical form.
// Assigning these shared value slices skips Header.Set's canonicalizing
// and its new slice per header per request; nothing changes a header's
// values in place (Add appends, which copies a full slice).
var everyResponse = [...]struct {
	key   string
	value []string
}{
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=(), payment=()"}},
}

// securityHeaders adds the headers every response should carry; the HTML
// pages also get their Content-Security-Policy from package web.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, sh := range everyResponse {
			h[sh.key] = sh.value
		}
		next.ServeHTTP(w, r)
	})
}
