package web

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
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
	if endpoint == "" {
		endpoint = "/graphql"
	}
	if u, err := url.Parse(endpoint); err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(endpoint, "//") {
		panic(fmt.Sprintf("web.Explorer: endpoint %q must be a path on the same origin", endpoint))
	}
	var buf bytes.Buffer
	err := explorerTemplate.Execute(&buf, struct{ Endpoint, Assets string }{
		Endpoint: endpoint,
		Assets:   "assets/" + version,
	})
	if err != nil {
		panic(err)
	}
	page := buf.Bytes()
	sum := sha256.Sum256(page)
	pageETag := `"` + hex.EncodeToString(sum[:8]) + `"`

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
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", pageETag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(page))
	})
}
