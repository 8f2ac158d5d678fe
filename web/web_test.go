package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", GraphiQL("/graphql"))
	mux.Handle("/examples.json", Examples())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func mediaType(t *testing.T, res *http.Response) string {
	t.Helper()
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("%s: bad Content-Type %q: %v", res.Request.URL, res.Header.Get("Content-Type"), err)
	}
	return mt
}

var (
	attrURL = regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)`)
	cssURL  = regexp.MustCompile(`url\(\s*["']?([^"')]+)["']?\s*\)`)
)

var wantType = map[string]string{
	".js":  "text/javascript",
	".css": "text/css",
	".ttf": "font/ttf",
}

func TestIndexUsesOnlyLocalAssets(t *testing.T) {
	srv := newServer(t)
	res, body := get(t, srv.URL+"/")
	if res.StatusCode != 200 {
		t.Fatalf("GET /: %d", res.StatusCode)
	}
	if mt := mediaType(t, res); mt != "text/html" {
		t.Fatalf("GET /: Content-Type %s", mt)
	}
	for _, s := range []string{"http://", "https://"} {
		if strings.Contains(body, s) {
			t.Errorf("index HTML contains %q", s)
		}
	}
	if !strings.Contains(body, `data-endpoint="/graphql"`) {
		t.Errorf("index HTML lacks the endpoint: %s", body)
	}

	page, _ := url.Parse(srv.URL + "/")
	var assetURLs []*url.URL
	for _, m := range attrURL.FindAllStringSubmatch(body, -1) {
		ref := m[1]
		if ref == "data:," { // the empty favicon
			continue
		}
		u, err := page.Parse(ref)
		if err != nil {
			t.Fatalf("bad URL %q: %v", ref, err)
		}
		if u.Scheme != "http" || u.Host != page.Host || strings.HasPrefix(ref, "//") {
			t.Errorf("index HTML references %q, which is not on this origin", ref)
			continue
		}
		assetURLs = append(assetURLs, u)
	}
	if len(assetURLs) < 2 {
		t.Fatalf("expected at least graphiql.js and graphiql.css, found %v", assetURLs)
	}

	seen := map[string]bool{}
	for len(assetURLs) > 0 {
		u := assetURLs[0]
		assetURLs = assetURLs[1:]
		if seen[u.String()] {
			continue
		}
		seen[u.String()] = true
		res, body := get(t, u.String())
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", u, res.StatusCode)
			continue
		}
		ext := path.Ext(u.Path)
		if want, ok := wantType[ext]; !ok || mediaType(t, res) != want {
			t.Errorf("GET %s: Content-Type %q, want %q", u, res.Header.Get("Content-Type"), want)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("GET %s: Cache-Control %q, want immutable", u, cc)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no nosniff", u)
		}
		if ext == ".css" { // follow url(...) to fonts and images
			for _, m := range cssURL.FindAllStringSubmatch(body, -1) {
				if strings.HasPrefix(m[1], "data:") {
					continue
				}
				ref, err := u.Parse(m[1])
				if err != nil || ref.Host != page.Host {
					t.Errorf("%s references %q, which is not on this origin", u, m[1])
					continue
				}
				assetURLs = append(assetURLs, ref)
			}
		}
	}
	if len(seen) < 3 { // graphiql.js, graphiql.css, codicon font
		t.Errorf("only %d assets reached: %v", len(seen), seen)
	}

	// The Monaco workers are not referenced from HTML or CSS: graphiql.js
	// builds their URLs next to its own (src/workers.js).
	for _, w := range []string{"editor", "json", "graphql"} {
		u := srv.URL + "/assets/" + version + "/" + w + ".worker.js"
		res, _ := get(t, u)
		if res.StatusCode != 200 || mediaType(t, res) != "text/javascript" {
			t.Errorf("GET %s: %d %q", u, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv := newServer(t)
	for _, p := range []string{"/", "/assets/graphiql.js", "/examples.json"} {
		res, _ := get(t, srv.URL+p)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, res.StatusCode)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self';", "worker-src 'self';", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", p, csp, want)
			}
		}
		for _, bad := range []string{"unsafe-eval", "blob:", "http:", "https:", "*"} {
			if strings.Contains(csp, bad) {
				t.Errorf("GET %s: CSP %q allows %q", p, csp, bad)
			}
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", p, got)
		}
		if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q", p, got)
		}
	}
	// Unversioned and stale-versioned asset URLs work but are not cached.
	for _, p := range []string{"/assets/graphiql.js", "/assets/000000000000/graphiql.js"} {
		res, _ := get(t, srv.URL+p)
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %d, Cache-Control %q", p, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	for _, p := range []string{"/nope", "/assets/", "/assets/nope.js", "/assets/" + version + "/../web.go", "/assets/a/b/graphiql.js"} {
		res, _ := get(t, srv.URL+p)
		if res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}
	res, err := http.Post(srv.URL+"/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %d", res.StatusCode)
	}
}

func TestGraphiQLMountedUnderPrefix(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/graphiql/", http.StripPrefix("/graphiql", GraphiQL("/api/graphql")))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, body := get(t, srv.URL+"/graphiql/")
	if !strings.Contains(body, `data-endpoint="/api/graphql"`) {
		t.Fatalf("endpoint not in page: %s", body)
	}
	res, _ := get(t, srv.URL+"/graphiql/assets/"+version+"/graphiql.css")
	if res.StatusCode != 200 {
		t.Fatalf("asset under prefix: %d", res.StatusCode)
	}
}

func TestGraphiQLRejectsOtherOrigins(t *testing.T) {
	for _, ep := range []string{"https://example.org/graphql", "//example.org/graphql", "http:x"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("GraphiQL(%q) did not panic", ep)
				}
			}()
			GraphiQL(ep)
		}()
	}
}

func TestExamplesJSON(t *testing.T) {
	srv := newServer(t)
	res, body := get(t, srv.URL+"/examples.json")
	if res.StatusCode != 200 || mediaType(t, res) != "application/json" {
		t.Fatalf("GET /examples.json: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var examples []struct{ Name, Query string }
	if err := json.Unmarshal([]byte(body), &examples); err != nil {
		t.Fatal(err)
	}
	if len(examples) < 3 {
		t.Fatalf("%d examples, want at least 3", len(examples))
	}
	files, _ := examplesFS.ReadDir("examples")
	if len(files) != len(examples) {
		t.Fatalf("%d files, %d examples", len(files), len(examples))
	}
	for i, e := range examples {
		file := files[i].Name() // ReadDir sorts by name: the examples' order
		if e.Name == "" || e.Name == strings.TrimSuffix(file, ".graphql") {
			t.Errorf("%s: no '# name:' line", file)
		}
		if strings.Contains(e.Query, "# name:") {
			t.Errorf("%s: name line left in the query", file)
		}
		if _, err := parser.ParseQuery(&ast.Source{Name: file, Input: e.Query}); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	if want := "Who founded the Lysøen Partnership, and on what evidence?"; examples[0].Name != want {
		t.Errorf("first example %q, want %q (files are ordered by name)", examples[0].Name, want)
	}
}

func TestParseExample(t *testing.T) {
	e := parseExample("x.graphql", "# A comment\r\n#name:  Hello \n\n{ a }\n")
	if e.Name != "Hello" || e.Query != "# A comment\n\n{ a }\n" {
		t.Errorf("%+v", e)
	}
	e = parseExample("07-plain.graphql", "{ a }\n# name: too late\n")
	if e.Name != "07-plain" || !strings.Contains(e.Query, "too late") {
		t.Errorf("%+v", e)
	}
}

// remoteURL finds absolute URLs in the bundle.
var remoteURL = regexp.MustCompile(`(?i)\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'` + "`" + `)\\]*`)

