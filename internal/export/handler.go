package export

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
)

// Formats and their media types and file extensions.
var formats = map[string]struct {
	contentType, ext string
	write            func(io.Writer, *Graph) error
}{
	"gexf":    {"application/gexf+xml; charset=utf-8", "gexf", WriteGEXF},
	"graphml": {"application/graphml+xml; charset=utf-8", "graphml", WriteGraphML},
	"csv":     {"application/zip", "zip", WriteCSVZip},
}

// Handler serves GET /export/neighborhood, /export/path and
// /export/coalition: the subgraphs of the GraphQL fields neighborhood,
// connectionPath and coalition, with the same arguments, defaults, caps and
// roles, as a file. Errors are JSON like GraphQL errors (extensions.code),
// mapped by the GraphQL error presenter, with the HTTP status of their code.
type Handler struct {
	Store  *store.Store
	Logger *slog.Logger
	// Present maps an error to a typed GraphQL error (graph.ErrorPresenter).
	Present graphql.ErrorPresenterFunc
	// Version returns the dataset version and its last write.
	Version func() (id string, lastWrite time.Time)
	// RequestID returns the request's id, for error bodies.
	RequestID func(context.Context) string
	// Resolver answers the bloc and list exports with the GraphQL fields'
	// own code (graph.Resolver.BlocOf, ListIDs).
	Resolver *graph.Resolver
}

// Mount adds the export routes to mux, each wrapped by wrap (authentication).
func (h *Handler) Mount(mux *http.ServeMux, wrap func(http.Handler) http.Handler) {
	mux.Handle("GET /export/neighborhood", wrap(h.serve("neighborhood", h.neighborhood)))
	mux.Handle("GET /export/path", wrap(h.serve("path", h.path)))
	mux.Handle("GET /export/coalition", wrap(h.serve("coalition", h.coalition)))
	mux.Handle("POST /export/view", wrap(h.serve("view", h.view)))
	mux.Handle("GET /export/bloc", wrap(h.serve("bloc", h.bloc)))
	mux.Handle("GET /export/list", wrap(h.serve("list", h.list)))
	mux.Handle("POST /export/list", wrap(h.serve("list", h.list)))
}

// reader reads a subgraph from the query's parameters (format removed).
type reader func(r *http.Request, q *params) (*Graph, error)

// Common parameters of every export.
var commonParams = []string{"format"}

