package directread

// Running a plan: one statement per root field, its records written
// straight into the JSON answer, in the order and shape gqlgen would
// write them.

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// runDirect reads every root field and writes the data object. A failed
// root field is reported like the resolver path reports it: on its path,
// null in its place, or the whole data null when the field is non-null.
// ok is false when the resolvers must answer the operation (errFallback):
// then nothing has been reported.
func runDirect(ctx context.Context, s *store.Store, roots []rootPlan) (data []byte, ok bool) {
	buf := answerBuffers.Get().(*bytes.Buffer)
	defer putAnswerBuffer(buf)
	type failure struct {
		field graphql.CollectedField
		err   error
	}
	var failed []failure
	buf.WriteByte('{')
	null := false
	for i, r := range roots {
		writeField(buf, i, r.field.Alias)
		err := r.write(ctx, s, buf)
		if errors.Is(err, errFallback) {
			return nil, false
		}
		if err != nil {
			failed = append(failed, failure{r.field, err})
			null = null || r.field.Definition.Type.NonNull
			buf.WriteString("null")
		}
	}
	buf.WriteByte('}')
	for _, f := range failed {
		fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query", Field: f.field, IsResolver: true})
		graphql.GetOperationContext(ctx).Error(fctx, graphql.AddFieldLocationToError(fctx, f.err))
	}
	if null {
		return []byte("null"), true
	}
	return bytes.Clone(buf.Bytes()), true
}

// answerBuffers keeps the buffers answers are written into: a nested answer
// is a megabyte, and growing a fresh buffer to that size for every request
// allocated about three times as much (docs/benchmarks.md).
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putAnswerBuffer returns buf to the pool unless it grew past 8 MiB: one
// huge answer should not keep its memory for the small ones.
func putAnswerBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 8<<20 {
		return
	}
	buf.Reset()
	answerBuffers.Put(buf)
}

// writeField starts the i-th member of a JSON object being written: the
// comma before every member but the first, then the key.
func writeField(buf *bytes.Buffer, i int, key string) {
	if i > 0 {
		buf.WriteByte(',')
	}
	writeString(buf, key)
	buf.WriteByte(':')
}

// writeString writes s as a JSON string exactly as gqlgen's String
// marshaler does (TestWriteStringMatchesGqlgen): only control characters,
// the backslash and the quote are escaped. It appends to the buffer
// directly, without gqlgen's io.Writer calls per piece.
func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		buf.WriteString(s[start:i])
		switch c {
		case '\t':
			buf.WriteString(`\t`)
		case '\r':
			buf.WriteString(`\r`)
		case '\n':
			buf.WriteString(`\n`)
		case '\\':
			buf.WriteString(`\\`)
		case '"':
			buf.WriteString(`\"`)
		default:
			const hex = "0123456789ABCDEF" // upper case, as gqlgen writes it
			buf.WriteString(`\u00`)
			buf.WriteByte(hex[c>>4])
			buf.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	buf.WriteString(s[start:])
	buf.WriteByte('"')
}

// writeFloat writes f as gqlgen's Float marshaler does, fmt's %g (the
// shortest form that reads back as f, TestWriteFloatMatchesGqlgen), and
// refuses infinities and NaN as it does; strconv instead of fmt.Fprintf
// saves a printer per value.
func writeFloat(buf *bytes.Buffer, f float64) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return errors.New("cannot marshal infinite no NaN float values")
	}
	var b [32]byte
	buf.Write(strconv.AppendFloat(b[:0], f, 'g', -1, 64))
	return nil
}

