package store

import (
	"bytes"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Two flow indexes are kept small on purpose: bbolt holds every key of a
// transaction in memory (~100 bytes of overhead each) until commit, so a
// per-flow index entry costs ~180 MB on a 1M-flow import.
//
// flows_by_dst holds one key per (destination, source) host pair: FlowsTo
// walks the sources of a destination and range-scans each pair's flows.
//
// flows_by_session groups PAN-OS session records into at most 65,536
// values keyed by the first two bytes of the session identity hash. A
// record is identity (8) + pair key + start (8); it lets an alert find the
// TRAFFIC rows of its session logged under other addresses (NAT).

// dstKey is the flows_by_dst key: destination then source.
func dstKey(dst []byte, d, s []byte) []byte { return append(append(dst, d...), s...) }

// sessRecord is the flows_by_session record of the flow with key fk (whose
// pair key is pl bytes long).
func sessRecord(fk []byte, pl int) []byte {
	k := make([]byte, 0, len(fk))
	k = append(k, fk[pl+8:pl+16]...)
	return append(k, fk[:pl+8]...)
}

// sessBucketLen is how many leading bytes of the identity pick the value.
const sessBucketLen = 2

// flushSessions appends the records of b to their group values in bk.
// Order inside a group does not matter, so records are bucketed by their
// first two bytes (a counting pass, no sort).
func flushSessions(b *batch, bk *bolt.Bucket) error {
	if b.len() == 0 {
		return nil
	}
	sizes := make([]int, 1<<16)
	for _, e := range b.ents {
		sizes[e.pfx>>48] += int(e.k.n)
	}
	vals := make([][]byte, 1<<16)
	for _, e := range b.ents {
		g := e.pfx >> 48
		if vals[g] == nil {
			vals[g] = make([]byte, 0, sizes[g])
		}
		vals[g] = append(vals[g], b.key(e)...)
	}
	*b = batch{} // copied into vals
	for g, v := range vals {
		if v == nil {
			continue
		}
		key := binary.BigEndian.AppendUint16(nil, uint16(g))
		if old := bk.Get(key); len(old) > 0 {
			v = append(bytes.Clone(old), v...)
		}
		if err := bk.Put(key, v); err != nil {
			return err
		}
	}
	return nil
}

// sessionJoin counts the records of session id in group value v whose pair
// is not pair and whose start lies within the session-id reuse window of
// the alert time at (PAN-OS recycles session ids, so an old session with
// the same id is another connection).
func sessionJoin(v []byte, id uint64, pair []byte, at time.Time) int {
	lo, hi := timeKey(at.Add(-sessionWindow)), timeKey(at.Add(time.Hour))
	n := 0
	for len(v) > 8 {
		rid := binary.BigEndian.Uint64(v)
		pl := pairLen(v[8:])
		if pl == 0 || len(v) < 8+pl+8 {
			return n // corrupt tail: count what was readable
		}
		start := binary.BigEndian.Uint64(v[8+pl:])
		if rid == id && !bytes.Equal(v[8:8+pl], pair) && (at.IsZero() || start >= lo && start <= hi) {
			n++
		}
		v = v[8+pl+8:]
	}
	return n
}

// sessionWindow is how long before an alert its session may have started:
// a connected miner keeps one session open for days.
const sessionWindow = 7 * 24 * time.Hour
