package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lysoen/lysoen/graph"
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// RelVotingAgreement is the type of a bloc export's edges: the voting
// agreement of two states, computed from their roll-call votes (not a
// relationship stored in the graph).
const RelVotingAgreement = "VOTING_AGREEMENT"

// MaxListNodes caps the nodes of a list export (the view's cap).
const MaxListNodes = store.MaxViewNodes

// bloc exports one bloc of the blocs partition: its states and, between
// each linked pair, their voting agreement over the window's roll calls.
func (h *Handler) bloc(r *http.Request, q *params) (*Graph, error) {
	ctx := r.Context()
	var a graph.BlocArgs
	var err error
	if s := q.str("issueAreaId"); s != "" {
		a.IssueAreaID = &s
	}
	if a.From, err = q.date("from"); err != nil {
		return nil, err
	}
	if a.To, err = q.date("to"); err != nil {
		return nil, err
	}
	if a.MinVotes, err = q.intp("minVotes"); err != nil {
		return nil, err
	}
	if a.Resolution, err = q.float("resolution"); err != nil {
		return nil, err
	}
	if a.Index, err = q.intp("index"); err != nil {
		return nil, err
	}
	if s := q.str("member"); s != "" {
		a.Member = &s
	}
	if err := q.unknown(); err != nil {
		return nil, err
	}
	if (a.Index == nil) == (a.Member == nil) {
		return nil, graph.BadArgument("index", "give exactly one of index (the bloc's position, 0 = the largest) and member (the id of one of its states)")
	}
	b, err := h.Resolver.BlocOf(ctx, a)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(b.Bloc.Members))
	for _, m := range b.Bloc.Members {
		ids = append(ids, m.ID)
	}
	q.subject = strconv.Itoa(b.Bloc.Index)
	if a.Member != nil {
		q.subject = *a.Member
	}
	sg, err := h.Store.InducedSubgraph(ctx, ids, nil)
	if err != nil {
		return nil, err
	}
	// The states only: the edges are their voting agreement.
	g := fromStore(sg.Nodes, nil)
	window := describeWindow(b.WindowFrom, b.WindowTo)
	if b.IssueAreaID != "" {
		window += ", roll calls addressing " + b.IssueAreaID
	}
	for _, t := range b.Ties {
		score := t.Score
		props := map[string]any{
			"score": t.Score, "votes": int64(t.Votes), "agreed": int64(t.Agreed),
			"firstVote": t.First, "lastVote": t.Last,
			"sourceId": store.VoteSourceID,
			"evidence": fmt.Sprintf("Voted alike in %d of the %d General Assembly roll calls both voted in (%s, %s to %s)", t.Agreed, t.Votes, window, t.First, t.Last),
		}
		if len(t.Differed) > 0 {
			list := make([]any, len(t.Differed))
			for i, id := range t.Differed {
				list[i] = id
			}
			props["rollCallsDiffered"] = list
		}
		g.Edges = append(g.Edges, Edge{ID: t.A + "|" + RelVotingAgreement + "|" + t.B, Type: RelVotingAgreement,
			Source: t.A, Target: t.B, Props: props, Weight: &score})
	}
	p := b.Partition
	g.Meta.Title = fmt.Sprintf("Voting bloc %d of %d (%d states) of the blocs partition: %s, minVotes %d, resolution %g; modularity %.4f over %d states, %d links and %d roll calls (%s, computed %s); edges: the voting agreement of each linked pair",
		b.Bloc.Index, len(p.Blocs), b.Bloc.Size, window, p.MinVotes, p.Resolution, p.Modularity, p.States, p.Links, p.RollCalls, p.Algorithm, p.ComputedAt)
	if missing := len(ids) - len(sg.Nodes); missing > 0 {
		g.Meta.Truncated = true
		g.Meta.Note = fmt.Sprintf("%d states of the bloc are no longer in the graph", missing)
	}
	return g, nil
}

func describeWindow(from, to string) string {
	switch {
	case from == "" && to == "":
		return "every roll call"
	case from == "":
		return "roll calls until " + to
	case to == "":
		return "roll calls from " + from
	}
	return "roll calls from " + from + " to " + to
}

