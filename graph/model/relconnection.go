package model

// Relationship connections (`<field>Connection`): a page of one node's
// relationship list. Edges of relationship objects embed the object, so
// they expose its fields (role, since, evidence, …) beside cursor and node.

// MembershipGroup is the GraphQL union of what an actor can be a member
// of: *Initiative or *Organization.
type MembershipGroup interface {
	Node
	IsMembershipGroup()
}

func (Initiative) IsMembershipGroup()   {}
func (Organization) IsMembershipGroup() {}

type MembershipEdge struct {
	Membership
	Cursor string          `json:"cursor"`
	Node   MembershipGroup `json:"node"`
}

type MembershipConnection struct {
	Paged
	Edges []*MembershipEdge `json:"edges"`
}

type MemberEdge struct {
	Membership
	Cursor string `json:"cursor"`
	Node   Actor  `json:"node"`
}

type MemberConnection struct {
	Paged
	Edges []*MemberEdge `json:"edges"`
}

type ParticipationEdge struct {
	Participation
	Cursor string `json:"cursor"`
	Node   *Event `json:"node"`
}

type ParticipationConnection struct {
	Paged
	Edges []*ParticipationEdge `json:"edges"`
}

type ParticipantEdge struct {
	Participation
	Cursor string `json:"cursor"`
	Node   Actor  `json:"node"`
}

type ParticipantConnection struct {
	Paged
	Edges []*ParticipantEdge `json:"edges"`
}

type SignatureEdge struct {
	Signature
	Cursor string     `json:"cursor"`
	Node   *Agreement `json:"node"`
}

type SignatureConnection struct {
	Paged
	Edges []*SignatureEdge `json:"edges"`
}

type SignatoryEdge struct {
	Signature
	Cursor string `json:"cursor"`
	Node   Actor  `json:"node"`
}

type SignatoryConnection struct {
	Paged
	Edges []*SignatoryEdge `json:"edges"`
}

// Related<Type>Edge is an edge of a relationship list whose items are nodes.
type RelatedEventEdge struct {
	Cursor string `json:"cursor"`
	Node   *Event `json:"node"`
}

type RelatedInitiativeEdge struct {
	Cursor string      `json:"cursor"`
	Node   *Initiative `json:"node"`
}

type RelatedIssueAreaEdge struct {
	Cursor string     `json:"cursor"`
	Node   *IssueArea `json:"node"`
}

type RelatedAgreementEdge struct {
	Cursor string     `json:"cursor"`
	Node   *Agreement `json:"node"`
}

type RelatedCountryEdge struct {
	Cursor string   `json:"cursor"`
	Node   *Country `json:"node"`
}

type RelatedEventConnection struct {
	Paged
	Edges []*RelatedEventEdge `json:"edges"`
}

type RelatedInitiativeConnection struct {
	Paged
	Edges []*RelatedInitiativeEdge `json:"edges"`
}

type RelatedIssueAreaConnection struct {
	Paged
	Edges []*RelatedIssueAreaEdge `json:"edges"`
}

type RelatedAgreementConnection struct {
	Paged
	Edges []*RelatedAgreementEdge `json:"edges"`
}

type RelatedCountryConnection struct {
	Paged
	Edges []*RelatedCountryEdge `json:"edges"`
}
