package graph

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/internal/auth"
)

// This file turns upsert inputs (with their nested relationships) and
// batches into checked store writes, and the store's findings back into
// errors naming the field (and, in a batch, the change) at fault. Every
// check here runs before any Cypher.

// IndexedError is the failure of change Index of an applyChanges batch;
// the error presenter puts the index in extensions.index.
type IndexedError struct {
	Index int
	Err   error
}

func (e *IndexedError) Error() string { return fmt.Sprintf("change %d: %v", e.Index, e.Err) }
func (e *IndexedError) Unwrap() error { return e.Err }

// toUpsert finishes a node upsert from checked properties.
func toUpsert(l store.Label, id string, p *props, ev *model.EvidenceInput, expectedAt *model.DateTime) (store.Upsert, error) {
	if p.err != nil {
		return store.Upsert{}, p.err
	}
	e, err := evidence("input.evidence", ev)
	if err != nil {
		return store.Upsert{}, err
	}
	var expected *string
	if expectedAt != nil {
		s := string(*expectedAt)
		expected = &s
	}
	return store.Upsert{Label: l, ID: id, Props: p.m, Evidence: e, ExpectedUpdatedAt: expected}, nil
}

// nestedLinks collects the relationships an upsert input lists, checked
// against the model like `link`. A link without evidence takes the node's.
type nestedLinks struct {
	u   *store.Upsert
	err error
}

func (n *nestedLinks) fail(err error) {
	if n.err == nil {
		n.err = err
	}
}

// add checks one nested relationship; arg is its place, e.g. "input.memberOf.0".
func (n *nestedLinks) add(arg string, t model.RelationshipType, to string, raw map[string]any, ev *model.EvidenceInput) {
	if n.err != nil {
		return
	}
	tl, ok := store.LabelOfID(to)
	if !ok || tl == store.LabelSource {
		n.fail(badInput(arg+".to", "%q is not the id of a Country, Organization, IssueArea, Initiative, Event or Agreement", to))
		return
	}
	if err := store.CheckEndpoints(store.RelType(t), n.u.Label, tl); err != nil {
		n.fail(badInput(arg+".to", "%v", err))
		return
	}
	props, err := linkProps(t, raw)
	if err != nil {
		var in *InputError
		if errors.As(err, &in) {
			in.Argument = strings.Replace(in.Argument, "input.properties", arg+".properties", 1)
		}
		n.fail(err)
		return
	}
	var e *store.Evidence
	if ev != nil {
		if e, err = evidence(arg+".evidence", ev); err != nil {
			n.fail(err)
			return
		}
	} else if n.u.Evidence != nil {
		e = n.u.Evidence
	} else {
		n.fail(badInput(arg+".evidence", "is required when the node has no evidence: every relationship rests on a source"))
		return
	}
	n.u.Links = append(n.u.Links, store.NestedLink{Type: store.RelType(t), To: to, ToLabel: tl, Props: props,
		Evidence: *e, Arg: strings.TrimPrefix(arg, "input.")})
}

// typed reads the typed nested inputs (memberOf, participatedIn, signed) as
// LinkInput.properties, so one check covers both; their argument names
// then point at the typed fields (input.memberOf.0.since).
func (n *nestedLinks) typed(arg string, t model.RelationshipType, to string, m map[string]any, ev *model.EvidenceInput) {
	before := n.err
	n.add(arg, t, to, m, ev)
	var in *InputError
	if n.err != before && errors.As(n.err, &in) {
		in.Argument = strings.Replace(in.Argument, arg+".properties.", arg+".", 1)
	}
}

func setDate(m map[string]any, k string, d *model.Date) {
	if d != nil {
		m[k] = string(*d)
	}
}

