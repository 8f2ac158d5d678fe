package store

// The node properties of the read API, declared once. The same table
// decides which properties a filter or an order may name (the allow-list
// that keeps property names out of reach of the request) and which
// GraphQL fields of a node read the property of their own name as stored,
// the fields the direct read path writes without a resolver. Two
// separate lists drifted: a property filterable but not written directly
// (or the reverse) is now a visible flag on one row.

// NodeField is one property of a label.
type NodeField struct {
	Prop string
	Kind propKind
	// Filter: `where` and `orderBy` may name it.
	Filter bool
	// Read: the GraphQL field of the same name on the label's type reads
	// the property as stored (model.FromNode), so it can be written
	// straight from a projection.
	Read bool
}

// commonFields are the properties of every label.
var commonFields = []NodeField{
	{Prop: "id", Kind: kindString, Filter: true, Read: true},
	{Prop: "name", Kind: kindString, Filter: true, Read: true},
}

// labelFields are the properties of each label beside commonFields.
var labelFields = map[Label][]NodeField{
	LabelActor: {{Prop: "kind", Kind: kindString, Filter: true}},
	LabelCountry: {
		{Prop: "iso3", Kind: kindString, Filter: true, Read: true},
		{Prop: "iso2", Kind: kindString, Filter: true, Read: true},
		{Prop: "region", Kind: kindString, Filter: true, Read: true},
		{Prop: "subRegion", Kind: kindString, Filter: true, Read: true},
		{Prop: "m49", Kind: kindString, Filter: true, Read: true},
		{Prop: "historical", Kind: kindBool, Filter: true, Read: true},
	},
	LabelOrganization: {
		{Prop: "kind", Kind: kindString, Filter: true, Read: true},
		{Prop: "acronym", Kind: kindString, Filter: true, Read: true},
		{Prop: "cowId", Kind: kindInt, Filter: true, Read: true},
		{Prop: "startDate", Kind: kindDate, Filter: true, Read: true},
		{Prop: "endDate", Kind: kindDate, Filter: true, Read: true},
	},
	LabelIssueArea: {
		{Prop: "description", Kind: kindString, Filter: true, Read: true},
	},
	LabelInitiative: {
		{Prop: "kind", Kind: kindString, Filter: true, Read: true},
		{Prop: "objective", Kind: kindString, Filter: true, Read: true},
		{Prop: "startDate", Kind: kindDate, Filter: true, Read: true},
		{Prop: "endDate", Kind: kindDate, Filter: true, Read: true},
	},
	LabelEvent: {
		{Prop: "kind", Kind: kindString, Filter: true, Read: true},
		{Prop: "location", Kind: kindString, Filter: true, Read: true},
		{Prop: "status", Kind: kindString, Filter: true, Read: true},
		// Read from the property, or else from startDate's precision.
		{Prop: "datePrecision", Kind: kindString, Filter: true, Read: true},
		{Prop: "startDate", Kind: kindDate, Filter: true, Read: true},
		{Prop: "endDate", Kind: kindDate, Filter: true, Read: true},
	},
	LabelAgreement: {
		{Prop: "kind", Kind: kindString, Filter: true, Read: true},
		{Prop: "adoptedOn", Kind: kindDate, Filter: true, Read: true},
		{Prop: "openYear", Kind: kindDate, Filter: true, Read: true},
		{Prop: "mtdsgNo", Kind: kindString, Filter: true, Read: true},
		{Prop: "acronym", Kind: kindString, Filter: true, Read: true},
		{Prop: "sourceUrl", Kind: kindString, Read: true},
		{Prop: "aliases", Kind: kindStrings, Read: true},
	},
	// A roll call's fields take the resolvers (its votes are paged per
	// node), so none of its own is marked Read.
	LabelRollCall: {
		{Prop: "rcid", Kind: kindInt, Filter: true},
		{Prop: "session", Kind: kindInt, Filter: true},
		{Prop: "date", Kind: kindDate, Filter: true},
		{Prop: "resolution", Kind: kindString, Filter: true},
		{Prop: "title", Kind: kindString, Filter: true},
		{Prop: "description", Kind: kindString, Filter: true},
		{Prop: "important", Kind: kindBool, Filter: true},
		{Prop: "amendment", Kind: kindBool, Filter: true},
		{Prop: "paragraph", Kind: kindBool, Filter: true},
	},
}

// commonProps and filterProps are the Filter rows of the table, by name.
var commonProps, filterProps = filterable()

func filterable() (map[string]propKind, map[Label]map[string]propKind) {
	common := map[string]propKind{}
	for _, f := range commonFields {
		if f.Filter {
			common[f.Prop] = f.Kind
		}
	}
	byLabel := map[Label]map[string]propKind{}
	for l, fields := range labelFields {
		m := map[string]propKind{}
		for _, f := range fields {
			if f.Filter {
				m[f.Prop] = f.Kind
			}
		}
		byLabel[l] = m
	}
	return common, byLabel
}

// ReadField reports whether the GraphQL field prop of a node of label l
// reads the property of the same name as stored (a Read row).
func ReadField(l Label, prop string) bool {
	for _, fields := range [][]NodeField{commonFields, labelFields[l]} {
		for _, f := range fields {
			if f.Prop == prop {
				return f.Read
			}
		}
	}
	return false
}
