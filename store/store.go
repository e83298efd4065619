// Package store keeps alerts, flows, captures, decisions and the import log
// in one embedded bbolt file. It implements casework.Repository (and so
// ingest.Sink); nothing outside this package sees a bbolt type, so a shared
// server-database backend can implement the same interface later.
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/minertriage/minertriage/investigate/casework"
)

// Compile-time proof that Store is a full Repository.
var _ casework.Repository = (*Store)(nil)

// SchemaVersion is the layout this build writes. Older stores are migrated
// on open; newer ones are refused.
const SchemaVersion = 2

// Bucket names. The layout is described in DESIGN.md's store section and in
// the comments of the functions that write each bucket.
var (
	bMeta        = []byte("meta")
	bAlerts      = []byte("alerts")           // timeKey + id → alert (newest-first listing is a reverse scan)
	bAlertIDs    = []byte("alert_ids")        // id → timeKey
	bFlows       = []byte("flows")            // pair + start + identity → flow
	bFlowsByDst  = []byte("flows_by_dst")     // dst + src → "" (index.go)
	bFlowsBySess = []byte("flows_by_session") // 2 bytes of session identity → records (index.go)
	bPairCounts  = []byte("pair_counts")      // pair → flow count (both directions)
	bCaptures    = []byte("captures")         // sha256 → CaptureRef (JSON)
	bCapBlobs    = []byte("capture_blobs")
	bCapPairs    = []byte("capture_pairs") // pair + sha256 → ""
	bCache       = []byte("cache")
	bDecisions   = []byte("decisions")  // idkey + seq → Decision (JSON), append-only
	bFirstLook   = []byte("first_look") // id → timeKey
	bImports     = []byte("imports")    // seq → ImportRecord (JSON)
	bFiles       = []byte("files")      // sha256 → import seq

	keySchema = []byte("schema")
)

// allBuckets is every bucket of the current schema.
var allBuckets = [][]byte{bMeta, bAlerts, bAlertIDs, bFlows, bFlowsByDst, bFlowsBySess,
	bPairCounts, bCaptures, bCapBlobs, bCapPairs, bCache, bDecisions, bFirstLook, bImports, bFiles, bStrings}

// Options configure Open.
type Options struct {
	// ReadOnly opens with a shared lock: several read-only opens may run
	// together, but not while a writer (the workbench, an import) holds
	// the store.
	ReadOnly bool
	// Shared is for long-lived interactive use (the workbench): the store
	// keeps only a read-only handle (a shared lock, so list, analyze and
	// export can open the file too) and takes the exclusive lock just for
	// each write. See shared.go. ReadOnly wins over Shared.
	Shared bool
	// Timeout bounds the wait for the file lock; 0 means 2 s.
	Timeout time.Duration
}

// initialMmap is the address space reserved for a writable store.
const initialMmap = 1 << 30

// ImportMemoryLimit is the Go soft memory limit (runtime/debug.SetMemoryLimit)
// that commands importing files set when GOMEMLIMIT is not: bbolt keeps a
// whole file's pages in memory until commit, and the limit makes the GC
// collect the garbage of a million-flow import before the heap doubles.
// It is a GC target, not a cap: a bigger import still succeeds.
const ImportMemoryLimit = 384 << 20

// DefaultTimeout is how long Open waits for another process to let go.
const DefaultTimeout = 2 * time.Second

// Store is an open store file.
type Store struct {
	// mu guards db in shared mode, where writes swap the handle: reads
	// hold it shared for their transaction, writes exclusively across
	// close, open, update and reopen.
	mu       sync.RWMutex
	db       *bolt.DB // nil in shared mode when reopening failed or after Close
	path     string
	readOnly bool
	shared   bool
	closed   bool          // shared mode: Close was called
	downErr  error         // shared mode: why db is nil
	timeout  time.Duration // lock wait for the reopens and writes of shared mode
	// smallCapture is the largest capture copied into the store; larger
	// ones are kept by path. A variable so tests need no 32 MiB files.
	smallCapture int64
}

// MaxStoredCapture is the largest capture copied into the store (32 MiB).
const MaxStoredCapture = 32 << 20

// ErrInUse is wrapped by Open when another process holds the store.
var ErrInUse = errors.New("store in use")

// ErrNewerSchema is wrapped by Open when the store was written by a newer
// minertriage.
var ErrNewerSchema = errors.New("store schema is newer than this build")

// sentence is an error whose text is one complete sentence for the user
// and which still matches its sentinel with errors.Is.
type sentence struct {
	msg  string
	kind error
}

func (e *sentence) Error() string { return e.msg }
func (e *sentence) Unwrap() error { return e.kind }

