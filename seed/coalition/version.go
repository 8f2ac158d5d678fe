package coalition

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
)

// code is this package's own source: the content hash of a dataset covers
// the files of code that map it (its tables of codes and states, listed in
// its spec), so a new mapping is written on the next run even when the
// data files are unchanged.
//
//go:embed *.go
var code embed.FS

// codeHash is the SHA-256 over the named Go files of the package.
func codeHash(files []string) string {
	h := sha256.New()
	for _, n := range files {
		b, err := code.ReadFile(n)
		if err != nil {
			panic("coalition: spec names a missing source file " + n) // a programming error, caught by any test
		}
		h.Write([]byte(n + "\n"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}
