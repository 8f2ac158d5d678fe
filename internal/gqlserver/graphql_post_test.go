package gqlserver

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The POST transport writes the data without json.Marshal; what it sends
// must still be byte for byte what json.Marshal(response) gives, escaping
// included.
func TestWriteResponseMatchesMarshal(t *testing.T) {
	yes := true
	responses := map[string]*graphql.Response{
		"plain data":      {Data: json.RawMessage(`{"countries":{"edges":[{"node":{"id":"country:NOR","name":"Norway"}}]}}`)},
		"html characters": {Data: json.RawMessage(`{"name":"Mines <&> \"AP\" \\ ok"}`)},
		"line separators": {Data: json.RawMessage("{\"quote\":\"a\u2028b\u2029c – d\"}")},
		"null data":       {Data: nil, Errors: gqlerror.List{{Message: "boom", Path: ast.Path{ast.PathName("q")}, Extensions: map[string]any{"code": "INTERNAL"}}}},
		"errors and data": {
			Data:       json.RawMessage(`{"a":null,"b":[1,2]}`),
			Errors:     gqlerror.List{{Message: "a <failed>", Path: ast.Path{ast.PathName("a"), ast.PathIndex(0)}}},
			Extensions: map[string]any{"cypherRoundTrips": 2, "requestId": "r&1"},
		},
		"incremental":      {Data: json.RawMessage(`{"x":1}`), Label: "l<1>", Path: ast.Path{ast.PathName("x")}, HasNext: &yes},
		"empty extensions": {Data: json.RawMessage(`{}`), Extensions: map[string]any{}},
		// The extensions' own writer (appendExtensions) and its fallbacks.
		"usual extensions": {Data: json.RawMessage(`{}`), Extensions: map[string]any{"requestId": "0f3a", "cypherRoundTrips": int64(3),
			"bookmarks": []string{"FB:kcwQ/x", "FB:abc=="}, "CostLimit": 12, "zero": 0, "negative": int64(-7)}},
		"nil and empty lists": {Data: json.RawMessage(`{}`), Extensions: map[string]any{"a": []string(nil), "b": []string{}}},
		"escaped strings":     {Data: json.RawMessage(`{}`), Extensions: map[string]any{"q": "a\"b", "r": "x\ty", "s": "ø", "t": "\x7f"}},
		"escaped list":        {Data: json.RawMessage(`{}`), Extensions: map[string]any{"b": []string{"ok", "<no>"}}},
		"escaped key":         {Data: json.RawMessage(`{}`), Extensions: map[string]any{"a&b": 1}},
		"other types":         {Data: json.RawMessage(`{}`), Extensions: map[string]any{"f": 1.5, "m": map[string]int{"x": 1}, "n": nil}},
		// A JSON scalar written by json.Encoder ends in a newline; spaces
		// inside strings are not whitespace to remove.
		"encoder newline":      {Data: json.RawMessage("{\"cypher\":{\"rows\":[[11\n]]},\"s\":\"a b\\\" c\"}")},
		"spaces between":       {Data: json.RawMessage(`{"a": 1, "b" :[ 2 ,3 ], "c":"x <y>"}`)},
		"tab and carriage ret": {Data: json.RawMessage("{\"a\":\t1,\r\n\"b\":2}")},
	}
	for name, resp := range responses {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("%s: json.Marshal: %v", name, err)
		}
		var got bytes.Buffer
		writeResponse(&got, resp)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got.Bytes(), want)
		}
	}
	// The usual extensions take the writer's own path, not json.Marshal.
	if !appendExtensions(&bytes.Buffer{}, responses["usual extensions"].Extensions) {
		t.Error("usual extensions: appendExtensions fell back to json.Marshal")
	}
}

func TestResponseContentType(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                  "application/json",
		"*/*":                               "application/json",
		"application/json":                  "application/json",
		"application/graphql-response+json": "application/graphql-response+json",
		"text/html, application/json;q=0.9": "application/json",
		"text/html":                         "application/graphql-response+json",
	} {
		if got := responseContentType(accept); got != want {
			t.Errorf("Accept %q: got %q, want %q", accept, got, want)
		}
	}
}

// benchResponse is a response the size of the nested benchmark's answer.
func benchResponse() *graphql.Response {
	var data bytes.Buffer
	data.WriteString(`{"countries":{"edges":[`)
	for i := 0; i < 20000; i++ {
		if i > 0 {
			data.WriteByte(',')
		}
		data.WriteString(`{"role":"MEMBER","since":"2000-04-26","initiative":{"id":"initiative:synth-02890","name":"Synthetic Initiative 02890"}}`)
	}
	data.WriteString(`]}}`)
	return &graphql.Response{Data: data.Bytes(), Extensions: map[string]any{"cypherRoundTrips": 1, "requestId": "b"}}
}

// The transport's write against what transport.POST does (json.Marshal).
func BenchmarkWriteResponse(b *testing.B) {
	resp := benchResponse()
	b.SetBytes(int64(len(resp.Data)))
	b.ReportAllocs()
	for b.Loop() {
		writeResponse(io.Discard, resp)
	}
}

func BenchmarkMarshalResponse(b *testing.B) {
	resp := benchResponse()
	b.SetBytes(int64(len(resp.Data)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.Marshal(resp)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Discard.Write(out)
	}
}
