package gqlserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/lysoen/lysoen/graph"
)

// TypedErrors gives extensions.code to the error answers gqlgen's handler
// and transports write themselves, before any operation runs (a mutation
// over GET: 406; a content type no transport takes; GET variables or
// extensions that are not JSON: 400): BAD_REQUEST, so every error a
// client gets from /graphql is typed. Only answers with an error status
// are held back and rewritten; they are small.
func TypedErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &typedErrorWriter{ResponseWriter: w}
		next.ServeHTTP(tw, r)
		tw.finish()
	})
}

type typedErrorWriter struct {
	http.ResponseWriter
	status int
	held   *bytes.Buffer // the body of an error answer
}

func (t *typedErrorWriter) WriteHeader(code int) {
	if t.status != 0 {
		return
	}
	t.status = code
	if code >= 400 && code != http.StatusTooManyRequests && code != http.StatusRequestEntityTooLarge {
		t.held = &bytes.Buffer{}
		return // written in finish, with the new length
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *typedErrorWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.WriteHeader(http.StatusOK)
	}
	if t.held != nil {
		return t.held.Write(b)
	}
	return t.ResponseWriter.Write(b)
}

func (t *typedErrorWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok && t.held == nil {
		f.Flush()
	}
}

func (t *typedErrorWriter) finish() {
	if t.held == nil {
		return
	}
	body := t.held.Bytes()
	var resp map[string]any
	if json.Unmarshal(body, &resp) == nil {
		if errs, ok := resp["errors"].([]any); ok {
			changed := false
			for _, e := range errs {
				m, ok := e.(map[string]any)
				if !ok {
					continue
				}
				ext, _ := m["extensions"].(map[string]any)
				if ext == nil {
					ext = map[string]any{}
					m["extensions"] = ext
				}
				if _, ok := ext["code"]; !ok {
					ext["code"] = graph.CodeBadRequest
					changed = true
				}
			}
			if changed {
				if b, err := json.Marshal(resp); err == nil {
					body = b
				}
			}
		}
	}
	t.Header().Set("Content-Length", strconv.Itoa(len(body)))
	t.ResponseWriter.WriteHeader(t.status)
	_, _ = t.ResponseWriter.Write(body)
}
