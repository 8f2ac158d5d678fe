package graph

// Helpers behind the voting measures (votes.resolvers.go): the in-memory
// vote table and its freshness, the cache of bloc partitions, argument
// checks and conversion to models. The measures themselves are in package
// voting; the Cypher in store/votetable.go.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/lysoen/lysoen/graph/model"
	"github.com/lysoen/lysoen/graph/store"
	"github.com/lysoen/lysoen/graph/voting"
)

// Limits and defaults of the voting measures.
const (
	DefaultMinVotes      = 10
	DefaultLikeMinded    = 10
	MaxDisagreements     = 10
	BlocCohesiveVotes    = 5
	MaxBlocResolution    = 10.0
	BlocSeed             = 1999
	blocCacheEntries     = 64
	blocAlgorithm        = "louvain (gonum graph/community)"
	maxMinVotesArgument  = 100000
	votesTableLoadBudget = 2 * time.Minute
)

// voteTable is the vote table of one version of the voting data.
type voteTable struct {
	*voting.Table
	version string
	at      time.Time
}

type blocKey struct {
	version, from, to, issue string
	minVotes                 int
	resolution               float64
}

type blocEntry struct {
	p  voting.Partition
	at time.Time
}

// voteCache holds the vote table of the current version of the voting data
// and the bloc partitions computed on it; the zero value is ready to use.
// Each use asks Neo4j for the data's version (one cheap statement): when it
// changed, the table is read again (one computation at a time; requests
// wait for it until their own deadline) and the partitions are dropped.
type voteCache struct {
	mu      sync.Mutex
	cur     *voteTable
	loading chan struct{} // closed when the running load ends
	lastErr error
	blocs   map[blocKey]blocEntry
}

