package model

import (
	"context"

	"github.com/lysoen/lysoen/graph/store"
)

// Paged is embedded in every connection: the page information, a count
// that runs only if the client selects totalCount, and the aggregate
// that runs only if it selects aggregate (grouped by the keys asked for).
type Paged struct {
	PageInfo *PageInfo `json:"pageInfo"`
	Count    func(ctx context.Context) (int, error)
	Agg      func(ctx context.Context, keys []store.GroupKey) (store.Aggregation, error)
}

// TotalCount counts the whole list without fetching its rows.
func (p Paged) TotalCount(ctx context.Context) (int, error) { return p.Count(ctx) }

type CountryConnection struct {
	Paged
	Edges []*CountryEdge `json:"edges"`
}

type OrganizationConnection struct {
	Paged
	Edges []*OrganizationEdge `json:"edges"`
}

type IssueAreaConnection struct {
	Paged
	Edges []*IssueAreaEdge `json:"edges"`
}

type InitiativeConnection struct {
	Paged
	Edges []*InitiativeEdge `json:"edges"`
}

type EventConnection struct {
	Paged
	Edges []*EventEdge `json:"edges"`
}

type AgreementConnection struct {
	Paged
	Edges []*AgreementEdge `json:"edges"`
}

type RollCallConnection struct {
	Paged
	Edges []*RollCallEdge `json:"edges"`
}

// CountryVoteConnection is a country's votes; RollCallVoteConnection a
// roll call's.
type CountryVoteConnection struct {
	Paged
	Edges []*CountryVoteEdge `json:"edges"`
}

type RollCallVoteConnection struct {
	Paged
	Edges []*RollCallVoteEdge `json:"edges"`
}
