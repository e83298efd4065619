package capture

import "time"

// Reassembly limits. Each direction buffers at most maxOOOBytes of
// out-of-order data; all directions together at most the analysis budget
// (Options.MaxBufferBytes). Past either limit the hole is declared a gap.
const (
	maxOOOBytes    = 256 << 10
	maxOOOSegments = 1024
)

// streamSink receives one direction's bytes in order.
type streamSink interface {
	deliver(data []byte, frame int, ts time.Time)
	gap()
}

// segment is one out-of-order TCP segment waiting for the bytes before it.
type segment struct {
	seq   uint32
	data  []byte
	frame int
	ts    time.Time
}

// reassembler puts one direction of a TCP connection back in order:
// retransmitted and overlapping bytes are delivered once, out-of-order
// segments wait (bounded) for the hole before them, and a hole that will
// not be filled is reported as a gap.
type reassembler struct {
	started bool
	next    uint32 // sequence number of the next byte to deliver
	segs    []segment
	buffed  int     // bytes in segs
	budget  *budget // shared by all directions of an analysis; may be nil
	gaps    int32
	retrans int32
}

// budget caps the out-of-order bytes buffered by all directions together.
type budget struct {
	used, limit int64
}

// seqDiff is a-b in sequence space (wraps at 2^32).
func seqDiff(a, b uint32) int32 { return int32(a - b) }

// add takes one segment. syn marks a SYN (its sequence number precedes the
// data). Delivery and gaps go to sink.
func (r *reassembler) add(seq uint32, syn bool, data []byte, frame int, ts time.Time, sink streamSink) {
	if syn {
		if !r.started || seqDiff(seq+1, r.next) != 0 {
			r.reset()
			r.started, r.next = true, seq+1
		}
		seq++
	}
	if len(data) == 0 {
		return
	}
	if !r.started {
		r.started, r.next = true, seq
	}
	d := seqDiff(seq, r.next)
	if d > 0 {
		r.buffer(seq, data, frame, ts, sink)
		return
	}
	skip := int(-int64(d))
	if skip >= len(data) {
		r.retrans++
		return
	}
	data = data[skip:]
	r.next += uint32(len(data))
	sink.deliver(data, frame, ts)
	r.drain(sink)
}

// buffer keeps a copy of an out-of-order segment, in sequence order.
func (r *reassembler) buffer(seq uint32, data []byte, frame int, ts time.Time, sink streamSink) {
	i := len(r.segs)
	for i > 0 && seqDiff(r.segs[i-1].seq, seq) > 0 {
		i--
	}
	if i > 0 && r.segs[i-1].seq == seq && len(r.segs[i-1].data) >= len(data) {
		r.retrans++ // the same segment again
		return
	}
	s := segment{seq: seq, data: append([]byte(nil), data...), frame: frame, ts: ts}
	r.segs = append(r.segs, segment{})
	copy(r.segs[i+1:], r.segs[i:])
	r.segs[i] = s
	r.buffed += len(data)
	if r.budget != nil {
		r.budget.used += int64(len(data))
	}
	for len(r.segs) > 0 && (r.buffed > maxOOOBytes || len(r.segs) > maxOOOSegments || r.overBudget()) {
		r.skipHole(sink)
	}
}

func (r *reassembler) overBudget() bool {
	return r.budget != nil && r.budget.limit > 0 && r.budget.used > r.budget.limit
}

// skipHole declares the bytes before the first buffered segment lost and
// delivers what follows.
func (r *reassembler) skipHole(sink streamSink) {
	if len(r.segs) == 0 {
		return
	}
	r.gaps++
	sink.gap()
	r.next = r.segs[0].seq
	r.drain(sink)
}

// drain delivers buffered segments that are now in order.
func (r *reassembler) drain(sink streamSink) {
	n := 0
	for n < len(r.segs) {
		s := r.segs[n]
		d := seqDiff(s.seq, r.next)
		if d > 0 {
			break
		}
		n++
		if skip := int(-int64(d)); skip < len(s.data) {
			data := s.data[skip:]
			r.next += uint32(len(data))
			sink.deliver(data, s.frame, s.ts)
		}
	}
	if n > 0 {
		r.release(n)
	}
}

// release forgets the first n buffered segments.
func (r *reassembler) release(n int) {
	for _, s := range r.segs[:n] {
		r.buffed -= len(s.data)
		if r.budget != nil {
			r.budget.used -= int64(len(s.data))
		}
	}
	r.segs = append(r.segs[:0], r.segs[n:]...)
	if len(r.segs) == 0 && cap(r.segs) > 64 {
		r.segs = nil
	}
}

// acked is called with an acknowledgement from the other side: bytes the
// receiver acknowledged but the capture never held are lost for good, so
// the hole before buffered data is a gap now rather than at the cap.
func (r *reassembler) acked(ack uint32, sink streamSink) {
	if r.started && len(r.segs) > 0 && seqDiff(ack, r.next) > 0 {
		r.skipHole(sink)
	}
}

// flush delivers everything still buffered (end of capture), with gaps.
func (r *reassembler) flush(sink streamSink) {
	for len(r.segs) > 0 {
		r.skipHole(sink)
	}
}

// reset drops all state (a new connection reusing the same ports).
func (r *reassembler) reset() {
	if len(r.segs) > 0 {
		r.release(len(r.segs))
	}
	r.started, r.next = false, 0
}
