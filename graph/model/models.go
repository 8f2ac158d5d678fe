// Package model holds the Go types behind the GraphQL schema. Hand-written
// types carry a node's own properties; relationship fields are resolved
// through the per-request loaders, so these structs hold no edges.
package model

// Node is implemented by every type with a stable id (GraphQL `Node`).
type Node interface {
	IsNode()
	NodeID() string
}

// Actor is a Country or an Organization (GraphQL `Actor`).
type Actor interface {
	Node
	IsActor()
	ActorName() string
}

// Evidence is the sentence a fact rests on.
type Evidence struct {
	SourceID string `json:"sourceId"`
	Quote    string `json:"quote"`
}

type Country struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group  *Group  `json:"-"`
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Iso3   string  `json:"iso3"`
	Iso2   *string `json:"iso2"`
	Region *string `json:"region"`
	// SubRegion and M49 come from the ISO 3166 reference data.
	SubRegion *string `json:"subRegion"`
	M49       *string `json:"m49"`
	// Historical marks a state that no longer exists.
	Historical bool `json:"historical"`
	Evidence   *Evidence
}

func (Country) IsNode()               {}
func (Country) IsActor()              {}
func (c Country) NodeID() string      { return c.ID }
func (c Country) ActorName() string   { return c.Name }
func (Organization) IsNode()          {}
func (Organization) IsActor()         {}
func (o Organization) NodeID() string { return o.ID }
func (o Organization) ActorName() string {
	return o.Name
}

type Organization struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group   *Group     `json:"-"`
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Kind    *ActorKind `json:"kind"`
	Acronym *string    `json:"acronym"`
	// CowID, StartDate and EndDate come from the Correlates of War IGO data.
	CowID     *int  `json:"cowId"`
	StartDate *Date `json:"startDate"`
	EndDate   *Date `json:"endDate"`
	Evidence  *Evidence
}

type IssueArea struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group       *Group  `json:"-"`
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Evidence    *Evidence
}

func (IssueArea) IsNode()          {}
func (i IssueArea) NodeID() string { return i.ID }

type Initiative struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group     *Group          `json:"-"`
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Kind      *InitiativeKind `json:"kind"`
	Objective *string         `json:"objective"`
	StartDate *Date           `json:"startDate"`
	EndDate   *Date           `json:"endDate"`
	Evidence  *Evidence       `json:"evidence"`
}

func (Initiative) IsNode()          {}
func (i Initiative) NodeID() string { return i.ID }

type Event struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group         *Group         `json:"-"`
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Kind          *EventKind     `json:"kind"`
	StartDate     *Date          `json:"startDate"`
	EndDate       *Date          `json:"endDate"`
	DatePrecision *DatePrecision `json:"datePrecision"`
	Location      *string        `json:"location"`
	Status        *EventStatus   `json:"status"`
	Evidence      *Evidence      `json:"evidence"`
}

func (Event) IsNode()          {}
func (e Event) NodeID() string { return e.ID }

type Agreement struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group     *Group    `json:"-"`
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Kind      *string   `json:"kind"`
	AdoptedOn *Date     `json:"adoptedOn"`
	OpenYear  *Date     `json:"openYear"`
	MtdsgNo   *string   `json:"mtdsgNo"`
	SourceURL *string   `json:"sourceUrl"`
	Acronym   *string   `json:"acronym"`
	Aliases   []string  `json:"aliases"`
	Evidence  *Evidence `json:"evidence"`
}

func (Agreement) IsNode()          {}
func (a Agreement) NodeID() string { return a.ID }

type Source struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group *Group  `json:"-"`
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Date  *Date   `json:"date"`
	File  *string `json:"file"`
	URL   *string `json:"url"`
}

func (Source) IsNode()          {}
func (s Source) NodeID() string { return s.ID }

// RollCall is one UN General Assembly roll-call vote.
type RollCall struct {
	// Group is the list this node was loaded with; relationship fields load for the whole group at once.
	Group       *Group    `json:"-"`
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Rcid        int       `json:"rcid"`
	Session     int       `json:"session"`
	Date        *Date     `json:"date"`
	Resolution  *string   `json:"resolution"`
	Title       *string   `json:"title"`
	Description *string   `json:"description"`
	Important   *bool     `json:"important"`
	Amendment   *bool     `json:"amendment"`
	Paragraph   *bool     `json:"paragraph"`
	Evidence    *Evidence `json:"evidence"`
}

func (RollCall) IsNode()          {}
func (r RollCall) NodeID() string { return r.ID }

// Membership is a MEMBER_OF relationship; exactly one of Initiative and
// Organization is set.
type Membership struct {
	Role         *MembershipRole `json:"role"`
	Since        *Date           `json:"since"`
	Until        *Date           `json:"until"`
	Actor        Actor           `json:"actor"`
	Initiative   *Initiative     `json:"initiative"`
	Organization *Organization   `json:"organization"`
	Evidence     *Evidence       `json:"evidence"`
}

// Participation is a PARTICIPATED_IN relationship.
type Participation struct {
	Role     *ParticipationRole `json:"role"`
	Actor    Actor              `json:"actor"`
	Event    *Event             `json:"event"`
	Evidence *Evidence          `json:"evidence"`
}

// Signature is a SIGNATORY_OF relationship.
type Signature struct {
	Signed    *Date            `json:"signed"`
	Ratified  *Date            `json:"ratified"`
	Method    *SignatureMethod `json:"method"`
	Until     *Date            `json:"until"`
	SourceURL *string          `json:"sourceUrl"`
	Note      *string          `json:"note"`
	Actor     Actor            `json:"actor"`
	Agreement *Agreement       `json:"agreement"`
	Evidence  *Evidence        `json:"evidence"`
}

// PartnershipProspect is a SEEKS_PARTNERSHIP_WITH relationship.
type PartnershipProspect struct {
	Status     *PartnershipStatus `json:"status"`
	Initiative *Initiative        `json:"initiative"`
	Actor      Actor              `json:"actor"`
	Evidence   *Evidence          `json:"evidence"`
}
