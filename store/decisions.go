package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/minertriage/minertriage/investigate/casework"
)

// AppendDecision appends d to its alert's history with the next Seq and
// returns it. The key is the alert id + big-endian Seq, and an existing key
// is never written again: a change of mind is a new entry.
func (s *Store) AppendDecision(d casework.Decision) (casework.Decision, error) {
	if d.AlertID == "" {
		return d, fmt.Errorf("store: decision without an alert id")
	}
	if d.Time.IsZero() {
		d.Time = time.Now()
	}
	d.Time = d.Time.UTC()
	err := s.update(func(tx *bolt.Tx) error {
		if _, err := getAlert(tx, d.AlertID); err != nil {
			return err
		}
		b := tx.Bucket(bDecisions)
		prefix := appendIDKey(nil, d.AlertID)
		last := uint64(0)
		c := b.Cursor()
		k, _ := c.Seek(appendU64(bytes.Clone(prefix), ^uint64(0)))
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		if k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8 {
			last = beU64(k[len(prefix):])
		}
		d.Seq = int(last + 1)
		key := appendU64(prefix, last+1)
		if b.Get(key) != nil {
			return fmt.Errorf("store: decision %d of alert %q already exists", d.Seq, d.AlertID)
		}
		raw, err := json.Marshal(d)
		if err != nil {
			return err
		}
		return b.Put(key, raw)
	})
	return d, err
}

// Decisions returns the alert's history, oldest first (empty when
// undecided; casework.ErrNotFound for an unknown alert).
func (s *Store) Decisions(alertID string) ([]casework.Decision, error) {
	out := []casework.Decision{}
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := getAlert(tx, alertID); err != nil {
			return err
		}
		prefix := appendIDKey(nil, alertID)
		c := tx.Bucket(bDecisions).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var d casework.Decision
			if err := json.Unmarshal(v, &d); err != nil {
				return errCorrupt
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// MarkFirstLook records when an analyst first opened the alert; later
// calls keep the first time. On a read-only store it does nothing.
func (s *Store) MarkFirstLook(alertID string, at time.Time) error {
	if s.readOnly {
		return nil
	}
	if s.shared {
		// Every opening of an alert calls this; in shared mode a write
		// costs two reopens, so look first.
		var seen bool
		err := s.view(func(tx *bolt.Tx) error {
			if _, err := getAlert(tx, alertID); err != nil {
				return err
			}
			seen = tx.Bucket(bFirstLook).Get([]byte(alertID)) != nil
			return nil
		})
		if err != nil || seen {
			return err
		}
	}
	return s.update(func(tx *bolt.Tx) error {
		if _, err := getAlert(tx, alertID); err != nil {
			return err
		}
		b := tx.Bucket(bFirstLook)
		if b.Get([]byte(alertID)) != nil {
			return nil
		}
		return b.Put([]byte(alertID), u64(timeKey(at)))
	})
}

// Imports returns the import log, oldest first.
func (s *Store) Imports() ([]casework.ImportRecord, error) {
	var out []casework.ImportRecord
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bImports).ForEach(func(_, v []byte) error {
			var r casework.ImportRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return errCorrupt
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}
