// Package dataset names the data a Lysøen server answers from, so a
// figure or a number can be cited and reproduced: a dataset version is a
// content hash of what is loaded — every Source node (the seed text, each
// reference dataset, their titles, files, addresses and dates), the node
// and relationship counts — and the time and number of the writes. The
// same version means the same answers.
//
// The version costs nothing per request: a Keeper holds the current one
// behind an atomic pointer. Reading it again is one cheap statement
// (store.DatasetFacts: Neo4j's count store, the Source nodes and the
// version node that records the writes), run shortly after a write through
// this server and every PollEvery, which is how writes through another
// replica are seen. While the keeper runs, it records this server's writes
// on the version node itself, after they commit (a burst of writes in one
// statement), so writers do not queue on that one node's lock; a write
// whose record is lost to a crash before then is seen by the next scan, as
// every API write sets updatedAt. Writes made to
// Neo4j directly, not through the API, are seen when they change a count
// (within PollEvery) or set an updatedAt (a scan of the whole graph every
// ScanEvery); a direct edit that does neither is not seen (docs/exports.md).
package dataset

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync/atomic"
	"time"

	"github.com/lysoen/lysoen/graph/store"
)

// Version is one state of the data.
type Version struct {
	// ID is "ds-" and the first 16 hex digits of the SHA-256 of the facts below.
	ID string `json:"version"`
	// LastWrite is the latest updatedAt in the data (zero when none).
	LastWrite     time.Time `json:"-"`
	LastWriteISO  string    `json:"lastWrite,omitempty"`
	Nodes         int       `json:"nodes"`
	Relationships int       `json:"relationships"`
	Sources       []Source  `json:"sources"`
	// Writes counts the write transactions recorded on the data.
	Writes int64 `json:"writes"`
	// Recorded is false when the data have no version node (nothing was
	// written through a server that records writes).
	Recorded bool `json:"-"`
	// ComputedAt is when the server read these facts.
	ComputedAt time.Time `json:"computedAt"`
}

// LastWriteText is the last write as RFC 3339 (empty when unknown).
func (v *Version) LastWriteText() string {
	if v == nil || v.LastWrite.IsZero() {
		return ""
	}
	return v.LastWrite.UTC().Format(time.RFC3339)
}

// Source is a loaded source, as listed on /about.
type Source struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Date is the source's own version: when it was published or, for a
	// dataset, the state it reflects.
	Date     string `json:"date,omitempty"`
	File     string `json:"file,omitempty"`
	URL      string `json:"url,omitempty"`
	Licence  string `json:"licence"`
	Citation string `json:"citation"`
	// SHA256 is the hash of the source's stored properties (its text, when
	// the node holds it).
	SHA256 string `json:"sha256"`
}

// Timings of the Keeper.
const (
	// PollEvery is how often the version is read again (one cheap statement).
	PollEvery = 10 * time.Second
	// ScanEvery is how often the whole graph is scanned for an updatedAt
	// later than the recorded last write: a write made to Neo4j directly.
	ScanEvery = time.Hour
	// afterWrite gathers a burst of writes into one recomputation.
	afterWrite = 500 * time.Millisecond
)

// Keeper holds the current version.
type Keeper struct {
	st     *store.Store
	logger *slog.Logger
	cur    atomic.Pointer[Version]
	wrote  chan struct{}
	// pending counts the writes committed but not yet recorded on the
	// version node, and lastCommit (Unix nanoseconds) when the latest of
	// them committed; Flush records them.
	pending    atomic.Int64
	lastCommit atomic.Int64
}

// NewKeeper returns a keeper with no version yet; Run computes it.
func NewKeeper(st *store.Store, logger *slog.Logger) *Keeper {
	return &Keeper{st: st, logger: logger, wrote: make(chan struct{}, 1)}
}

// Current is the version now (nil until the first computation succeeded).
func (k *Keeper) Current() *Version {
	if k == nil {
		return nil
	}
	return k.cur.Load()
}

// ID is the current version's id, or "" when there is none yet.
func (k *Keeper) ID() string {
	if v := k.Current(); v != nil {
		return v.ID
	}
	return ""
}

// Wrote tells the keeper that a write committed; it recomputes shortly
// after, without blocking the caller.
func (k *Keeper) Wrote() {
	if k == nil {
		return
	}
	select {
	case k.wrote <- struct{}{}:
	default: // a recomputation is already due
	}
}

// committed is told by the store of each write it committed (see Run).
func (k *Keeper) committed(at time.Time) {
	for {
		last := k.lastCommit.Load()
		if at.UnixNano() <= last || k.lastCommit.CompareAndSwap(last, at.UnixNano()) {
			break
		}
	}
	k.pending.Add(1)
	k.Wrote()
}

// Flush records the committed writes not yet recorded on the version
// node, in one statement; on failure they stay pending for the next
// Flush.
func (k *Keeper) Flush(ctx context.Context) error {
	n := k.pending.Swap(0)
	if n == 0 {
		return nil
	}
	if err := k.st.RecordWrites(ctx, n, time.Unix(0, k.lastCommit.Load())); err != nil {
		k.pending.Add(n)
		return err
	}
	return nil
}

// Refresh reads the facts and publishes the version they make.
func (k *Keeper) Refresh(ctx context.Context) (*Version, error) {
	f, err := k.st.DatasetFacts(ctx)
	if err != nil {
		return nil, fmt.Errorf("dataset version: %w", err)
	}
	v := FromFacts(f)
	v.ComputedAt = time.Now().UTC()
	if old := k.cur.Swap(v); (old == nil || old.ID != v.ID) && k.logger != nil {
		k.logger.Info("dataset version", "version", v.ID, "last_write", v.LastWriteText(), "nodes", v.Nodes, "relationships", v.Relationships)
	}
	return v, nil
}

