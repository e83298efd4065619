package store

import (
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// Within one process two bbolt opens of a file are two open file
// descriptions, so their flocks conflict exactly as between processes
// (TestSecondOpenTimesOutWithOneSentence relies on the same): these tests
// need no second process.

// sharedFixture is a store holding alert a1 with two flows, opened in
// shared mode with a short lock timeout.
func sharedFixture(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shared.db")
	w, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	load(t, w, meta("threat.log"), []alert.Alert{minerAlert("a1", t0, miner, 501)},
		[]flow.Flow{trafficFlow(miner, pool, 501, t0), trafficFlow(miner, pool, 502, t0.Add(time.Minute))})
	w.Close()
	s, err := Open(path, Options{Shared: true, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if !s.Shared() || s.ReadOnly() {
		t.Fatalf("Shared %v ReadOnly %v", s.Shared(), s.ReadOnly())
	}
	return s, path
}

// openReader is what list, analyze and export do.
func openReader(t *testing.T, path string) *Store {
	t.Helper()
	r, err := Open(path, Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("read-only open beside the shared store: %v", err)
	}
	return r
}

func TestSharedStoreLetsReadersIn(t *testing.T) {
	s, path := sharedFixture(t)
	r1, r2 := openReader(t, path), openReader(t, path)
	defer r1.Close()
	defer r2.Close()
	for name, st := range map[string]*Store{"shared": s, "reader 1": r1, "reader 2": r2} {
		recs, err := st.Alerts()
		if err != nil || len(recs) != 1 || recs[0].Alert.ID != "a1" || recs[0].Flows != 2 {
			t.Errorf("%s: Alerts %+v, %v", name, recs, err)
		}
	}
	// A plain writer (import, decide) is still kept out while it is open.
	if _, err := Open(path, Options{Timeout: 200 * time.Millisecond}); !errors.Is(err, ErrInUse) {
		t.Errorf("read-write open beside the shared store: %v", err)
	}
}

func TestSharedStoreWritesReachNewReaders(t *testing.T) {
	s, path := sharedFixture(t)
	d, err := s.AppendDecision(casework.Decision{AlertID: "a1", Analyst: "ana", Disposition: casework.TruePositive})
	if err != nil || d.Seq != 1 {
		t.Fatalf("AppendDecision: %+v %v", d, err)
	}
	second := minerAlert("a2", t0.Add(time.Hour), otherHost, 777)
	if na, nf := load(t, s, meta("threat-2.log"), []alert.Alert{second},
		[]flow.Flow{trafficFlow(otherHost, pool, 777, t0.Add(time.Hour))}); na != 1 || nf != 1 {
		t.Fatalf("import through the shared store stored %d alerts, %d flows", na, nf)
	}
	// A rolled-back import leaves nothing and releases the write.
	tx, err := s.BeginImport(meta("threat-3.log"))
	if err != nil {
		t.Fatal(err)
	}
	third := minerAlert("a3", t0, otherHost, 778)
	if _, err := tx.PutAlert(&third); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginImport(meta("threat-2.log")); !errors.Is(err, ingest.ErrDuplicateFile) {
		t.Errorf("second import of the same file: %v", err)
	}
	look := t0.Add(2 * time.Hour)
	if err := s.MarkFirstLook("a2", look); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFirstLook("a2", look.Add(time.Hour)); err != nil { // keeps the first
		t.Fatal(err)
	}
	if err := s.CachePut("k", []byte("v")); err != nil {
		t.Fatal(err)
	}

	for name, st := range map[string]*Store{"shared": s, "new reader": openReader(t, path)} {
		recs, err := st.Alerts()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := map[string]casework.AlertRecord{}
		for _, r := range recs {
			got[r.Alert.ID] = r
		}
		if len(recs) != 2 || got["a1"].Disposition != casework.TruePositive || got["a2"].Flows != 1 ||
			!got["a2"].FirstLook.Equal(look) {
			t.Errorf("%s: records %+v", name, recs)
		}
		if v, ok, err := st.CacheGet("k"); err != nil || !ok || string(v) != "v" {
			t.Errorf("%s: cache %q %v %v", name, v, ok, err)
		}
		if h, err := st.Decisions("a1"); err != nil || len(h) != 1 || h[0].Analyst != "ana" {
			t.Errorf("%s: history %+v %v", name, h, err)
		}
		if st != s {
			st.Close()
		}
	}
}

// While list or analyze holds the shared lock, a write waits for the
// timeout and fails with ErrInUse; once they are done it succeeds.
func TestSharedWriteWaitsForReaders(t *testing.T) {
	s, path := sharedFixture(t)
	r := openReader(t, path)
	_, err := s.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), path) {
		t.Fatalf("write while a reader holds the store: %v", err)
	}
	// The shared store still reads, and so does the other reader.
	for _, st := range []*Store{s, r} {
		if h, err := st.Decisions("a1"); err != nil || len(h) != 0 {
			t.Errorf("after the failed write: %+v %v", h, err)
		}
	}
	r.Close()
	if d, err := s.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign}); err != nil || d.Seq != 1 {
		t.Errorf("write after the reader closed: %+v %v", d, err)
	}
}

