// Package synth generates deterministic synthetic Lysøen graphs for load and
// speed tests: countries, organizations, issue areas, initiatives,
// agreements and events joined by every relationship type of the model, with
// heavy-tailed but plausible degrees (Zipf–Mandelbrot popularity: the
// busiest country is at a few percent of all events, most organizations at a
// handful; see popularity). The same seed and scale always give
// the same graph, batch for batch.
//
//	for batch := range synth.Generate(1, synth.ScaleM) { st.WriteGraph(ctx, batch) }
//
// or synth.Load, which writes the batches and reports progress. Synthetic
// nodes and relationships carry no evidence: they come from no source.
package synth

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lysoen/lysoen/graph/store"
)

// Scale sets the size of a synthetic graph.
type Scale struct {
	Name                                                          string
	Countries, Organizations, IssueAreas, Initiatives, Agreements int
	Events                                                        int
	// Average number of participants per event, signatories per agreement,
	// members per initiative (the actual numbers vary around these).
	ParticipantsPerEvent, SignatoriesPerAgreement, MembersPerInitiative int
	// BatchSize is the number of nodes or relationships per GraphWrite.
	BatchSize int
}

// The predefined scales. ScaleM is the size the speed targets of the
// analytics fields are measured at (≥100,000 nodes, ≥1,000,000 relationships).
var (
	ScaleTiny = Scale{Name: "tiny", Countries: 20, Organizations: 60, IssueAreas: 10, Initiatives: 12, Agreements: 8, Events: 150,
		ParticipantsPerEvent: 6, SignatoriesPerAgreement: 8, MembersPerInitiative: 5, BatchSize: 500}
	ScaleS = Scale{Name: "S", Countries: 200, Organizations: 3000, IssueAreas: 100, Initiatives: 300, Agreements: 200, Events: 6200,
		ParticipantsPerEvent: 10, SignatoriesPerAgreement: 60, MembersPerInitiative: 12, BatchSize: 10000}
	ScaleM = Scale{Name: "M", Countries: 200, Organizations: 30000, IssueAreas: 300, Initiatives: 3000, Agreements: 2000, Events: 65000,
		ParticipantsPerEvent: 10, SignatoriesPerAgreement: 100, MembersPerInitiative: 15, BatchSize: 20000}
	ScaleL = Scale{Name: "L", Countries: 200, Organizations: 100000, IssueAreas: 500, Initiatives: 10000, Agreements: 6000, Events: 250000,
		ParticipantsPerEvent: 10, SignatoriesPerAgreement: 100, MembersPerInitiative: 15, BatchSize: 20000}
)

// Scales lists the predefined scales by name.
var Scales = map[string]Scale{"tiny": ScaleTiny, "S": ScaleS, "M": ScaleM, "L": ScaleL}

// ParseScale returns the predefined scale of that name (tiny, S, M, L; case-insensitive).
func ParseScale(name string) (Scale, error) {
	for k, s := range Scales {
		if strings.EqualFold(k, name) {
			return s, nil
		}
	}
	return Scale{}, fmt.Errorf("unknown scale %q: use tiny, S, M or L", name)
}

// Ids of the generated nodes; they follow the model's slug convention, so a
// caller can name nodes of a generated graph without reading it back.
func CountryID(i int) string      { return "country:" + CountryISO3(i) }
func OrganizationID(i int) string { return fmt.Sprintf("org:synth-%06d", i) }
func IssueAreaID(i int) string    { return fmt.Sprintf("issue:synth-%04d", i) }
func InitiativeID(i int) string   { return fmt.Sprintf("initiative:synth-%05d", i) }
func AgreementID(i int) string    { return fmt.Sprintf("agreement:synth-%05d", i) }
func EventID(i int) string        { return fmt.Sprintf("event:synth-%06d", i) }

