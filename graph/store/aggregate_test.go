package store

import "testing"

func TestRelationshipConditions(t *testing.T) {
	party := RelFilter{Type: RelSignatoryOf, Dir: Outgoing, Other: LabelAgreement,
		Where:    Filter{Conds: []Cond{{Prop: "id", Op: OpEq, Value: "agreement:ottawa"}}},
		RelConds: []Cond{{Prop: "ratified", Op: OpPresent, Value: true}, {Prop: "until", Op: OpPresent, Value: false}}}
	params := map[string]any{}
	got, err := newWhereBuilder(params).node(Filter{Rels: []RelFilter{party}}, "n", LabelCountry)
	if err != nil {
		t.Fatal(err)
	}
	want := "EXISTS { MATCH (n)-[e1:SIGNATORY_OF]->(r1:Agreement) WHERE ((e1.ratified IS NOT NULL AND e1.until IS NULL) AND r1.id = $w0) }"
	if got != want || params["w0"] != "agreement:ottawa" {
		t.Errorf("got  %s %v\nwant %s", got, params, want)
	}
	for _, bad := range []RelFilter{
		{Type: RelSignatoryOf, Other: LabelAgreement, RelConds: []Cond{{Prop: "password", Op: OpPresent, Value: true}}},
		{Type: RelSignatoryOf, Other: LabelAgreement, RelConds: []Cond{{Prop: "until", Op: OpPresent, Value: "yes"}}},
		{Type: RelHeldIn, Other: LabelCountry, RelConds: []Cond{{Prop: "until", Op: OpPresent, Value: true}}},
	} {
		if got, err := newWhereBuilder(map[string]any{}).node(Filter{Rels: []RelFilter{bad}}, "n", LabelCountry); err == nil {
			t.Errorf("%+v built %q, want an error", bad, got)
		}
	}
}
