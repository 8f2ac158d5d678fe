package main

import (
	"net/http"
	"slices"
	"strings"
)

// cors answers browsers from the allowed origins only: it adds
// Access-Control-Allow-Origin for them and answers their preflights;
// requests from other origins get no CORS headers (so browsers block the
// response) and their preflights 403. Non-browser clients send no Origin
// and are unaffected.
func cors(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	any := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Origin")
		allowed := any || slices.Contains(origins, strings.TrimSuffix(origin, "/"))
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if !allowed {
			if preflight {
				http.Error(w, "origin not allowed", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
		if preflight {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, X-Request-Id, X-Lysoen-Bookmarks")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
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
