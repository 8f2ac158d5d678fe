package model

import "github.com/lysoen/lysoen/graph/store"

// Group is a set of sibling nodes loaded together (one page, or the other
// ends of one batch of edges). When a relationship field is resolved for one
// member, the loader fetches it for the whole group in one Cypher round trip,
// so round trips grow with the depth of a query, not with its rows.
type Group struct {
	IDs []string
}

// NewGroup makes the group of the given nodes and returns it.
func NewGroup(nodes []store.Node) *Group {
	g := &Group{IDs: make([]string, 0, len(nodes))}
	seen := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		if id := n.ID(); !seen[id] {
			seen[id] = true
			g.IDs = append(g.IDs, id)
		}
	}
	return g
}

// FromNode turns a stored node into its GraphQL model, or nil for a label
// the API does not expose.
func FromNode(n store.Node, g *Group) Node {
	p := props(n.Props)
	switch n.Label {
	case store.LabelCountry:
		return &Country{Group: g, ID: p.str("id"), Name: p.str("name"), Iso3: p.str("iso3"), Iso2: p.opt("iso2"), Region: p.opt("region"),
			SubRegion: p.opt("subRegion"), M49: p.opt("m49"), Historical: p.flag("historical") != nil && *p.flag("historical"), Evidence: p.evidence()}
	case store.LabelOrganization:
		return &Organization{Group: g, ID: p.str("id"), Name: p.str("name"), Kind: Enum[ActorKind](p.opt("kind")), Acronym: p.opt("acronym"),
			CowID: p.integer("cowId"), StartDate: p.date("startDate"), EndDate: p.date("endDate"), Evidence: p.evidence()}
	case store.LabelIssueArea:
		return &IssueArea{Group: g, ID: p.str("id"), Name: p.str("name"), Description: p.opt("description"), Evidence: p.evidence()}
	case store.LabelInitiative:
		return &Initiative{Group: g, ID: p.str("id"), Name: p.str("name"), Kind: Enum[InitiativeKind](p.opt("kind")), Objective: p.opt("objective"),
			StartDate: p.date("startDate"), EndDate: p.date("endDate"), Evidence: p.evidence()}
	case store.LabelEvent:
		e := &Event{Group: g, ID: p.str("id"), Name: p.str("name"), Kind: Enum[EventKind](p.opt("kind")), StartDate: p.date("startDate"), EndDate: p.date("endDate"),
			Location: p.opt("location"), Status: Enum[EventStatus](p.opt("status")), Evidence: p.evidence()}
		if dp := p.opt("datePrecision"); dp != nil {
			v := DatePrecision(*dp)
			e.DatePrecision = &v
		} else if e.StartDate != nil {
			v := e.StartDate.Precision()
			e.DatePrecision = &v
		}
		return e
	case store.LabelAgreement:
		return &Agreement{Group: g, ID: p.str("id"), Name: p.str("name"), Kind: p.opt("kind"), AdoptedOn: p.date("adoptedOn"),
			OpenYear: p.date("openYear"), MtdsgNo: p.opt("mtdsgNo"), SourceURL: p.opt("sourceUrl"), Acronym: p.opt("acronym"), Aliases: p.strs("aliases"), Evidence: p.evidence()}
	case store.LabelSource:
		return &Source{Group: g, ID: p.str("id"), Title: p.str("title"), Date: p.date("date"), File: p.opt("file"), URL: p.opt("url")}
	case store.LabelRollCall:
		r := &RollCall{Group: g, ID: p.str("id"), Name: p.str("name"), Date: p.date("date"), Resolution: p.opt("resolution"),
			Title: p.opt("title"), Description: p.opt("description"), Important: p.flag("important"), Amendment: p.flag("amendment"),
			Paragraph: p.flag("paragraph"), Evidence: p.evidence()}
		if n := p.integer("rcid"); n != nil {
			r.Rcid = *n
		}
		if n := p.integer("session"); n != nil {
			r.Session = *n
		}
		return r
	}
	return nil
}

// FromNodes converts a list of nodes sharing one new group.
func FromNodes(nodes []store.Node) []Node {
	g := NewGroup(nodes)
	out := make([]Node, 0, len(nodes))
	for _, n := range nodes {
		if m := FromNode(n, g); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// RelProps reads the common properties of a relationship.
type RelProps struct{ p props }

// Rel wraps relationship properties for reading.
func Rel(m map[string]any) RelProps { return RelProps{props(m)} }

func (r RelProps) Str(k string) *string { return r.p.opt(k) }
func (r RelProps) Date(k string) *Date  { return r.p.date(k) }
func (r RelProps) Evidence() *Evidence  { return r.p.evidence() }

type props map[string]any

func (p props) str(k string) string {
	s, _ := p[k].(string)
	return s
}

func (p props) opt(k string) *string {
	s, ok := p[k].(string)
	if !ok || s == "" {
		return nil
	}
	return &s
}

// Enum converts a stored string to the enum value of that name (the
// stored spelling is the enum value's name); values outside the enum,
// which the writers never store, are dropped rather than shown wrong.
func Enum[E interface {
	~string
	IsValid() bool
}](s *string) *E {
	if s == nil {
		return nil
	}
	e := E(*s)
	if !e.IsValid() {
		return nil
	}
	return &e
}

// date returns a stored date string; values that are not valid dates (which
// the writers never store) are dropped rather than shown wrong.
func (p props) date(k string) *Date {
	s, ok := p[k].(string)
	if !ok {
		return nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return nil
	}
	return &d
}

// integer reads an INTEGER property (int64 from the driver).
func (p props) integer(k string) *int {
	n, ok := p[k].(int64)
	if !ok {
		return nil
	}
	i := int(n)
	return &i
}

// flag reads a BOOLEAN property; nil when absent.
func (p props) flag(k string) *bool {
	b, ok := p[k].(bool)
	if !ok {
		return nil
	}
	return &b
}

// strs reads a list of strings; never nil, so a list field answers [].
func (p props) strs(k string) []string {
	raw, _ := p[k].([]any)
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (p props) evidence() *Evidence {
	src, q := p.str("sourceId"), p.str("evidence")
	if src == "" && q == "" {
		return nil
	}
	return &Evidence{SourceID: src, Quote: q}
}
