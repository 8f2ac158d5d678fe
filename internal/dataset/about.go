package dataset

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"strings"
)

// aboutStyle is the page's only style; the Content-Security-Policy allows
// exactly it (by hash) and nothing else: no script, no other origin.
const aboutStyle = `body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
code{background:#f4f4f4;padding:0 .2rem}`

var aboutPolicy = func() string {
	sum := sha256.Sum256([]byte(aboutStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

type aboutData struct {
	Style template.CSS
	*Version
}

var aboutPage = template.Must(template.New("about").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lysøen — about the data</title>
<style>{{.Style}}</style></head><body>
<h1>About the data</h1>
{{if .Version}}<p>Dataset version <code id="dataset-version">{{.ID}}</code>{{if .LastWrite.IsZero}}{{else}}, last write <time>{{.LastWriteText}}</time>{{end}}:
{{.Nodes}} nodes and {{.Relationships}} relationships, read {{.ComputedAt.Format "2006-01-02T15:04:05Z07:00"}}.
Every GraphQL response names it in <code>extensions.dataset</code>, and every export in its metadata: the same version gives the same answers.
Cite it with the sources below.</p>
<table><thead><tr><th>source</th><th>version (date)</th><th>licence</th><th>citation</th></tr></thead><tbody>
{{range .Sources}}<tr><td><code>{{.ID}}</code><br>{{.Title}}{{if .File}}<br><small>file {{.File}}</small>{{end}}</td><td>{{if .Date}}{{.Date}}{{else}}not dated{{end}}<br><small>sha256 {{printf "%.12s" .SHA256}}</small></td><td>{{.Licence}}</td><td>{{.Citation}}</td></tr>
{{end}}</tbody></table>
<p>The same facts as JSON: <a href="/about?format=json">/about?format=json</a>.</p>
{{else}}<p>The dataset version is not known yet: the database has not answered. Try again shortly.</p>{{end}}
</body></html>
`))

// About serves the /about page: the dataset version and each source with
// its version, licence and citation (HTML, or JSON with ?format=json or
// Accept: application/json).
func (k *Keeper) About() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := k.Current()
		if r.URL.Query().Get("format") == "json" || strings.Contains(r.Header.Get("Accept"), "application/json") {
			w.Header().Set("Content-Type", "application/json")
			if v == nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				_ = json.NewEncoder(w).Encode(map[string]string{"status": "unavailable", "reason": "the dataset version is not known yet"})
				return
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			_ = enc.Encode(v)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", aboutPolicy)
		if v == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = aboutPage.Execute(w, aboutData{Style: template.CSS(aboutStyle), Version: v})
	})
}
