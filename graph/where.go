package graph

import (
	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// This file turns the typed `where` and `orderBy` inputs of the schema into
// store filters and sort keys. Property names are fixed here; the store
// checks them again against its allow-lists and sends every value as a
// parameter.

func strConds(prop string, f *model.StringFilter) []store.Cond {
	if f == nil {
		return nil
	}
	var out []store.Cond
	if f.Eq != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpEq, Value: *f.Eq})
	}
	if f.In != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpIn, Value: f.In})
	}
	if f.Contains != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpContains, Value: *f.Contains})
	}
	if f.StartsWith != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpStartsWith, Value: *f.StartsWith})
	}
	return out
}

// enumConds are the conditions of an enum filter ({eq, in}) on a property
// stored as the enum value's name (as every writer stores it).
func enumConds[E ~string](prop string, eq *E, in []E) []store.Cond {
	var out []store.Cond
	if eq != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpEq, Value: string(*eq)})
	}
	if in != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpIn, Value: enumNames(in)})
	}
	return out
}

// The enum filters of the schema, each on the property it names.

func kindConds(f *model.ActorKindFilter) []store.Cond {
	if f == nil {
		return nil
	}
	return enumConds("kind", f.Eq, f.In)
}

func methodConds(f *model.SignatureMethodFilter) []store.Cond {
	if f == nil {
		return nil
	}
	return enumConds("method", f.Eq, f.In)
}

func memberRoleConds(f *model.MembershipRoleFilter) []store.Cond {
	if f == nil {
		return nil
	}
	return enumConds("role", f.Eq, f.In)
}

func participantRoleConds(f *model.ParticipationRoleFilter) []store.Cond {
	if f == nil {
		return nil
	}
	return enumConds("role", f.Eq, f.In)
}

// precisionConds are the conditions of a DatePrecisionFilter on an
// event's stored datePrecision.
func precisionConds(f *model.DatePrecisionFilter) []store.Cond {
	if f == nil {
		return nil
	}
	return enumConds("datePrecision", f.Eq, f.In)
}

func intConds(prop string, f *model.IntFilter) []store.Cond {
	if f == nil {
		return nil
	}
	var out []store.Cond
	if f.Eq != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpEq, Value: *f.Eq})
	}
	if f.In != nil {
		in := make([]int64, len(f.In))
		for i, n := range f.In {
			in[i] = int64(n)
		}
		out = append(out, store.Cond{Prop: prop, Op: store.OpIn, Value: in})
	}
	if f.Gte != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpGte, Value: *f.Gte})
	}
	if f.Lte != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpLte, Value: *f.Lte})
	}
	return out
}

// boolConds: a node without the flag counts as false.
func boolConds(prop string, b *bool) []store.Cond {
	if b == nil {
		return nil
	}
	return []store.Cond{{Prop: prop, Op: store.OpEq, Value: *b}}
}

func idConds(f *model.IDFilter) []store.Cond {
	if f == nil {
		return nil
	}
	return strConds("id", &model.StringFilter{Eq: f.Eq, In: f.In})
}

// dateRange is the inclusive range of days from the first day of from to
// the last day of to; nil bounds are open.
func dateRange(from, to *model.Date) store.DateRange {
	var r store.DateRange
	if from != nil {
		first, _ := from.Range()
		r.From = first.Format("2006-01-02")
	}
	if to != nil {
		_, last := to.Range()
		r.To = last.Format("2006-01-02")
	}
	return r
}

func dateConds(prop string, f *model.DateFilter) []store.Cond {
	if f == nil {
		return nil
	}
	var out []store.Cond
	if f.Eq != nil {
		out = append(out, store.Cond{Prop: prop, Op: store.OpEq, Value: string(*f.Eq)})
	}
	if f.From != nil || f.To != nil {
		op := store.OpOverlaps
		if f.Match != nil && *f.Match == model.DateMatchWithin {
			op = store.OpWithin
		}
		out = append(out, store.Cond{Prop: prop, Op: op, Value: dateRange(f.From, f.To)})
	}
	return out
}

