package web

import (
	_ "embed"
	"html/template"
	"net/http"
	"strings"
)

//go:embed explorer.html
var explorerHTML string

var explorerTemplate = template.Must(template.New("explorer.html").Parse(explorerHTML))

// explorerPolicy is stricter than GraphiQL's: the explorer draws on a canvas
// and needs neither inline styles, fonts, nor workers. img-src data: is for
// the empty favicon (href="data:,").
const explorerPolicy = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self'; " +
	"img-src 'self' data:; " +
	"connect-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// Explorer returns a handler for the graph explorer page, meant to be mounted
// at "/explore" next to GraphiQL at "/":
//
//	GET /explore               the HTML page
//	GET /assets/<version>/<f>  the bundle, as served by GraphiQL
//
// The page's asset URLs are relative ("assets/<version>/explorer.js"), so
// from /explore they resolve to /assets/… on the same server; the handler
// also answers /assets/… itself so that it works when mounted on its own.
// endpoint is the GraphQL endpoint's URL path on the same origin ("" means
// "/graphql"); the page sends its queries (search, neighborhood,
// connectionPath, brokers) there and nowhere else.
func Explorer(endpoint string) http.Handler {
	page, pageETag := renderPage("Explorer", explorerTemplate, endpoint)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		w.Header().Set("Content-Security-Policy", explorerPolicy)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if rest, ok := strings.CutPrefix(r.URL.Path, "/assets/"); ok {
			serveAsset(w, r, rest)
			return
		}
		servePage(w, r, page, pageETag)
	})
}