func (n *nestedLinks) actor(memberOf []*model.MembershipLinkInput, participatedIn []*model.ParticipationLinkInput, signed []*model.SignatureLinkInput) {
	for i, l := range memberOf {
		m := map[string]any{}
		if l.Role != nil {
			m["role"] = string(*l.Role)
		}
		setDate(m, "since", l.Since)
		setDate(m, "until", l.Until)
		n.typed("input.memberOf."+strconv.Itoa(i), model.RelationshipTypeMemberOf, l.To, m, l.Evidence)
	}
	for i, l := range participatedIn {
		m := map[string]any{}
		if l.Role != nil {
			m["role"] = string(*l.Role)
		}
		n.typed("input.participatedIn."+strconv.Itoa(i), model.RelationshipTypeParticipatedIn, l.To, m, l.Evidence)
	}
	for i, l := range signed {
		m := map[string]any{}
		setDate(m, "signed", l.Signed)
		setDate(m, "ratified", l.Ratified)
		if l.Method != nil {
			m["method"] = string(*l.Method)
		}
		n.typed("input.signed."+strconv.Itoa(i), model.RelationshipTypeSignatoryOf, l.To, m, l.Evidence)
	}
}

func (n *nestedLinks) generic(links []*model.NestedLinkInput) {
	for i, l := range links {
		arg := "input.links." + strconv.Itoa(i)
		var raw map[string]any
		if l.Properties != nil {
			m, ok := l.Properties.(map[string]any)
			if !ok {
				n.fail(badInput(arg+".properties", "must be a JSON object"))
				return
			}
			raw = m
		}
		n.add(arg, l.Type, l.To, raw, l.Evidence)
	}
}

// withLinks adds the nested relationships to a checked upsert.
func withLinks(u store.Upsert, err error, add func(n *nestedLinks)) (store.Upsert, error) {
	if err != nil {
		return u, err
	}
	n := &nestedLinks{u: &u}
	add(n)
	return u, n.err
}

func buildCountry(in model.CountryInput) (store.Upsert, error) {
	iso3 := in.Iso3
	a2, known, err := isoAlpha2(iso3)
	switch {
	case err != nil:
		return store.Upsert{}, err
	case !known:
		return store.Upsert{}, badInput("input.iso3", "%q is not an ISO 3166-1 alpha-3 code (three capital letters from the ISO list, e.g. CAN)", iso3)
	case in.Iso2 != nil && *in.Iso2 != a2:
		return store.Upsert{}, badInput("input.iso2", "the ISO 3166-1 alpha-2 code of %s is %s, not %q", iso3, a2, *in.Iso2)
	}
	p := newProps(in.Name, "region", "subRegion")
	p.m["iso3"], p.m["iso2"] = iso3, a2
	p.str("region", in.Region)
	p.str("subRegion", in.SubRegion)
	p.clear(in.Clear)
	u, err := toUpsert(store.LabelCountry, "country:"+iso3, p, in.Evidence, in.ExpectedUpdatedAt)
	return withLinks(u, err, func(n *nestedLinks) { n.actor(in.MemberOf, in.ParticipatedIn, in.Signed); n.generic(in.Links) })
}

func buildOrganization(in model.OrganizationInput) (store.Upsert, error) {
	p := newProps(in.Name, "kind", "acronym")
	p.fail(checkID("input.id", in.ID, store.LabelOrganization))
	if in.Kind != nil && *in.Kind == model.ActorKindCountry {
		p.fail(badInput("input.kind", "COUNTRY is not an organization kind (write a country with upsertCountry)"))
	}
	setEnum(p, "kind", in.Kind)
	p.str("acronym", in.Acronym)
	p.clear(in.Clear)
	u, err := toUpsert(store.LabelOrganization, in.ID, p, in.Evidence, in.ExpectedUpdatedAt)
	return withLinks(u, err, func(n *nestedLinks) { n.actor(in.MemberOf, in.ParticipatedIn, in.Signed); n.generic(in.Links) })
}