// rel is a relationship filter, or nil when the nested where was not given.
func rel(t store.RelType, dir store.Direction, other store.Label, where *store.Filter) []store.RelFilter {
	if where == nil {
		return nil
	}
	return []store.RelFilter{{Type: t, Dir: dir, Other: other, Where: *where}}
}

// sub converts an optional nested where with conv.
func sub[W any](w *W, conv func(*W) store.Filter) *store.Filter {
	if w == nil {
		return nil
	}
	f := conv(w)
	return &f
}

func combine[W any](f *store.Filter, and, or []*W, not *W, conv func(*W) store.Filter) {
	for _, a := range and {
		f.And = append(f.And, conv(a))
	}
	for _, o := range or {
		f.Or = append(f.Or, conv(o))
	}
	if not != nil {
		n := conv(not)
		f.Not = &n
	}
}

// actorRels are the relationship filters every actor input has.
func actorRels(memberOfInitiative *model.InitiativeWhere, memberOfOrganization *model.OrganizationWhere,
	participatedIn *model.EventWhere, signed *model.AgreementWhere) []store.RelFilter {
	var out []store.RelFilter
	out = append(out, rel(store.RelMemberOf, store.Outgoing, store.LabelInitiative, sub(memberOfInitiative, initiativeFilter))...)
	out = append(out, rel(store.RelMemberOf, store.Outgoing, store.LabelOrganization, sub(memberOfOrganization, organizationFilter))...)
	out = append(out, rel(store.RelParticipatedIn, store.Outgoing, store.LabelEvent, sub(participatedIn, eventFilter))...)
	out = append(out, rel(store.RelSignatoryOf, store.Outgoing, store.LabelAgreement, sub(signed, agreementFilter))...)
	return out
}

func actorFilter(w *model.ActorWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	f.Conds = append(f.Conds, strConds("name", w.Name)...)
	f.Conds = append(f.Conds, kindConds(w.Kind)...)
	f.Rels = actorRels(w.MemberOfInitiative, w.MemberOfOrganization, w.ParticipatedIn, w.Signed)
	if w.Historical != nil {
		// Only countries have the flag: an organization never matches.
		f.And = append(f.And, store.Filter{Label: store.LabelCountry, Conds: boolConds("historical", w.Historical)})
	}
	combine(&f, w.And, w.Or, w.Not, actorFilter)
	return f
}

func countryFilter(w *model.CountryWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	for _, c := range []struct {
		p string
		f *model.StringFilter
	}{{"name", w.Name}, {"iso3", w.Iso3}, {"iso2", w.Iso2}, {"region", w.Region}, {"subRegion", w.SubRegion}, {"m49", w.M49}} {
		f.Conds = append(f.Conds, strConds(c.p, c.f)...)
	}
	f.Conds = append(f.Conds, boolConds("historical", w.Historical)...)
	f.Rels = actorRels(w.MemberOfInitiative, w.MemberOfOrganization, w.ParticipatedIn, w.Signed)
	f.Rels = append(f.Rels, rel(store.RelHeldIn, store.Incoming, store.LabelEvent, sub(w.Hosted, eventFilter))...)
	f.Rels = append(f.Rels, rel(store.RelVoted, store.Outgoing, store.LabelRollCall, sub(w.VotedIn, rollCallFilter))...)
	f.Rels = append(f.Rels, partyTo(w.PartyTo)...)
	f.Rels = append(f.Rels, signatureRel(w.Signatures)...)
	f.Rels = append(f.Rels, participationRel(w.Participations)...)
	if m := membershipRels(w.Memberships); m != nil {
		f.And = append(f.And, *m)
	}
	for _, a := range []*model.ActorWhere{signatureActor(w.Signatures), membershipActor(w.Memberships), participationActor(w.Participations)} {
		if a != nil { // the actor of the country's own relationship is the country
			f.And = append(f.And, actorFilter(a))
		}
	}
	combine(&f, w.And, w.Or, w.Not, countryFilter)
	return f
}

// partyTo is the filter "is a party to an agreement matching where": a
// signature with a consent date (ratified) and no withdrawal (until).
func partyTo(where *model.AgreementWhere) []store.RelFilter {
	rs := rel(store.RelSignatoryOf, store.Outgoing, store.LabelAgreement, sub(where, agreementFilter))
	for i := range rs {
		rs[i].RelConds = []store.Cond{
			{Prop: "ratified", Op: store.OpPresent, Value: true},
			{Prop: "until", Op: store.OpPresent, Value: false},
		}
	}
	return rs
}

