package directread

// The direct path's plans, kept per operation. Planning a selection costs
// more than reading a small answer's arguments: for the benchmark's search
// (a root with six inline fragments on Node) about 11 µs and 56
// allocations per request, most of them gqlgen's CollectFields, which
// caches per request only (docs/benchmarks.md). A plan depends on the request's
// variables only through the root fields' arguments when nothing below
// the root uses a variable and no directive decides what is collected; for
// such an operation the plan is made once and, for every later request,
// copied with its root arguments read again (planner.bind).

import (
	"sync"
	"sync/atomic"

	"github.com/vektah/gqlparser/v2/ast"
)

// maxCachedPlans bounds the cache, as gqlgen's query cache (internal/gqlserver) is
// bounded at 1000 documents; when full, the cache starts over.
const maxCachedPlans = 1000

// planCache maps an operation to its plan. The key is the parsed
// operation: gqlgen's query cache hands the same *ast.OperationDefinition
// to every request with the same query text, and holding the pointer keeps
// it alive, so no other operation can be given its address. A new parse
// of the same text (after gqlgen evicted it) is a new key.
type planCache struct {
	plans sync.Map // *ast.OperationDefinition → []rootPlan, never changed once stored
	size  atomic.Int64
}

// plan plans the operation, or binds the plan kept for it to this
// request's root arguments.
func (c *planCache) plan(p *planner) ([]rootPlan, bool) {
	op := p.oc.Operation
	if kept, ok := c.plans.Load(op); ok {
		return p.rebind(kept.([]rootPlan))
	}
	roots, ok := p.operation()
	if ok && variablesOnlyAtRoot(op) {
		if c.size.Load() >= maxCachedPlans {
			c.plans.Clear()
			c.size.Store(0)
		}
		if _, raced := c.plans.LoadOrStore(op, roots); !raced {
			c.size.Add(1)
		}
	}
	return roots, ok
}

// rebind copies a kept plan with each root field's arguments read from
// this request's variables; ok is false when the resolvers must answer
// (arguments the direct path refuses, as when planning).
func (p *planner) rebind(kept []rootPlan) ([]rootPlan, bool) {
	roots := make([]rootPlan, len(kept))
	for i := range kept {
		roots[i] = kept[i]
		if !p.bind(&roots[i]) {
			return nil, false
		}
	}
	return roots, true
}

// variablesOnlyAtRoot reports whether op's plan depends on its variables
// through the root fields' arguments alone: no directive anywhere (@skip,
// @include and @defer change what CollectFields collects) and no variable
// in an argument below the root fields (nested first, where and orderBy
// are planned into the projection).
func variablesOnlyAtRoot(op *ast.OperationDefinition) bool {
	var walk func(sel ast.SelectionSet, root bool) bool
	walk = func(sel ast.SelectionSet, root bool) bool {
		for _, s := range sel {
			switch s := s.(type) {
			case *ast.Field:
				if len(s.Directives) > 0 {
					return false
				}
				if !root {
					for _, a := range s.Arguments {
						if usesVariable(a.Value) {
							return false
						}
					}
				}
				if !walk(s.SelectionSet, false) {
					return false
				}
			case *ast.InlineFragment:
				if len(s.Directives) > 0 || !walk(s.SelectionSet, root) {
					return false
				}
			case *ast.FragmentSpread:
				// Validation has resolved every spread and refused cycles.
				if len(s.Directives) > 0 || s.Definition == nil || len(s.Definition.Directives) > 0 ||
					!walk(s.Definition.SelectionSet, root) {
					return false
				}
			default:
				return false
			}
		}
		return true
	}
	return walk(op.SelectionSet, true)
}

// usesVariable reports whether v is, or contains, a variable.
func usesVariable(v *ast.Value) bool {
	if v == nil {
		return false
	}
	if v.Kind == ast.Variable {
		return true
	}
	for _, c := range v.Children {
		if usesVariable(c.Value) {
			return true
		}
	}
	return false
}
