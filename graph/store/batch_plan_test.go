package store

import (
	"errors"
	"strconv"
	"testing"
)

// planChanges refuses what a batch cannot apply in a well-defined order,
// names the change, counts nested relationships towards the size limit,
// and upserts sources before the rest.
func TestPlanChanges(t *testing.T) {
	ev := Evidence{SourceID: "source:a", Quote: "q"}
	org := func(id string, links int) Change {
		u := &Upsert{Label: LabelOrganization, ID: id, Evidence: &ev}
		for range links {
			u.Links = append(u.Links, NestedLink{Type: RelMemberOf, To: "initiative:x", ToLabel: LabelInitiative, Evidence: ev, Arg: "memberOf.0"})
		}
		return Change{Upsert: u}
	}
	src := Change{Upsert: &Upsert{Label: LabelSource, ID: "source:a"}}
	p, err := planChanges([]Change{org("org:a", 1), src})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.labels) != 2 || p.labels[0] != LabelSource {
		t.Errorf("labels %v: sources must come first", p.labels)
	}
	if len(p.sources) != 1 || p.sources[0].index != 0 || p.sources[0].arg != "evidence.sourceId" {
		t.Errorf("citations %+v", p.sources)
	}

	var ch *ChangeError
	_, err = planChanges([]Change{org("org:a", 0), src, org("org:a", 0)})
	if !errors.As(err, &ch) || ch.Index != 2 || ch.Argument != "id" {
		t.Errorf("a node twice: %v", err)
	}
	link := LinkWrite{Type: RelMemberOf, From: "org:a", To: "initiative:x", FromLabel: LabelOrganization, ToLabel: LabelInitiative, Evidence: ev}
	unlink := UnlinkWrite{Type: RelMemberOf, From: "org:a", To: "initiative:x", FromLabel: LabelOrganization, ToLabel: LabelInitiative}
	_, err = planChanges([]Change{{Link: &link}, src, {Unlink: &unlink}})
	if !errors.As(err, &ch) || ch.Index != 2 {
		t.Errorf("linked and unlinked: %v", err)
	}
	_, err = planChanges([]Change{org("org:a", 1), {Unlink: &unlink}})
	if !errors.As(err, &ch) || ch.Index != 1 {
		t.Errorf("nested link and unlink: %v", err)
	}
	bad := LinkWrite{Type: RelHeldIn, From: "org:a", To: "country:CAN", FromLabel: LabelOrganization, ToLabel: LabelCountry, Evidence: ev}
	_, err = planChanges([]Change{src, {Link: &bad}})
	if !errors.As(err, &ch) || ch.Index != 1 || ch.Argument != "type" {
		t.Errorf("a shape the model forbids: %v", err)
	}
	_, err = planChanges([]Change{{}})
	if !errors.As(err, &ch) || ch.Index != 0 {
		t.Errorf("an empty change: %v", err)
	}
	// The size counts nested relationships: half the limit of upserts
	// with one link each fits, one more does not.
	var many []Change
	for i := range MaxChanges / 2 {
		many = append(many, org("org:n"+strconv.Itoa(i), 1))
	}
	if _, err := planChanges(many); err != nil {
		t.Errorf("%d upserts with a link each: %v", len(many), err)
	}
	if _, err := planChanges(append(many, org("org:one-more", 1))); !errors.Is(err, ErrTooManyChanges) {
		t.Errorf("over the limit: %v", err)
	}
}