// signatureRel is the filter "has a signature matching w": the
// relationship's own dates and method and the agreement signed, all on one
// SIGNATORY_OF relationship.
func signatureRel(w *model.SignatureWhere) []store.RelFilter {
	if w == nil {
		return nil
	}
	var conds []store.Cond
	conds = append(conds, dateConds("signed", w.Signed)...)
	conds = append(conds, dateConds("ratified", w.Ratified)...)
	conds = append(conds, methodConds(w.Method)...)
	conds = append(conds, dateConds("until", w.Until)...)
	return []store.RelFilter{{Type: store.RelSignatoryOf, Dir: store.Outgoing, Other: store.LabelAgreement,
		Where: agreementFilter(w.Agreement), RelConds: conds}}
}

// membershipRels is the filter "has a membership matching w": role and
// dates on the MEMBER_OF relationship and the node joined. MEMBER_OF
// reaches initiatives and organizations; without a filter on either, a
// membership of each kind counts.
func membershipRels(w *model.MembershipWhere) *store.Filter {
	if w == nil {
		return nil
	}
	var conds []store.Cond
	conds = append(conds, memberRoleConds(w.Role)...)
	conds = append(conds, dateConds("since", w.Since)...)
	conds = append(conds, dateConds("until", w.Until)...)
	to := func(l store.Label, where store.Filter) store.RelFilter {
		return store.RelFilter{Type: store.RelMemberOf, Dir: store.Outgoing, Other: l, Where: where, RelConds: conds}
	}
	switch {
	case w.Initiative != nil && w.Organization != nil:
		// One membership joins one node, never both kinds: nothing matches.
		return &store.Filter{Rels: []store.RelFilter{to(store.LabelInitiative, store.Filter{Label: store.LabelOrganization})}}
	case w.Initiative != nil:
		return &store.Filter{Rels: []store.RelFilter{to(store.LabelInitiative, initiativeFilter(w.Initiative))}}
	case w.Organization != nil:
		return &store.Filter{Rels: []store.RelFilter{to(store.LabelOrganization, organizationFilter(w.Organization))}}
	}
	return &store.Filter{Or: []store.Filter{
		{Rels: []store.RelFilter{to(store.LabelInitiative, store.Filter{})}},
		{Rels: []store.RelFilter{to(store.LabelOrganization, store.Filter{})}},
	}}
}

// participationRel is the filter "took part in an event matching w.Event
// with a role matching w.Role", on one PARTICIPATED_IN relationship.
func participationRel(w *model.ParticipationWhere) []store.RelFilter {
	if w == nil {
		return nil
	}
	return []store.RelFilter{{Type: store.RelParticipatedIn, Dir: store.Outgoing, Other: store.LabelEvent,
		Where: eventFilter(w.Event), RelConds: participantRoleConds(w.Role)}}
}

func participationActor(w *model.ParticipationWhere) *model.ActorWhere {
	if w == nil {
		return nil
	}
	return w.Actor
}

func signatureActor(w *model.SignatureWhere) *model.ActorWhere {
	if w == nil {
		return nil
	}
	return w.Actor
}

func membershipActor(w *model.MembershipWhere) *model.ActorWhere {
	if w == nil {
		return nil
	}
	return w.Actor
}

func organizationFilter(w *model.OrganizationWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	for _, c := range []struct {
		p string
		f *model.StringFilter
	}{{"name", w.Name}, {"acronym", w.Acronym}} {
		f.Conds = append(f.Conds, strConds(c.p, c.f)...)
	}
	f.Conds = append(f.Conds, kindConds(w.Kind)...)
	f.Conds = append(f.Conds, intConds("cowId", w.CowID)...)
	f.Conds = append(f.Conds, dateConds("startDate", w.StartDate)...)
	f.Conds = append(f.Conds, dateConds("endDate", w.EndDate)...)
	f.Rels = rel(store.RelMemberOf, store.Incoming, store.LabelActor, sub(w.Members, actorFilter))
	f.Rels = append(f.Rels, actorRels(w.MemberOfInitiative, w.MemberOfOrganization, w.ParticipatedIn, w.Signed)...)
	combine(&f, w.And, w.Or, w.Not, organizationFilter)
	return f
}