// CountryISO3 gives country i a code in the user-assigned ranges of ISO
// 3166-1 alpha-3 (XAA–XZZ, then QMA–QZZ), so it never names a real country.
func CountryISO3(i int) string {
	if i < 26*26 {
		return fmt.Sprintf("X%c%c", 'A'+i/26, 'A'+i%26)
	}
	i -= 26 * 26
	return fmt.Sprintf("Q%c%c", 'M'+i/26, 'A'+i%26)
}

var orgKinds = []string{"NGO", "INTERGOVERNMENTAL", "HUMANITARIAN", "UN_BODY", "CIVIL_SOCIETY"}
var eventKinds = []string{"MEETING", "MEETING", "MEETING", "SIGNING", "MINISTERIAL_RETREAT", "LUNCHEON", "PRESIDENCY"}
var initiativeKinds = []string{"BILATERAL_PARTNERSHIP", "MULTILATERAL_PARTNERSHIP", "MULTILATERAL_PARTNERSHIP", "NATIONAL_AGENDA", "INFORMAL_GROUP"}
var agreementKinds = []string{"DECLARATION", "TREATY", "CONVENTION", "PROTOCOL"}

// Counts are the numbers of nodes and relationships a scale generates.
type Counts struct{ Nodes, Rels int }

// gen holds the random source and the scale; all choices go through it in a
// fixed order, which makes the output a function of (seed, scale).
type gen struct {
	r                           *rand.Rand
	sc                          Scale
	countries, orgs, issueAreas zipf
}

// zipf draws ranks 0..n-1 with probability proportional to (rank+q)^-1
// (a Zipf–Mandelbrot law with exponent 1): heavy-tailed, but with the head
// flattened by q, so the busiest rank is a few times the mean, not a
// monopoly. See popularity for the chosen q and what they give.
type zipf struct{ cum []float64 }

func newZipf(n int, q float64) zipf {
	z := zipf{cum: make([]float64, n)}
	var sum float64
	for i := range n {
		sum += 1 / (float64(i) + q)
		z.cum[i] = sum
	}
	for i := range z.cum {
		z.cum[i] /= sum
	}
	return z
}

func (z zipf) draw(r *rand.Rand) int {
	u := r.Float64()
	i := sort.SearchFloat64s(z.cum, u)
	if i >= len(z.cum) {
		i = len(z.cum) - 1
	}
	return i
}

// popularity offsets q of the Zipf–Mandelbrot laws (exponent 1) for who
// takes part in what. Real coalition work is heavy-tailed but not
// monopolised: the most active states attend several times more meetings
// than the least active, a few international organisations (the ICRC, UN
// bodies) are everywhere while most NGOs attend a handful, and a few issue
// areas (landmines, small arms) recur more than the rest. With these
// offsets, at scale M (about 4 of an event's 10 participants countries, 6
// organisations):
//   - countries (q = 30): the busiest country takes 1.6% of country draws,
//     so it is at ~6% of events (~4,000 of 65,000) and in ~10% of
//     initiatives; the least active still at ~0.9% of events;
//   - organisations (q = 50): the busiest at ~2% of events (~1,200), the
//     median organisation at about 4 events, most at fewer than 10;
//   - issue areas (q = 5): the most addressed one gets ~5% of ADDRESSES.
const (
	countryQ = 30
	orgQ     = 50
	issueQ   = 5
)

func (g *gen) date(precise bool) (string, string) {
	y := 1990 + g.r.Intn(31)
	m := 1 + g.r.Intn(12)
	if !precise {
		return fmt.Sprintf("%04d-%02d", y, m), "MONTH"
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, 1+g.r.Intn(28)), "DAY"
}

// actor returns a participant or member: a country (40%) or an
// organization, each drawn by its popularity law.
func (g *gen) actor() (string, store.Label) {
	if g.r.Intn(10) < 4 {
		return CountryID(g.countries.draw(g.r)), store.LabelCountry
	}
	return OrganizationID(g.orgs.draw(g.r)), store.LabelOrganization
}

// around returns a count near avg (uniform in [avg/2, 3avg/2]), at least 1.
func (g *gen) around(avg int) int {
	if avg < 2 {
		return 1
	}
	return avg/2 + g.r.Intn(avg+1)
}

