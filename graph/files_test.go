package graph

// Readers of the files the tests compute their expected answers from:
// seed/seed.json and the dataset CSV files, read directly (not through
// the importers or Neo4j).

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	data "github.com/lysoen/lysoen/seed/data"
)

// seedGraph is seed/seed.json as its authors wrote it.
type seedGraph struct {
	Source struct{ ID, Date string }
	Nodes  []struct {
		Label, ID  string
		Properties map[string]any
	}
	Relationships []struct {
		Type, From, To string
		Properties     map[string]any
	}
}

func readSeed(t *testing.T) seedGraph {
	t.Helper()
	raw, err := os.ReadFile("../seed/seed.json")
	if err != nil {
		t.Fatal(err)
	}
	var s seedGraph
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// csvRecords reads a CSV with a header row as one header → value map per row.
func csvRecords(t *testing.T, r io.Reader) []map[string]string {
	t.Helper()
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]string, 0, max(len(recs)-1, 0))
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// parseCSVText reads CSV rows written in a test.
func parseCSVText(t *testing.T, s string) []map[string]string {
	t.Helper()
	return csvRecords(t, strings.NewReader(s))
}

// readCSV reads a CSV file by its path.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return csvRecords(t, f)
}

// fileRecords reads an embedded dataset file (gzipped when the name ends
// in .gz).
func fileRecords(t *testing.T, name string) []map[string]string {
	t.Helper()
	f, err := data.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		defer gz.Close()
		r = gz
	}
	return csvRecords(t, r)
}
