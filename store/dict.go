package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// dict numbers the few distinct strings that repeat on every flow (proto,
// App-ID, action, end reason, firewall serial, source format, file name),
// so a flow value carries a one-byte id instead of ~55 bytes of text. A
// 1M-flow import holds every value twice in memory until bbolt commits,
// so this is ~110 MB less peak memory and a store a quarter smaller.
// Id 0 is the empty string. The bucket maps big-endian uint32 id → string
// and only grows.
type dict struct {
	names []string
	ids   map[string]uint64 // built on first use by a writer
	last  [8]struct {       // per field: the last string and its id (logs repeat)
		s  string
		id uint64
	}
	b *bolt.Bucket // set for a writer
}

var bStrings = []byte("strings")

// loadDict reads the dictionary inside tx; writable is for importers.
func loadDict(tx *bolt.Tx, writable bool) (*dict, error) {
	d := &dict{names: []string{""}}
	b := tx.Bucket(bStrings)
	err := b.ForEach(func(k, v []byte) error {
		if len(k) != 4 || int(binary.BigEndian.Uint32(k)) != len(d.names) {
			return errCorrupt
		}
		d.names = append(d.names, string(v))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("string dictionary: %w", err)
	}
	if writable {
		d.b = b
		d.ids = make(map[string]uint64, len(d.names))
		for i, s := range d.names {
			d.ids[s] = uint64(i)
		}
	}
	return d, nil
}

// id returns s's number, adding it (inside the import transaction, so a
// rolled-back import leaves no strings behind).
func (d *dict) id(s string) (uint64, error) {
	if id, ok := d.ids[s]; ok {
		return id, nil
	}
	id := uint64(len(d.names))
	if id > 1<<32-1 {
		return 0, fmt.Errorf("string dictionary is full")
	}
	if d.b != nil { // nil only in codec tests
		if err := d.b.Put(binary.BigEndian.AppendUint32(nil, uint32(id)), []byte(s)); err != nil {
			return 0, err
		}
	}
	d.names = append(d.names, s)
	d.ids[s] = id
	return id, nil
}

// idAt is id with a one-entry cache for field slot.
func (d *dict) idAt(slot int, s string) (uint64, error) {
	if c := &d.last[slot]; c.s == s && (c.id != 0 || s == "") {
		return c.id, nil
	}
	id, err := d.id(s)
	if err == nil {
		d.last[slot].s, d.last[slot].id = s, id
	}
	return id, err
}

// name returns the string numbered id, or "" and false.
func (d *dict) name(id uint64) (string, bool) {
	if id >= uint64(len(d.names)) {
		return "", false
	}
	return d.names[id], true
}
