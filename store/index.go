package store

import (
	"bytes"
	"encoding/binary"
	"slices"
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
func flushSessions(b *batch, bk *bolt.Bucket) error {
	if b.len() == 0 {
		return nil
	}
	slices.SortFunc(b.ents, func(x, y batchEnt) int { return bytes.Compare(b.key(x), b.key(y)) })
	for i := 0; i < len(b.ents); {
		prefix := b.keyAt(i)[:sessBucketLen]
		j, n := i, 0
		for ; j < len(b.ents) && bytes.HasPrefix(b.keyAt(j), prefix); j++ {
			n += len(b.keyAt(j))
		}
		old := bk.Get(prefix)
		val := make([]byte, 0, len(old)+n)
		val = append(val, old...)
		for ; i < j; i++ {
			val = append(val, b.keyAt(i)...)
		}
		if err := bk.Put(bytes.Clone(prefix), val); err != nil {
			return err
		}
	}
	*b = batch{} // the values were copied into val
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
