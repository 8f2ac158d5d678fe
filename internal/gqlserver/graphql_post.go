package gqlserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/internal/telemetry"
)

// postTransport serves POST requests like gqlgen's transport.POST, with one
// difference: the answer's data, which the executor has already written as
// compact JSON, goes out as it is. transport.POST passes the whole response
// through json.Marshal, which re-scans and copies the data: a fifth of the
// server's CPU and one more copy of the answer for a 1 MB nested read
// (docs/benchmarks.md). The bytes sent are the same as json.Marshal's
// (TestWriteResponseMatchesMarshal): the data is HTML-escaped the way
// encoding/json escapes it.
type postTransport struct {
	transport.POST // Supports, and Do for bodies that are not JSON
}

var _ graphql.Transport = postTransport{}

func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	var params graphql.RawParams
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber() // as transport.POST: variables keep their exact numbers
		err = dec.Decode(&params)
		if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
			err = errors.New("more data after the JSON object")
		}
	}
	if err != nil {
		// Nothing has run. The answer and the log name the problem, never
		// the body (a client controls up to the body limit of it).
		WriteError(w, http.StatusBadRequest, graph.CodeBadRequest,
			"the body must be one JSON object with query, and optionally variables, operationName and extensions (one operation per request): "+excerpt(err.Error(), 200),
			map[string]any{"requestId": telemetry.RequestID(ctx)})
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	contentType := responseContentType(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", contentType)
	rc, opErr := exec.CreateOperationContext(ctx, &params)
	if opErr != nil {
		// A request that is not a valid operation (parse, validation,
		// variable coercion, the limits): the GraphQL-over-HTTP spec wants
		// 200 for application/json, which every client reads as a GraphQL
		// answer with errors, and 400 for application/graphql-response+json.
		// gqlgen's transport.POST answers 422 for both; we follow the spec.
		// Nothing was executed, so the answer has no data entry.
		// A request without a query (and not a persisted-query lookup) is
		// not a GraphQL-over-HTTP request at all: 400 whatever the media type.
		_, persisted := params.Extensions["persistedQuery"]
		if errcode.GetErrorKind(opErr) == errcode.KindProtocol &&
			(contentType == "application/graphql-response+json" || (strings.TrimSpace(params.Query) == "" && !persisted)) {
			w.WriteHeader(http.StatusBadRequest)
		}
		writeRequestError(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), opErr))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	writeResponse(w, responses(ctx))
}

// excerpt is s cut to at most n bytes (on a character boundary), with the
// full length noted when cut: what may go into an answer or a log line of
// text a client sent.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// responseContentType picks the answer's media type from the Accept header
// as transport.POST does: application/json unless the client asks for
// application/graphql-response+json, or names neither.
func responseContentType(accept string) string {
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case "application/graphql-response+json":
			return mediaType
		}
	}
	return "application/graphql-response+json"
}