func buildIssueArea(in model.IssueAreaInput) (store.Upsert, error) {
	p := newProps(in.Name, "description")
	p.fail(checkID("input.id", in.ID, store.LabelIssueArea))
	p.str("description", in.Description)
	p.clear(in.Clear)
	return toUpsert(store.LabelIssueArea, in.ID, p, in.Evidence, in.ExpectedUpdatedAt)
}

func buildInitiative(in model.InitiativeInput) (store.Upsert, error) {
	p := newProps(in.Name, "kind", "objective", "startDate", "endDate")
	p.fail(checkID("input.id", in.ID, store.LabelInitiative))
	setEnum(p, "kind", in.Kind)
	p.str("objective", in.Objective)
	p.date("startDate", in.StartDate)
	p.date("endDate", in.EndDate)
	p.ordered("startDate", in.StartDate, "endDate", in.EndDate)
	p.clear(in.Clear)
	u, err := toUpsert(store.LabelInitiative, in.ID, p, in.Evidence, in.ExpectedUpdatedAt)
	return withLinks(u, err, func(n *nestedLinks) { n.generic(in.Links) })
}

func buildEvent(in model.EventInput) (store.Upsert, error) {
	p := newProps(in.Name, "kind", "startDate", "endDate", "location", "status")
	p.fail(checkID("input.id", in.ID, store.LabelEvent))
	setEnum(p, "kind", in.Kind)
	p.date("startDate", in.StartDate)
	p.date("endDate", in.EndDate)
	p.ordered("startDate", in.StartDate, "endDate", in.EndDate)
	p.str("location", in.Location)
	setEnum(p, "status", in.Status)
	p.clear(in.Clear)
	if in.StartDate != nil {
		p.m["datePrecision"] = string(in.StartDate.Precision())
	} else if _, cleared := p.m["startDate"]; cleared {
		p.m["datePrecision"] = nil
	}
	u, err := toUpsert(store.LabelEvent, in.ID, p, in.Evidence, in.ExpectedUpdatedAt)
	return withLinks(u, err, func(n *nestedLinks) { n.generic(in.Links) })
}

func buildAgreement(in model.AgreementInput) (store.Upsert, error) {
	p := newProps(in.Name, "kind", "adoptedOn")
	p.fail(checkID("input.id", in.ID, store.LabelAgreement))
	p.enum("kind", in.Kind, "DECLARATION", "TREATY", "CONVENTION", "PROTOCOL")
	p.date("adoptedOn", in.AdoptedOn)
	p.clear(in.Clear)
	u, err := toUpsert(store.LabelAgreement, in.ID, p, in.Evidence, in.ExpectedUpdatedAt)
	return withLinks(u, err, func(n *nestedLinks) { n.generic(in.Links) })
}

func buildSource(in model.SourceInput) (store.Upsert, error) {
	p := newProps(in.Title)
	if strings.TrimSpace(in.Title) == "" {
		p.err = badInput("input.title", "must not be empty")
	}
	p.m["title"] = p.m["name"]
	p.fail(checkID("input.id", in.ID, store.LabelSource))
	p.date("date", in.Date)
	p.str("url", in.URL)
	p.str("file", in.File)
	return toUpsert(store.LabelSource, in.ID, p, nil, in.ExpectedUpdatedAt)
}

// upsertNode runs one upsert (a node and its nested relationships: one
// transaction, one statement) and converts the stored node.
func upsertNode[T any](ctx context.Context, r *Resolver, build func() (store.Upsert, error)) (T, error) {
	var zero T
	a, err := writer(ctx, auth.RoleEditor)
	if err != nil {
		return zero, err
	}
	u, err := build()
	if err != nil {
		return zero, err
	}
	cs := store.NewChangeSetID(a.At)
	w, err := r.Store.UpsertNested(ctx, u, a, cs)
	if err != nil {
		return zero, storeChangeError(err, "input.")
	}
	r.logWrite(ctx, "upsert"+string(u.Label), u.ID, a, "changeSet", cs, "links", len(u.Links))
	t, ok := model.FromNode(w.Node, model.NewGroup([]store.Node{w.Node})).(T)
	if !ok {
		return zero, fmt.Errorf("upsert %s: stored node is a %s", u.ID, w.Node.Label)
	}
	return t, nil
}

