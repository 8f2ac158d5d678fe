package dataset

import (
	"testing"
	"time"

	"github.com/lysoen/lysoen/graph/store"
)

// The version is a function of the facts: equal facts, equal versions;
// any change (a source's date, a count, the last write) a new one.
func TestVersionFromFacts(t *testing.T) {
	w := time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC)
	base := func() store.DatasetFacts {
		return store.DatasetFacts{Nodes: 37, Rels: 51, LastWrite: w, LastWriteText: w.Format(time.RFC3339Nano),
			Sources: []map[string]any{
				{"id": "source:iso3166", "title": "ISO 3166", "date": "2024-06", "url": "https://example.org/iso"},
				{"id": "source:human-security-1999", "title": "Human Security", "date": "1999", "file": "human-security-1999.txt"},
			}}
	}
	v := FromFacts(base())
	if again := FromFacts(base()); again.ID != v.ID || len(v.ID) != len("ds-")+16 {
		t.Fatalf("versions of equal facts: %s and %s", v.ID, again.ID)
	}
	changes := map[string]func(*store.DatasetFacts){
		"a source's date": func(f *store.DatasetFacts) { f.Sources[0]["date"] = "2025-01" },
		"a node more":     func(f *store.DatasetFacts) { f.Nodes++ },
		"a relationship":  func(f *store.DatasetFacts) { f.Rels-- },
		"a later write":   func(f *store.DatasetFacts) { f.LastWriteText = w.Add(time.Second).Format(time.RFC3339Nano) },
		"a new source":    func(f *store.DatasetFacts) { f.Sources = append(f.Sources, map[string]any{"id": "source:x"}) },
		"one more write":  func(f *store.DatasetFacts) { f.Writes++ },
	}
	for what, change := range changes {
		f := base()
		change(&f)
		if FromFacts(f).ID == v.ID {
			t.Errorf("%s left the version at %s", what, v.ID)
		}
	}
	if v.Sources[0].ID != "source:human-security-1999" || v.Sources[1].Licence != "CC BY-SA 4.0 (lukes/ISO-3166-Countries-with-Regional-Codes)" ||
		v.Sources[0].Licence != "not stated by the source" || v.Sources[1].Citation != "ISO 3166 (2024-06). https://example.org/iso." {
		t.Errorf("sources: %+v", v.Sources)
	}
}
