package store

import (
	"bytes"
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
	chunks [][]byte
	ents   []batchEnt
}

type batchEnt struct {
	chunk      uint32
	off        uint32
	klen, vlen uint32
}

const chunkSize = 4 << 20

// add copies k and v into the batch and returns the entry's index.
func (b *batch) add(k, v []byte) int {
	n := len(k) + len(v)
	if len(b.chunks) == 0 || cap(b.chunks[len(b.chunks)-1])-len(b.chunks[len(b.chunks)-1]) < n {
		b.chunks = append(b.chunks, make([]byte, 0, max(chunkSize, n)))
	}
	ci := len(b.chunks) - 1
	c := b.chunks[ci]
	off := len(c)
	c = append(c, k...)
	c = append(c, v...)
	b.chunks[ci] = c
	b.ents = append(b.ents, batchEnt{chunk: uint32(ci), off: uint32(off), klen: uint32(len(k)), vlen: uint32(len(v))})
	return len(b.ents) - 1
}

func (b *batch) key(e batchEnt) []byte {
	return b.chunks[e.chunk][e.off : e.off+e.klen : e.off+e.klen]
}

func (b *batch) val(e batchEnt) []byte {
	s := e.off + e.klen
	return b.chunks[e.chunk][s : s+e.vlen : s+e.vlen]
}

// keyAt is the key of entry i.
func (b *batch) keyAt(i int) []byte { return b.key(b.ents[i]) }

// len is the number of entries.
func (b *batch) len() int { return len(b.ents) }

// flush inserts every entry into bk in key order. fill is the bucket's
// FillPercent for this transaction (0 keeps bbolt's default): bulk
// appends pack pages fuller.
func (b *batch) flush(bk *bolt.Bucket, fill float64) error {
	if len(b.ents) == 0 {
		return nil
	}
	slices.SortFunc(b.ents, func(x, y batchEnt) int { return bytes.Compare(b.key(x), b.key(y)) })
	if fill > 0 {
		bk.FillPercent = fill
	}
	for _, e := range b.ents {
		if err := bk.Put(b.key(e), b.val(e)); err != nil {
			return err
		}
	}
	return nil
}
