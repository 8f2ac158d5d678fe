package dataset

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
)

// The /about page shows the version and every source, and its policy
// allows exactly the style it carries.
func TestAboutPage(t *testing.T) {
	k := &Keeper{}
	rec := httptest.NewRecorder()
	k.About().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/about", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "not known yet") {
		t.Errorf("before any version: %d %s", rec.Code, rec.Body)
	}
	v := FromFacts(store.DatasetFacts{Nodes: 3, Rels: 2, LastWrite: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), LastWriteText: "2026-01-02T03:04:05Z",
		Sources: []map[string]any{{"id": "source:a", "title": "A <b>bold</b> title", "date": "1999"}}})
	k.cur.Store(v)
	rec = httptest.NewRecorder()
	k.About().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/about", nil))
	body := rec.Body.String()
	for _, want := range []string{v.ID, "source:a", "A &lt;b&gt;bold&lt;/b&gt; title", "2026-01-02T03:04:05Z", "not stated by the source"} {
		if !strings.Contains(body, want) {
			t.Errorf("/about lacks %q:\n%s", want, body)
		}
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(body)
	if style == nil {
		t.Fatal("no style element")
	}
	sum := sha256.Sum256([]byte(style[1]))
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") ||
		!strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("policy %q does not allow exactly the page's style", csp)
	}
}