func issueAreaFilter(w *model.IssueAreaWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	f.Conds = append(f.Conds, strConds("name", w.Name)...)
	f.Conds = append(f.Conds, strConds("description", w.Description)...)
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Incoming, store.LabelInitiative, sub(w.Initiatives, initiativeFilter))...)
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Incoming, store.LabelEvent, sub(w.Events, eventFilter))...)
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Incoming, store.LabelAgreement, sub(w.Agreements, agreementFilter))...)
	combine(&f, w.And, w.Or, w.Not, issueAreaFilter)
	return f
}

func initiativeFilter(w *model.InitiativeWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	for _, c := range []struct {
		p string
		f *model.StringFilter
	}{{"name", w.Name}, {"objective", w.Objective}} {
		f.Conds = append(f.Conds, strConds(c.p, c.f)...)
	}
	if w.Kind != nil {
		f.Conds = append(f.Conds, enumConds("kind", w.Kind.Eq, w.Kind.In)...)
	}
	f.Conds = append(f.Conds, dateConds("startDate", w.StartDate)...)
	f.Conds = append(f.Conds, dateConds("endDate", w.EndDate)...)
	f.Rels = append(f.Rels, rel(store.RelMemberOf, store.Incoming, store.LabelActor, sub(w.Members, actorFilter))...)
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Outgoing, store.LabelIssueArea, sub(w.IssueAreas, issueAreaFilter))...)
	f.Rels = append(f.Rels, rel(store.RelPartOf, store.Incoming, store.LabelEvent, sub(w.Events, eventFilter))...)
	f.Rels = append(f.Rels, rel(store.RelEstablishedBy, store.Outgoing, store.LabelAgreement, sub(w.EstablishedBy, agreementFilter))...)
	f.Rels = append(f.Rels, rel(store.RelSeeksPartnershipWith, store.Outgoing, store.LabelActor, sub(w.SeeksPartnershipWith, actorFilter))...)
	combine(&f, w.And, w.Or, w.Not, initiativeFilter)
	return f
}

func eventFilter(w *model.EventWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	for _, c := range []struct {
		p string
		f *model.StringFilter
	}{{"name", w.Name}, {"location", w.Location}} {
		f.Conds = append(f.Conds, strConds(c.p, c.f)...)
	}
	if w.Kind != nil {
		f.Conds = append(f.Conds, enumConds("kind", w.Kind.Eq, w.Kind.In)...)
	}
	if w.Status != nil {
		f.Conds = append(f.Conds, enumConds("status", w.Status.Eq, w.Status.In)...)
	}
	f.Conds = append(f.Conds, precisionConds(w.DatePrecision)...)
	f.Conds = append(f.Conds, dateConds("startDate", w.StartDate)...)
	f.Conds = append(f.Conds, dateConds("endDate", w.EndDate)...)
	if w.From != nil || w.To != nil {
		f.Conds = append(f.Conds, store.Cond{Prop: "startDate", EndProp: "endDate", Op: store.OpOverlaps, Value: dateRange(w.From, w.To)})
	}
	if w.Participant != nil {
		f.Rels = append(f.Rels, store.RelFilter{Type: store.RelParticipatedIn, Dir: store.Incoming, Other: store.LabelActor,
			Where: store.Filter{Conds: []store.Cond{{Prop: "id", Op: store.OpEq, Value: *w.Participant}}}})
	}
	f.Rels = append(f.Rels, rel(store.RelParticipatedIn, store.Incoming, store.LabelActor, sub(w.Participants, actorFilter))...)
	f.Rels = append(f.Rels, rel(store.RelPartOf, store.Outgoing, store.LabelInitiative, sub(w.PartOf, initiativeFilter))...)
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Outgoing, store.LabelIssueArea, sub(w.IssueAreas, issueAreaFilter))...)
	f.Rels = append(f.Rels, rel(store.RelHeldIn, store.Outgoing, store.LabelCountry, sub(w.HeldIn, countryFilter))...)
	combine(&f, w.And, w.Or, w.Not, eventFilter)
	return f
}