// write reads one root field and writes its value; nothing is written on error.
func (r rootPlan) write(ctx context.Context, s *store.Store, buf *bytes.Buffer) error {
	switch r.kind {
	case rootTypename:
		writeString(buf, "Query")
		return nil
	case rootSearch:
		hits, err := s.SearchProjected(ctx, r.text, r.limit, r.proj)
		if err != nil {
			return err
		}
		written := buf.Len() // what to keep if a score cannot be written
		buf.WriteByte('[')
		for i, h := range hits {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteByte('{')
			for j, f := range r.hit {
				writeField(buf, j, f.Alias)
				switch f.Name {
				case "__typename":
					writeString(buf, "SearchHit")
				case "node":
					if err := r.node.write(buf, "", h.Node); err != nil {
						buf.Truncate(written)
						return err
					}
				case "label":
					writeString(buf, string(h.Node.Label()))
				case "score":
					if err := writeFloat(buf, h.Score); err != nil {
						buf.Truncate(written)
						return err
					}
				}
			}
			buf.WriteByte('}')
		}
		buf.WriteByte(']')
		return nil
	case rootNeighborhood:
		sg, err := s.Neighborhood(ctx, r.hood)
		if err != nil {
			return err
		}
		r.subgraph.write(buf, sg)
		return nil
	case rootLookup:
		v, err := s.NodeProjected(ctx, r.label, r.key, r.value, r.proj)
		if errors.Is(err, store.ErrNotFound) && r.label == store.LabelAgreement {
			return graph.AgreementNotFound(ctx, s, r.value) // as the resolver answers
		}
		if errors.Is(err, store.ErrNotFound) {
			buf.WriteString("null")
			return nil
		}
		if err != nil {
			return err
		}
		written := buf.Len()
		if err := r.node.write(buf, string(r.label), v); err != nil {
			buf.Truncate(written)
			return err
		}
		return nil
	}
	var page store.ProjectedPage
	if !r.countOnly {
		// Each node is written as its record arrives (see ListProjected),
		// into a scratch buffer, and kept as its own JSON.
		var scratch bytes.Buffer
		var failed error
		render := func(v store.Projected) []byte {
			scratch.Reset()
			if err := r.node.write(&scratch, string(r.label), v); err != nil && failed == nil {
				failed = err
			}
			return bytes.Clone(scratch.Bytes())
		}
		var err error
		if page, err = s.ListProjected(ctx, r.label, r.list, r.proj, render); err != nil {
			return err
		}
		if failed != nil {
			return failed
		}
	}
	count := -1
	written := buf.Len() // what to keep if the count fails
	buf.WriteByte('{')
	for i, c := range r.conn {
		writeField(buf, i, c.Alias)
		switch c.Name {
		case "__typename":
			writeString(buf, r.connType)
		case "totalCount":
			if count < 0 {
				n, err := s.CountNodes(ctx, r.label, r.list.Where)
				if err != nil {
					buf.Truncate(written)
					return err
				}
				count = n
			}
			buf.WriteString(strconv.Itoa(count))
		case "edges":
			r.writeEdges(buf, r.edges[c.Alias], page)
		case "pageInfo":
			writePageInfo(buf, r.pageInfo[c.Alias], len(page.Cursors), func(i int) string { return page.Cursors[i].Encode() }, page.HasPrevious, page.HasNext)
		}
	}
	buf.WriteByte('}')
	return nil
}

func (r rootPlan) writeEdges(buf *bytes.Buffer, fields []graphql.CollectedField, page store.ProjectedPage) {
	buf.WriteByte('[')
	for i, node := range page.Rendered {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('{')
		for j, f := range fields {
			writeField(buf, j, f.Alias)
			switch f.Name {
			case "__typename":
				writeString(buf, r.edgeType)
			case "cursor":
				writeString(buf, page.Cursors[i].Encode())
			case "node":
				buf.Write(node)
			}
		}
		buf.WriteByte('}')
	}
	buf.WriteByte(']')
}

// writePageInfo writes a connection's PageInfo for a page of n items;
// cursor encodes item i's cursor, only when startCursor or endCursor is
// selected.
func writePageInfo(buf *bytes.Buffer, fields []graphql.CollectedField, n int, cursor func(i int) string, hasPrevious, hasNext bool) {
	writeCursor := func(i int) {
		if n == 0 {
			buf.WriteString("null")
			return
		}
		writeString(buf, cursor(i))
	}
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.Alias)
		switch f.Name {
		case "__typename":
			writeString(buf, "PageInfo")
		case "hasNextPage":
			buf.WriteString(strconv.FormatBool(hasNext))
		case "hasPreviousPage":
			buf.WriteString(strconv.FormatBool(hasPrevious))
		case "startCursor":
			writeCursor(0)
		case "endCursor":
			writeCursor(n - 1)
		}
	}
	buf.WriteByte('}')
}