// DefaultPath is $MINERTRIAGE_STORE, else minertriage/minertriage.db in the
// XDG data directory ($XDG_DATA_HOME or ~/.local/share). The directory is
// created.
func DefaultPath() (string, error) {
	if p := os.Getenv("MINERTRIAGE_STORE"); p != "" {
		return p, nil
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the data directory (%v); set MINERTRIAGE_STORE or use --store", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(base, "minertriage")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cannot create the data directory %s: %v", dir, err)
	}
	return filepath.Join(dir, "minertriage.db"), nil
}

// Open opens (creating if needed) the store at path, migrating an older
// schema. A read-only open of a missing or older store first creates or
// migrates it with a short read-write open.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	shared := opts.Shared && !opts.ReadOnly
	// A shared store opens exactly as a read-only one; only its writes differ.
	opts.ReadOnly = opts.ReadOnly || shared
	s, err := openChecked(path, opts)
	if err != nil {
		return nil, err
	}
	s.shared, s.readOnly, s.timeout = shared, opts.ReadOnly && !shared, opts.Timeout
	return s, nil
}

// openChecked opens the file and checks, creates or migrates its schema.
func openChecked(path string, opts Options) (*Store, error) {
	if opts.ReadOnly {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if err := prepare(path, opts.Timeout); err != nil {
				return nil, err
			}
		}
	}
	s, err := openDB(path, opts)
	if err != nil {
		return nil, err
	}
	v, err := s.schema()
	if err != nil {
		s.Close()
		return nil, err
	}
	switch {
	case v > SchemaVersion:
		s.Close()
		return nil, &sentence{fmt.Sprintf("store %s was written by a newer minertriage (schema v%d; this build reads up to v%d); upgrade minertriage or use --store to pick another file",
			path, v, SchemaVersion), ErrNewerSchema}
	case v == SchemaVersion:
		return s, nil
	case opts.ReadOnly:
		// Migrate with a brief writable open, then reopen read-only.
		s.Close()
		if err := prepare(path, opts.Timeout); err != nil {
			return nil, err
		}
		return openDB(path, opts)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return migrate(tx, v) }); err != nil {
		s.Close()
		return nil, fmt.Errorf("store %s: upgrading from schema v%d failed: %v", path, v, err)
	}
	return s, nil
}

// prepare creates or migrates the store with a read-write open.
func prepare(path string, timeout time.Duration) error {
	s, err := Open(path, Options{Timeout: timeout})
	if err != nil {
		return err
	}
	return s.Close()
}

// openDB opens the bbolt file as a Store.
func openDB(path string, opts Options) (*Store, error) {
	db, err := openBolt(path, opts.ReadOnly, opts.Timeout)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, path: path, readOnly: opts.ReadOnly, timeout: opts.Timeout, smallCapture: MaxStoredCapture}, nil
}

// openBolt opens the bbolt file and turns its errors into one sentence.
func openBolt(path string, readOnly bool, timeout time.Duration) (*bolt.DB, error) {
	if dir := filepath.Dir(path); !readOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the store directory %s: %v", dir, err)
		}
	}
	bo := &bolt.Options{
		Timeout:      timeout,
		ReadOnly:     readOnly,
		FreelistType: bolt.FreelistMapType, // big imports free many pages
	}
	if !readOnly && strconv.IntSize == 64 {
		// Every time bbolt grows its mmap inside a write transaction it
		// copies every dirty key and value to the heap ("dereference"):
		// a 1M-flow import grew the map ~13 times and allocated 5 GB doing
		// so. Reserving address space up front (not memory: pages are
		// only resident when touched) avoids it for stores up to 1 GiB.
		bo.InitialMmapSize = initialMmap
	}
	db, err := bolt.Open(path, 0o600, bo)
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, &sentence{fmt.Sprintf("store %s is in use by another minertriage (the workbench?); close it or use --store to pick another file", path), ErrInUse}
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("%s is not a minertriage store (%v); use --store to pick another file", path, err)
	case err != nil:
		return nil, fmt.Errorf("cannot open store %s: %v", path, err)
	}
	return db, nil
}

// Path is the store file.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the store was opened read-only (a shared
// store is not: it writes).
func (s *Store) ReadOnly() bool { return s.readOnly }

// Shared reports whether the store was opened in shared mode.
func (s *Store) Shared() bool { return s.shared }

// Close releases the file and its lock. In shared mode it waits for a
// write or import in progress to finish.
func (s *Store) Close() error {
	if !s.shared {
		return s.db.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	return err
}

// schema returns the stored schema version; 0 for a brand-new file.
func (s *Store) schema() (int, error) {
	v := 0
	err := s.view(func(tx *bolt.Tx) error {
		m := tx.Bucket(bMeta)
		if m == nil {
			return nil
		}
		raw := m.Get(keySchema)
		if len(raw) != 4 {
			return fmt.Errorf("store %s has no readable schema version; use --store to pick another file", s.path)
		}
		v = int(binary.BigEndian.Uint32(raw))
		return nil
	})
	return v, err
}

// u64 encodes a big-endian uint64.
func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
