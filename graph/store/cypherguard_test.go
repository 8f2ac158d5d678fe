package store

import (
	"errors"
	"testing"
)

// TestCheckValueSize: the shapes that build unbounded values inside one
// expression are refused, ordinary analyst queries are not.
func TestCheckValueSize(t *testing.T) {
	refused := []string{
		"RETURN size([x IN range(1,20000000) | x]) AS n",
		"RETURN size([x IN range(1,10000000) | x]) AS n",
		"RETURN size([x IN RANGE( 1 , 12_000_000 ) | toString(x)])",
		"RETURN [x IN range(1,2000) | [y IN range(1,2000) | y]]",
		"RETURN range(1, $n)",
		"RETURN range(1, 1000 * 1000)",
		"RETURN range(1, toInteger('20000000'))",
		"RETURN reduce(s = 'x', k IN range(1,30) | s + s)",
		"RETURN reduce(`s` = [], k IN [1,2,3] | `s` + [k] + s)",
		"RETURN reduce(x = [], i IN range(1,100000) | [x])",
		"RETURN reduce(m = {}, i IN range(1,1000) | {inner: m})",
		"RETURN reduce(s = '', i IN range(1,40) | s + '' + s)",
		"UNWIND range(1,10) AS i RETURN reduce(s=toString(i), k IN range(1,24) | s+s)",
		"WITH [x IN range(1,100000) | x] AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l RETURN size(l)",
		"MATCH (n) WITH collect(n) AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l WITH l + l AS l RETURN size(l)",
	}
	for _, q := range refused {
		var r *CypherRefusedError
		if err := checkValueSize(q); !errors.As(err, &r) {
			t.Errorf("%s: err %v, want refused", q, err)
		}
	}
	allowed := []string{
		"MATCH (c:Country) RETURN count(c) AS countries",
		"RETURN [x IN range(0, 999) | x * 2] AS l",
		"RETURN range(10, 1, -1), range(1, 1000000, 1000)",
		"MATCH p = (a)-[*..3]-(b) RETURN reduce(total = 0, r IN relationships(p) | total + coalesce(r.weight, 1)) AS w LIMIT 5",
		"MATCH (o:Organization) RETURN o.name + ' (' + o.id + ')' AS label, collect(o.id)[0..3]",
		"RETURN 'range(1,20000000) + + + + + + + + + + + + + + + + + + + +' AS text // range(1, 100000000)",
		"MATCH (n) WHERE n.range = 3 RETURN n.reduce",
		"MATCH (o:Organization) WITH collect(o.name) AS names RETURN reduce(s = '', x IN names | CASE WHEN s = '' THEN x ELSE s + ', ' + x END)",
		"MATCH (o:Organization) WITH collect(o) AS os RETURN reduce(best = null, o IN os | CASE WHEN best IS NULL OR o.founded < best.founded THEN o ELSE best END)",
		"RETURN reduce(l = [], x IN [1,2,3] | l + [x * 2])",
		"UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x)",
		"unwind RANGE(1, $n) AS x RETURN sum(x)",
	}
	for _, q := range allowed {
		if err := checkValueSize(q); err != nil {
			t.Errorf("%s: %v, want allowed", q, err)
		}
	}
}
