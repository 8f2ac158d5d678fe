package store

import (
	"strings"
	"testing"
)

func TestWhereBuilderParameterizes(t *testing.T) {
	evil := `x' OR 1=1 //`
	f := Filter{
		Conds: []Cond{{Prop: "name", Op: OpContains, Value: evil}, {Prop: "startDate", EndProp: "endDate", Op: OpOverlaps, Value: DateRange{From: "1999-01-01"}}},
		Rels:  []RelFilter{{Type: RelParticipatedIn, Dir: Incoming, Other: LabelActor, Where: Filter{Conds: []Cond{{Prop: "id", Op: OpEq, Value: evil}}}}},
		Or:    []Filter{{Conds: []Cond{{Prop: "kind", Op: OpIn, Value: []string{evil}}}}, {}},
		Not:   &Filter{Conds: []Cond{{Prop: "status", Op: OpEq, Value: "HELD"}}},
	}
	params := map[string]any{}
	got, err := newWhereBuilder(params).node(f, "n", LabelEvent)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got, evil) || strings.Contains(got, "1=1") {
		t.Errorf("value inlined into Cypher: %s", got)
	}
	if len(params) != 5 {
		t.Errorf("params = %v, want 5", params)
	}
	for _, want := range []string{"EXISTS { MATCH (n)<-[:PARTICIPATED_IN]-(r1:Actor) WHERE r1.id = $", "coalesce(n.endDate, n.startDate)", "NOT (n.status = $", " OR true)"} {
		if !strings.Contains(got, want) {
			t.Errorf("where %s\nlacks %s", got, want)
		}
	}
}

func TestWhereBuilderRefusesUnknownProperties(t *testing.T) {
	for _, f := range []Filter{
		{Conds: []Cond{{Prop: "password", Op: OpEq, Value: "x"}}},
		{Conds: []Cond{{Prop: "name) DETACH DELETE n //", Op: OpEq, Value: "x"}}},
		{Conds: []Cond{{Prop: "name", Op: OpOverlaps, Value: DateRange{}}}},
		{Conds: []Cond{{Prop: "startDate", Op: OpContains, Value: "x"}}},
		{Rels: []RelFilter{{Type: "KNOWS", Other: LabelActor}}},
		{Label: "Secret"},
	} {
		if got, err := newWhereBuilder(map[string]any{}).node(f, "n", LabelEvent); err == nil {
			t.Errorf("%+v built %q, want an error", f, got)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{Keys: []string{"1999-02", "Canada's Presidency"}, ID: "event:x", Order: "startDate,name"}
	got, err := DecodeCursor(c.Encode())
	if err != nil || got.ID != c.ID || got.Order != c.Order || len(got.Keys) != 2 || got.Keys[1] != c.Keys[1] {
		t.Errorf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "x", "djE6e30", c.Encode()[:10]} {
		if _, err := DecodeCursor(bad); err == nil {
			t.Errorf("DecodeCursor(%q) accepted", bad)
		}
	}
}

func BenchmarkCursorEncode(b *testing.B) {
	c := Cursor{Keys: []string{"1999-02", "Canada's Presidency of the UN Security Council"}, ID: "event:unsc-presidency-canada-1999", Order: "startDate,name"}
	for i := 0; i < b.N; i++ {
		_ = c.Encode()
	}
}

func BenchmarkCursorDecode(b *testing.B) {
	s := Cursor{Keys: []string{"1999-02", "Canada's Presidency of the UN Security Council"}, ID: "event:unsc-presidency-canada-1999", Order: "startDate,name"}.Encode()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeCursor(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWhereBuild builds a three-level filter (an OR, a relationship
// filter with a nested one, a date range).
func BenchmarkWhereBuild(b *testing.B) {
	f := Filter{
		Conds: []Cond{{Prop: "name", Op: OpStartsWith, Value: "C"}},
		Rels: []RelFilter{{Type: RelParticipatedIn, Dir: Outgoing, Other: LabelEvent, Where: Filter{
			Conds: []Cond{{Prop: "kind", Op: OpIn, Value: []string{"MEETING", "SIGNING"}}, {Prop: "startDate", EndProp: "endDate", Op: OpOverlaps, Value: DateRange{From: "1998-01-01", To: "1999-12-31"}}},
			Rels:  []RelFilter{{Type: RelPartOf, Dir: Outgoing, Other: LabelInitiative, Where: Filter{Conds: []Cond{{Prop: "id", Op: OpEq, Value: "initiative:lysoen-partnership"}}}}},
		}}},
		Or: []Filter{{Conds: []Cond{{Prop: "iso3", Op: OpEq, Value: "CAN"}}}, {Conds: []Cond{{Prop: "iso3", Op: OpEq, Value: "NOR"}}}},
	}
	for i := 0; i < b.N; i++ {
		if _, err := newWhereBuilder(map[string]any{}).node(f, "n", LabelCountry); err != nil {
			b.Fatal(err)
		}
	}
}