// Generate yields the graph as batches of at most sc.BatchSize nodes or
// relationships: every node first, then the relationships, so each batch's
// endpoints already exist when batches are written in order.
func Generate(seed int64, sc Scale) iter.Seq[store.GraphWrite] {
	return func(yield func(store.GraphWrite) bool) {
		g := &gen{r: rand.New(rand.NewSource(seed)), sc: sc,
			countries: newZipf(sc.Countries, countryQ), orgs: newZipf(sc.Organizations, orgQ), issueAreas: newZipf(sc.IssueAreas, issueQ)}
		var cur store.GraphWrite
		flush := func() bool {
			if len(cur.Nodes) == 0 && len(cur.Rels) == 0 {
				return true
			}
			b := cur
			cur = store.GraphWrite{}
			return yield(b)
		}
		node := func(l store.Label, id string, props map[string]any) bool {
			cur.Nodes = append(cur.Nodes, store.NodeWrite{Label: l, ID: id, Props: props})
			if len(cur.Nodes) >= sc.BatchSize {
				return flush()
			}
			return true
		}
		seen := map[[2]string]bool{}
		rel := func(t store.RelType, from string, fl store.Label, to string, tl store.Label, props map[string]any) bool {
			k := [2]string{from, string(t) + "\x00" + to}
			if seen[k] {
				return true // one relationship of a type per pair, as MERGE would leave it
			}
			seen[k] = true
			cur.Rels = append(cur.Rels, store.RelWrite{Type: t, From: from, FromLabel: fl, To: to, ToLabel: tl, Props: props})
			if len(cur.Rels) >= sc.BatchSize {
				return flush()
			}
			return true
		}

		for i := 0; i < sc.Countries; i++ {
			iso := CountryISO3(i)
			if !node(store.LabelCountry, CountryID(i), map[string]any{"name": "Synthland " + iso, "iso3": iso, "region": fmt.Sprintf("Region %d", i%6)}) {
				return
			}
		}
		for i := 0; i < sc.Organizations; i++ {
			if !node(store.LabelOrganization, OrganizationID(i), map[string]any{"name": fmt.Sprintf("Synthetic Organization %06d", i),
				"kind": orgKinds[g.r.Intn(len(orgKinds))], "acronym": fmt.Sprintf("SO%d", i)}) {
				return
			}
		}
		for i := 0; i < sc.IssueAreas; i++ {
			if !node(store.LabelIssueArea, IssueAreaID(i), map[string]any{"name": fmt.Sprintf("Synthetic Issue %04d", i)}) {
				return
			}
		}
		for i := 0; i < sc.Initiatives; i++ {
			d, _ := g.date(g.r.Intn(2) == 0)
			if !node(store.LabelInitiative, InitiativeID(i), map[string]any{"name": fmt.Sprintf("Synthetic Initiative %05d", i),
				"kind": initiativeKinds[g.r.Intn(len(initiativeKinds))], "startDate": d}) {
				return
			}
		}
		for i := 0; i < sc.Agreements; i++ {
			d, _ := g.date(true)
			if !node(store.LabelAgreement, AgreementID(i), map[string]any{"name": fmt.Sprintf("Synthetic Agreement %05d", i),
				"kind": agreementKinds[g.r.Intn(len(agreementKinds))], "adoptedOn": d}) {
				return
			}
		}
		for i := 0; i < sc.Events; i++ {
			d, p := g.date(g.r.Intn(4) != 0)
			if !node(store.LabelEvent, EventID(i), map[string]any{"name": fmt.Sprintf("Synthetic Event %06d", i),
				"kind": eventKinds[g.r.Intn(len(eventKinds))], "startDate": d, "datePrecision": p, "status": "HELD"}) {
				return
			}
		}
		if !flush() {
			return
		}

		roles := []string{"PARTICIPANT", "PARTICIPANT", "PARTICIPANT", "HOST", "CHAIR"}
		for i := 0; i < sc.Initiatives; i++ {
			init := InitiativeID(i)
			for k, n := 0, g.around(sc.MembersPerInitiative); k < n; k++ {
				a, l := g.actor()
				role := "MEMBER"
				if k < 2 {
					role = "FOUNDER"
				}
				d, _ := g.date(g.r.Intn(3) != 0)
				if !rel(store.RelMemberOf, a, l, init, store.LabelInitiative, map[string]any{"role": role, "since": d}) {
					return
				}
			}
			for k, n := 0, 1+g.r.Intn(4); k < n; k++ {
				if !rel(store.RelAddresses, init, store.LabelInitiative, IssueAreaID(g.issueAreas.draw(g.r)), store.LabelIssueArea, nil) {
					return
				}
			}
			for k, n := 0, g.r.Intn(3); k < n; k++ {
				a, l := g.actor()
				if !rel(store.RelSeeksPartnershipWith, init, store.LabelInitiative, a, l, map[string]any{"status": "ENVISAGED"}) {
					return
				}
			}
			if g.r.Intn(3) == 0 && sc.Agreements > 0 {
				if !rel(store.RelEstablishedBy, init, store.LabelInitiative, AgreementID(g.r.Intn(sc.Agreements)), store.LabelAgreement, nil) {
					return
				}
			}
		}
		// Countries belong to intergovernmental organizations.
		for i := 0; i < sc.Organizations; i++ {
			if i%4 != 0 {
				continue
			}
			for k, n := 0, g.around(4); k < n; k++ {
				if !rel(store.RelMemberOf, CountryID(g.countries.draw(g.r)), store.LabelCountry, OrganizationID(i), store.LabelOrganization, map[string]any{"role": "MEMBER"}) {
					return
				}
			}
		}
		for i := 0; i < sc.Agreements; i++ {
			ag := AgreementID(i)
			for k, n := 0, g.around(sc.SignatoriesPerAgreement); k < n; k++ {
				var a string
				l := store.LabelCountry
				if g.r.Intn(10) < 8 {
					a = CountryID(g.r.Intn(sc.Countries))
				} else {
					a, l = OrganizationID(g.orgs.draw(g.r)), store.LabelOrganization
				}
				d, _ := g.date(true)
				if !rel(store.RelSignatoryOf, a, l, ag, store.LabelAgreement, map[string]any{"signed": d}) {
					return
				}
			}
			for k, n := 0, 1+g.r.Intn(2); k < n; k++ {
				if !rel(store.RelAddresses, ag, store.LabelAgreement, IssueAreaID(g.issueAreas.draw(g.r)), store.LabelIssueArea, nil) {
					return
				}
			}
		}
		for i := 0; i < sc.Events; i++ {
			ev := EventID(i)
			for k, n := 0, g.around(sc.ParticipantsPerEvent); k < n; k++ {
				a, l := g.actor()
				if !rel(store.RelParticipatedIn, a, l, ev, store.LabelEvent, map[string]any{"role": roles[g.r.Intn(len(roles))]}) {
					return
				}
			}
			for k, n := 0, 1+g.r.Intn(2); k < n; k++ {
				if !rel(store.RelAddresses, ev, store.LabelEvent, IssueAreaID(g.issueAreas.draw(g.r)), store.LabelIssueArea, nil) {
					return
				}
			}
			if !rel(store.RelHeldIn, ev, store.LabelEvent, CountryID(g.r.Intn(sc.Countries)), store.LabelCountry, nil) {
				return
			}
			if g.r.Intn(10) < 6 && sc.Initiatives > 0 {
				if !rel(store.RelPartOf, ev, store.LabelEvent, InitiativeID(g.r.Intn(sc.Initiatives)), store.LabelInitiative, nil) {
					return
				}
			}
			if i > 0 && g.r.Intn(10) < 3 {
				if !rel(store.RelFollows, ev, store.LabelEvent, EventID(g.r.Intn(i)), store.LabelEvent, nil) {
					return
				}
			}
		}
		flush()
	}
}

