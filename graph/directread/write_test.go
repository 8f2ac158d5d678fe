package directread

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
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

// Scores are floats: the direct path must write them as gqlgen's Float
// marshaler does, and refuse what it refuses.
func TestWriteFloatMatchesGqlgen(t *testing.T) {
	cases := []float64{0, math.Copysign(0, -1), 1, -1, 8.357932090759277, 0.1, 1e20, 1e21, 1e-7, 123456789,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1.5e300, -2.5e-300, 100, 1e6}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		cases = append(cases, math.Float64frombits(r.Uint64()), r.NormFloat64()*1e3)
	}
	for _, f := range cases {
		var got, want bytes.Buffer
		gotErr := writeFloat(&got, f)
		wantErr := graphql.MarshalFloatContext(f).MarshalGQLContext(context.Background(), &want)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%v: error %v, gqlgen's %v", f, gotErr, wantErr)
		}
		if wantErr == nil && !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%v: got %s, want %s", f, got.Bytes(), want.Bytes())
		}
	}
	for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		if err := writeFloat(&bytes.Buffer{}, bad); err == nil {
			t.Errorf("%v: written", bad)
		}
	}
}
