package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Guard 0 of researchers' Cypher: the query text must not build a value
// that could fill Neo4j's heap.
//
// Neo4j's transaction memory limits (db.memory.transaction.max) track what
// its operators hold — collect(), sorting, aggregation — but not values
// built inside one expression: a list comprehension over
// range(1, 20000000), a string doubled in reduce(). Such a value fills the
// heap, and Neo4j either exits (with -XX:+ExitOnOutOfMemoryError) or, as
// measured with a 384 MB heap, stalls in garbage collection for minutes
// without answering anyone. Since no setting bounds these values, the
// shapes that make them are refused before the query is sent:
//
//   - range() must have integer literal bounds (and step), and the sizes of
//     all the ranges in a query, multiplied as if they were nested, may not
//     exceed MaxCypherRangeElements; UNWIND range(…) is exempt, since it
//     streams one row per element and never holds the list;
//   - each + may double a value (s + s, l + l), so the budget above is
//     divided by 2 for each + in the query, and by collectFactor for each
//     collect() whose list the query could then copy;
//   - reduce() may concatenate its accumulator once per step: twice
//     (reduce(s = 'x', i IN xs | s + s)) grows it exponentially; nor may it
//     wrap it in a list or map literal (reduce(x = [], i IN xs | [x])),
//     which nests it one level deeper per step until Neo4j's stack overflows.
//
// It is a heuristic on the text, not a proof: it keeps the values a query
// can build in one expression to tens of megabytes, and the transaction
// limits bound the rest (docs/operations.md, "Threat model").

// MaxCypherRangeElements is the budget of elements a query's range() calls
// and + operators may build (see above).
const MaxCypherRangeElements = 1_000_000

// collectFactor is what one collect() counts for in the budget: the size of
// a list of a large part of the graph.
const collectFactor = 10_000

// cypherToken is one token of a query text: an identifier or keyword, a
// number, a string literal, or one punctuation character.
type cypherToken struct {
	kind byte // 'i' identifier, 'n' number, 's' string, 'p' punctuation
	text string
}

// lexCypher splits a query into tokens, dropping comments and whitespace.
// Backtick-quoted names are identifiers; string literals keep no content.
func lexCypher(q string) []cypherToken {
	var out []cypherToken
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(q[i:], "//"):
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case strings.HasPrefix(q[i:], "/*"):
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += end + 4
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				if q[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, cypherToken{'s', ""})
			i = j + 1
		case c == '`':
			end := strings.IndexByte(q[i+1:], '`')
			if end < 0 {
				return out
			}
			out = append(out, cypherToken{'i', q[i+1 : i+1+end]})
			i += end + 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(q) && (isIdentByte(q[j]) || q[j] == '.' && j+1 < len(q) && q[j+1] >= '0' && q[j+1] <= '9') {
				j++
			}
			out = append(out, cypherToken{'n', q[i:j]})
			i = j
		default:
			r, size := utf8.DecodeRuneInString(q[i:])
			if r == '_' || r == '$' || unicode.IsLetter(r) {
				j := i + size
				for j < len(q) {
					r, s := utf8.DecodeRuneInString(q[j:])
					if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
						break
					}
					j += s
				}
				out = append(out, cypherToken{'i', q[i:j]})
				i = j
				continue
			}
			out = append(out, cypherToken{'p', q[i : i+size]})
			i += size
		}
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// checkValueSize applies guard 0 to a query text.
func checkValueSize(query string) error {
	toks := lexCypher(query)
	budget := float64(MaxCypherRangeElements)
	used := 1.0
	call := func(i int, name string) bool { // toks[i] is a call of name
		return toks[i].kind == 'i' && strings.EqualFold(toks[i].text, name) && i+1 < len(toks) && toks[i+1].text == "(" &&
			(i == 0 || toks[i-1].text != ".")
	}
	for i := 0; i < len(toks); i++ {
		switch {
		case toks[i].kind == 'p' && toks[i].text == "+":
			used *= 2
		case call(i, "collect"):
			used *= collectFactor
		case call(i, "range") && i > 0 && strings.EqualFold(toks[i-1].text, "UNWIND"):
			// Streamed row by row: nothing is held.
		case call(i, "range"):
			n, next, err := rangeSize(toks, i+2)
			if err != nil {
				return err
			}
			used *= math.Max(n, 1)
			i = next - 1
		case call(i, "reduce"):
			if err := checkReduce(toks, i+2); err != nil {
				return err
			}
		}
		if used > budget {
			return &CypherRefusedError{Reason: fmt.Sprintf("the query could build a value of more than %d elements inside one expression "+
				"(the sizes of its range() calls times 2 for each + and %d for each collect()), which Neo4j's memory limits do not bound; "+
				"use smaller ranges, or UNWIND and aggregate instead", MaxCypherRangeElements, collectFactor)}
		}
	}
	return nil
}

