package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"
)

// newSiteServer mounts the pages as internal/httpserver does: GraphiQL at "/" and the
// explorer at "/explore".
func newSiteServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/explore", Explorer("/graphql"))
	mux.Handle("/", GraphiQL("/graphql"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestExplorerUsesOnlyLocalAssets(t *testing.T) {
	srv := newSiteServer(t)
	res, body := get(t, srv.URL+"/explore")
	if res.StatusCode != 200 || mediaType(t, res) != "text/html" {
		t.Fatalf("GET /explore: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `data-endpoint="/graphql"`) {
		t.Errorf("explorer HTML lacks the endpoint")
	}
	for _, s := range []string{"http://", "https://"} {
		if strings.Contains(body, s) {
			t.Errorf("explorer HTML contains %q", s)
		}
	}
	page, _ := url.Parse(srv.URL + "/explore")
	found := map[string]bool{}
	for _, m := range attrURL.FindAllStringSubmatch(body, -1) {
		ref := m[1]
		if ref == "data:," || ref == "./" { // the empty favicon; the link to GraphiQL
			continue
		}
		u, err := page.Parse(ref)
		if err != nil || u.Host != page.Host || strings.HasPrefix(ref, "//") {
			t.Errorf("explorer HTML references %q, which is not on this origin", ref)
			continue
		}
		res, _ := get(t, u.String())
		want := wantType[path.Ext(u.Path)]
		if res.StatusCode != 200 || mediaType(t, res) != want {
			t.Errorf("GET %s: %d %q, want %q", u, res.StatusCode, res.Header.Get("Content-Type"), want)
		}
		found[path.Base(u.Path)] = true
	}
	if !found["explorer.js"] || !found["explorer.css"] {
		t.Errorf("explorer.js and explorer.css not both referenced: %v", found)
	}
}

func TestExplorerHeaders(t *testing.T) {
	srv := newSiteServer(t)
	res, _ := get(t, srv.URL+"/explore")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "style-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-eval", "unsafe-inline", "http:", "https:", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q allows %q", csp, bad)
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/explore", nil)
	post, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /explore: %d", post.StatusCode)
	}
	// Mounted on its own, the explorer serves the bundle too.
	alone := httptest.NewServer(Explorer(""))
	defer alone.Close()
	res, _ = get(t, alone.URL+"/assets/"+version+"/explorer.js")
	if res.StatusCode != 200 || mediaType(t, res) != "text/javascript" {
		t.Errorf("explorer's own asset: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