// storeChangeError maps what Neo4j found wrong with a change to an error
// naming the field; prefix is where the change sits ("input.",
// "changes.3.upsertOrganization.").
func storeChangeError(err error, prefix string) error {
	var ch *store.ChangeError
	var conflict *store.ConflictError
	switch {
	case errors.As(err, &conflict):
		return &ConflictError{Argument: prefix + "expectedUpdatedAt", Err: conflict}
	case errors.As(err, &ch):
		arg := strings.TrimSuffix(prefix+ch.Argument, ".")
		var end *store.EndpointError
		switch {
		case errors.As(ch.Err, &end):
			return &store.MissingError{Argument: arg, ID: end.ID}
		case errors.Is(ch.Err, store.ErrNoSource):
			return badInput(arg, "%v (create it with upsertSource first)", ch.Err)
		default:
			return badInput(arg, "%v", ch.Err)
		}
	}
	return writeError(err, strings.TrimSuffix(prefix, ".")+".evidence")
}

// ConflictError is a write refused by optimistic concurrency (CONFLICT).
type ConflictError struct {
	Argument string
	Err      error
}

func (e *ConflictError) Error() string { return fmt.Sprintf("argument %s: %v", e.Argument, e.Err) }
func (e *ConflictError) Unwrap() error { return e.Err }

// change is one checked change of a batch with the field it came from.
type change struct {
	field string
	c     store.Change
}

// checkChange checks one ChangeInput into a store change; its errors name
// "input.…" arguments, which applyChanges re-roots at the change.
func checkChange(in *model.ChangeInput) (change, error) {
	type opt struct {
		field string
		set   bool
		build func() (store.Upsert, error)
	}
	opts := []opt{
		{"upsertCountry", in.UpsertCountry != nil, func() (store.Upsert, error) { return buildCountry(*in.UpsertCountry) }},
		{"upsertOrganization", in.UpsertOrganization != nil, func() (store.Upsert, error) { return buildOrganization(*in.UpsertOrganization) }},
		{"upsertIssueArea", in.UpsertIssueArea != nil, func() (store.Upsert, error) { return buildIssueArea(*in.UpsertIssueArea) }},
		{"upsertInitiative", in.UpsertInitiative != nil, func() (store.Upsert, error) { return buildInitiative(*in.UpsertInitiative) }},
		{"upsertEvent", in.UpsertEvent != nil, func() (store.Upsert, error) { return buildEvent(*in.UpsertEvent) }},
		{"upsertAgreement", in.UpsertAgreement != nil, func() (store.Upsert, error) { return buildAgreement(*in.UpsertAgreement) }},
		{"upsertSource", in.UpsertSource != nil, func() (store.Upsert, error) { return buildSource(*in.UpsertSource) }},
		{"link", in.Link != nil, nil},
		{"unlink", in.Unlink != nil, nil},
	}
	var chosen []opt
	for _, o := range opts {
		if o.set {
			chosen = append(chosen, o)
		}
	}
	if len(chosen) != 1 {
		return change{}, badInput("input", "set exactly one of upsertCountry, upsertOrganization, upsertIssueArea, upsertInitiative, upsertEvent, upsertAgreement, upsertSource, link, unlink (%d set)", len(chosen))
	}
	o := chosen[0]
	switch o.field {
	case "link":
		w, err := checkLink(*in.Link)
		return change{o.field, store.Change{Link: &w}}, err
	case "unlink":
		fl, tl, err := endpoints(in.Unlink.Type, in.Unlink.From, in.Unlink.To)
		return change{o.field, store.Change{Unlink: &store.UnlinkWrite{Type: store.RelType(in.Unlink.Type),
			From: in.Unlink.From, To: in.Unlink.To, FromLabel: fl, ToLabel: tl}}}, err
	}
	u, err := o.build()
	return change{o.field, store.Change{Upsert: &u}}, err
}