// rangeSize reads the arguments of range( starting at toks[i] and returns
// how many elements it yields and the index after its ")".
func rangeSize(toks []cypherToken, i int) (float64, int, error) {
	refuse := &CypherRefusedError{Reason: "range() may only take integer literals here (e.g. range(1, 100)), so the size of the list is known before the query runs"}
	var args []float64
	for {
		neg := false
		if i < len(toks) && (toks[i].text == "-" || toks[i].text == "+") {
			neg = toks[i].text == "-"
			i++
		}
		if i >= len(toks) || toks[i].kind != 'n' {
			return 0, 0, refuse
		}
		v, err := strconv.ParseInt(strings.ReplaceAll(toks[i].text, "_", ""), 0, 64)
		if err != nil {
			return 0, 0, refuse
		}
		if neg {
			v = -v
		}
		args = append(args, float64(v))
		i++
		if i >= len(toks) {
			return 0, 0, refuse
		}
		if toks[i].text == ")" {
			break
		}
		if toks[i].text != "," || len(args) == 3 {
			return 0, 0, refuse
		}
		i++
	}
	if len(args) < 2 {
		return 0, 0, refuse
	}
	step := 1.0
	if len(args) == 3 {
		step = args[2]
	}
	if step == 0 {
		return 0, i + 1, nil // Neo4j refuses it
	}
	return math.Max(0, math.Floor((args[1]-args[0])/step)+1), i + 1, nil
}

// checkReduce refuses reduce(acc = init, x IN list | expr) when expr
// concatenates acc with itself (acc next to a + more than once) or wraps
// it in a list or map literal (one level deeper at every step: 100,000
// steps overflow Neo4j's stack); toks[i] is the token after "reduce(".
func checkReduce(toks []cypherToken, i int) error {
	if i >= len(toks) || toks[i].kind != 'i' {
		return nil // not the form Neo4j accepts; it will say so
	}
	acc := toks[i].text
	var stack []string // brackets opened inside the reduce
	seen, joined, nested := false, 0, false
	for j := i + 1; j < len(toks); j++ {
		t := toks[j]
		switch {
		case t.text == "(" || t.text == "[" || t.text == "{":
			stack = append(stack, t.text)
			continue
		case t.text == ")" || t.text == "]" || t.text == "}":
			if len(stack) == 0 {
				j = len(toks) // the reduce's own ")"
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		case t.text == "|" && len(stack) == 0:
			seen = true
			continue
		}
		if !seen || t.kind != 'i' || t.text != acc || toks[j-1].text == "." {
			continue
		}
		if toks[j-1].text == "+" || j+1 < len(toks) && toks[j+1].text == "+" {
			joined++
		}
		for _, b := range stack {
			// A literal: [ or { not right after a function name.
			if b == "[" || b == "{" {
				nested = true
			}
		}
	}
	switch {
	case joined > 1:
		return &CypherRefusedError{Reason: fmt.Sprintf("reduce() may concatenate its accumulator %s once per step: "+
			"%s + … + %s can double the value at every step, which Neo4j's memory limits do not bound", acc, acc, acc)}
	case nested:
		return &CypherRefusedError{Reason: fmt.Sprintf("reduce() may not put its accumulator %s inside a list or map: "+
			"the value would nest one level deeper at every step, past what Neo4j can evaluate", acc)}
	}
	return nil
}