// Count generates the graph without writing it and counts it.
func Count(seed int64, sc Scale) Counts {
	var c Counts
	for b := range Generate(seed, sc) {
		c.Nodes += len(b.Nodes)
		c.Rels += len(b.Rels)
	}
	return c
}

// Progress is told after each batch how much has been written.
type Progress func(done, total Counts, elapsed time.Duration)

// LoadStats reports a load.
type LoadStats struct {
	Counts
	Elapsed time.Duration
}

// Load writes the graph of (seed, sc) through the store, one transaction per
// batch (store.WriteGraph: UNWIND + MERGE), calling progress after each.
// Writing into a graph that already holds it changes nothing (MERGE on id).
func Load(ctx context.Context, st *store.Store, seed int64, sc Scale, progress Progress) (LoadStats, error) {
	return load(ctx, st.WriteGraph, 1, seed, sc, progress)
}

// ErrNotEmpty is returned by LoadFresh for a database that holds nodes.
var ErrNotEmpty = errors.New("the database is not empty")

// LoadWriters is how many batches LoadFresh writes at once. Two keep both
// cores of a small machine busy (Neo4j parses, plans and commits one batch
// while it writes the other); deadlocks between them on hub nodes are
// transient errors the driver retries.
const LoadWriters = 2

// LoadFresh writes the graph into an empty database with a store.Bulk
// loader (UNWIND + CREATE, one transaction per batch, endpoints matched by
// element id, LoadWriters batches at a time, every node before any
// relationship): the same graph as Load, many times faster, since the
// generator never repeats a node or a relationship. It refuses a database
// that holds any node.
func LoadFresh(ctx context.Context, st *store.Store, seed int64, sc Scale, progress Progress) (LoadStats, error) {
	n, _, err := st.Counts(ctx)
	if err != nil {
		return LoadStats{}, err
	}
	if n > 0 {
		return LoadStats{}, fmt.Errorf("%w (%d nodes)", ErrNotEmpty, n)
	}
	return load(ctx, st.NewBulk().Write, LoadWriters, seed, sc, progress)
}