// listBody is the body of POST /export/list; GET takes the same as
// parameters (where as JSON text, relationshipTypes comma-separated).
type listBody struct {
	List              string          `json:"list"`
	Where             json.RawMessage `json:"where"`
	RelationshipTypes []string        `json:"relationshipTypes"`
}

// list exports what a root list matches with its where: the nodes (at most
// MaxListNodes, in the list's order) and the relationships among them.
func (h *Handler) list(r *http.Request, q *params) (*Graph, error) {
	var body listBody
	if r.Method == http.MethodPost {
		if err := q.unknown(); err != nil {
			return nil, err
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			return nil, graph.BadArgument("body", "must be JSON {\"list\": \"countries\", \"where\": {...}, \"relationshipTypes\": [...]}: %v", err)
		}
	} else {
		body.List = q.str("list")
		if w := q.str("where"); w != "" {
			body.Where = json.RawMessage(w)
		}
		if s := q.str("relationshipTypes"); s != "" {
			for t := range strings.SplitSeq(s, ",") {
				body.RelationshipTypes = append(body.RelationshipTypes, strings.TrimSpace(t))
			}
		}
		if err := q.unknown(); err != nil {
			return nil, err
		}
	}
	if body.List == "" {
		return nil, graph.BadArgument("list", "is required: the root list to export (countries, organizations, …)")
	}
	if _, ok := graph.ExportLists[body.List]; !ok {
		return nil, graph.BadArgument("list", "%q is not a list that can be exported (one of countries, organizations, issueAreas, initiatives, events, agreements, rollCalls)", body.List)
	}
	if len(body.Where) > 0 && !json.Valid(body.Where) {
		return nil, graph.BadArgument("where", "must be JSON: the list's where input as in GraphQL variables")
	}
	types := make([]store.RelType, 0, len(body.RelationshipTypes))
	for _, t := range body.RelationshipTypes {
		if !model.RelationshipType(t).IsValid() {
			return nil, graph.BadArgument("relationshipTypes", "%q is not a relationship type (one of %v)", t, model.AllRelationshipType)
		}
		types = append(types, store.RelType(t))
	}
	m, err := h.Resolver.ListIDs(r.Context(), body.List, body.Where, MaxListNodes)
	if err != nil {
		return nil, err
	}
	q.subject = body.List
	where := "every item"
	if len(body.Where) > 0 && string(body.Where) != "null" {
		where = "where " + compactJSON(body.Where)
	}
	if len(m.IDs) == 0 {
		g := &Graph{Nodes: []Node{}, Edges: []Edge{}}
		g.Meta.Title = fmt.Sprintf("The %s list, %s: nothing matches", body.List, where)
		return g, nil
	}
	sg, err := h.Store.InducedSubgraph(r.Context(), m.IDs, types)
	if err != nil {
		return nil, err
	}
	g := fromStore(sg.Nodes, sg.Edges)
	g.Meta.Title = fmt.Sprintf("The %s list, %s: %d nodes and the relationships among them", body.List, where, len(sg.Nodes))
	if len(body.RelationshipTypes) > 0 {
		g.Meta.Title += " of the types " + strings.Join(body.RelationshipTypes, ", ")
	}
	var notes []string
	if m.Total > len(m.IDs) {
		notes = append(notes, fmt.Sprintf("the list matches %d nodes: the first %d in its order are exported", m.Total, len(m.IDs)))
	}
	if sg.Truncated {
		notes = append(notes, fmt.Sprintf("more relationships lie among these nodes than the cap (%d per node): the first ones read are included", store.EdgesPerNode))
	}
	if len(notes) > 0 {
		g.Meta.Truncated = true
		g.Meta.Note = strings.Join(notes, "; ")
	}
	return g, nil
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}

// date reads an optional date parameter (1999, 1999-06 or 1999-06-15).
func (q *params) date(name string) (*model.Date, error) {
	s := q.str(name)
	if s == "" {
		return nil, nil
	}
	d, err := model.ParseDate(s)
	if err != nil {
		return nil, graph.BadArgument(name, "%s", err.Error())
	}
	return &d, nil
}

// float reads an optional number parameter.
func (q *params) float(name string) (*float64, error) {
	s := q.str(name)
	if s == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, graph.BadArgument(name, "must be a number (got %q)", s)
	}
	return &f, nil
}