func (c *voteCache) table(ctx context.Context, st *store.Store) (*voteTable, error) {
	version, err := st.VotesVersion(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.cur != nil && c.cur.version == version {
		t := c.cur
		c.mu.Unlock()
		return t, nil
	}
	loading := c.startLoad(ctx, st, version)
	c.mu.Unlock()
	select {
	case <-loading:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur == nil {
		return nil, fmt.Errorf("load the vote table: %w", c.lastErr)
	}
	return c.cur, nil
}

// ready returns the vote table when it is loaded and current, else nil
// after starting its load: for answers that use votes as an extra
// (potentialPartners' reasons) and must not wait seconds for them.
func (c *voteCache) ready(ctx context.Context, st *store.Store) (*voteTable, error) {
	version, err := st.VotesVersion(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && c.cur.version == version {
		return c.cur, nil
	}
	c.startLoad(ctx, st, version)
	return nil, nil
}

// startLoad starts reading the table of version unless a load runs; it
// returns the channel closed when the running load ends. Called with c.mu held.
func (c *voteCache) startLoad(ctx context.Context, st *store.Store, version string) chan struct{} {
	if c.loading == nil {
		done := make(chan struct{})
		c.loading = done
		// Detached from the request: a load outlives a request that gives
		// up, so the next one finds the table ready.
		go func() {
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), votesTableLoadBudget)
			defer cancel()
			rows, err := st.LoadVotes(lctx)
			c.mu.Lock()
			if err == nil {
				c.cur = &voteTable{Table: voting.NewTable(rows), version: version, at: time.Now()}
				c.blocs = map[blocKey]blocEntry{}
			}
			c.lastErr = err
			c.loading = nil
			c.mu.Unlock()
			close(done)
		}()
	}
	return c.loading
}

// partition returns the blocs of k, computed on t or kept from before.
func (c *voteCache) partition(t *voteTable, k blocKey, compute func() voting.Partition) blocEntry {
	c.mu.Lock()
	e, ok := c.blocs[k]
	c.mu.Unlock()
	if ok {
		return e
	}
	e = blocEntry{p: compute(), at: time.Now()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != t {
		return e // the table changed meanwhile: answer, do not keep
	}
	if len(c.blocs) >= blocCacheEntries {
		clear(c.blocs)
	}
	c.blocs[k] = e
	return e
}

// cachedBlocs answers blocs from a partition computed before, when there
// is one for key on the current vote table: one statement checks that the
// voting data have not changed and reads the member states' nodes (a
// cached answer costs one round trip, not a version check and a lookup).
// ok is false when there is no such partition or the data changed (the
// caller then takes the full path, which reloads the table).
func (r *Resolver) cachedBlocs(ctx context.Context, key blocKey) (_ *model.BlocPartition, ok bool, _ error) {
	c := &r.votes
	c.mu.Lock()
	t := c.cur
	var e blocEntry
	if t != nil {
		key.version = t.version
		e, ok = c.blocs[key]
	}
	c.mu.Unlock()
	if !ok {
		return nil, false, nil
	}
	members := blocMembers(e.p)
	ids := make([]string, 0, len(members))
	for _, m := range members {
		ids = append(ids, t.Countries[m].ID)
	}
	version, nodes, err := r.Store.VotesVersionCountries(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	if version != t.version {
		return nil, false, nil
	}
	countries := countryModels(t.Table, members, nodes)
	return blocPartition(t, key, e, countries, len(t.Select(key.from, key.to, key.issue))), true, nil
}

// blocMembers are the table indexes of every bloc's members.
func blocMembers(p voting.Partition) []int {
	var all []int
	for _, b := range p.Blocs {
		all = append(all, b.Members...)
	}
	return all
}

// blocPartition is the answer of blocs: the partition of e, its members
// named by countries (a member without a Country node is left out).
func blocPartition(t *voteTable, key blocKey, e blocEntry, countries map[int]*model.Country, rollCalls int) *model.BlocPartition {
	out := &model.BlocPartition{Blocs: make([]*model.Bloc, 0, len(e.p.Blocs)), Modularity: e.p.Modularity, Resolution: key.resolution,
		MinVotes: key.minVotes, Seed: BlocSeed, States: e.p.States, Links: e.p.Links, RollCalls: rollCalls,
		ComputedAt: model.DateTime(e.at.UTC().Format(time.RFC3339)), Algorithm: blocAlgorithm}
	for i, b := range e.p.Blocs {
		bl := &model.Bloc{Index: i, Size: len(b.Members), Members: make([]*model.Country, 0, len(b.Members)),
			CohesiveVotes: make([]*model.BlocVote, 0, len(b.Votes))}
		for _, m := range b.Members {
			if c, ok := countries[m]; ok {
				bl.Members = append(bl.Members, c)
			}
		}
		if s, ok := b.Agreement.Score(); ok {
			bl.Agreement = &s
		}
		for _, v := range b.Votes {
			bl.CohesiveVotes = append(bl.CohesiveVotes, blocVote(t.Table, v))
		}
		out.Blocs = append(out.Blocs, bl)
	}
	return out
}

// voteWindow turns from/to into the days they start and end on
// (YYYY-MM-DD; "" for an open end); from after to is an error.
func voteWindow(from, to *model.Date) (string, string, error) {
	var lo, hi string
	if from != nil {
		first, _ := from.Range()
		lo = first.Format(time.DateOnly)
	}
	if to != nil {
		_, last := to.Range()
		hi = last.Format(time.DateOnly)
	}
	if lo != "" && hi != "" && lo > hi {
		return "", "", badInput("to", "the window is empty: %s ends before %s starts", *to, *from)
	}
	return lo, hi, nil
}

// voteSubjects are the nodes a voting measure names, checked.
type voteSubjects struct {
	countries []*model.Country // in the order asked
	issue     *model.IssueArea
}

// voteArg is one id argument that must name a Country.
type voteArg struct{ name, id string }

// resolveVoteSubjects looks the countries and the issue area up in one
// round trip: an unknown id is NOT_FOUND, a node of another label is
// BAD_USER_INPUT.
func (r *Resolver) resolveVoteSubjects(ctx context.Context, countries []voteArg, issueID *string) (voteSubjects, error) {
	ids := make([]string, 0, len(countries)+1)
	for _, c := range countries {
		if err := idArg(c.name, c.id); err != nil {
			return voteSubjects{}, err
		}
		ids = append(ids, c.id)
	}
	if issueID != nil {
		if err := idArg("issueAreaId", *issueID); err != nil {
			return voteSubjects{}, err
		}
		ids = append(ids, *issueID)
	}
	nodes, err := r.Store.NodesByIDs(ctx, "", ids)
	if err != nil {
		return voteSubjects{}, err
	}
	var out voteSubjects
	list := make([]store.Node, 0, len(nodes))
	for _, n := range nodes {
		list = append(list, n)
	}
	g := model.NewGroup(list)
	for _, c := range countries {
		n, ok := nodes[c.id]
		if !ok {
			return voteSubjects{}, &store.MissingError{Argument: c.name, ID: c.id, Label: store.LabelCountry}
		}
		if n.Label != store.LabelCountry {
			return voteSubjects{}, badInput(c.name, "%s is a%s %s, not a Country: only states vote in the General Assembly", c.id, article(string(n.Label)), n.Label)
		}
		out.countries = append(out.countries, model.FromNode(n, g).(*model.Country))
	}
	if issueID != nil {
		n, ok := nodes[*issueID]
		if !ok {
			return voteSubjects{}, &store.MissingError{Argument: "issueAreaId", ID: *issueID, Label: store.LabelIssueArea}
		}
		if n.Label != store.LabelIssueArea {
			return voteSubjects{}, badInput("issueAreaId", "%s is a%s %s, not an IssueArea", *issueID, article(string(n.Label)), n.Label)
		}
		out.issue = model.FromNode(n, g).(*model.IssueArea)
	}
	return out, nil
}

func article(word string) string {
	if word != "" && (word[0] == 'A' || word[0] == 'E' || word[0] == 'I' || word[0] == 'O' || word[0] == 'U') {
		return "n"
	}
	return ""
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func voteDisagreement(t *voting.Table, r, a, b int) *model.VoteDisagreement {
	rc := t.RollCalls[r]
	return &model.VoteDisagreement{RollCallID: rc.ID, Rcid: int(rc.RCID), Date: model.Date(rc.Date),
		Resolution: optString(rc.Resolution), Title: optString(rc.Title),
		VoteA: t.Vote(r, a).String(), VoteB: t.Vote(r, b).String()}
}

func blocVote(t *voting.Table, v voting.BlocVote) *model.BlocVote {
	rc := t.RollCalls[v.RollCall]
	return &model.BlocVote{RollCallID: rc.ID, Rcid: int(rc.RCID), Date: model.Date(rc.Date),
		Resolution: optString(rc.Resolution), Title: optString(rc.Title), Vote: v.Vote.String(),
		MembersVoting: v.Voting, MembersCast: v.Cast, OthersVoting: v.OthersVoting, OthersCast: v.OthersCast}
}

// countriesByID fetches the Country models of table indexes in one round trip.
func (r *Resolver) countriesByID(ctx context.Context, t *voting.Table, idx []int) (map[int]*model.Country, error) {
	ids := make([]string, 0, len(idx))
	for _, i := range idx {
		ids = append(ids, t.Countries[i].ID)
	}
	nodes, err := r.Store.NodesByIDs(ctx, store.LabelCountry, ids)
	if err != nil {
		return nil, err
	}
	return countryModels(t, idx, nodes), nil
}

// countryModels are the Country models of table indexes idx from their
// nodes (by id), one group for the lot so their fields batch.
func countryModels(t *voting.Table, idx []int, nodes map[string]store.Node) map[int]*model.Country {
	list := make([]store.Node, 0, len(nodes))
	for _, n := range nodes {
		list = append(list, n)
	}
	g := model.NewGroup(list)
	out := make(map[int]*model.Country, len(idx))
	for _, i := range idx {
		if n, ok := nodes[t.Countries[i].ID]; ok {
			if c, ok := model.FromNode(n, g).(*model.Country); ok {
				out[i] = c
			}
		}
	}
	return out
}

// voteSourceID is the Source of the UN General Assembly votes.
const voteSourceID = "source:unga-votes"

// PartnerVotingYears is the span of the voting data (its last years) over
// which potentialPartners reports a state's agreement with the members.
const PartnerVotingYears = 10

// votingReasons adds to each state among the candidates a reason citing
// its voting agreement with the initiative's member states over the last
// PartnerVotingYears years of the voting data (the members it agreed with
// most, at most 3, each with at least DefaultMinVotes shared roll calls).
// A scope with a period ends those years at the period's end (never a
// vote after it) and counts the members of that period; a scope whose
// sources or relationship types leave out the votes adds no reason.
// It changes no score. It needs the vote table already loaded: until it
// is (the first use starts the load), the reasons are left as they are.
func (r *Resolver) votingReasons(ctx context.Context, initiativeID string, cands []*model.PartnerCandidate, sc store.Scope) error {
	if len(sc.Sources) > 0 && !slices.Contains(sc.Sources, voteSourceID) {
		return nil
	}
	if len(sc.Types) > 0 && !slices.Contains(sc.Types, store.RelVoted) {
		return nil
	}
	states := false
	for _, c := range cands {
		if _, ok := c.Actor.(*model.Country); ok {
			states = true
		}
	}
	if !states {
		return nil
	}
	t, err := r.votes.ready(ctx, r.Store)
	if err != nil || t == nil || len(t.RollCalls) == 0 {
		return err
	}
	rows, err := r.Store.Members(ctx, initiativeID, store.Scope{Sources: sc.Sources, From: sc.From, To: sc.To, AsOf: sc.AsOf})
	if err != nil {
		return err
	}
	type member struct {
		idx  int
		name string
	}
	var members []member
	seen := map[int]bool{}
	for _, row := range rows {
		if i, ok := t.Country(row.Actor.ID()); ok && row.Actor.Label == store.LabelCountry && !seen[i] {
			seen[i] = true
			members = append(members, member{i, nodeName(row.Actor)})
		}
	}
	if len(members) == 0 {
		return nil
	}
	last := t.RollCalls[len(t.RollCalls)-1].Date
	if sc.To != "" {
		if end, err := model.ParseDate(sc.To); err == nil {
			_, e := end.Range()
			if d := e.Format(time.DateOnly); d < last {
				last = d
			}
		}
	}
	if last < t.RollCalls[0].Date {
		return nil
	}
	year, _ := strconv.Atoi(last[:4])
	from := fmt.Sprintf("%04d-01-01", year-PartnerVotingYears+1)
	sel := t.Select(from, last, "")
	span := fmt.Sprintf("%s–%s", from[:4], last[:4])
	for _, c := range cands {
		country, ok := c.Actor.(*model.Country)
		if !ok {
			continue
		}
		ci, ok := t.Country(country.ID)
		if !ok {
			continue
		}
		type agreement struct {
			member
			voting.Pair
		}
		var best []agreement
		for _, m := range members {
			if p := t.Agreement(sel, ci, m.idx); p.Votes >= DefaultMinVotes {
				best = append(best, agreement{m, p})
			}
		}
		if len(best) == 0 {
			continue
		}
		sort.SliceStable(best, func(i, j int) bool {
			si, _ := best[i].Score()
			sj, _ := best[j].Score()
			if si != sj {
				return si > sj
			}
			return best[i].name < best[j].name
		})
		best = best[:min(3, len(best))]
		parts := make([]string, 0, len(best))
		for _, b := range best {
			s, _ := b.Score()
			parts = append(parts, fmt.Sprintf("%s in %d of %d roll calls (%.2f)", b.name, b.Agreed, b.Votes, s))
		}
		c.Reasons = append(c.Reasons, fmt.Sprintf("In the UN General Assembly (%s), %s voted like the initiative's %s.",
			span, country.Name, joinNames(parts, "member", "members")))
	}
	return nil
}
