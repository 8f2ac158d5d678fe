// Package web serves the browser-facing parts of Lysøen from files embedded
// in the Go binary: an offline GraphiQL page (GraphiQL) and the example
// queries it offers (Examples).
//
// The JavaScript and CSS under dist/ are built from src/ by esbuild
// (`cd web && npm ci && npm run build`, see README.md) and committed, so
// `go build` never needs Node and the page never loads anything from another
// origin.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed dist
var distFS embed.FS

//go:embed index.html
var indexHTML string

//go:embed examples/*.graphql
var examplesFS embed.FS

// contentSecurityPolicy allows nothing but the page's own origin, with these
// exceptions, each needed by the GraphiQL 5 bundle:
//   - style-src 'unsafe-inline': Monaco creates <style> elements at run time
//     (themes, decorations, per-editor sizes) and has no CSP-nonce support;
//     React and Radix/framer-motion also set style attributes.
//   - font-src data:: @graphiql/react inlines the Roboto and Fira Code fonts
//     into its CSS as data: URLs (Monaco's codicon font is a file in dist/).
//   - img-src data:: small icons inlined into the bundled CSS; also the empty
//     favicon (href="data:,") that keeps browsers from asking for /favicon.ico.
//
// Monaco's web workers are separate same-origin files (dist/*.worker.js), so
// worker-src needs neither blob: nor data:, and no script needs 'unsafe-eval'.
// connect-src 'self' confines requests to the GraphQL endpoint and
// /examples.json on this origin.
const contentSecurityPolicy = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"font-src 'self' data:; " +
	"img-src 'self' data:; " +
	"connect-src 'self'; " +
	"worker-src 'self'; " +
	"base-uri 'none'; " +
	"form-action 'none'; " +
	"frame-ancestors 'none'"

// contentTypes are set explicitly rather than taken from the system's MIME
// tables, which differ between machines.
var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".ttf":   "font/ttf",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".json":  "application/json",
	".map":   "application/json",
}

type asset struct {
	body        []byte
	contentType string
	etag        string
	gz          *gzipped // nil for files not worth compressing (fonts)
}

// gzipped holds an asset's gzip encoding, made on first request: graphiql.js
// is about 5 MB minified and 1.4 MB gzipped.
type gzipped struct {
	once sync.Once
	body []byte
}

func (g *gzipped) get(plain []byte) []byte {
	g.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		zw.Write(plain)
		zw.Close()
		g.body = buf.Bytes()
	})
	return g.body
}

// assets is dist/ keyed by file name; version is a digest of all of it, used
// in asset URLs (/assets/<version>/<file>) so that they can be cached forever.
var assets, version = loadAssets()

func loadAssets() (map[string]asset, string) {
	sub, err := fs.Sub(distFS, "dist")
	if err != nil {
		panic(err)
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		panic(err)
	}
	m := make(map[string]asset, len(entries))
	all := sha256.New()
	for _, e := range entries { // ReadDir sorts by name
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			panic(err)
		}
		ct, ok := contentTypes[path.Ext(e.Name())]
		if !ok {
			ct = "application/octet-stream"
		}
		sum := sha256.Sum256(body)
		a := asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		if strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") || strings.HasPrefix(ct, "image/svg") {
			a.gz = new(gzipped)
		}
		m[e.Name()] = a
		fmt.Fprintf(all, "%s\x00%x\x00", e.Name(), sum)
	}
	return m, hex.EncodeToString(all.Sum(nil)[:6])
}

var indexTemplate = template.Must(template.New("index.html").Parse(indexHTML))

// GraphiQL returns a handler for the GraphiQL page, meant to be mounted at a
// path ending in "/" (at "/" itself, or under a prefix with http.StripPrefix):
//
//	GET /                      the HTML page
//	GET /assets/<version>/<f>  the bundle (Cache-Control: immutable)
//	GET /assets/<f>            the same files, unversioned (Cache-Control: no-cache)
//
// Asset URLs in the page are relative, so the page works under any prefix.
// endpoint is the URL path of the GraphQL endpoint on the same origin
// ("" means "/graphql"); GraphiQL panics if endpoint names another origin,
// which the page's Content-Security-Policy would block anyway.
// The page also fetches its example queries from /examples.json (Examples).
func GraphiQL(endpoint string) http.Handler {
	page, pageETag := renderPage("GraphiQL", indexTemplate, endpoint)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		switch {
		case p == "/" || p == "" || p == "/index.html":
			servePage(w, r, page, pageETag)
		case strings.HasPrefix(p, "/assets/"):
			serveAsset(w, r, strings.TrimPrefix(p, "/assets/"))
		default:
			http.NotFound(w, r)
		}
	})
}

// renderPage checks that endpoint is a path on the same origin ("" means
// "/graphql"), renders a page template with it and the versioned asset
// path, and returns the page with its ETag. It panics on a bad endpoint:
// that is a wiring mistake, caught at start-up.
func renderPage(name string, tmpl *template.Template, endpoint string) ([]byte, string) {
	if endpoint == "" {
		endpoint = "/graphql"
	}
	if u, err := url.Parse(endpoint); err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(endpoint, "//") {
		panic(fmt.Sprintf("web.%s: endpoint %q must be a path on the same origin", name, endpoint))
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, struct{ Endpoint, Assets string }{Endpoint: endpoint, Assets: "assets/" + version}); err != nil {
		panic(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), `"` + hex.EncodeToString(sum[:8]) + `"`
}

// servePage sends a rendered page; it is revalidated by ETag on every load.
func servePage(w http.ResponseWriter, r *http.Request, page []byte, etag string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(page))
}

func serveAsset(w http.ResponseWriter, r *http.Request, rest string) {
	name, cache := rest, "no-cache"
	if v, file, ok := strings.Cut(rest, "/"); ok {
		name = file
		if v == version {
			cache = "public, max-age=31536000, immutable"
		}
		// An old version (a page loaded before a deploy) still gets the
		// current file, but must not cache it under the old URL for long.
	}
	a, ok := assets[name]
	if !ok || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", cache)
	body, etag := a.body, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz.get(a.body), strings.TrimSuffix(a.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
				q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
				return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
			}
		}
	}
	return false
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// Example is one entry of examples.json.
type Example struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// LoadExamples returns the embedded example queries (examples/*.graphql),
// ordered by file name. A file's name comes from its first comment line of
// the form "# name: ..." (that line is left out of the query); a file
// without one is named after the file.
func LoadExamples() ([]Example, error) {
	files, err := fs.Glob(examplesFS, "examples/*.graphql")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := make([]Example, 0, len(files))
	for _, f := range files {
		b, err := examplesFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, parseExample(path.Base(f), string(b)))
	}
	return out, nil
}

func parseExample(file, text string) Example {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	name := strings.TrimSuffix(file, path.Ext(file))
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "#") {
			break // only the leading comment block is searched
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(t, "#")), "name:"); ok {
			if v = strings.TrimSpace(v); v != "" {
				name = v
			}
			lines = append(lines[:i:i], lines[i+1:]...)
			break
		}
	}
	return Example{Name: name, Query: strings.TrimSpace(strings.Join(lines, "\n")) + "\n"}
}

// Examples returns a handler serving examples.json: a JSON array of
// {"name", "query"} built from LoadExamples. Mount it at /examples.json,
// where the GraphiQL page looks for it.
func Examples() http.Handler {
	examples, err := LoadExamples()
	if err != nil {
		panic(err) // embedded files: cannot fail at run time if it passed tests
	}
	body, err := json.MarshalIndent(examples, "", "  ")
	if err != nil {
		panic(err)
	}
	body = append(body, '\n')
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}