func agreementFilter(w *model.AgreementWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	f.Conds = append(f.Conds, strConds("name", w.Name)...)
	f.Conds = append(f.Conds, strConds("kind", w.Kind)...)
	f.Conds = append(f.Conds, dateConds("adoptedOn", w.AdoptedOn)...)
	f.Conds = append(f.Conds, dateConds("openYear", w.OpenYear)...)
	f.Conds = append(f.Conds, strConds("mtdsgNo", w.MtdsgNo)...)
	f.Conds = append(f.Conds, strConds("acronym", w.Acronym)...)
	f.Rels = append(f.Rels, rel(store.RelSignatoryOf, store.Incoming, store.LabelActor, sub(w.Signatories, actorFilter))...)
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Outgoing, store.LabelIssueArea, sub(w.IssueAreas, issueAreaFilter))...)
	f.Rels = append(f.Rels, rel(store.RelEstablishedBy, store.Incoming, store.LabelInitiative, sub(w.Establishes, initiativeFilter))...)
	combine(&f, w.And, w.Or, w.Not, agreementFilter)
	return f
}

func rollCallFilter(w *model.RollCallWhere) store.Filter {
	if w == nil {
		return store.Filter{}
	}
	var f store.Filter
	f.Conds = append(f.Conds, idConds(w.ID)...)
	for _, c := range []struct {
		p string
		f *model.StringFilter
	}{{"name", w.Name}, {"resolution", w.Resolution}, {"title", w.Title}, {"description", w.Description}} {
		f.Conds = append(f.Conds, strConds(c.p, c.f)...)
	}
	f.Conds = append(f.Conds, intConds("rcid", w.Rcid)...)
	f.Conds = append(f.Conds, intConds("session", w.Session)...)
	f.Conds = append(f.Conds, dateConds("date", w.Date)...)
	if w.From != nil || w.To != nil {
		f.Conds = append(f.Conds, store.Cond{Prop: "date", Op: store.OpOverlaps, Value: dateRange(w.From, w.To)})
	}
	f.Conds = append(f.Conds, boolConds("important", w.Important)...)
	f.Conds = append(f.Conds, boolConds("amendment", w.Amendment)...)
	f.Conds = append(f.Conds, boolConds("paragraph", w.Paragraph)...)
	if w.IssueArea != nil {
		f.Rels = append(f.Rels, store.RelFilter{Type: store.RelAddresses, Dir: store.Outgoing, Other: store.LabelIssueArea,
			Where: store.Filter{Conds: []store.Cond{{Prop: "id", Op: store.OpEq, Value: *w.IssueArea}}}})
	}
	f.Rels = append(f.Rels, rel(store.RelAddresses, store.Outgoing, store.LabelIssueArea, sub(w.IssueAreas, issueAreaFilter))...)
	combine(&f, w.And, w.Or, w.Not, rollCallFilter)
	return f
}

// MaxFilterDepth bounds how deeply filters nest (AND/OR/NOT and
// relationship filters each add a level), so one request cannot build an
// arbitrarily large Cypher statement.
const MaxFilterDepth = 8

func filterDepth(f store.Filter) int {
	d := 0
	for _, r := range f.Rels {
		d = max(d, filterDepth(r.Where))
	}
	for _, a := range append(append([]store.Filter{}, f.And...), f.Or...) {
		d = max(d, filterDepth(a))
	}
	if f.Not != nil {
		d = max(d, filterDepth(*f.Not))
	}
	return d + 1
}

// checkDepth refuses filters nested deeper than MaxFilterDepth.
func checkDepth(fs ...store.Filter) error {
	for _, f := range fs {
		if d := filterDepth(f); d > MaxFilterDepth {
			return badInput("where", "filters nest %d levels deep; at most %d", d, MaxFilterDepth)
		}
	}
	return nil
}

// ---------------------------------------------------------------- ordering

// sortKeys converts orderBy entries with prop, which maps a field enum to
// a property name.
func sortKeys[S any](sorts []*S, get func(*S) (string, *model.SortDirection)) []store.SortKey {
	out := make([]store.SortKey, 0, len(sorts))
	for _, s := range sorts {
		if s == nil {
			continue
		}
		prop, dir := get(s)
		out = append(out, store.SortKey{Prop: prop, Desc: dir != nil && *dir == model.SortDirectionDesc})
	}
	return out
}

