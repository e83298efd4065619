package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Shared mode (Options.Shared) is for the workbench, which stays open for
// hours but writes rarely (a decision, a first look, a cached analysis).
// bbolt's file lock is exclusive for a read-write open, which would lock
// list, analyze and export out for the whole session. So a shared store
// keeps a read-only handle (a shared flock) and, for each write, closes it,
// opens read-write (waiting up to the open timeout for other processes to
// let go), runs the one transaction, closes and reopens read-only.
//
// The read-only handle must be closed before the read-write open: flock
// locks belong to the open file description, so this process asking for
// the exclusive lock on a second descriptor would wait on its own shared
// lock. That also means nobody else can write while the handle is open,
// so the read-only mapping never sees the file change underneath it.

// cacheTimeout bounds the lock wait of a cache write in shared mode: a
// cache entry that is not written only costs the next analysis its time,
// not worth holding up the analysis that produced it while a list runs.
const cacheTimeout = 250 * time.Millisecond

// view runs fn in a read transaction. In shared mode it holds the handle
// lock for the transaction and first reopens the handle if a write could
// not.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	if !s.shared {
		return s.db.View(fn)
	}
	for {
		s.mu.RLock()
		if s.db != nil {
			defer s.mu.RUnlock()
			return s.db.View(fn)
		}
		s.mu.RUnlock()
		if err := s.reopen(); err != nil {
			return err
		}
	}
}

// reopen opens the read-only handle of a shared store again after a
// failed reopen (another process held the store at that moment).
func (s *Store) reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closedErr()
	}
	if s.db == nil {
		s.reopenReader()
	}
	if s.db == nil {
		return s.downErr
	}
	return nil
}

// closedErr is returned by every call on a shared store after Close.
func (s *Store) closedErr() error {
	return fmt.Errorf("store %s is closed", s.path)
}

// writeErr explains a write refused by a read-only open.
func (s *Store) writeErr() error {
	return fmt.Errorf("store %s is open read-only; this command needs to write to it", s.path)
}

// update runs fn in a read-write transaction.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	return s.updateWithin(s.timeout, fn)
}

// updateWithin is update, waiting at most timeout for the write lock in
// shared mode.
func (s *Store) updateWithin(timeout time.Duration, fn func(tx *bolt.Tx) error) error {
	if s.readOnly {
		return s.writeErr()
	}
	if !s.shared {
		return s.db.Update(fn)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.openWriter(timeout)
	if err != nil {
		return err
	}
	defer s.closeWriter(w)
	return w.Update(fn)
}

// openWriter swaps the read-only handle for a read-write one; the caller
// holds s.mu exclusively and must call closeWriter. When the read-write
// open fails (ErrInUse after timeout) the read-only handle is reopened.
func (s *Store) openWriter(timeout time.Duration) (*bolt.DB, error) {
	if s.closed {
		return nil, s.closedErr()
	}
	if s.db != nil {
		if err := s.db.Close(); err != nil {
			return nil, fmt.Errorf("store %s: %v", s.path, err)
		}
		s.db = nil
	}
	w, err := openBolt(s.path, false, timeout)
	if err != nil {
		s.reopenReader()
		return nil, err
	}
	return w, nil
}

// closeWriter closes the read-write handle and reopens the read-only
// one. A failed reopen is not the write's error (the write is durable;
// reporting it would invite the analyst to record it twice): the next
// call tries again and reports it.
func (s *Store) closeWriter(w *bolt.DB) {
	_ = w.Close()
	s.reopenReader()
}

// reopenReader opens the read-only handle; the caller holds s.mu
// exclusively. On failure db stays nil and downErr says why.
func (s *Store) reopenReader() {
	db, err := openBolt(s.path, true, s.timeout)
	s.db, s.downErr = db, err
	if err != nil {
		s.db = nil
	}
}
