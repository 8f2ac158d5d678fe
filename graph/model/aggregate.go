package model

import "github.com/lysoen/lysoen/graph/store"

// Aggregate is a root list's counts over everything its where matches:
// the count and, for each group key its selection asked for, the groups.
// The per-type aggregates of the schema (CountryAggregate, …) embed it.
type Aggregate struct {
	Count  int `json:"count"`
	Groups map[store.GroupKey][]store.Group
}

type CountryAggregate struct{ Aggregate }
type OrganizationAggregate struct{ Aggregate }
type IssueAreaAggregate struct{ Aggregate }
type InitiativeAggregate struct{ Aggregate }
type EventAggregate struct{ Aggregate }
type AgreementAggregate struct{ Aggregate }
type RollCallAggregate struct{ Aggregate }

// MembershipAggregate counts one node's memberships.
type MembershipAggregate struct{ Aggregate }
