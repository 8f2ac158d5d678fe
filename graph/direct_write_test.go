package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// The direct path writes strings itself; they must come out exactly as the
// resolver path's gqlgen String marshaler writes them, so that both paths
// answer byte for byte the same.
func TestWriteStringMatchesGqlgen(t *testing.T) {
	cases := []string{"", "Norway", `say "no" \ to mines`, "tab\tcr\rnl\n", "\x00\x01\x1f\x7f",
		"Lysøen – Ottawa “process”", "a\u2028b", "<&>", "bad utf-8 \xff\xfe end"}
	for c := 0; c < 256; c++ {
		cases = append(cases, "x"+string(rune(c))+"y", string([]byte{byte(c)}))
	}
	for _, s := range cases {
		var got, want bytes.Buffer
		writeString(&got, s)
		graphql.MarshalString(s).MarshalGQL(&want)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%q: got %s, want %s", s, got.Bytes(), want.Bytes())
		}
	}
}

func FuzzWriteString(f *testing.F) {
	f.Add("Ottawa \"process\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		var got, want bytes.Buffer
		writeString(&got, s)
		graphql.MarshalString(s).MarshalGQL(&want)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%q: got %s, want %s", s, got.Bytes(), want.Bytes())
		}
	})
}