func countryOrder(s []*model.CountrySort) []store.SortKey {
	return sortKeys(s, func(s *model.CountrySort) (string, *model.SortDirection) {
		return map[model.CountrySortField]string{model.CountrySortFieldName: "name", model.CountrySortFieldIso3: "iso3",
			model.CountrySortFieldIso2: "iso2", model.CountrySortFieldRegion: "region", model.CountrySortFieldID: "id"}[s.Field], s.Direction
	})
}

func organizationOrder(s []*model.OrganizationSort) []store.SortKey {
	return sortKeys(s, func(s *model.OrganizationSort) (string, *model.SortDirection) {
		return map[model.OrganizationSortField]string{model.OrganizationSortFieldName: "name", model.OrganizationSortFieldAcronym: "acronym",
			model.OrganizationSortFieldKind: "kind", model.OrganizationSortFieldID: "id"}[s.Field], s.Direction
	})
}

func issueAreaOrder(s []*model.IssueAreaSort) []store.SortKey {
	return sortKeys(s, func(s *model.IssueAreaSort) (string, *model.SortDirection) {
		return map[model.IssueAreaSortField]string{model.IssueAreaSortFieldName: "name", model.IssueAreaSortFieldID: "id"}[s.Field], s.Direction
	})
}

func initiativeOrder(s []*model.InitiativeSort) []store.SortKey {
	return sortKeys(s, func(s *model.InitiativeSort) (string, *model.SortDirection) {
		return map[model.InitiativeSortField]string{model.InitiativeSortFieldName: "name", model.InitiativeSortFieldKind: "kind",
			model.InitiativeSortFieldStartDate: "startDate", model.InitiativeSortFieldEndDate: "endDate", model.InitiativeSortFieldID: "id"}[s.Field], s.Direction
	})
}

func eventOrder(s []*model.EventSort) []store.SortKey {
	return sortKeys(s, func(s *model.EventSort) (string, *model.SortDirection) {
		return map[model.EventSortField]string{model.EventSortFieldStartDate: "startDate", model.EventSortFieldEndDate: "endDate",
			model.EventSortFieldName: "name", model.EventSortFieldKind: "kind", model.EventSortFieldLocation: "location",
			model.EventSortFieldStatus: "status", model.EventSortFieldID: "id"}[s.Field], s.Direction
	})
}

func rollCallOrder(s []*model.RollCallSort) []store.SortKey {
	return sortKeys(s, func(s *model.RollCallSort) (string, *model.SortDirection) {
		return map[model.RollCallSortField]string{model.RollCallSortFieldDate: "date", model.RollCallSortFieldRcid: "rcid",
			model.RollCallSortFieldSession: "session", model.RollCallSortFieldResolution: "resolution",
			model.RollCallSortFieldName: "name", model.RollCallSortFieldID: "id"}[s.Field], s.Direction
	})
}

func agreementOrder(s []*model.AgreementSort) []store.SortKey {
	return sortKeys(s, func(s *model.AgreementSort) (string, *model.SortDirection) {
		return map[model.AgreementSortField]string{model.AgreementSortFieldName: "name", model.AgreementSortFieldKind: "kind",
			model.AgreementSortFieldAdoptedOn: "adoptedOn", model.AgreementSortFieldID: "id"}[s.Field], s.Direction
	})
}

// ---------------------------------------------------------------- nested lists

// side says which end of a relationship list is the parent: the node the
// list hangs from (self) or the nodes listed (other).
type side int

const (
	sideSelf side = iota
	sideOther
)

// addEnd adds a filter on one end of an edge list, with the label that end
// must carry ("" when the end's label is already fixed).
func addEnd(q *store.EdgeQuery, s side, label store.Label, f *store.Filter) {
	if f == nil {
		return
	}
	g := store.Filter{Label: label, And: []store.Filter{*f}}
	if s == sideSelf {
		q.Self.And = append(q.Self.And, g)
	} else {
		q.Other.And = append(q.Other.And, g)
	}
}

