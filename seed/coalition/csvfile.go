package coalition

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
)

// FormatError is a file the importer cannot read as the dataset it
// should be (not gzip, not CSV, a missing column). Nothing is written
// when a file has one: every file is read before the first write.
type FormatError struct {
	File string
	Line int // 0 when the whole file is wrong
	Err  error
}

func (e *FormatError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s%s line %d: %v", DataDir, e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s%s: %v", DataDir, e.File, e.Err)
}

func (e *FormatError) Unwrap() error { return e.Err }

// columns maps a header's column names to their positions.
type columns map[string]int

// row is one CSV record with its header.
type row struct {
	rec  []string
	cols columns
	line int
}

func (r row) get(col string) string {
	i := r.cols[col]
	if i >= len(r.rec) {
		return "" // a short row of a tab-separated file: trailing fields empty
	}
	return strings.TrimSpace(r.rec[i])
}

// readCSV reads a CSV (gzip-compressed when its name ends in .gz, comma or
// tab separated; tab-separated rows may be short) with encoding/csv, checks that the header holds every
// required column and hands each record to fn with its line number. A
// malformed record ends the read with a *FormatError; fn's error too.
func readCSV(fsys fs.FS, file string, comma rune, required []string, fn func(r row) error) error {
	f, err := fsys.Open(file)
	if err != nil {
		return &FormatError{File: file, Err: err}
	}
	defer f.Close()
	var in io.Reader = f
	if strings.HasSuffix(file, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return &FormatError{File: file, Err: fmt.Errorf("not gzip: %w", err)}
		}
		defer gz.Close()
		in = gz
	}
	cr := csv.NewReader(in)
	cr.Comma = comma
	if comma == '\t' {
		// country_data.tsv drops trailing empty fields on some rows.
		cr.FieldsPerRecord = -1
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return &FormatError{File: file, Line: 1, Err: fmt.Errorf("header: %w", err)}
	}
	cols := columns{}
	for i, h := range header {
		cols[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return &FormatError{File: file, Line: 1, Err: fmt.Errorf("header lacks column(s) %s", strings.Join(missing, ", "))}
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &FormatError{File: file, Line: pe.StartLine, Err: pe.Err}
			}
			return &FormatError{File: file, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if err := fn(row{rec: rec, cols: cols, line: line}); err != nil {
			return err
		}
	}
}

// hashFiles is the SHA-256 over the named files' bytes (names included)
// and the importer's code, the dataset's content hash.
func hashFiles(fsys fs.FS, files, code []string) (string, error) {
	files = append([]string(nil), files...)
	sort.Strings(files)
	h := sha256.New()
	h.Write([]byte(codeHash(code)))
	for _, name := range files {
		f, err := fsys.Open(name)
		if err != nil {
			return "", &FormatError{File: name, Err: err}
		}
		fmt.Fprintf(h, "%s\n", name)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", &FormatError{File: name, Err: err}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// intField parses R's numbers as written to CSV ("3", "3.0"); ok is false
// for anything else, including "" and "NA".
func intField(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".0")
	if s == "" {
		return 0, false
	}
	var n int64
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// boolField parses R's 0/1 flags ("0.0", "1.0"); nil when empty or NA.
func boolField(s string) (any, bool) {
	n, ok := intField(s)
	switch {
	case !ok && (s == "" || s == "NA"):
		return nil, true
	case ok && (n == 0 || n == 1):
		return n == 1, true
	}
	return nil, false
}
