package store

import "fmt"

// Label is one of the node labels of the graph model (docs/graph-model.md). Only these
// are ever written into Cypher text.
type Label string

const (
	LabelCountry      Label = "Country"
	LabelOrganization Label = "Organization"
	LabelActor        Label = "Actor" // secondary label of Country and Organization
	LabelIssueArea    Label = "IssueArea"
	LabelInitiative   Label = "Initiative"
	LabelEvent        Label = "Event"
	LabelAgreement    Label = "Agreement"
	LabelSource       Label = "Source"
	// LabelRollCall is one UN General Assembly roll-call vote.
	LabelRollCall Label = "RollCall"
)

// PrimaryLabels are the labels a node is "of", in the order used to pick a
// node's primary label from its label set.
var PrimaryLabels = []Label{LabelCountry, LabelOrganization, LabelIssueArea, LabelInitiative, LabelEvent, LabelAgreement, LabelSource, LabelRollCall}

// ValidLabel reports whether l is a primary label.
func ValidLabel(l Label) bool {
	for _, p := range PrimaryLabels {
		if p == l {
			return true
		}
	}
	return false
}

// IsActor reports whether nodes of this label also carry :Actor.
func (l Label) IsActor() bool { return l == LabelCountry || l == LabelOrganization }

// RelType is one of the relationship types of the graph model.
type RelType string

const (
	RelMemberOf             RelType = "MEMBER_OF"
	RelParticipatedIn       RelType = "PARTICIPATED_IN"
	RelSignatoryOf          RelType = "SIGNATORY_OF"
	RelAddresses            RelType = "ADDRESSES"
	RelPartOf               RelType = "PART_OF"
	RelFollows              RelType = "FOLLOWS"
	RelHeldIn               RelType = "HELD_IN"
	RelEstablishedBy        RelType = "ESTABLISHED_BY"
	RelSeeksPartnershipWith RelType = "SEEKS_PARTNERSHIP_WITH"
	// RelVoted is a country's vote in a roll call: {vote: YES|NO|ABSTAIN}.
	RelVoted RelType = "VOTED"
)

// RelTypes lists every relationship type with the endpoint labels the model allows.
var RelTypes = map[RelType]struct{ From, To []Label }{
	RelMemberOf:             {From: []Label{LabelCountry, LabelOrganization}, To: []Label{LabelInitiative, LabelOrganization}},
	RelParticipatedIn:       {From: []Label{LabelCountry, LabelOrganization}, To: []Label{LabelEvent}},
	RelSignatoryOf:          {From: []Label{LabelCountry, LabelOrganization}, To: []Label{LabelAgreement}},
	RelAddresses:            {From: []Label{LabelInitiative, LabelEvent, LabelAgreement, LabelRollCall}, To: []Label{LabelIssueArea}},
	RelPartOf:               {From: []Label{LabelEvent, LabelIssueArea}, To: []Label{LabelInitiative, LabelIssueArea}},
	RelFollows:              {From: []Label{LabelEvent}, To: []Label{LabelEvent}},
	RelHeldIn:               {From: []Label{LabelEvent}, To: []Label{LabelCountry}},
	RelEstablishedBy:        {From: []Label{LabelInitiative}, To: []Label{LabelAgreement}},
	RelSeeksPartnershipWith: {From: []Label{LabelInitiative}, To: []Label{LabelCountry, LabelOrganization}},
	RelVoted:                {From: []Label{LabelCountry}, To: []Label{LabelRollCall}},
}

// CheckEndpoints reports an error unless the model allows a relationship of
// type t from a node labelled from to a node labelled to.
func CheckEndpoints(t RelType, from, to Label) error {
	spec, ok := RelTypes[t]
	if !ok {
		return fmt.Errorf("unknown relationship type %q", t)
	}
	if !contains(spec.From, from) || !contains(spec.To, to) {
		return fmt.Errorf("%s is not allowed from %s to %s (allowed: from %v to %v)", t, from, to, spec.From, spec.To)
	}
	return nil
}

func contains(ls []Label, l Label) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

// Node is a node as read from the database: its primary label and its properties.
type Node struct {
	Label Label
	Props map[string]any
}

// ID returns the node's id property.
func (n Node) ID() string { s, _ := n.Props["id"].(string); return s }

// primaryLabel picks the model label of a node from its label set.
func primaryLabel(labels []any) Label {
	for _, p := range PrimaryLabels {
		for _, l := range labels {
			if s, _ := l.(string); Label(s) == p {
				return p
			}
		}
	}
	return ""
}
