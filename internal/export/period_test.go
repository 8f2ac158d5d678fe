package export

import "testing"

// Periods follow the dates' precision: a year is its whole year, a month
// its whole month, never an invented day.
func TestPeriods(t *testing.T) {
	for _, c := range []struct {
		name       string
		p          period
		start, end string
	}{
		{"year-precise membership", edgePeriod(Edge{Type: "MEMBER_OF", Props: map[string]any{"since": "1999", "until": "2000"}}), "1999-01-01", "2000-12-31"},
		{"month-precise membership, open", edgePeriod(Edge{Type: "MEMBER_OF", Props: map[string]any{"since": "2004-02"}}), "2004-02-01", ""},
		{"leap February until", edgePeriod(Edge{Type: "MEMBER_OF", Props: map[string]any{"since": "1999", "until": "2000-02"}}), "1999-01-01", "2000-02-29"},
		{"signature before ratification, withdrawal", edgePeriod(Edge{Type: "SIGNATORY_OF", Props: map[string]any{"signed": "1997-12-03", "ratified": "1998-06", "until": "2017-10-27"}}), "1997-12-03", "2017-10-27"},
		{"accession only", edgePeriod(Edge{Type: "SIGNATORY_OF", Props: map[string]any{"ratified": "2015"}}), "2015-01-01", ""},
		{"no dates", edgePeriod(Edge{Type: "PARTICIPATED_IN", Props: map[string]any{"role": "HOST"}}), "", ""},
		{"malformed date", edgePeriod(Edge{Type: "MEMBER_OF", Props: map[string]any{"since": "spring 1999"}}), "", ""},
		{"month-precise event", nodePeriod(Node{Type: "Event", Props: map[string]any{"startDate": "1999-02"}}), "1999-02-01", "1999-02-28"},
		{"event with end", nodePeriod(Node{Type: "Event", Props: map[string]any{"startDate": "1999-05-19", "endDate": "1999-05-20"}}), "1999-05-19", "1999-05-20"},
		{"roll call", nodePeriod(Node{Type: "RollCall", Props: map[string]any{"date": "1946-01-01"}}), "1946-01-01", "1946-01-01"},
		{"agreement from adoption", nodePeriod(Node{Type: "Agreement", Props: map[string]any{"adoptedOn": "1997-09-18"}}), "1997-09-18", ""},
		{"organization", nodePeriod(Node{Type: "Organization", Props: map[string]any{"startDate": "1945", "endDate": "1991"}}), "1945-01-01", "1991-12-31"},
		{"a source's date is not a period", nodePeriod(Node{Type: "Source", Props: map[string]any{"date": "1999"}}), "", ""},
	} {
		if c.p.start != c.start || c.p.end != c.end {
			t.Errorf("%s: %s..%s, want %s..%s", c.name, c.p.start, c.p.end, c.start, c.end)
		}
	}
}

// Column types are those of every value seen; reserved names are renamed.
func TestColumns(t *testing.T) {
	g := &Graph{Nodes: []Node{
		{Props: map[string]any{"id": "a", "n": int64(1), "x": 1.5, "mixed": int64(2), "flag": true, "label": "l", "list": []any{"a"}}},
		{Props: map[string]any{"id": "b", "n": int64(2), "mixed": "two", "x": int64(3)}},
	}}
	got := map[string]column{}
	for _, c := range columns(g.nodeProps, nodeFixed) {
		got[c.prop] = c
	}
	want := map[string]column{
		"n": {"n", "n", typeLong}, "x": {"x", "x", typeDouble}, "mixed": {"mixed", "mixed", typeString},
		"flag": {"flag", "flag", typeBool}, "label": {"property_label", "label", typeString}, "list": {"list", "list", typeString},
	}
	if len(got) != len(want) {
		t.Errorf("columns %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("column %s: %+v, want %+v", k, got[k], w)
		}
	}
	if s := text([]any{"a", int64(1)}, typeString); s != `["a",1]` {
		t.Errorf("a list is written as %s", s)
	}
}