func (h *Handler) serve(kind string, read reader) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := auth.From(ctx).Require(auth.RoleReader); err != nil {
			h.fail(w, r, err)
			return
		}
		q := &params{values: r.URL.Query()}
		fname := q.str("format")
		if fname == "" {
			fname = "gexf"
		}
		f, ok := formats[fname]
		if !ok {
			h.fail(w, r, graph.BadArgument("format", "must be gexf, graphml or csv (got %q)", fname))
			return
		}
		g, err := read(r, q)
		if err == nil {
			err = q.unknown()
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		g.Meta.Query = r.URL.Path + "?" + r.URL.RawQuery
		g.Meta.Generated = time.Now().UTC()
		g.Meta.About = baseURL(r) + "/about"
		if h.Version != nil {
			g.Meta.DatasetVersion, g.Meta.LastWrite = h.Version()
		}
		hdr := w.Header()
		hdr.Set("Content-Type", f.contentType)
		hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="lysoen-%s-%s.%s"`, kind, fileSafe(q.subject), f.ext))
		hdr.Set("X-Lysoen-Dataset-Version", g.Meta.DatasetVersion)
		hdr.Set("X-Lysoen-Truncated", strconv.FormatBool(g.Meta.Truncated))
		bw := bufio.NewWriterSize(w, 32<<10)
		if err := f.write(bw, g); err != nil {
			// The status is sent: a client that went away, or a broken
			// connection. The file ends early; say so in the log.
			h.Logger.WarnContext(ctx, "export cut short", "kind", kind, "format", fname, "err", err)
			return
		}
		if err := bw.Flush(); err != nil {
			h.Logger.WarnContext(ctx, "export cut short", "kind", kind, "format", fname, "err", err)
		}
	})
}

func (h *Handler) neighborhood(r *http.Request, q *params) (*Graph, error) {
	ctx := r.Context()
	id := q.str("id")
	depth, err := q.intp("depth")
	if err != nil {
		return nil, err
	}
	limit, err := q.intp("limit")
	if err != nil {
		return nil, err
	}
	types, err := q.relTypes()
	if err != nil {
		return nil, err
	}
	asOf, err := q.asOf()
	if err != nil {
		return nil, err
	}
	q.subject = id
	if err := q.unknown(); err != nil {
		return nil, err
	}
	sg, err := graph.NeighborhoodOf(ctx, h.Store, id, depth, limit, types, asOf, nil, true)
	if err != nil {
		return nil, err
	}
	d, n := 1, graph.DefaultNeighborhoodLimit
	if depth != nil {
		d = *depth
	}
	if limit != nil {
		n = *limit
	}
	g := fromStore(sg.Nodes, sg.Edges)
	g.Meta.Title = fmt.Sprintf("Neighbourhood of %s, depth %d, at most %d nodes", id, d, n)
	if sg.Truncated {
		g.Meta.Truncated = true
		g.Meta.Note = fmt.Sprintf("the node limit (%d) or the edge budget (%d relationships) cut this neighbourhood: more nodes or relationships lie within depth %d", n, store.EdgesPerNode*n, d)
	}
	return g, nil
}

func (h *Handler) path(r *http.Request, q *params) (*Graph, error) {
	ctx := r.Context()
	from, to := q.str("from"), q.str("to")
	hops, err := q.intp("maxHops")
	if err != nil {
		return nil, err
	}
	types, err := q.relTypes()
	if err != nil {
		return nil, err
	}
	all, err := q.boolean("allShortest")
	if err != nil {
		return nil, err
	}
	asOf, err := q.asOf()
	if err != nil {
		return nil, err
	}
	q.subject = from + "-" + to
	if err := q.unknown(); err != nil {
		return nil, err
	}
	p, err := graph.PathBetween(ctx, h.Store, from, to, hops, types, asOf, nil, all)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errNoPath
	}
	g := fromStore(p.Nodes, p.Edges)
	which := "A shortest path"
	if all {
		which = "Every shortest path"
	}
	g.Meta.Title = fmt.Sprintf("%s from %s to %s (length %d)", which, from, to, p.Length)
	if p.Truncated {
		g.Meta.Truncated = true
		g.Meta.Note = fmt.Sprintf("more than %d shortest paths: the first %d (by node ids) are included", store.MaxShortestPaths, store.MaxShortestPaths)
	}
	return g, nil
}

func (h *Handler) coalition(r *http.Request, q *params) (*Graph, error) {
	ctx := r.Context()
	id := q.str("initiativeId")
	asOf, err := q.asOf()
	if err != nil {
		return nil, err
	}
	q.subject = id
	if asOf != nil {
		q.subject += "-" + string(*asOf)
	}
	if err := q.unknown(); err != nil {
		return nil, err
	}
	rows, capped, err := graph.CoalitionAt(ctx, h.Store, id, asOf)
	if err != nil {
		return nil, err
	}
	g := &Graph{}
	seen := map[string]bool{}
	for i, row := range rows {
		if i == 0 {
			g.Nodes = append(g.Nodes, node(row.Group))
			seen[row.Group.ID()] = true
		}
		if a := row.Actor.ID(); !seen[a] {
			seen[a] = true
			g.Nodes = append(g.Nodes, node(row.Actor))
		}
		g.Edges = append(g.Edges, edge(store.GraphEdge{Type: store.RelMemberOf, Source: row.Actor.ID(), Target: row.Group.ID(), Props: row.Props}))
	}
	if len(rows) == 0 {
		// No member at that date: the group alone.
		// (CoalitionAt found it: an initiative or an organization.)
		grp, err := h.Store.NodeByID(ctx, store.LabelInitiative, id)
		if errors.Is(err, store.ErrNotFound) {
			grp, err = h.Store.NodeByID(ctx, store.LabelOrganization, id)
		}
		if err != nil {
			return nil, err
		}
		g.Nodes = append(g.Nodes, node(grp))
	}
	g.Meta.Title = "Members of " + id
	if asOf != nil {
		g.Meta.Title += " as of " + string(*asOf) + " (a year or month stands for its first day)"
	} else {
		g.Meta.Title += ", every membership"
	}
	if capped {
		g.Meta.Truncated = true
		g.Meta.Note = fmt.Sprintf("the group has more than %d memberships: the first %d by actor name were read", store.MaxCoalitionRows, store.MaxCoalitionRows)
	}
	return g, nil
}

// viewBody is the body of POST /export/view: the ids of the nodes shown
// and the relationship types ticked (every type when empty).
type viewBody struct {
	IDs               []string `json:"ids"`
	RelationshipTypes []string `json:"relationshipTypes"`
}

// view exports what a client shows: the nodes with the given ids, read
// again from the database, and the relationships among them.
func (h *Handler) view(r *http.Request, q *params) (*Graph, error) {
	if err := q.unknown(); err != nil {
		return nil, err
	}
	var body viewBody
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, graph.BadArgument("body", "must be JSON {\"ids\": [...], \"relationshipTypes\": [...]}: %v", err)
	}
	if len(body.IDs) == 0 || len(body.IDs) > store.MaxViewNodes {
		return nil, graph.BadArgument("ids", "must hold 1 to %d node ids (got %d)", store.MaxViewNodes, len(body.IDs))
	}
	types := make([]store.RelType, 0, len(body.RelationshipTypes))
	for _, t := range body.RelationshipTypes {
		if !model.RelationshipType(t).IsValid() {
			return nil, graph.BadArgument("relationshipTypes", "%q is not a relationship type (one of %v)", t, model.AllRelationshipType)
		}
		types = append(types, store.RelType(t))
	}
	sg, err := h.Store.InducedSubgraph(r.Context(), body.IDs, types)
	if err != nil {
		return nil, err
	}
	q.subject = fmt.Sprintf("%d-nodes", len(sg.Nodes))
	g := fromStore(sg.Nodes, sg.Edges)
	g.Meta.Title = fmt.Sprintf("A view of %d nodes and the relationships among them", len(sg.Nodes))
	if len(body.RelationshipTypes) > 0 {
		g.Meta.Title += " of the types " + strings.Join(body.RelationshipTypes, ", ")
	}
	if missing := len(body.IDs) - len(sg.Nodes); missing > 0 {
		g.Meta.Title += fmt.Sprintf(" (%d of the ids asked for are not in the graph)", missing)
	}
	if sg.Truncated {
		g.Meta.Truncated = true
		g.Meta.Note = fmt.Sprintf("more relationships lie among these nodes than the cap (%d per node): the first ones read are included", store.EdgesPerNode)
	}
	return g, nil
}

// errNoPath is the answer when both ends exist but no path lies within
// maxHops: NOT_FOUND, as the error presenter maps store.ErrNotFound.
var errNoPath = fmt.Errorf("no path between from and to within maxHops: %w", store.ErrNotFound)

func fromStore(ns []store.Node, es []store.GraphEdge) *Graph {
	g := &Graph{Nodes: make([]Node, 0, len(ns)), Edges: make([]Edge, 0, len(es))}
	for _, n := range ns {
		g.Nodes = append(g.Nodes, node(n))
	}
	for _, e := range es {
		g.Edges = append(g.Edges, edge(e))
	}
	return g
}

func node(n store.Node) Node {
	name, _ := n.Props["name"].(string)
	if name == "" {
		name, _ = n.Props["title"].(string)
	}
	return Node{ID: n.ID(), Type: string(n.Label), Name: name, Props: n.Props}
}

func edge(e store.GraphEdge) Edge {
	return Edge{ID: e.Key(), Type: string(e.Type), Source: e.Source, Target: e.Target, Props: e.Props}
}

// fail writes err as a GraphQL-style error body with the status of its code.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	gqlErr := h.Present(ctx, err)
	code, _ := gqlErr.Extensions["code"].(string)
	status := statusOf(code)
	rid := ""
	if h.RequestID != nil {
		rid = h.RequestID(ctx)
	}
	if rid != "" {
		gqlErr.Extensions["requestId"] = rid
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lysoen"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []*gqlerror.Error{gqlErr}})
}

// statusOf is the HTTP status of an error code.
func statusOf(code string) int {
	switch code {
	case graph.CodeBadUserInput, graph.CodeBadRequest, errcode.ValidationFailed, errcode.ParseFailed:
		return http.StatusBadRequest
	case graph.CodeNotFound:
		return http.StatusNotFound
	case graph.CodeUnauthenticated:
		return http.StatusUnauthorized
	case graph.CodeForbidden:
		return http.StatusForbidden
	case graph.CodeTimeout:
		return http.StatusGatewayTimeout
	case graph.CodeServiceUnavailable:
		return http.StatusServiceUnavailable
	case graph.CodeRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// params reads query parameters and remembers which were used, so an
// unknown (misspelt) one is refused rather than ignored.
type params struct {
	values  url.Values
	used    []string
	subject string // what the file is about, for its name
}

func (q *params) str(name string) string {
	q.used = append(q.used, name)
	return strings.TrimSpace(q.values.Get(name))
}

func (q *params) intp(name string) (*int, error) {
	s := q.str(name)
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, graph.BadArgument(name, "must be an integer (got %q)", s)
	}
	return &n, nil
}

func (q *params) boolean(name string) (bool, error) {
	s := q.str(name)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, graph.BadArgument(name, "must be true or false (got %q)", s)
	}
	return b, nil
}

// relTypes reads relationshipTypes: comma-separated, each a model type.
func (q *params) relTypes() ([]model.RelationshipType, error) {
	s := q.str("relationshipTypes")
	if s == "" {
		return nil, nil
	}
	var out []model.RelationshipType
	for t := range strings.SplitSeq(s, ",") {
		rt := model.RelationshipType(strings.TrimSpace(t))
		if !rt.IsValid() {
			return nil, graph.BadArgument("relationshipTypes", "%q is not a relationship type (one of %v)", string(rt), model.AllRelationshipType)
		}
		out = append(out, rt)
	}
	return out, nil
}

func (q *params) unknown() error {
	for name := range q.values {
		if !slices.Contains(q.used, name) && !slices.Contains(commonParams, name) {
			return graph.BadArgument(name, "is not a parameter of this export")
		}
	}
	return nil
}

// baseURL is the scheme and host the client used.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// fileSafe keeps letters, digits, '-' and '.' of s for a file name.
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return string(b)
}

// asOf reads the optional asOf parameter: a date at its precision, as the
// GraphQL fields' asOf argument (the scope's rule of time).
func (q *params) asOf() (*model.Date, error) {
	s := q.str("asOf")
	if s == "" {
		return nil, nil
	}
	d, err := model.ParseDate(s)
	if err != nil {
		return nil, graph.BadArgument("asOf", "%s", err.Error())
	}
	return &d, nil
}
