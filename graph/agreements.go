package graph

import (
	"context"
	"strings"

	"github.com/lysoen/lysoen/graph/store"
)

// A lookup of an agreement by an id the graph does not hold ("ottawa"
// instead of "agreement:ottawa", or a usual name such as "ICC") is
// answered with an error that names the ids meant, never a silent null:
// treaty ids are not guessable, and a null reads as "no such treaty".

// agreementNotFound is the error for agreement(id) when id is not in the
// graph, with the ids it may have meant. Both read paths (the resolver
// and graph/directread) answer with it.
func agreementNotFound(ctx context.Context, s *store.Store, id string) error {
	ids, err := s.AgreementSuggestions(ctx, id)
	if err != nil {
		return err
	}
	var hint string
	switch {
	case len(ids) == 1:
		hint = "did you mean \"" + ids[0] + "\"?"
	case len(ids) > 1:
		hint = "did you mean one of \"" + strings.Join(ids, "\", \"") + "\"?"
	case !strings.HasPrefix(id, store.AgreementPrefix):
		hint = "agreement ids start with \"agreement:\" (e.g. \"agreement:ottawa\"); docs/agreements.md lists them, and search(text: …) finds an agreement by its usual name"
	default:
		hint = "docs/agreements.md lists the agreement ids, and search(text: …) finds an agreement by its usual name"
	}
	return badInput("id", "no agreement has the id %q; %s", id, hint)
}