// write writes node v, whose type is typ unless the plan must read it
// from its labels. Its only error is errFallback.
func (o *objPlan) write(buf *bytes.Buffer, typ string, v store.Projected) error {
	if o.static != "" {
		typ = o.static
	} else if l := v.Label(); l != "" {
		typ = string(l)
	}
	fields := o.byType[typ]
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.alias)
		switch f.kind {
		case kindTypename:
			writeString(buf, typ)
		case kindScalar:
			writeScalar(buf, typ, f, v)
		case kindFlag, kindInt, kindStrings:
			writeValue(buf, f, v)
		case kindEvidence:
			writeEvidence(buf, f.evidence, v)
		case kindConnection:
			if err := f.conn.write(buf, typ, v, f.key); err != nil {
				return err
			}
		case kindNodes, kindItems:
			n := 0
			buf.WriteByte('[')
			for rel, other := range v.Edges(f.key) {
				if n++; n > 1 {
					buf.WriteByte(',')
				}
				var err error
				if f.kind == kindNodes {
					err = f.node.write(buf, "", other)
				} else {
					err = writeItem(buf, f.def.Type.Name(), f.item, typ, v, rel, other)
				}
				if err != nil {
					return err
				}
			}
			buf.WriteByte(']')
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeItem writes one relationship object (a Membership, …) of type
// itemType: its own properties rel, the node it was read from (self, of
// type selfType) and the other end.
func writeItem(buf *bytes.Buffer, itemType string, fields []fieldPlan, selfType string, self, rel, other store.Projected) error {
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.alias)
		if err := writeItemField(buf, itemType, f, selfType, self, rel, other); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeItemField writes the value of field f of a relationship object or
// a relationship connection's edge (of type itemType).
func writeItemField(buf *bytes.Buffer, itemType string, f fieldPlan, selfType string, self, rel, other store.Projected) error {
	switch f.kind {
	case kindTypename:
		writeString(buf, itemType)
	case kindScalar:
		writeScalar(buf, itemType, f, rel)
	case kindEvidence:
		writeEvidence(buf, f.evidence, rel)
	case kindSelf:
		return f.node.write(buf, selfType, self)
	case kindOther:
		if f.onlyLabel != "" && other.Label() != f.onlyLabel {
			buf.WriteString("null")
			return nil
		}
		return f.node.write(buf, "", other)
	default:
		buf.WriteString("null")
	}
	return nil
}

// writeValue writes the properties that are not strings as model.FromNode
// reads them: a Boolean false when missing (Country.historical), an Int
// null when missing (Organization.cowId), a list of strings [] when missing
// (Agreement.aliases).
func writeValue(buf *bytes.Buffer, f fieldPlan, v store.Projected) {
	switch f.kind {
	case kindFlag:
		b, _ := v.Prop(f.name).(bool)
		buf.WriteString(strconv.FormatBool(b))
	case kindInt:
		if n, ok := v.Prop(f.name).(int64); ok {
			buf.WriteString(strconv.FormatInt(n, 10))
		} else {
			buf.WriteString("null")
		}
	case kindStrings:
		list, _ := v.Prop(f.name).([]any)
		buf.WriteByte('[')
		n := 0
		for _, x := range list {
			if s, ok := x.(string); ok {
				if n > 0 {
					buf.WriteByte(',')
				}
				writeString(buf, s)
				n++
			}
		}
		buf.WriteByte(']')
	}
}

// writeScalar writes a property as model.FromNode and model.Rel read it:
// a non-null string as stored ("" when missing), a nullable one null when
// missing or empty, a date only when it is a valid Date, datePrecision
// from the property or else from startDate.
func writeScalar(buf *bytes.Buffer, typ string, f fieldPlan, v store.Projected) {
	s, ok := v.Prop(f.name).(string)
	switch {
	case f.name == "datePrecision" && typ == "Event":
		if ok && s != "" {
			buf.WriteString(strconv.Quote(s)) // as the enum's MarshalGQL writes it
			return
		}
		start, _ := v.Prop("startDate").(string)
		if d, err := model.ParseDate(start); err == nil && start != "" {
			d.Precision().MarshalGQL(buf)
			return
		}
		buf.WriteString("null")
	case f.def.Type.Name() == "Date":
		d, err := model.ParseDate(s)
		if !ok || err != nil {
			buf.WriteString("null")
			return
		}
		d.MarshalGQL(buf)
	case f.def.Type.NonNull:
		writeString(buf, s)
	case !ok || s == "":
		buf.WriteString("null")
	default:
		writeString(buf, s)
	}
}

func writeEvidence(buf *bytes.Buffer, fields []graphql.CollectedField, v store.Projected) {
	src, _ := v.Prop("sourceId").(string)
	quote, _ := v.Prop("evidence").(string)
	if src == "" && quote == "" {
		buf.WriteString("null")
		return
	}
	buf.WriteByte('{')
	for i, f := range fields {
		writeField(buf, i, f.Alias)
		switch f.Name {
		case "__typename":
			writeString(buf, "Evidence")
		case "sourceId":
			writeString(buf, src)
		case "quote":
			writeString(buf, quote)
		}
	}
	buf.WriteByte('}')
}
