package capture

import (
	"net/netip"
)

// Limits of IP reassembly: a datagram is at most 64 KiB, and only so many
// may be pending at once (the oldest is dropped first).
const (
	maxDatagram     = 65535
	maxPendingFrags = 256
)

type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    uint8
}

// fragBuf collects the fragments of one datagram.
type fragBuf struct {
	data  []byte
	spans [][2]int // received byte ranges, merged
	total int      // datagram length, known once the last fragment arrives; -1 before
}

// defragmenter reassembles IPv4 and IPv6 fragments.
type defragmenter struct {
	pending     map[fragKey]*fragBuf
	order       []fragKey
	fragments   int // fragments seen
	reassembled int // datagrams completed
	dropped     int // datagrams given up (limit reached or inconsistent)
}

// add takes one fragment from p and returns the reassembled transport
// payload (header included) once the datagram is complete.
func (d *defragmenter) add(p *packet) ([]byte, bool) {
	d.fragments++
	if d.pending == nil {
		d.pending = map[fragKey]*fragBuf{}
	}
	k := fragKey{p.src, p.dst, p.fragID, p.proto}
	fb := d.pending[k]
	if fb == nil {
		if len(d.pending) >= maxPendingFrags {
			d.evict()
		}
		fb = &fragBuf{total: -1}
		d.pending[k] = fb
		d.order = append(d.order, k)
	}
	end := p.fragOff + len(p.fragData)
	if end > maxDatagram || fb.total >= 0 && end > fb.total {
		d.drop(k)
		return nil, false
	}
	if !p.fragMore {
		fb.total = end
	}
	if len(fb.data) < end {
		fb.data = append(fb.data, make([]byte, end-len(fb.data))...)
	}
	copy(fb.data[p.fragOff:end], p.fragData)
	fb.spans = mergeSpan(fb.spans, p.fragOff, end)
	if fb.total < 0 || len(fb.spans) != 1 || fb.spans[0] != [2]int{0, fb.total} {
		return nil, false
	}
	delete(d.pending, k)
	d.reassembled++
	return fb.data[:fb.total], true
}

// mergeSpan adds [lo, hi) to sorted, disjoint spans.
func mergeSpan(spans [][2]int, lo, hi int) [][2]int {
	out := spans[:0:0]
	placed := false
	for _, s := range spans {
		switch {
		case s[1] < lo:
			out = append(out, s)
		case s[0] > hi:
			if !placed {
				out, placed = append(out, [2]int{lo, hi}), true
			}
			out = append(out, s)
		default:
			lo, hi = min(lo, s[0]), max(hi, s[1])
		}
	}
	if !placed {
		out = append(out, [2]int{lo, hi})
	}
	return out
}

func (d *defragmenter) evict() {
	for len(d.order) > 0 {
		k := d.order[0]
		d.order = d.order[1:]
		if _, ok := d.pending[k]; ok {
			d.drop(k)
			return
		}
	}
}

func (d *defragmenter) drop(k fragKey) {
	if _, ok := d.pending[k]; ok {
		delete(d.pending, k)
		d.dropped++
	}
}
