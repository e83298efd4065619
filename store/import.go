package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
	"github.com/minertriage/minertriage/investigate/ingest"
)

// BeginImport starts the one bbolt transaction of one file. It returns an
// error wrapping ingest.ErrDuplicateFile when a file with the same SHA256
// was imported before. The transaction holds the store's write lock until
// Commit or Rollback.
func (s *Store) BeginImport(meta ingest.FileMeta) (ingest.Tx, error) {
	if s.readOnly {
		return nil, s.writeErr()
	}
	if meta.SHA256 == "" {
		return nil, fmt.Errorf("%s: import without the file's sha256", meta.Name)
	}
	db, release, err := s.writer()
	if err != nil {
		return nil, err
	}
	tx, err := db.Begin(true)
	if err != nil {
		release()
		return nil, fmt.Errorf("store %s: %v", s.path, err)
	}
	if tx.Bucket(bFiles).Get([]byte(meta.SHA256)) != nil {
		_ = tx.Rollback()
		release()
		return nil, fmt.Errorf("%s (sha256 %s): %w", meta.Name, meta.SHA256, ingest.ErrDuplicateFile)
	}
	if meta.Time.IsZero() {
		meta.Time = time.Now()
	}
	dt, err := loadDict(tx, true)
	if err != nil {
		_ = tx.Rollback()
		release()
		return nil, fmt.Errorf("store %s: %v", s.path, err)
	}
	return &importTx{
		s: s, tx: tx, meta: meta, dict: dt, release: release,
		flowsB:    tx.Bucket(bFlows),
		alertIDsB: tx.Bucket(bAlertIDs),
		seed:      maphash.MakeSeed(),
		flowSeen:  map[uint64]uint32{},
		alertSeen: map[string]struct{}{},
		capSeen:   map[string]struct{}{},
		pairs:     map[string]pairAcc{},
	}, nil
}

// writer returns the handle an import writes through and what to call
// when its transaction is over. In shared mode that is a read-write open
// held, with the handle lock, until Commit or Rollback.
func (s *Store) writer() (*bolt.DB, func(), error) {
	if !s.shared {
		return s.db, func() {}, nil
	}
	s.mu.Lock()
	w, err := s.openWriter(s.timeout)
	if err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	return w, func() {
		s.closeWriter(w)
		s.mu.Unlock()
	}, nil
}

// importTx is one file's transaction. Records are checked for duplicates
// at once (so Put* can answer stored or not) but written at Commit, sorted.
type importTx struct {
	s       *Store
	tx      *bolt.Tx
	meta    ingest.FileMeta
	done    bool
	release func() // ends the write (shared mode: reopens read-only)

	flowsB, alertIDsB *bolt.Bucket
	dict              *dict

	flows, bySess, alerts, alertIDs, capPairs batch
	dstPairs                                  map[string]struct{} // flows_by_dst keys

	seed      maphash.Seed
	flowSeen  map[uint64]uint32   // hash of a pending flow key → its entry
	flowExtra map[string]struct{} // pending keys whose hash collided
	alertSeen map[string]struct{}
	capSeen   map[string]struct{}
	pairs     map[string]pairAcc // pair key → what this file adds

	kbuf, vbuf []byte
}

var errTxDone = errors.New("store: import transaction already finished")

// PutAlert stores a; stored is false when an alert with the same ID is
// already in the store or earlier in this file.
func (t *importTx) PutAlert(a *alert.Alert) (bool, error) {
	if t.done {
		return false, errTxDone
	}
	switch {
	case a.ID == "":
		return false, fmt.Errorf("%s line %d: alert without an id", a.File, a.Line)
	case len(a.ID) > 1024:
		return false, fmt.Errorf("%s line %d: alert id longer than 1024 bytes", a.File, a.Line)
	}
	if _, ok := t.alertSeen[a.ID]; ok || t.alertIDsB.Get([]byte(a.ID)) != nil {
		return false, nil
	}
	t.alertSeen[a.ID] = struct{}{}
	tk := u64(timeKey(a.Time))
	t.kbuf = append(append(t.kbuf[:0], tk...), a.ID...)
	t.vbuf = appendAlertValue(t.vbuf[:0], a)
	t.alerts.add(t.kbuf, t.vbuf)
	t.alertIDs.add([]byte(a.ID), tk)
	return true, nil
}

