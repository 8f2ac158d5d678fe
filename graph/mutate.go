package graph

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
	"github.com/lysoen/lysoen/seed/data"
	"github.com/lysoen/lysoen/seed/refdata"
)

// This file checks mutation input and maps store errors back to the
// argument at fault. Resolvers in mutations.resolvers.go stay thin:
// role -> checked input -> store -> model.

// writer checks the caller's role (the Authorizer has already refused the
// operation otherwise; this is the second lock) and returns the audit
// stamp of the write.
func writer(ctx context.Context, want auth.Role) (store.Audit, error) {
	p := auth.From(ctx)
	if err := p.Require(want); err != nil {
		return store.Audit{}, err
	}
	return store.Audit{By: p.Name, At: time.Now()}, nil
}

var (
	isoOnce  sync.Once
	isoCodes map[string]string // alpha-3 -> alpha-2
	isoErr   error
)

// logWrite records a committed write with who made it: the audit trail
// beside the createdBy/updatedBy properties.
func (r *Resolver) logWrite(ctx context.Context, op, id string, a store.Audit, extra ...any) {
	if r.Logger != nil {
		r.Logger.InfoContext(ctx, "write", append([]any{"op", op, "id", id, "by", a.By}, extra...)...)
	}
}

// isoAlpha2 returns the ISO 3166-1 alpha-2 code of an alpha-3 code from
// the embedded ISO list, and whether the code is in the list.
func isoAlpha2(iso3 string) (string, bool, error) {
	isoOnce.Do(func() {
		ds, err := refdata.Load(data.FS)
		if err != nil {
			isoErr = fmt.Errorf("load the ISO 3166 list: %w", err)
			return
		}
		isoCodes = make(map[string]string, len(ds.Countries))
		for _, c := range ds.Countries {
			isoCodes[c.ISO3] = c.ISO2
		}
	})
	if isoErr != nil {
		return "", false, isoErr
	}
	a2, ok := isoCodes[iso3]
	return a2, ok, nil
}

