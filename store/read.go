package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/alert"
	"github.com/minertriage/minertriage/investigate/casework"
	"github.com/minertriage/minertriage/investigate/flow"
)

func beU64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// getAlert reads one alert inside tx, or casework.ErrNotFound.
func getAlert(tx *bolt.Tx, id string) (alert.Alert, error) {
	var a alert.Alert
	tk := tx.Bucket(bAlertIDs).Get([]byte(id))
	if tk == nil {
		return a, fmt.Errorf("alert %q: %w", id, casework.ErrNotFound)
	}
	k := append(bytes.Clone(tk), id...)
	v := tx.Bucket(bAlerts).Get(k)
	if v == nil {
		return a, errCorrupt
	}
	return a, decodeAlert(v, &a, nil)
}

// linker computes the evidence counts of alerts inside one read
// transaction, caching what many alerts share.
type linker struct {
	counts, sess *bolt.Bucket
	pairFlows    map[string]int
	capPairs     map[string]int
	latest       map[string]casework.Decision
	firstLook    map[string]time.Time
	kbuf         []byte
}

// newLinker loads the small buckets (capture links, decisions, first
// looks) whole: they grow with the analysts' work, not with the logs.
func newLinker(tx *bolt.Tx) (*linker, error) {
	l := &linker{
		counts: tx.Bucket(bPairCounts), sess: tx.Bucket(bFlowsBySess),
		pairFlows: map[string]int{}, capPairs: map[string]int{},
		latest: map[string]casework.Decision{}, firstLook: map[string]time.Time{},
	}
	err := tx.Bucket(bCapPairs).ForEach(func(k, _ []byte) error {
		if pl := pairLen(k); pl > 0 {
			l.capPairs[string(k[:pl])]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bDecisions).ForEach(func(_, v []byte) error {
		var d casework.Decision
		if err := json.Unmarshal(v, &d); err != nil {
			return errCorrupt
		}
		if d.Seq >= l.latest[d.AlertID].Seq {
			l.latest[d.AlertID] = d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bFirstLook).ForEach(func(k, v []byte) error {
		if len(v) == 8 {
			l.firstLook[string(k)] = keyTime(beU64(v))
		}
		return nil
	})
	return l, err
}

// record fills an AlertRecord: flows between the pair (either direction),
// plus TRAFFIC rows of the same PAN-OS session between other addresses
// (NAT), captures holding the pair, the latest decision.
func (l *linker) record(a alert.Alert) casework.AlertRecord {
	r := casework.AlertRecord{Alert: a}
	if a.Src.IsValid() && a.Dst.IsValid() {
		l.kbuf = appendPair(l.kbuf[:0], a.Src, a.Dst)
		pair := l.kbuf
		n, ok := l.pairFlows[string(pair)]
		if !ok {
			if v := l.counts.Get(pair); len(v) == 8 {
				n = int(beU64(v))
			}
			l.pairFlows[string(pair)] = n
		}
		r.Flows = n + l.sessionExtra(a, pair)
		r.Captures = l.capPairs[string(pair)]
	}
	if d, ok := l.latest[a.ID]; ok {
		r.Disposition, r.DecidedAt = d.Disposition, d.Time
	}
	r.FirstLook = l.firstLook[a.ID]
	return r
}

// sessionExtra counts flows of the alert's PAN-OS session whose pair is
// not the alert's (those are already in the pair count).
func (l *linker) sessionExtra(a alert.Alert, pair []byte) int {
	if a.Serial == "" || a.SessionID == 0 {
		return 0
	}
	id := sessionIdentity(a.Serial, a.SessionID)
	v := l.sess.Get(u64(id)[:sessBucketLen])
	return sessionJoin(v, id, pair, a.Time)
}

// Alerts returns every alert, newest first, with its evidence counts and
// latest disposition.
func (s *Store) Alerts() ([]casework.AlertRecord, error) {
	var out []casework.AlertRecord
	err := s.view(func(tx *bolt.Tx) error {
		l, err := newLinker(tx)
		if err != nil {
			return err
		}
		b := tx.Bucket(bAlerts)
		out = make([]casework.AlertRecord, 0, b.Stats().KeyN)
		c := b.Cursor()
		var a alert.Alert
		intern := map[string]string{}
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if err := decodeAlert(v, &a, intern); err != nil {
				return fmt.Errorf("store %s: alert %q: %w", s.path, k[8:], err)
			}
			out = append(out, l.record(a))
		}
		return nil
	})
	return out, err
}

// Alert returns one alert with its counts, or casework.ErrNotFound.
func (s *Store) Alert(id string) (casework.AlertRecord, error) {
	var r casework.AlertRecord
	err := s.view(func(tx *bolt.Tx) error {
		a, err := getAlert(tx, id)
		if err != nil {
			return err
		}
		l, err := newLinker(tx)
		if err != nil {
			return err
		}
		r = l.record(a)
		return nil
	})
	return r, err
}

// PairFlows returns the flows between a and b (either direction) whose
// start is in [from, to], in start order; a zero bound is open. It is one
// cursor range scan.
func (s *Store) PairFlows(a, b netip.Addr, from, to time.Time) ([]flow.Flow, error) {
	var out []flow.Flow
	err := s.view(func(tx *bolt.Tx) error {
		dt, err := loadDict(tx, false)
		if err != nil {
			return err
		}
		prefix := appendPair(nil, a, b)
		start := appendU64(bytes.Clone(prefix), timeKey(from))
		end := timeKey(to)
		c := tx.Bucket(bFlows).Cursor()
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if !to.IsZero() && beU64(k[len(prefix):]) > end {
				break
			}
			var f flow.Flow
			if err := decodeFlow(k, v, &f, dt); err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	return out, err
}

// FlowsTo returns every flow whose destination is dst (the blast radius:
// which other hosts reach the same pool): one range scan per source host.
func (s *Store) FlowsTo(dst netip.Addr) ([]flow.Flow, error) {
	var out []flow.Flow
	dst = canon(dst)
	err := s.view(func(tx *bolt.Tx) error {
		dt, err := loadDict(tx, false)
		if err != nil {
			return err
		}
		prefix := appendAddr(nil, dst)
		flows := tx.Bucket(bFlows).Cursor()
		c := tx.Bucket(bFlowsByDst).Cursor()
		var pk []byte
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			src, n := readAddr(k[len(prefix):])
			if n == 0 {
				return errCorrupt
			}
			pk = appendPair(pk[:0], src, dst)
			for fk, v := flows.Seek(pk); fk != nil && bytes.HasPrefix(fk, pk); fk, v = flows.Next() {
				var f flow.Flow
				if err := decodeFlow(fk, v, &f, dt); err != nil {
					return err
				}
				if f.Dst == dst {
					out = append(out, f)
				}
			}
		}
		return nil
	})
	return out, err
}

// ScanFlows calls fn for every stored flow, grouped by host pair and in
// start order within a pair. fn runs inside a read transaction: it must
// not write to the store.
func (s *Store) ScanFlows(fn func(*flow.Flow) error) error {
	return s.view(func(tx *bolt.Tx) error {
		dt, err := loadDict(tx, false)
		if err != nil {
			return err
		}
		var f flow.Flow
		return tx.Bucket(bFlows).ForEach(func(k, v []byte) error {
			if err := decodeFlow(k, v, &f, dt); err != nil {
				return err
			}
			return fn(&f)
		})
	})
}

// CacheGet returns a cached derived result.
func (s *Store) CacheGet(key string) ([]byte, bool, error) {
	var out []byte
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bCache).Get([]byte(key)); v != nil {
			out, ok = bytes.Clone(v), true
		}
		return nil
	})
	return out, ok, err
}

// CachePut keeps a derived result by key. A read-only store does not
// cache: that is not an error, the result is just recomputed next time.
func (s *Store) CachePut(key string, val []byte) error {
	if s.readOnly {
		return nil
	}
	if key == "" {
		return fmt.Errorf("store: empty cache key")
	}
	return s.updateWithin(min(s.timeout, cacheTimeout), func(tx *bolt.Tx) error { return tx.Bucket(bCache).Put([]byte(key), val) })
}