// benignURLs are the absolute URLs the bundle contains as plain strings and
// never requests at run time (and CSP connect-src/script-src 'self' would
// block them anyway). Review any addition when upgrading.
var benignURLs = []string{
	"http://www.w3.org/",             // XML, SVG, XLink, MathML namespace identifiers
	"http://json-schema.org/",        // $schema identifiers in Monaco's JSON worker
	"https://json-schema.org/",       // (schema requests are off: enableSchemaRequest false)
	"https://react.dev/errors/",      // React's minified error messages
	"https://github.com/",            // links in error messages, GraphiQL/Monaco help
	"https://code.visualstudio.com/", // links in GraphiQL's keyboard-shortcuts dialog
	"https://prettier.io/docs/",      // Prettier error messages
	"https://yarnpkg.com/en/docs/",   // Prettier error messages
	"https://en.wikipedia.org/wiki/", // a comment-like string in a number parser
	"https://commonmark.org/",        // markdown-it identifier
	"https://microsoft.com",          // Monaco example in a link-detection message
}

// forbidden are hosts whose presence would suggest code loading from a CDN.
var forbidden = []string{"unpkg", "jsdelivr", "esm.sh", "cdnjs", "googleapis", "gstatic", "skypack", "jspm"}

func TestBundleLoadsNothingRemote(t *testing.T) {
	names := make([]string, 0, len(assets))
	for n := range assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := assets[n]
		if !strings.HasPrefix(a.contentType, "text/") {
			continue
		}
		text := string(a.body)
		lower := strings.ToLower(text) // offsets are used only for the excerpt
		for _, f := range forbidden {
			if i := strings.Index(lower, f); i >= 0 {
				t.Errorf("%s contains %q: %q", n, f, text[max(0, i-60):min(len(text), i+60)])
			}
		}
		for _, u := range remoteURL.FindAllString(text, -1) {
			if !strings.HasPrefix(u, "http") {
				continue // protocol-relative matches are mostly regexps/comments; forbidden[] covers CDNs
			}
			ok := false
			for _, b := range benignURLs {
				if strings.HasPrefix(u, b) {
					ok = true
					break
				}
			}
			if !ok {
				t.Errorf("%s contains unreviewed URL %q", n, u)
			}
		}
	}
}

func TestAssetsGzip(t *testing.T) {
	srv := newServer(t)
	u := srv.URL + "/assets/" + version + "/graphiql.js"
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	// A Transport with DisableCompression leaves the body encoded for us.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers %v", res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, assets["graphiql.js"].body) {
		t.Fatal("gzip body differs from the asset")
	}
	for _, ae := range []string{"", "identity", "gzip;q=0"} {
		req.Header.Set("Accept-Encoding", ae)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, res.Header.Get("Content-Encoding"))
		}
	}
}
