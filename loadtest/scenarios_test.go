package main

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/lysoen/lysoen/seed"
)

// The load test runs after `lysoen seed` alone (-seed), so every id its
// scenarios name must be a node of the seed graph; an id that only the
// dataset import creates turns into NOT_FOUND answers on a database that
// holds the seed and nothing else.
func TestScenarioIDsAreInTheSeed(t *testing.T) {
	f, err := seed.Parse(bytes.NewReader(seed.GraphJSON), "seed.json", seed.SourceText)
	if err != nil {
		t.Fatal(err)
	}
	inSeed := map[string]bool{}
	for _, n := range f.Nodes {
		inSeed[n.ID] = true
	}
	ids := map[string]bool{}
	for _, iso3 := range iso3s {
		ids["country:"+iso3] = true
	}
	literal := regexp.MustCompile(`(?:country|org|initiative):[a-zA-Z0-9-]+`)
	for _, sc := range scenarios {
		for _, id := range literal.FindAllString(sc.Query+" "+sc.Export, -1) {
			ids[id] = true
		}
	}
	if len(ids) < len(iso3s)+2 {
		t.Fatalf("found only %d ids in the scenarios: %v", len(ids), ids)
	}
	for id := range ids {
		if !inSeed[id] {
			t.Errorf("scenario id %s is not a node of seed.json", id)
		}
	}
}
