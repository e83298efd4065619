package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// batch collects the puts for one bucket during an import and inserts them
// in key order at commit. bbolt keeps every key of a transaction in one
// unsplit node until commit, so inserting a million keys in arrival
// (random) order shifts that node's slice each time: quadratic. Sorted,
// each insert lands at or near the end.
//
// Keys and values live in chunked arenas so growth never copies what is
// already there (a 1M-flow import holds ~100 MiB of them); bbolt keeps
// referring to the value bytes until the transaction commits, so the
// arena must outlive the commit.
type batch struct {
	keys, vals arena
	ents       []batchEnt
}

type batchEnt struct {
	pfx  uint64 // the key's first 8 bytes, big-endian: most comparisons end here
	k, v span
}

// arena is a list of chunks; a span never crosses chunks.
type arena struct{ chunks [][]byte }

type span struct{ chunk, off, n uint32 }

const chunkSize = 4 << 20

func (a *arena) add(p []byte) span {
	if len(a.chunks) == 0 || cap(a.chunks[len(a.chunks)-1])-len(a.chunks[len(a.chunks)-1]) < len(p) {
		a.chunks = append(a.chunks, make([]byte, 0, max(chunkSize, len(p))))
	}
	ci := len(a.chunks) - 1
	off := len(a.chunks[ci])
	a.chunks[ci] = append(a.chunks[ci], p...)
	return span{uint32(ci), uint32(off), uint32(len(p))}
}

func (a *arena) get(s span) []byte {
	return a.chunks[s.chunk][s.off : s.off+s.n : s.off+s.n]
}

// add copies k and v into the batch and returns the entry's index.
func (b *batch) add(k, v []byte) int {
	var p [8]byte
	copy(p[:], k)
	b.ents = append(b.ents, batchEnt{pfx: binary.BigEndian.Uint64(p[:]), k: b.keys.add(k), v: b.vals.add(v)})
	return len(b.ents) - 1
}

func (b *batch) key(e batchEnt) []byte { return b.keys.get(e.k) }
func (b *batch) val(e batchEnt) []byte { return b.vals.get(e.v) }

// keyAt is the key of entry i.
func (b *batch) keyAt(i int) []byte { return b.key(b.ents[i]) }

// len is the number of entries.
func (b *batch) len() int { return len(b.ents) }

// flush inserts every entry into bk in key order. fill is the bucket's
// FillPercent for this transaction (0 keeps bbolt's default): bulk
// appends pack pages fuller. Afterwards the keys and the index are
// dropped (bbolt copied the keys); the values stay, bbolt refers to them
// until the commit.
func (b *batch) flush(bk *bolt.Bucket, fill float64) error {
	if len(b.ents) == 0 {
		return nil
	}
	slices.SortFunc(b.ents, func(x, y batchEnt) int {
		if x.pfx != y.pfx {
			return cmp.Compare(x.pfx, y.pfx)
		}
		return bytes.Compare(b.key(x), b.key(y))
	})
	if fill > 0 {
		bk.FillPercent = fill
	}
	for _, e := range b.ents {
		if err := bk.Put(b.key(e), b.val(e)); err != nil {
			return err
		}
	}
	b.keys, b.ents = arena{}, nil
	return nil
}