// Scan looks for writes made to Neo4j directly: when some node or
// relationship has an updatedAt later than the recorded last write, it
// records that write (store.RecordWrite), so the version changes, and
// publishes the new version. It reads every node and relationship.
func (k *Keeper) Scan(ctx context.Context) error {
	cur := k.Current()
	at, err := k.st.LastUpdate(ctx)
	if err != nil {
		return fmt.Errorf("dataset version scan: %w", err)
	}
	if at.IsZero() || cur != nil && cur.Recorded && !at.After(cur.LastWrite) {
		return nil
	}
	if err := k.st.RecordWrite(ctx, at); err != nil {
		return err
	}
	_, err = k.Refresh(ctx)
	return err
}

// Run keeps the version fresh until ctx ends. While it runs, the store's
// writes are recorded by the keeper after they commit (Flush), and the
// last ones when it stops.
func (k *Keeper) Run(ctx context.Context) {
	k.st.RecordWritesAfterCommit(k.committed)
	defer func() {
		k.st.RecordWritesAfterCommit(nil)
		stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := k.Flush(stop); err != nil && k.logger != nil {
			k.logger.Warn("writes not recorded on the dataset version at shutdown", "err", err)
		}
	}()
	retry := time.Second
	for k.Current() == nil {
		if _, err := k.Refresh(ctx); err == nil {
			break
		} else if k.logger != nil {
			k.logger.Warn("cannot compute the dataset version yet; retrying", "err", err, "retry_in", retry)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
		retry = min(2*retry, 10*time.Second)
	}
	// A database without a version node (loaded before writes were
	// recorded, or only by other clients) takes its last write from a scan.
	if !k.Current().Recorded {
		k.scan(ctx)
	}
	poll := time.NewTicker(PollEvery)
	defer poll.Stop()
	scan := time.NewTicker(ScanEvery)
	defer scan.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.wrote:
			select { // let a burst of writes finish
			case <-ctx.Done():
				return
			case <-time.After(afterWrite):
			}
		case <-poll.C:
		case <-scan.C:
			k.scan(ctx)
			continue
		}
		if err := k.Flush(ctx); err != nil && k.logger != nil && ctx.Err() == nil {
			k.logger.Warn("writes not recorded on the dataset version yet; retrying at the next poll", "err", err)
		}
		if _, err := k.Refresh(ctx); err != nil && k.logger != nil && ctx.Err() == nil {
			k.logger.Warn("dataset version not refreshed", "err", err)
		}
	}
}

func (k *Keeper) scan(ctx context.Context) {
	if err := k.Scan(ctx); err != nil && k.logger != nil && ctx.Err() == nil {
		k.logger.Warn("dataset version scan failed", "err", err)
	}
}

// FromFacts computes the version of the given facts.
func FromFacts(f store.DatasetFacts) *Version {
	v := &Version{LastWrite: f.LastWrite, LastWriteISO: f.LastWriteText, Nodes: f.Nodes, Relationships: f.Rels, Sources: []Source{},
		Writes: f.Writes, Recorded: f.Recorded}
	h := sha256.New()
	for _, p := range f.Sources {
		b, _ := json.Marshal(p) // maps marshal with sorted keys: a canonical form
		sum := sha256.Sum256(b)
		s := Source{ID: str(p, "id"), Title: str(p, "title"), Date: str(p, "date"), File: str(p, "file"), URL: str(p, "url"),
			SHA256: hex.EncodeToString(sum[:])}
		if s.Title == "" {
			s.Title = str(p, "name")
		}
		s.Licence, s.Citation = licenceAndCitation(s, p)
		v.Sources = append(v.Sources, s)
		h.Write(sum[:])
	}
	sort.Slice(v.Sources, func(i, j int) bool { return v.Sources[i].ID < v.Sources[j].ID })
	fmt.Fprintf(h, "nodes=%d rels=%d lastWrite=%s writes=%d", f.Nodes, f.Rels, f.LastWriteText, f.Writes)
	v.ID = "ds-" + hex.EncodeToString(h.Sum(nil))[:16]
	return v
}

func str(p map[string]any, k string) string {
	s, _ := p[k].(string)
	return s
}

// knownLicences are the licences the published files state (seed/data's
// README and LICENSE files). A source not listed here and without a
// licence property of its own is shown as "not stated".
var knownLicences = map[string]string{
	"source:iso3166": "CC BY-SA 4.0 (lukes/ISO-3166-Countries-with-Regional-Codes)",
}

// licenceAndCitation takes the node's own licence and citation
// properties when it has them, else the known licence and a citation
// built from the title, date and address.
func licenceAndCitation(s Source, p map[string]any) (licence, citation string) {
	licence = str(p, "licence")
	if licence == "" {
		licence = str(p, "license")
	}
	if licence == "" {
		licence = knownLicences[s.ID]
	}
	if licence == "" {
		licence = "not stated by the source"
	}
	citation = str(p, "citation")
	if citation == "" {
		citation = s.Title
		if s.Date != "" {
			citation += " (" + s.Date + ")"
		}
		if s.URL != "" {
			citation += ". " + s.URL
		} else if s.File != "" {
			citation += ". File " + s.File + " of the Lysøen repository"
		}
		citation += "."
	}
	return licence, citation
}