var slug = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,119}$`)

// checkID requires "<prefix><slug>" for the label, e.g. "org:icbl".
func checkID(arg, id string, l store.Label) error {
	prefix := store.PrefixOf(l)
	if !strings.HasPrefix(id, prefix) || !slug.MatchString(id[len(prefix):]) {
		return badInput(arg, "a %s id must be %s<slug> with a slug of lower-case letters, digits, '.', '_' or '-' (got %q)", l, prefix, id)
	}
	return nil
}

// props collects checked node properties for one upsert.
type props struct {
	m       map[string]any
	err     error
	allowed []string // properties `clear` may remove
}

// Text limits of written properties, in characters. A name is indexed,
// and Neo4j cannot index a value over about 8 KB (a 500-character name is
// at most 2,000 bytes).
const (
	maxNameChars  = 500
	maxTextChars  = 10_000 // other string properties and evidence quotes
	maxTextReason = "at most %d characters (got %d)"
)

// cleanText trims s and refuses what a reader would be misled by or could
// not see: control characters (a newline or tab only where multiline is
// allowed), bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069), text with no visible character (only U+200B and the
// like), and more than max characters.
func cleanText(arg, s string, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n > max {
		return "", badInput(arg, maxTextReason, max, n)
	}
	visible := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return "", badInput(arg, "is not valid UTF-8")
		case (r == '\n' || r == '\t' || r == '\r') && multiline:
		case unicode.IsControl(r):
			return "", badInput(arg, "must not contain control characters (found U+%04X)", r)
		case r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069:
			return "", badInput(arg, "must not contain bidirectional overrides (found U+%04X)", r)
		case !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r):
			visible = true
		}
	}
	if !visible {
		return "", badInput(arg, "must not be empty or invisible")
	}
	return s, nil
}

func newProps(name string, allowed ...string) *props {
	p := &props{m: map[string]any{}, allowed: allowed}
	clean, err := cleanText("input.name", name, maxNameChars, false)
	if err != nil {
		p.err = err
	}
	p.m["name"] = clean
	return p
}

func (p *props) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// str sets an optional string; an empty string is refused (use clear).
func (p *props) str(key string, v *string) {
	if v == nil {
		return
	}
	if strings.TrimSpace(*v) == "" {
		p.fail(badInput("input."+key, "must not be empty (to remove it, list %q in clear)", key))
		return
	}
	s, err := cleanText("input."+key, *v, maxTextChars, true)
	if err != nil {
		p.fail(err)
		return
	}
	p.m[key] = s
}

// enum sets an optional string that must be one of values.
func (p *props) enum(key string, v *string, values ...string) {
	if v == nil {
		return
	}
	if !slices.Contains(values, *v) {
		p.fail(badInput("input."+key, "must be one of %s (got %q)", strings.Join(values, ", "), *v))
		return
	}
	p.m[key] = *v
}

// setEnum sets an optional enum property, stored as the enum value's name
// (GraphQL has already refused any other value).
func setEnum[E ~string](p *props, key string, v *E) {
	if v != nil {
		p.m[key] = string(*v)
	}
}

func (p *props) date(key string, d *model.Date) {
	if d != nil {
		p.m[key] = string(*d)
	}
}

// ordered refuses an end date before a start date; dates of different
// precision compare by the days they cover ("1999" is not before "1999-02").
func (p *props) ordered(startKey string, start *model.Date, endKey string, end *model.Date) {
	if err := checkOrder(startKey, start, "input."+endKey, endKey, end); err != nil {
		p.fail(err)
	}
}

func checkOrder(startName string, start *model.Date, arg, endName string, end *model.Date) error {
	if start == nil || end == nil {
		return nil
	}
	first, _ := start.Range()
	_, last := end.Range()
	if last.Before(first) {
		return badInput(arg, "%s %s is before %s %s", endName, *end, startName, *start)
	}
	return nil
}

// clear removes the listed optional properties (nil values in the map).
func (p *props) clear(keys []string) {
	for _, k := range keys {
		if !slices.Contains(p.allowed, k) {
			p.fail(badInput("input.clear", "%q cannot be cleared (clearable: %s)", k, strings.Join(p.allowed, ", ")))
			return
		}
		if _, set := p.m[k]; set {
			p.fail(badInput("input.clear", "%q is both given and cleared", k))
			return
		}
		p.m[k] = nil
	}
}

// evidence checks an optional evidence input.
func evidence(arg string, in *model.EvidenceInput) (*store.Evidence, error) {
	if in == nil {
		return nil, nil
	}
	if err := checkID(arg+".sourceId", in.SourceID, store.LabelSource); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Quote) == "" {
		return nil, badInput(arg+".quote", "must not be empty: quote the passage the fact rests on")
	}
	q, err := cleanText(arg+".quote", in.Quote, maxTextChars, true)
	if err != nil {
		return nil, err
	}
	return &store.Evidence{SourceID: in.SourceID, Quote: q}, nil
}

// writeError maps store errors of a write to the argument at fault.
func writeError(err error, evidenceArg string) error {
	var has *store.HasRelationshipsError
	var end *store.EndpointError
	switch {
	case errors.Is(err, store.ErrNoSource):
		return badInput(evidenceArg+".sourceId", "%v (create it with upsertSource first)", err)
	case errors.As(err, &has):
		return badInput("detach", "%v", has)
	case errors.As(err, &end):
		return fmt.Errorf("input.%s: %w", end.End, err)
	}
	return err
}

// endpoints checks a link's ids and shape and returns the labels.
func endpoints(t model.RelationshipType, from, to string) (store.Label, store.Label, error) {
	fl, ok := store.LabelOfID(from)
	if !ok || fl == store.LabelSource {
		return "", "", badInput("input.from", "%q is not the id of a Country, Organization, IssueArea, Initiative, Event or Agreement", from)
	}
	tl, ok := store.LabelOfID(to)
	if !ok || tl == store.LabelSource {
		return "", "", badInput("input.to", "%q is not the id of a Country, Organization, IssueArea, Initiative, Event or Agreement", to)
	}
	if err := store.CheckEndpoints(store.RelType(t), fl, tl); err != nil {
		return "", "", badInput("input.type", "%v", err)
	}
	return fl, tl, nil
}

// relProp describes one property a relationship type accepts.
type relProp struct {
	date   bool
	values []string // allowed values; nil means any non-empty string
}

var relProps = map[model.RelationshipType]map[string]relProp{
	model.RelationshipTypeMemberOf: {
		"role": {values: enumNames(model.AllMembershipRole)}, "since": {date: true}, "until": {date: true},
	},
	model.RelationshipTypeParticipatedIn: {"role": {values: enumNames(model.AllParticipationRole)}},
	model.RelationshipTypeSignatoryOf: {
		"signed": {date: true}, "ratified": {date: true},
		"method": {values: enumNames(model.AllSignatureMethod)},
	},
	model.RelationshipTypeSeeksPartnershipWith: {"status": {values: enumNames(model.AllPartnershipStatus)}},
}

// enumNames are the names of an enum's values: the spellings the
// relationship properties are stored with, the same as the typed inputs'.
func enumNames[E ~string](all []E) []string {
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = string(e)
	}
	return out
}

// linkProps checks a link's properties against its type; null removes one.
func linkProps(t model.RelationshipType, raw any) (map[string]any, error) {
	out := map[string]any{}
	if raw == nil {
		return out, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, badInput("input.properties", "must be a JSON object")
	}
	spec := relProps[t]
	for k, v := range m {
		arg := "input.properties." + k
		ps, ok := spec[k]
		if !ok {
			names := make([]string, 0, len(spec))
			for n := range spec {
				names = append(names, n)
			}
			slices.Sort(names)
			if len(names) == 0 {
				return nil, badInput(arg, "%s takes no properties", t)
			}
			return nil, badInput(arg, "%s takes only %s", t, strings.Join(names, ", "))
		}
		if v == nil {
			out[k] = nil
			continue
		}
		s, isStr := v.(string)
		if !isStr || strings.TrimSpace(s) == "" {
			return nil, badInput(arg, "must be a non-empty string or null")
		}
		switch {
		case ps.date:
			if _, err := model.ParseDate(s); err != nil {
				return nil, badInput(arg, "%v", err)
			}
		case ps.values != nil && !slices.Contains(ps.values, s):
			return nil, badInput(arg, "must be one of %s (got %q)", strings.Join(ps.values, ", "), s)
		}
		out[k] = s
	}
	since, until := dateOf(out["since"]), dateOf(out["until"])
	if err := checkOrder("since", since, "input.properties.until", "until", until); err != nil {
		return nil, err
	}
	return out, nil
}

func dateOf(v any) *model.Date {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	d := model.Date(s)
	return &d
}

// ownProps are the relationship properties shown as Link.properties: the
// stored ones minus provenance and audit fields.
func ownProps(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch k {
		case "sourceId", "evidence", "createdAt", "updatedAt", "createdBy", "updatedBy", "changeSetId":
			continue
		}
		out[k] = v
	}
	return out
}

func toLink(l store.Linked) *model.Link {
	s := func(k string) string { v, _ := l.Props[k].(string); return v }
	opt := func(k string) *string {
		if v, ok := l.Props[k].(string); ok {
			return &v
		}
		return nil
	}
	return &model.Link{
		Type:       model.RelationshipType(l.Type),
		From:       model.FromNode(l.From, model.NewGroup([]store.Node{l.From})),
		To:         model.FromNode(l.To, model.NewGroup([]store.Node{l.To})),
		Properties: ownProps(l.Props),
		Evidence:   &model.Evidence{SourceID: s("sourceId"), Quote: s("evidence")},
		CreatedAt:  model.OptDateTime(opt("createdAt")), UpdatedAt: model.DateTime(s("updatedAt")), CreatedBy: opt("createdBy"), UpdatedBy: s("updatedBy"),
	}
}