// checkLink checks a LinkInput into a store link.
func checkLink(in model.LinkInput) (store.LinkWrite, error) {
	fl, tl, err := endpoints(in.Type, in.From, in.To)
	if err != nil {
		return store.LinkWrite{}, err
	}
	props, err := linkProps(in.Type, in.Properties)
	if err != nil {
		return store.LinkWrite{}, err
	}
	if in.Evidence == nil {
		return store.LinkWrite{}, badInput("input.evidence", "is required: every relationship rests on a source")
	}
	ev, err := evidence("input.evidence", in.Evidence)
	if err != nil {
		return store.LinkWrite{}, err
	}
	return store.LinkWrite{Type: store.RelType(in.Type), From: in.From, To: in.To,
		FromLabel: fl, ToLabel: tl, Props: props, Evidence: *ev}, nil
}

// reroot moves an "input.…" argument of change i to "changes.i.<field>.…"
// and attaches the index.
func reroot(err error, i int, field string) error {
	prefix := "changes." + strconv.Itoa(i) + "." + field
	var in *InputError
	if errors.As(err, &in) {
		if in.Argument == "input" {
			in.Argument = "changes." + strconv.Itoa(i)
		} else {
			in.Argument = prefix + strings.TrimPrefix(in.Argument, "input")
		}
	}
	var missing *store.MissingError
	if errors.As(err, &missing) && strings.HasPrefix(missing.Argument, "input") {
		missing.Argument = prefix + strings.TrimPrefix(missing.Argument, "input")
	}
	return &IndexedError{Index: i, Err: err}
}

// applyChanges checks every change, then applies the batch in one transaction.
func (r *Resolver) applyChanges(ctx context.Context, in []*model.ChangeInput) (*model.ChangeSet, error) {
	a, err := writer(ctx, auth.RoleEditor)
	if err != nil {
		return nil, err
	}
	if len(in) > store.MaxChanges {
		return nil, fmt.Errorf("%d changes: %w", len(in), store.ErrTooManyChanges)
	}
	if len(in) == 0 {
		return nil, badInput("changes", "must not be empty")
	}
	fields := make([]string, len(in))
	changes := make([]store.Change, len(in))
	for i, ci := range in {
		c, err := checkChange(ci)
		if err != nil {
			return nil, reroot(err, i, c.field)
		}
		fields[i], changes[i] = c.field, c.c
	}
	cs := store.NewChangeSetID(a.At)
	sum, err := r.Store.ApplyChanges(ctx, changes, a, cs)
	if err != nil {
		var ch *store.ChangeError
		var conflict *store.ConflictError
		switch {
		case errors.As(err, &conflict) && conflict.Index >= 0:
			return nil, &IndexedError{Index: conflict.Index, Err: storeChangeError(err, "changes."+strconv.Itoa(conflict.Index)+"."+fields[conflict.Index]+".")}
		case errors.As(err, &ch) && ch.Index >= 0:
			prefix := "changes." + strconv.Itoa(ch.Index) + "." + fields[ch.Index] + "."
			return nil, &IndexedError{Index: ch.Index, Err: storeChangeError(err, prefix)}
		}
		return nil, err
	}
	r.logWrite(ctx, "applyChanges", cs, a, "changes", len(in), "nodesCreated", sum.NodesCreated,
		"relationshipsCreated", sum.RelationshipsCreated, "relationshipsRemoved", sum.RelationshipsRemoved)
	return &model.ChangeSet{ID: cs, At: model.DateTime(store.AuditTime(a)), By: a.By, NodesCreated: sum.NodesCreated, NodesUpdated: sum.NodesUpdated,
		RelationshipsCreated: sum.RelationshipsCreated, RelationshipsUpdated: sum.RelationshipsUpdated,
		RelationshipsRemoved: sum.RelationshipsRemoved}, nil
}