// load writes the batches of Generate with up to writers at once. Node
// batches all commit before the first relationship batch is sent, so every
// endpoint exists (and is known to the writer) when its relationships are
// written. progress is called under a lock, once per batch.
func load(ctx context.Context, write func(context.Context, store.GraphWrite) (store.WriteStats, error), writers int, seed int64, sc Scale, progress Progress) (LoadStats, error) {
	total := Count(seed, sc)
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		done     Counts
		firstErr error
		nodesWG  sync.WaitGroup
		all      sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = fmt.Errorf("synthetic batch after %d nodes, %d relationships: %w", done.Nodes, done.Rels, err)
		}
		mu.Unlock()
		cancel()
	}
	type job struct {
		b     store.GraphWrite
		nodes bool
	}
	jobs := make(chan job)
	for range max(writers, 1) {
		all.Add(1)
		go func() {
			defer all.Done()
			for j := range jobs {
				_, err := write(ctx, j.b)
				if j.nodes {
					nodesWG.Done()
				}
				if err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				done.Nodes += len(j.b.Nodes)
				done.Rels += len(j.b.Rels)
				if progress != nil {
					progress(done, total, time.Since(start))
				}
				mu.Unlock()
			}
		}()
	}
	relPhase := false
	for b := range Generate(seed, sc) {
		if len(b.Rels) > 0 && !relPhase {
			nodesWG.Wait()
			relPhase = true
		}
		j := job{b: b, nodes: len(b.Nodes) > 0}
		if j.nodes {
			nodesWG.Add(1)
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			if j.nodes {
				nodesWG.Done()
			}
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	all.Wait()
	stats := LoadStats{Counts: done, Elapsed: time.Since(start)}
	if firstErr != nil {
		return stats, firstErr
	}
	return stats, ctx.Err()
}
