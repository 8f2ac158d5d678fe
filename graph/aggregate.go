package graph

// Helpers behind the aggregates of the root lists and an agreement's
// uptake (aggregate.resolvers.go). No Cypher here: the counting statements
// are in store/aggregate.go.

import (
	"context"
	"fmt"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
)

// The group-by enums of the schema and the store's group keys they stand for.
var (
	countryGroups = map[model.CountryGroupField]store.GroupKey{
		model.CountryGroupFieldRegion: store.GroupRegion, model.CountryGroupFieldSubRegion: store.GroupSubRegion}
	organizationGroups = map[model.OrganizationGroupField]store.GroupKey{
		model.OrganizationGroupFieldKind: store.GroupKind}
	initiativeGroups = map[model.InitiativeGroupField]store.GroupKey{
		model.InitiativeGroupFieldKind: store.GroupKind, model.InitiativeGroupFieldStartYear: store.GroupStartYear}
	eventGroups = map[model.EventGroupField]store.GroupKey{
		model.EventGroupFieldKind: store.GroupKind, model.EventGroupFieldStatus: store.GroupStatus,
		model.EventGroupFieldDatePrecision: store.GroupDatePrecision, model.EventGroupFieldYear: store.GroupStartYear}
	agreementGroups = map[model.AgreementGroupField]store.GroupKey{
		model.AgreementGroupFieldKind: store.GroupKind, model.AgreementGroupFieldAdoptedYear: store.GroupAdoptedYear,
		model.AgreementGroupFieldOpenYear: store.GroupOpenYear}
	rollCallGroups = map[model.RollCallGroupField]store.GroupKey{
		model.RollCallGroupFieldYear: store.GroupStartYear, model.RollCallGroupFieldSession: store.GroupSession,
		model.RollCallGroupFieldIssueArea: store.GroupIssueArea}
	membershipGroups = map[model.MembershipGroupField]store.GroupKey{
		model.MembershipGroupFieldRole: store.GroupRole, model.MembershipGroupFieldSinceYear: store.GroupSinceYear}
)

// aggregate runs a connection's aggregate: one statement that counts what
// the list's where matches, grouped by every key the selection's groupBy
// fields ask for (aliases may ask for several).
func aggregate[F ~string](ctx context.Context, p model.Paged, groups map[F]store.GroupKey) (model.Aggregate, error) {
	if p.Agg == nil {
		return model.Aggregate{}, fmt.Errorf("aggregate of a list built without one")
	}
	keys, err := selectedGroupKeys(ctx, groups)
	if err != nil {
		return model.Aggregate{}, err
	}
	agg, err := p.Agg(ctx, keys)
	if err != nil {
		return model.Aggregate{}, err
	}
	return model.Aggregate{Count: agg.Count, Groups: agg.Groups}, nil
}

// membershipAggregate counts the memberships of one node along spec (an
// initiative's or organization's members, an actor's memberships) that
// where matches, grouped as the selection asks: one statement.
func membershipAggregate(ctx context.Context, r *Resolver, spec store.EdgeSpec, id string, where *model.MembershipWhere, actorSide side) (*model.MembershipAggregate, error) {
	q := membershipQuery(where, nil, actorSide)
	if err := checkDepth(q.Self, q.Other); err != nil {
		return nil, err
	}
	keys, err := selectedGroupKeys(ctx, membershipGroups)
	if err != nil {
		return nil, err
	}
	agg, err := r.Store.CountEdgesGrouped(ctx, spec, id, q, keys)
	if err != nil {
		return nil, err
	}
	return &model.MembershipAggregate{Aggregate: model.Aggregate{Count: agg.Count, Groups: agg.Groups}}, nil
}

// selectedGroupKeys are the store's group keys for every groupBy field
// the aggregate's selection holds.
func selectedGroupKeys[F ~string](ctx context.Context, groups map[F]store.GroupKey) ([]store.GroupKey, error) {
	var keys []store.GroupKey
	if fc := graphql.GetFieldContext(ctx); fc != nil && graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		for _, f := range graphql.CollectFields(oc, fc.Field.Selections, nil) {
			if f.Name != "groupBy" {
				continue
			}
			v, _ := f.ArgumentMap(oc.Variables)["field"].(string)
			k, ok := groups[F(v)]
			if !ok {
				return nil, badInput("field", "cannot group by %q", v)
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}

// groupsOf reads one groupBy field's groups from its aggregate.
func groupsOf[F ~string](a model.Aggregate, groups map[F]store.GroupKey, field F) ([]*model.AggregateGroup, error) {
	k, ok := groups[field]
	if !ok {
		return nil, badInput("field", "cannot group by %q", field)
	}
	gs, ok := a.Groups[k]
	if !ok {
		return nil, fmt.Errorf("groupBy(%s) was not planned with its aggregate", field)
	}
	out := make([]*model.AggregateGroup, 0, len(gs))
	for _, g := range gs {
		out = append(out, &model.AggregateGroup{Key: g.Key, Count: g.Count})
	}
	return out, nil
}

// uptakeYears turns the counted years of an agreement's signatures into
// its growth curve: one entry per year from the first dated signature,
// consent or withdrawal to the last, with running totals. A withdrawal
// (until) leaves the parties only when the actor had consented.
func uptakeYears(rows []store.UptakeRow) (years []*model.UptakeYear, undated int) {
	type counts struct{ signed, ratified, withdrawn int }
	by := map[int]*counts{}
	first, last := 0, 0
	at := func(y string) *counts {
		n, err := strconv.Atoi(y)
		if err != nil || y == "" {
			return nil
		}
		if first == 0 || n < first {
			first = n
		}
		if n > last {
			last = n
		}
		c := by[n]
		if c == nil {
			c = &counts{}
			by[n] = c
		}
		return c
	}
	for _, r := range rows {
		if r.Signed == "" && r.Ratified == "" {
			undated += r.Count
		}
		if c := at(r.Signed); c != nil {
			c.signed += r.Count
		}
		if c := at(r.Ratified); c != nil {
			c.ratified += r.Count
		}
		if r.Ratified != "" {
			if c := at(r.Until); c != nil {
				c.withdrawn += r.Count
			}
		}
	}
	if first == 0 {
		return []*model.UptakeYear{}, undated
	}
	var cumS, cumR, cumW int
	for y := first; y <= last; y++ {
		c := by[y]
		if c == nil {
			c = &counts{}
		}
		cumS += c.signed
		cumR += c.ratified
		cumW += c.withdrawn
		years = append(years, &model.UptakeYear{Year: y, Signed: c.signed, Ratified: c.ratified, Withdrawn: c.withdrawn,
			CumulativeSigned: cumS, CumulativeRatified: cumR, Parties: cumR - cumW})
	}
	return years, undated
}