// writeResponse writes resp as json.Marshal(resp) would, but sends its data
// without re-encoding it when the data is already compact (as gqlgen and
// the direct path write it). The small parts (errors, extensions) still go
// through encoding/json.
func writeResponse(w io.Writer, resp *graphql.Response) {
	var head, tail bytes.Buffer
	head.WriteByte('{')
	if len(resp.Errors) > 0 {
		head.WriteString(`"errors":`)
		marshalInto(&head, resp.Errors)
		head.WriteByte(',')
	}
	head.WriteString(`"data":`)
	if resp.Label != "" {
		tail.WriteString(`,"label":`)
		marshalInto(&tail, resp.Label)
	}
	if len(resp.Path) > 0 {
		tail.WriteString(`,"path":`)
		marshalInto(&tail, resp.Path)
	}
	if resp.HasNext != nil {
		tail.WriteString(`,"hasNext":`)
		marshalInto(&tail, *resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		tail.WriteString(`,"extensions":`)
		if !appendExtensions(&tail, resp.Extensions) {
			marshalInto(&tail, resp.Extensions)
		}
	}
	tail.WriteByte('}')

	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	switch compact, plain := scan(data); {
	case !compact:
		// A scalar's marshaler wrote whitespace (gqlgen's Any and Map end
		// in the newline of json.Encoder): send exactly what json.Marshal
		// sends, compacted.
		if b, err := json.Marshal(resp); err == nil {
			_, _ = w.Write(b)
			return
		}
	case !plain:
		var escaped bytes.Buffer
		json.HTMLEscape(&escaped, data)
		data = escaped.Bytes()
	}
	// Write errors are the client's: it has gone, and there is no one left to tell.
	_, _ = w.Write(head.Bytes())
	_, _ = w.Write(data)
	_, _ = w.Write(tail.Bytes())
}

// writeRequestError writes the answer to a request that was never
// executed: errors and extensions, without a data entry (the GraphQL
// spec: "If an error was raised before execution begins, the data entry
// should not be present").
func writeRequestError(w io.Writer, resp *graphql.Response) {
	b, err := json.Marshal(struct {
		Errors     any            `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	if err != nil {
		b = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	_, _ = w.Write(b)
}

// marshalInto appends v's JSON to buf; a value that cannot be encoded is
// written as null (gqlgen's transport panics instead).
func marshalInto(buf *bytes.Buffer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	buf.Write(b)
}

// appendExtensions writes the usual extensions (round trips, request ID,
// bookmarks: integers, plain strings and lists of them) as json.Marshal
// would, keys sorted, without its reflection; it writes nothing and
// reports false for anything else, which then goes through json.Marshal.
func appendExtensions(buf *bytes.Buffer, ext map[string]any) bool {
	for k, v := range ext {
		if !plainString(k) {
			return false
		}
		switch v := v.(type) {
		case int, int64:
		case string:
			if !plainString(v) {
				return false
			}
		case []string:
			for _, s := range v {
				if !plainString(s) {
					return false
				}
			}
		default:
			return false
		}
	}
	// Plain strings need no escaping: quoted as they are.
	quoted := func(s string) {
		buf.WriteByte('"')
		buf.WriteString(s)
		buf.WriteByte('"')
	}
	var num [20]byte
	buf.WriteByte('{')
	keys := slices.AppendSeq(make([]string, 0, len(ext)), maps.Keys(ext))
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		quoted(k)
		buf.WriteByte(':')
		switch v := ext[k].(type) {
		case int:
			buf.Write(strconv.AppendInt(num[:0], int64(v), 10))
		case int64:
			buf.Write(strconv.AppendInt(num[:0], v, 10))
		case string:
			quoted(v)
		case []string:
			if v == nil {
				buf.WriteString("null")
				break
			}
			buf.WriteByte('[')
			for j, s := range v {
				if j > 0 {
					buf.WriteByte(',')
				}
				quoted(s)
			}
			buf.WriteByte(']')
		}
	}
	buf.WriteByte('}')
	return true
}

// plainString: s is written by json.Marshal as it is, between quotes
// (printable ASCII, none of the characters it escapes).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// scan reads data once and reports whether it is compact (no whitespace
// outside its strings, as json.Marshal would leave it; inside a JSON
// string tabs and newlines are always escaped, so only spaces there are
// raw) and plain (no byte encoding/json escapes in its output: <, > and &,
// or 0xE2, the first byte of U+2028 and U+2029, shared with other
// characters, which merely take the slower path). A table lookup per byte:
// this runs over every answer, a megabyte for the nested benchmark.
func scan(data []byte) (compact, plain bool) {
	compact, plain = true, true
	inString := false
	for i := 0; i < len(data); i++ {
		switch jsonClass[data[i]] {
		case classQuote:
			inString = !inString
		case classBackslash:
			i++ // the escaped byte (only inside strings in valid JSON)
		case classSpace:
			if !inString {
				return false, plain
			}
		case classHTML:
			plain = false
		}
	}
	return compact, plain
}

// The bytes scan looks at; everything else is classOther.
const (
	classOther = iota
	classQuote
	classBackslash
	classSpace
	classHTML
)

var jsonClass = [256]uint8{'"': classQuote, '\\': classBackslash, ' ': classSpace, '\t': classSpace, '\n': classSpace, '\r': classSpace,
	'<': classHTML, '>': classHTML, '&': classHTML, 0xE2: classHTML}