// loseHandle puts s in the state it is in when another process took the
// exclusive lock in the gap between closing its read-write handle and
// reopening read-only (bbolt polls flock, so a waiting `decide` can win
// that race), and returns that process's read-write handle.
func loseHandle(t *testing.T, s *Store, path string) *bolt.DB {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
	s.db = nil
	other, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return other
}

func TestSharedStoreWhileAnotherHoldsItReadWrite(t *testing.T) {
	s, path := sharedFixture(t)
	other := loseHandle(t, s, path)

	_, err := s.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign})
	if !errors.Is(err, ErrInUse) || err.Error() != "store "+path+" is in use by another minertriage (the workbench?); close it or use --store to pick another file" {
		t.Fatalf("write while another holds the store read-write: %v", err)
	}
	tx, err := s.BeginImport(meta("threat-2.log"))
	if !errors.Is(err, ErrInUse) || tx != nil {
		t.Fatalf("import while another holds the store read-write: %v", err)
	}
	// Reads cannot reopen either: a clear error, not a closed-DB panic.
	if _, err := s.Alerts(); !errors.Is(err, ErrInUse) {
		t.Fatalf("read while another holds the store read-write: %v", err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}

	// The store is intact and the next write goes through.
	if recs, err := s.Alerts(); err != nil || len(recs) != 1 || recs[0].Disposition != "" {
		t.Fatalf("after the other writer closed: %+v %v", recs, err)
	}
	if err := checkStore(s); err != nil {
		t.Fatal(err)
	}
	if d, err := s.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign}); err != nil || d.Seq != 1 {
		t.Fatalf("write after the other closed: %+v %v", d, err)
	}
	r := openReader(t, path)
	defer r.Close()
	if h, err := r.Decisions("a1"); err != nil || len(h) != 1 || h[0].Disposition != casework.Benign {
		t.Errorf("history seen by a new reader: %+v %v", h, err)
	}
}

// Reads and writes from several goroutines, as the workbench's commands
// run (go test -race checks the handle swap).
func TestSharedStoreConcurrentUse(t *testing.T) {
	s, _ := sharedFixture(t)
	const writers, perWriter, readers = 4, 5, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+readers+1)
	for w := 0; w < writers; w++ {
		wg.Go(func() {
			for i := 0; i < perWriter; i++ {
				if _, err := s.AppendDecision(casework.Decision{AlertID: "a1", Analyst: fmt.Sprint("w", w), Disposition: casework.Benign}); err != nil {
					errs <- err
				}
				if err := s.CachePut(fmt.Sprintf("k%d-%d", w, i), []byte("v")); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		h := netip.MustParseAddr("10.9.9.9")
		a, f := minerAlert("a9", t0, h, 900), trafficFlow(h, pool, 900, t0)
		tx, err := s.BeginImport(meta("more.log"))
		if err != nil {
			errs <- err
			return
		}
		if _, err := tx.PutAlert(&a); err != nil {
			errs <- err
		}
		if _, err := tx.PutFlow(&f); err != nil {
			errs <- err
		}
		if err := tx.Commit(ingest.Summary{Read: 2, Stored: 2, Alerts: 1, Flows: 1}); err != nil {
			errs <- err
		}
	})
	for r := 0; r < readers; r++ {
		wg.Go(func() {
			for i := 0; i < 20; i++ {
				if _, err := s.Alerts(); err != nil {
					errs <- err
				}
				if _, err := s.PairFlows(miner, pool, time.Time{}, time.Time{}); err != nil {
					errs <- err
				}
				if _, _, err := s.CacheGet("k0-0"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	h, err := s.Decisions("a1")
	if err != nil || len(h) != writers*perWriter {
		t.Fatalf("%d decisions, %v; want %d", len(h), err, writers*perWriter)
	}
	for i, d := range h {
		if d.Seq != i+1 {
			t.Fatalf("decision %d has seq %d", i, d.Seq)
		}
	}
	if _, err := s.Alert("a9"); err != nil {
		t.Errorf("concurrent import: %v", err)
	}
}

func TestSharedStoreAfterClose(t *testing.T) {
	s, _ := sharedFixture(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Alerts(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("read after Close: %v", err)
	}
	if _, err := s.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("write after Close: %v", err)
	}
}

// A shared open creates a missing store and migrates an old one, as a
// read-only open does.
func TestSharedOpenCreatesAndMigrates(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "sub", "new.db"), Options{Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := s.Alerts(); err != nil || len(recs) != 0 {
		t.Errorf("new store: %v %v", recs, err)
	}
	s.Close()

	path := filepath.Join(dir, "v1.db")
	buildV1(t, path, []alert.Alert{minerAlert("a1", t0, miner, 501)}, []flow.Flow{trafficFlow(miner, pool, 501, t0)})
	s, err = Open(path, Options{Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.schema(); v != SchemaVersion || err != nil {
		t.Fatalf("schema v%d after a shared open: %v", v, err)
	}
	if r, err := s.Alert("a1"); err != nil || r.Flows != 1 {
		t.Errorf("migrated alert %+v %v", r, err)
	}
	if _, err := s.AppendDecision(casework.Decision{AlertID: "a1", Disposition: casework.Benign}); err != nil {
		t.Errorf("write to a migrated shared store: %v", err)
	}
}