func direction(d *model.SortDirection) bool { return d != nil && *d == model.SortDirectionDesc }

// membershipQuery: actorSide says where the member is (the other end for
// Initiative.members, the parent for Actor.memberships).
func membershipQuery(w *model.MembershipWhere, order []*model.MembershipSort, actorSide side) store.EdgeQuery {
	var q store.EdgeQuery
	if w != nil {
		q.Rel = append(q.Rel, memberRoleConds(w.Role)...)
		q.Rel = append(q.Rel, dateConds("since", w.Since)...)
		q.Rel = append(q.Rel, dateConds("until", w.Until)...)
		joined := sideOther
		if actorSide == sideOther {
			joined = sideSelf
		}
		addEnd(&q, actorSide, "", sub(w.Actor, actorFilter))
		addEnd(&q, joined, store.LabelInitiative, sub(w.Initiative, initiativeFilter))
		addEnd(&q, joined, store.LabelOrganization, sub(w.Organization, organizationFilter))
	}
	for _, s := range order {
		switch s.Field {
		case model.MembershipSortFieldRole:
			q.Order = append(q.Order, store.SortKey{Prop: "role", OnRel: true, Desc: direction(s.Direction)})
		case model.MembershipSortFieldSince:
			q.Order = append(q.Order, store.SortKey{Prop: "since", OnRel: true, Desc: direction(s.Direction)})
		case model.MembershipSortFieldUntil:
			q.Order = append(q.Order, store.SortKey{Prop: "until", OnRel: true, Desc: direction(s.Direction)})
		case model.MembershipSortFieldName:
			q.Order = append(q.Order, store.SortKey{Prop: "name", Desc: direction(s.Direction)})
		}
	}
	return q
}

func participationQuery(w *model.ParticipationWhere, order []*model.ParticipationSort, actorSide side) store.EdgeQuery {
	var q store.EdgeQuery
	eventSide := sideOther
	if actorSide == sideOther {
		eventSide = sideSelf
	}
	if w != nil {
		q.Rel = append(q.Rel, participantRoleConds(w.Role)...)
		addEnd(&q, actorSide, "", sub(w.Actor, actorFilter))
		addEnd(&q, eventSide, "", sub(w.Event, eventFilter))
	}
	for _, s := range order {
		switch s.Field {
		case model.ParticipationSortFieldRole:
			q.Order = append(q.Order, store.SortKey{Prop: "role", OnRel: true, Desc: direction(s.Direction)})
		case model.ParticipationSortFieldDate:
			if eventSide == sideOther { // an event's own participants share its date
				q.Order = append(q.Order, store.SortKey{Prop: "startDate", Desc: direction(s.Direction)})
			}
		case model.ParticipationSortFieldName:
			q.Order = append(q.Order, store.SortKey{Prop: "name", Desc: direction(s.Direction)})
		}
	}
	return q
}

func signatureQuery(w *model.SignatureWhere, order []*model.SignatureSort, actorSide side) store.EdgeQuery {
	var q store.EdgeQuery
	agreementSide := sideOther
	if actorSide == sideOther {
		agreementSide = sideSelf
	}
	if w != nil {
		q.Rel = append(q.Rel, dateConds("signed", w.Signed)...)
		q.Rel = append(q.Rel, dateConds("ratified", w.Ratified)...)
		q.Rel = append(q.Rel, methodConds(w.Method)...)
		q.Rel = append(q.Rel, dateConds("until", w.Until)...)
		addEnd(&q, actorSide, "", sub(w.Actor, actorFilter))
		addEnd(&q, agreementSide, "", sub(w.Agreement, agreementFilter))
	}
	for _, s := range order {
		switch s.Field {
		case model.SignatureSortFieldSigned:
			q.Order = append(q.Order, store.SortKey{Prop: "signed", OnRel: true, Desc: direction(s.Direction)})
		case model.SignatureSortFieldRatified:
			q.Order = append(q.Order, store.SortKey{Prop: "ratified", OnRel: true, Desc: direction(s.Direction)})
		case model.SignatureSortFieldName:
			q.Order = append(q.Order, store.SortKey{Prop: "name", Desc: direction(s.Direction)})
		}
	}
	return q
}