// PutFlow stores f; stored is false when a flow with the same identity
// (PAN-OS serial + session id, else 5-tuple + start) and start is already
// in the store or earlier in this file.
func (t *importTx) PutFlow(f *flow.Flow) (bool, error) {
	if t.done {
		return false, errTxDone
	}
	if !f.Src.IsValid() || !f.Dst.IsValid() {
		return false, fmt.Errorf("%s line %d: flow without source and destination addresses", f.File, f.Line)
	}
	id := flowIdentity(f)
	k := appendFlowKey(t.kbuf[:0], f, id)
	t.kbuf = k
	if t.flowsB.Get(k) != nil {
		return false, nil
	}
	h := maphash.Bytes(t.seed, k)
	if i, ok := t.flowSeen[h]; ok {
		if bytes.Equal(t.flows.keyAt(int(i)), k) {
			return false, nil
		}
		if t.flowExtra == nil {
			t.flowExtra = map[string]struct{}{}
		}
		if _, ok := t.flowExtra[string(k)]; ok {
			return false, nil
		}
		t.flowExtra[string(k)] = struct{}{}
	} else {
		t.flowSeen[h] = uint32(t.flows.len())
	}
	v, err := appendFlowValue(t.vbuf[:0], f, t.dict)
	if err != nil {
		return false, err
	}
	t.vbuf = v
	t.flows.add(k, t.vbuf)

	pl := pairLen(k)
	acc := t.pairs[string(k[:pl])]
	acc.n++
	acc.dirs |= 1 << (v[1] & flowReversed) // bit 0: low → high address, bit 1: high → low
	t.pairs[string(k[:pl])] = acc
	if f.Serial != "" && f.SessionID != 0 {
		t.bySess.add(sessRecord(k, pl), nil)
	}
	return true, nil
}

// Commit writes everything sorted, logs the import and commits: all of
// the file becomes durable at once (bbolt fsyncs on commit).
func (t *importTx) Commit(sum ingest.Summary) error {
	if t.done {
		return errTxDone
	}
	t.done = true
	defer t.release()
	err := t.write(sum)
	if err != nil {
		_ = t.tx.Rollback()
		return fmt.Errorf("store %s: saving %s: %v", t.s.path, t.meta.Name, err)
	}
	if err := t.tx.Commit(); err != nil {
		return fmt.Errorf("store %s: saving %s: %v", t.s.path, t.meta.Name, err)
	}
	return nil
}

func (t *importTx) write(sum ingest.Summary) error {
	tx := t.tx
	// Dedup sets are done with; let the GC have them before bbolt's
	// commit allocates the pages.
	t.flowSeen, t.flowExtra, t.alertSeen, t.capSeen = nil, nil, nil, nil
	for _, w := range []struct {
		b    *batch
		name []byte
		fill float64
	}{
		{&t.alerts, bAlerts, 0.9}, {&t.alertIDs, bAlertIDs, 0},
		{&t.flows, bFlows, 0.9}, {&t.capPairs, bCapPairs, 0},
	} {
		if err := w.b.flush(tx.Bucket(w.name), w.fill); err != nil {
			return err
		}
	}
	if err := flushSessions(&t.bySess, tx.Bucket(bFlowsBySess)); err != nil {
		return err
	}
	if err := t.writePairs(); err != nil {
		return err
	}
	if sum.File == "" {
		sum.File = t.meta.Name
	}
	if sum.SHA256 == "" {
		sum.SHA256 = t.meta.SHA256
	}
	if sum.Format == "" {
		sum.Format = t.meta.Format
	}
	imports := tx.Bucket(bImports)
	seq, err := imports.NextSequence()
	if err != nil {
		return err
	}
	rec, err := json.Marshal(casework.ImportRecord{Summary: sum, Time: t.meta.Time.UTC()})
	if err != nil {
		return err
	}
	if err := imports.Put(u64(seq), rec); err != nil {
		return err
	}
	return tx.Bucket(bFiles).Put([]byte(t.meta.SHA256), u64(seq))
}

// pairAcc is what one file adds to a host pair: flows, and in which
// directions (for flows_by_dst).
type pairAcc struct {
	n    uint64
	dirs uint8
}

// writePairs adds this file's flows to the per-pair counters and records
// each (destination, source) in flows_by_dst.
func (t *importTx) writePairs() error {
	counts := t.tx.Bucket(bPairCounts)
	keys := make([]string, 0, len(t.pairs))
	for k := range t.pairs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst := map[string]struct{}{}
	for _, k := range keys {
		acc := t.pairs[k]
		n := acc.n
		if old := counts.Get([]byte(k)); len(old) == 8 {
			n += beU64(old)
		}
		if err := counts.Put([]byte(k), u64(n)); err != nil {
			return err
		}
		lo, hi := pairAddrs([]byte(k))
		if acc.dirs&1 != 0 {
			dst[string(appendAddr(appendAddr(nil, hi), lo))] = struct{}{}
		}
		if acc.dirs&2 != 0 {
			dst[string(appendAddr(appendAddr(nil, lo), hi))] = struct{}{}
		}
	}
	return putKeys(t.tx.Bucket(bFlowsByDst), dst)
}

// putKeys adds a set of value-less keys, sorted.
func putKeys(b *bolt.Bucket, set map[string]struct{}) error {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := b.Put([]byte(k), nil); err != nil {
			return err
		}
	}
	return nil
}

// Rollback discards the file: nothing of it reaches the store.
func (t *importTx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	defer t.release()
	return t.tx.Rollback()
}
